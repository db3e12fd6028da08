package nstat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// fakeTarget is a stack with counters the test sets.
type fakeTarget struct {
	mu       sync.Mutex
	counters []stack.Counter
	warnings []string
	softnet  []stack.SoftnetStat
	softErr  error
	err      error
}

func (f *fakeTarget) Counters(context.Context) (*stack.Counters, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	return &stack.Counters{List: append([]stack.Counter(nil), f.counters...), Warnings: f.warnings}, nil
}

func (f *fakeTarget) Softnet(context.Context) ([]stack.SoftnetStat, error) {
	return f.softnet, f.softErr
}

func (f *fakeTarget) Do(fn func() error) error { return fn() }

// set sets counters by name, adding those that are new at the end.
func (f *fakeTarget) set(kv ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := 0; i < len(kv); i += 2 {
		name, v := kv[i].(string), uint64(kv[i+1].(int))
		found := false
		for k := range f.counters {
			if f.counters[k].Name == name {
				f.counters[k].Value = v
				found = true
			}
		}
		if !found {
			f.counters = append(f.counters, stack.Counter{Name: name, Value: v})
		}
	}
}

var sockSeq atomic.Int64

// env is a test's world: a fake stack, a private history file and daemon
// socket, a clock and an uptime.
type env struct {
	t      *testing.T
	target *fakeTarget
	hist   string
	vars   map[string]string
	now    time.Time
	uptime int64
	socket string // the daemon socket prefix
	ctx    context.Context
}

func newEnv(t *testing.T) *env {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	e := &env{
		t:      t,
		target: &fakeTarget{},
		hist:   filepath.Join(t.TempDir(), "history"),
		now:    time.Now(),
		uptime: 3600,
		socket: fmt.Sprintf("@stackbox-nstat-run-test-%d-%d-", os.Getpid(), sockSeq.Add(1)),
		ctx:    ctx,
	}
	e.vars = map[string]string{"NSTAT_HISTORY": e.hist}
	e.target.set("IpInReceives", 100, "IpInDiscards", 0, "TcpActiveOpens", 3, "TcpExtTW", 7, "UdpNoPorts", 0)
	return e
}

func (e *env) options(out, errOut *bytes.Buffer) *Options {
	return &Options{
		IO: &cli.IO{Out: out, ErrOut: errOut},
		NewStack: func(netns string) (Target, error) {
			if netns == "missing" {
				return nil, &kernel.NetNSError{Name: netns, Op: "open", Err: syscall.ENOENT}
			}
			return e.target, nil
		},
		LookupEnv:  func(k string) (string, bool) { v, ok := e.vars[k]; return v, ok },
		Getuid:     os.Getuid,
		Now:        func() time.Time { return e.now },
		Uptime:     func() (int64, bool) { return e.uptime, e.uptime >= 0 },
		SocketName: func(uid int) string { return e.socket + strconv.Itoa(uid) },
		Daemon: func(sock *os.File, serve ServeFunc) error {
			ln, err := net.FileListener(sock) // a copy: the caller closes sock
			if err != nil {
				return err
			}
			go serve(e.ctx, ln)
			return nil
		},
		Inherited: func() (*os.File, bool) { return nil, false },
	}
}

// run runs nstat with args, as main would.
func (e *env) run(args ...string) (stdout, stderr string, code int) {
	e.t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCmdWith(e.options(&out, &errOut), nil)
	if args == nil {
		args = []string{}
	}
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	code, print := cli.ExitCode(cmd.Execute())
	if print {
		e.t.Fatalf("nstat %q returned an error for main to print", args)
	}
	return out.String(), errOut.String(), code
}

func (e *env) mustRun(args ...string) string {
	e.t.Helper()
	out, errOut, code := e.run(args...)
	if code != 0 || errOut != "" {
		e.t.Fatalf("nstat %q: exit %d, stderr %q", args, code, errOut)
	}
	return out
}

func (e *env) history() string {
	b, err := os.ReadFile(e.hist)
	if err != nil {
		e.t.Fatal(err)
	}
	return string(b)
}

func line(name string, v uint64) string {
	return fmt.Sprintf("%-32s%-16d%6.1f\n", name, v, 0.0)
}

func check(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n%s\nwant:\n%s", what, got, want)
	}
}

