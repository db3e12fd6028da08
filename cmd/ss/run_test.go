package ss

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"syscall"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	report "github.com/stackbox/stackbox/pkg/report/ss"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/filter"
)

// fakeTarget is a stack holding a fixed list of sockets.
type fakeTarget struct {
	socks      []stack.Socket
	destroyErr map[uint16]error // by local port
	destroyed  []uint16
}

func (f *fakeTarget) Sockets(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	for i := range f.socks {
		s := f.socks[i]
		if !q.Tables.Has(s.Table) || !q.States.Has(s.State) || (q.Filter != nil && !q.Filter.Match(&s)) {
			continue
		}
		if err := fn(&s); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeTarget) DestroySocket(ctx context.Context, s *stack.Socket) error {
	if err := f.destroyErr[s.Local.Port]; err != nil {
		return err
	}
	f.destroyed = append(f.destroyed, s.Local.Port)
	return nil
}

func (f *fakeTarget) SocketEvents(context.Context, stack.SocketQuery, func(*stack.Socket) error) error {
	return stack.ErrNotSupported
}
func (f *fakeTarget) SocketSummary(context.Context) (*stack.SocketSummary, error) {
	return &stack.SocketSummary{Total: 3}, nil
}
func (f *fakeTarget) Processes(context.Context) (stack.ProcessMap, error) { return nil, nil }
func (f *fakeTarget) Threads(context.Context) (stack.ProcessMap, error)   { return nil, nil }
func (f *fakeTarget) Names() report.Names                                 { return nil }
func (f *fakeTarget) Resolver() filter.Resolver                           { return &fakeResolver{} }
func (f *fakeTarget) Do(fn func() error) error                            { return fn() }

type fakeResolver struct{ filter.SystemResolver }

func (*fakeResolver) EphemeralPorts() (int, int) { return 32768, 60999 }

func tcpListener(port uint16) stack.Socket {
	return stack.Socket{Table: stack.TableTCP, Family: afInet, State: stack.StateListen, SendQ: 128,
		Local: stack.Endpoint{Addr: netip.MustParseAddr("127.0.0.1"), Port: port},
		Peer:  stack.Endpoint{Addr: netip.IPv4Unspecified()}}
}

func runFake(t *testing.T, ft *fakeTarget, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := &Options{
		IO:       &cli.IO{Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }},
		NewStack: func(string, io.Writer) (Target, error) { return ft, nil },
	}
	cmd := NewCmdWith(opts, nil)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	code, print := cli.ExitCode(cmd.Execute())
	if print {
		t.Fatalf("unexpected error to print")
	}
	return out.String(), errOut.String(), code
}

// TestKillRefused: ss -K skips sockets the kernel cannot close (EOPNOTSUPP,
// ENOENT) silently, and on any other refusal prints it and stops, exit 0.
func TestKillRefused(t *testing.T) {
	ft := &fakeTarget{
		socks: []stack.Socket{tcpListener(1001), tcpListener(1002), tcpListener(1003), tcpListener(1004)},
		destroyErr: map[uint16]error{
			1001: fmt.Errorf("SOCK_DESTROY answers: %w", syscall.ENOENT),
			1003: errors.New("SOCK_DESTROY answers: Operation not permitted"),
		},
	}
	out, errOut, code := runFake(t, ft, "-Kntl")
	if code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if errOut != "SOCK_DESTROY answers: Operation not permitted\n" {
		t.Errorf("stderr %q", errOut)
	}
	want := "State  Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\n" +
		"LISTEN 0      128        127.0.0.1:1002      0.0.0.0:*          \n"
	if out != want {
		t.Errorf("stdout\n%q\nwant\n%q", out, want)
	}
	if len(ft.destroyed) != 1 || ft.destroyed[0] != 1002 {
		t.Errorf("destroyed %v, want [1002]", ft.destroyed)
	}
}

// TestSummaryJSON: -s --json prints the summary as one JSON object.
func TestSummaryJSON(t *testing.T) {
	out, _, code := runFake(t, &fakeTarget{}, "-s", "--json")
	if code != 0 || !bytes.HasPrefix([]byte(out), []byte(`{"total":3,`)) {
		t.Errorf("exit %d, stdout %q", code, out)
	}
}
