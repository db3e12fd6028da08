package diff

import (
	"bytes"
	"context"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/stack"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fake is a target with fixed sockets and counters.
type fake struct {
	socks    []stack.Socket
	counters []stack.Counter
}

func (f *fake) Sockets(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	for i := range f.socks {
		s := f.socks[i]
		if q.Tables.Has(s.Table) && q.States.Has(s.State) {
			if err := fn(&s); err != nil {
				return err
			}
		}
	}
	return nil
}
func (f *fake) DestroySocket(context.Context, *stack.Socket) error { return stack.ErrNotSupported }
func (f *fake) SocketEvents(context.Context, stack.SocketQuery, func(*stack.Socket) error) error {
	return nil
}
func (f *fake) SocketSummary(context.Context) (*stack.SocketSummary, error) { return nil, nil }
func (f *fake) Processes(context.Context) (stack.ProcessMap, error)         { return nil, nil }
func (f *fake) Counters(context.Context) (*stack.Counters, error) {
	return &stack.Counters{List: f.counters}, nil
}
func (f *fake) Softnet(context.Context) ([]stack.SoftnetStat, error) { return nil, nil }

func tcp(state stack.State, local, peer string) stack.Socket {
	l, p := netip.MustParseAddrPort(local), netip.MustParseAddrPort(peer)
	return stack.Socket{Table: stack.TableTCP, Family: 2, State: state,
		Local: stack.Endpoint{Addr: l.Addr(), Port: l.Port()}, Peer: stack.Endpoint{Addr: p.Addr(), Port: p.Port()}}
}

var fakes = map[string]*fake{
	"host": {
		socks: []stack.Socket{
			tcp(stack.StateListen, "0.0.0.0:80", "0.0.0.0:0"),
			tcp(stack.StateEstablished, "10.0.0.1:80", "10.0.0.2:40000"),
			tcp(stack.StateTimeWait, "10.0.0.1:80", "10.0.0.2:39999"),
		},
		counters: []stack.Counter{{Name: "IpInReceives", Value: 100}, {Name: "TcpActiveOpens", Value: 3}, {Name: "TcpExtTW", Value: 1}, {Name: "MPTcpExtMPCapableSYNRX", Value: 0}},
	},
	"sim:web@2s/server": {
		socks: []stack.Socket{
			tcp(stack.StateListen, "0.0.0.0:80", "0.0.0.0:0"),
			tcp(stack.StateEstablished, "10.0.0.1:80", "10.0.0.2:40000"),
			tcp(stack.StateEstablished, "[fd00::1]:80", "[fd00::2]:40001"),
			tcp(stack.StateNewSynRecv, "10.0.0.1:80", "10.0.0.3:50000"),
			{Table: stack.TableUDP, Family: 2, State: stack.StateClose, Local: stack.Endpoint{Addr: netip.IPv4Unspecified(), Port: 53},
				Peer: stack.Endpoint{Addr: netip.IPv4Unspecified()}},
		},
		counters: []stack.Counter{{Name: "IpInReceives", Value: 90}, {Name: "TcpActiveOpens", Value: 3}, {Name: "TcpExtTW", Value: 0}},
	},
}

func runDiff(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := &Options{IO: &cli.IO{Out: &out, ErrOut: &errOut}, Open: func(ts *TargetSpec) (Target, error) {
		return fakes[ts.Text], nil
	}}
	cmd := NewCmdWith(opts, nil)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.Execute()
	code, print := cli.ExitCode(err)
	if print {
		errOut.WriteString(err.Error() + "\n")
	}
	return out.String(), errOut.String(), code
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"counters.txt", []string{"counters", "host", "sim:web@2s/server"}, 1},
		{"counters-all.txt", []string{"-a", "counters", "host", "sim:web@2s/server"}, 1},
		{"counters.json", []string{"--json", "counters", "host", "sim:web@2s/server"}, 1},
		{"sockets.txt", []string{"sockets", "host", "sim:web@2s/server"}, 1},
		{"sockets-all.txt", []string{"sockets", "-a", "host", "sim:web@2s/server"}, 1},
		{"sockets.json", []string{"sockets", "--json", "host", "sim:web@2s/server"}, 1},
		{"same.txt", []string{"sockets", "host", "host"}, 0},
	} {
		out, errOut, code := runDiff(t, tt.args...)
		if code != tt.code || errOut != "" {
			t.Errorf("%s: exit %d, stderr %q", tt.name, code, errOut)
		}
		golden := filepath.Join("testdata", tt.name)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if out != string(want) {
			t.Errorf("%s:\n--- got\n%s--- want\n%s", tt.name, out, want)
		}
	}
}