func TestRunHistory(t *testing.T) {
	e := newEnv(t)
	// The first run shows the counters and writes them as the history.
	first := "#kernel\n" + line("IpInReceives", 100) + line("TcpActiveOpens", 3) + line("TcpExtTW", 7)
	check(t, "first run", e.mustRun(), first)
	check(t, "history", e.history(), first)
	if st, _ := os.Stat(e.hist); st.Mode().Perm()&0o077 != 0 {
		t.Errorf("history mode %v", st.Mode().Perm())
	}

	// Then the increments.
	e.target.set("IpInReceives", 150, "TcpExtTW", 7, "UdpNoPorts", 2)
	check(t, "second run", e.mustRun(), "#kernel\n"+line("IpInReceives", 50)+line("UdpNoPorts", 2))
	check(t, "no change", e.mustRun(), "#kernel\n")
	check(t, "no change -z", e.mustRun("-z", "Ip*"), "#kernel\n"+line("IpInReceives", 0)+line("IpInDiscards", 0))

	// A counter that went down shows 0 (overflow), with -z only.
	e.target.set("TcpExtTW", 5)
	check(t, "overflow", e.mustRun("TcpExt*"), "#kernel\n")
	e.target.set("TcpExtTW", 3)
	check(t, "overflow -z", e.mustRun("-z", "TcpExt*"), "#kernel\n"+strings.TrimSuffix(line("TcpExtTW", 0), "\n")+" (overflow)\n")

	// -a shows absolute values, and still writes the history.
	e.target.set("IpInReceives", 160)
	check(t, "-a", e.mustRun("-a", "IpIn*"), "#kernel\n"+line("IpInReceives", 160))
	check(t, "after -a", e.mustRun("IpIn*"), "#kernel\n")
}

func TestRunPatternsKeepOtherHistory(t *testing.T) {
	e := newEnv(t)
	e.mustRun("-n")
	e.target.set("IpInReceives", 130, "TcpActiveOpens", 5)
	check(t, "Tcp*", e.mustRun("Tcp*"), "#kernel\n"+line("TcpActiveOpens", 2))
	check(t, "history", e.history(), "#kernel\n"+line("IpInReceives", 100)+line("TcpActiveOpens", 5)+line("TcpExtTW", 7))
	// The Ip counters' history was left alone.
	check(t, "all", e.mustRun(), "#kernel\n"+line("IpInReceives", 30))
}

func TestRunNoOutputNoUpdateReset(t *testing.T) {
	e := newEnv(t)
	check(t, "-as", e.mustRun("-as", "Ip*"), "#kernel\n"+line("IpInReceives", 100))
	if _, err := os.Stat(e.hist); !os.IsNotExist(err) {
		t.Fatalf("-as created the history (%v)", err)
	}
	check(t, "-n", e.mustRun("-n"), "")
	h := e.history()
	e.target.set("IpInReceives", 110)
	check(t, "-s", e.mustRun("-s"), "#kernel\n"+line("IpInReceives", 10))
	check(t, "history after -s", e.history(), h)
	check(t, "-s again", e.mustRun("-s"), "#kernel\n"+line("IpInReceives", 10))
	check(t, "-r", e.mustRun("-r", "Ip*"), "#kernel\n"+line("IpInReceives", 110))
	check(t, "after -r", e.mustRun("Ip*"), "#kernel\n")
}

func TestRunStaleHistory(t *testing.T) {
	e := newEnv(t)
	os.WriteFile(e.hist, []byte("#4321.1804289383 sampling_interval=1 time_const=60\n"+line("IpInReceives", 90)), 0o600)
	out, errOut, code := e.run("Ip*")
	check(t, "stderr", errOut, "nstat: history is stale, ignoring it.\n")
	check(t, "stdout", out, "#kernel\n"+line("IpInReceives", 100))
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	check(t, "history", e.history(), "#kernel\n"+line("IpInReceives", 100)+line("TcpActiveOpens", 3)+line("TcpExtTW", 7))

	// A source alone (no counters) is kept.
	os.WriteFile(e.hist, []byte("#elsewhere\n"), 0o600)
	check(t, "source only", e.mustRun("-j", "TcpA*"), `{"elsewhere":{"TcpActiveOpens":3}}`+"\n")
}

func TestRunAgedOutHistory(t *testing.T) {
	e := newEnv(t)
	e.mustRun("-n")
	// Written before the boot: reset.
	old := e.now.Add(-time.Duration(e.uptime+10) * time.Second)
	os.Chtimes(e.hist, old, old)
	out, errOut, _ := e.run("Ip*")
	check(t, "stderr", errOut, "nstat: history is aged out, resetting\n")
	check(t, "stdout", out, "#kernel\n"+line("IpInReceives", 100))
	// -a does not look at the age; an unknown uptime neither.
	os.Chtimes(e.hist, old, old)
	if _, errOut, _ := e.run("-a"); errOut != "" {
		t.Errorf("-a: stderr %q", errOut)
	}
	os.Chtimes(e.hist, old, old)
	e.uptime = -1
	if _, errOut, _ := e.run(); errOut != "" {
		t.Errorf("unknown uptime: stderr %q", errOut)
	}
}

func TestRunHistoryRefusals(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(t *testing.T, path string)
		root   bool
		stderr string
		code   int
	}{
		{
			name: "symlink",
			setup: func(t *testing.T, path string) {
				os.Symlink(filepath.Join(filepath.Dir(path), "elsewhere"), path)
			},
			stderr: "nstat: open history file: Too many levels of symbolic links\n", code: 255,
		},
		{
			name: "hard link",
			setup: func(t *testing.T, path string) {
				os.WriteFile(path, nil, 0o600)
				os.Link(path, path+".2")
			},
			stderr: "nstat: something is so wrong with history file, that I prefer not to proceed.\n", code: 255,
		},
		{
			name: "other owner", root: true,
			setup: func(t *testing.T, path string) {
				os.WriteFile(path, nil, 0o600)
				if err := os.Chown(path, 65534, 65534); err != nil {
					t.Fatal(err)
				}
			},
			stderr: "nstat: something is so wrong with history file, that I prefer not to proceed.\n", code: 255,
		},
		{
			name:   "directory",
			setup:  func(t *testing.T, path string) { os.Mkdir(path, 0o700) },
			stderr: "nstat: open history file: Is a directory\n", code: 255,
		},
		{
			name:   "garbled",
			setup:  func(t *testing.T, path string) { os.WriteFile(path, []byte("#kernel\nIpInReceives\n"), 0o600) },
			stderr: "nstat.c:146: error parsing history file\n", code: 254,
		},
		{
			name:   "missing directory",
			setup:  func(t *testing.T, path string) {},
			stderr: "nstat: open history file: No such file or directory\n", code: 255,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root && os.Geteuid() != 0 {
				t.Skip("needs root to chown")
			}
			e := newEnv(t)
			if tc.name == "missing directory" {
				e.hist = filepath.Join(e.hist, "sub", "history")
				e.vars["NSTAT_HISTORY"] = e.hist
			}
			tc.setup(t, e.hist)
			out, errOut, code := e.run()
			if out != "" || errOut != tc.stderr || code != tc.code {
				t.Errorf("stdout %q, stderr %q, exit %d; want stderr %q, exit %d", out, errOut, code, tc.stderr, tc.code)
			}
			// -as does not touch the history, so it works.
			if _, errOut, code := e.run("-as"); code != 0 || errOut != "" {
				t.Errorf("-as: exit %d, stderr %q", code, errOut)
			}
		})
	}
}

func TestRunJSON(t *testing.T) {
	e := newEnv(t)
	check(t, "-asj", e.mustRun("-asj", "Tcp*"), `{"kernel":{"TcpActiveOpens":3,"TcpExtTW":7}}`+"\n")
	check(t, "-asjp", e.mustRun("-asjp", "TcpA*"), "{\n    \"kernel\": {\n        \"TcpActiveOpens\": 3\n    }\n}\n")
	check(t, "--json", e.mustRun("-as", "--json", "TcpA*"), `{"kernel":{"TcpActiveOpens":{"value":3,"rate":0}}}`+"\n")
	// The history is text whatever the output.
	e.mustRun("-j")
	if h := e.history(); !strings.HasPrefix(h, "#kernel\nIpInReceives") {
		t.Errorf("history after -j: %q", h)
	}
}

func TestRunWarnings(t *testing.T) {
	e := newEnv(t)
	e.target.warnings = []string{"/proc/net/snmp:4: bad value \"x\" for Ip InDiscards; value left out"}
	out, errOut, code := e.run("-as", "IpIn*")
	check(t, "stderr", errOut, "nstat: /proc/net/snmp:4: bad value \"x\" for Ip InDiscards; value left out\n")
	check(t, "stdout", out, "#kernel\n"+line("IpInReceives", 100))
	if code != 0 {
		t.Errorf("exit %d", code)
	}
}

func TestRunErrors(t *testing.T) {
	e := newEnv(t)
	_, errOut, code := e.run("--netns", "missing")
	check(t, "netns", errOut, "Cannot open network namespace \"missing\": No such file or directory\n")
	if code != 255 {
		t.Errorf("netns: exit %d", code)
	}
	e.target.err = errors.New("reading /proc/net/snmp: permission denied")
	out, errOut, code := e.run("-as")
	check(t, "counters error", errOut, "nstat: reading /proc/net/snmp: permission denied\n")
	if code != 255 || out != "" {
		t.Errorf("counters error: exit %d, stdout %q", code, out)
	}
	out, errOut, code = e.run("-h")
	if out != "" || errOut != usageText || code != 255 {
		t.Errorf("-h: stdout %q, stderr %q, exit %d", out, errOut, code)
	}
	out, errOut, code = e.run("-V", "-h")
	if out != versionText || errOut != "" || code != 0 {
		t.Errorf("-V: stdout %q, stderr %q, exit %d", out, errOut, code)
	}
}