func TestArguments(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"counters", "host"}, "diff: want a view and two targets, got 2 arguments (see stackbox diff --help)\n"},
		{[]string{"flows", "host", "host"}, "diff: unknown view \"flows\" (want counters or sockets)\n"},
		{[]string{"counters", "host", "kernel"}, "diff: target \"kernel\": want host, host:NETNS or sim:SCENARIO[@T][/HOST]\n"},
		{[]string{"counters", "host:", "host"}, "diff: target \"host:\": no namespace after \"host:\"\n"},
		{[]string{"counters", "host", "sim:web@x"}, "diff: target sim:web@x: bad duration \"x\" (want a number and a unit: ns, us, ms, s, m, h)\n"},
	} {
		_, errOut, code := runDiff(t, tt.args...)
		if code != 2 || errOut != tt.want {
			t.Errorf("%q: exit %d, stderr %q; want 2, %q", tt.args, code, errOut, tt.want)
		}
	}
}

func TestParseTarget(t *testing.T) {
	for _, tt := range []struct {
		in, netns string
		want      TargetSpec
	}{
		{"host", "", TargetSpec{Text: "host", Host: true}},
		{"host", "blue", TargetSpec{Text: "host", Host: true, NetNS: "blue"}},
		{"host:red", "blue", TargetSpec{Text: "host:red", Host: true, NetNS: "red"}},
	} {
		got, err := ParseTarget(tt.in, tt.netns)
		if err != nil || *got != tt.want {
			t.Errorf("ParseTarget(%q, %q) = %+v, %v", tt.in, tt.netns, got, err)
		}
	}
	got, err := ParseTarget("sim:web@2s/server", "")
	if err != nil || got.Host || got.Sim.Scenario != "web" || got.Sim.At != "2s" || got.Sim.Host != "server" {
		t.Errorf("sim target: %+v, %v", got, err)
	}
}

// TestSimTargets compares two times of a shipped scenario, through the
// reference stack.
func TestSimTargets(t *testing.T) {
	var out, errOut bytes.Buffer
	opts := &Options{IO: &cli.IO{Out: &out, ErrOut: &errOut}, All: true}
	a, _ := ParseTarget("sim:burst@0s", "")
	b, _ := ParseTarget("sim:burst@0s/gen", "")
	err := Run(context.Background(), opts, "counters", a, b)
	if code, _ := cli.ExitCode(err); code != 0 {
		t.Fatalf("exit %d (%v)", code, err)
	}
	if !bytes.Contains(out.Bytes(), []byte("| TcpExtTW ")) {
		t.Errorf("output:\n%s", out.String())
	}
	later, _ := ParseTarget("sim:burst@10ms", "")
	if code, _ := cli.ExitCode(Run(context.Background(), opts, "counters", a, later)); code != 1 {
		t.Errorf("0s and 10ms of burst: exit %d, want 1", code)
	}
	c, _ := ParseTarget("sim:burst@0s/nosuch", "")
	err = Run(context.Background(), opts, "sockets", a, c)
	if code, _ := cli.ExitCode(err); code != 2 || err.Error() != `diff: sim:burst@0s/nosuch: --host: scenario burst has no host "nosuch" (hosts: gen, sink)` {
		t.Errorf("unknown host: %v", err)
	}
}