func TestRunPrometheus(t *testing.T) {
	e := newEnv(t)
	out := e.mustRun("--prometheus", "Ip*")
	want := "# HELP node_netstat_Ip_InReceives Statistic IpInReceives.\n# TYPE node_netstat_Ip_InReceives untyped\nnode_netstat_Ip_InReceives 100\n" +
		"# HELP node_netstat_Ip_InDiscards Statistic IpInDiscards.\n# TYPE node_netstat_Ip_InDiscards untyped\nnode_netstat_Ip_InDiscards 0\n"
	check(t, "--prometheus", out, want)
	if _, err := os.Stat(e.hist); !os.IsNotExist(err) {
		t.Errorf("--prometheus touched the history (%v)", err)
	}
}

func TestRunSoftnet(t *testing.T) {
	e := newEnv(t)
	e.target.softnet = []stack.SoftnetStat{
		{CPU: 0, Processed: 10, Dropped: 1, TimeSqueeze: 2, ReceivedRPS: 3, FlowLimit: 4, Columns: make([]uint32, 11)},
	}
	e.target.softErr = &kernel.PartialError{Warnings: []string{"/proc/net/softnet_stat:2: bad column 1 \"zz\"; line left out"}}
	out, errOut, code := e.run("--softnet")
	check(t, "stdout", out, "cpu processed dropped time_squeeze received_rps flow_limit_count\n0          10       1            2            3                4\n")
	check(t, "stderr", errOut, "nstat: /proc/net/softnet_stat:2: bad column 1 \"zz\"; line left out\n")
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	e.target.softErr = nil
	check(t, "-j", e.mustRun("--softnet", "-j"),
		`[{"cpu":0,"processed":10,"dropped":1,"time_squeeze":2,"received_rps":3,"flow_limit_count":4,"columns":[0,0,0,0,0,0,0,0,0,0,0]}]`+"\n")
	e.target.softErr = errors.New("open /proc/net/softnet_stat: no such file or directory")
	if _, errOut, code := e.run("--softnet"); code != 255 || errOut != "nstat: open /proc/net/softnet_stat: no such file or directory\n" {
		t.Errorf("softnet error: exit %d, stderr %q", code, errOut)
	}
}

// TestRunDaemon runs a daemon in this process and reads it as a client.
func TestRunDaemon(t *testing.T) {
	e := newEnv(t)
	if out, errOut, code := e.run("-d", "1"); out != "" || errOut != "" || code != 0 {
		t.Fatalf("-d 1: stdout %q, stderr %q, exit %d", out, errOut, code)
	}
	source := fmt.Sprintf("#%d.1804289383 sampling_interval=1 time_const=60\n", os.Getpid())
	// A client reads the daemon, not the kernel: zeros are not sent.
	check(t, "-z Ip*", e.mustRun("-z", "Ip*"), source+line("IpInReceives", 100))
	check(t, "history", e.history(), source+line("IpInReceives", 100)+line("TcpActiveOpens", 3)+line("TcpExtTW", 7))
	check(t, "-j", e.mustRun("-asj", "TcpA*"), fmt.Sprintf(`{"%s":{"TcpActiveOpens":3}}`, strings.TrimSpace(source[1:]))+"\n")
	// A second daemon cannot bind.
	_, errOut, code := e.run("-d", "1")
	check(t, "second daemon", errOut, "nstat: bind: Address already in use\n")
	if code != 255 {
		t.Errorf("second daemon: exit %d", code)
	}
	// A history from the kernel is stale for the daemon's client.
	os.WriteFile(e.hist, []byte("#kernel\n"+line("IpInReceives", 1)), 0o600)
	out, errOut, _ := e.run("Ip*")
	check(t, "stale stderr", errOut, "nstat: history is stale, ignoring it.\n")
	check(t, "stale stdout", out, source+line("IpInReceives", 100))
}

// TestRunDaemonOptions: a daemon answers with its own -z and -j.
func TestRunDaemonOptions(t *testing.T) {
	e := newEnv(t)
	e.mustRun("-d", "2", "-t", "10", "-z", "-j", "Tcp*")
	src := fmt.Sprintf("%d.1804289383 sampling_interval=2 time_const=10", os.Getpid())
	// The client cannot read JSON: nstat fails on it as on a bad history.
	out, errOut, code := e.run("-as")
	if out != "" || errOut != "nstat.c:146: error parsing history file\n" || code != 254 {
		t.Errorf("reading a -j daemon: stdout %q, stderr %q, exit %d", out, errOut, code)
	}
	e2 := newEnv(t)
	e2.target = e.target
	e2.mustRun("-d", "2", "-z")
	out = e2.mustRun("-asz", "IpInD*")
	check(t, "-z daemon", out, "#"+strings.Replace(src, "time_const=10", "time_const=60", 1)+"\n"+line("IpInDiscards", 0))
}
