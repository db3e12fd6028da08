//go:build linux

package conntrackdiff

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/testns"
)

// eventCases are the -E listeners compared: both tools listen to the same
// namespace at once, so they see the very same events.
var eventCases = []Case{
	c("-E").want("[NEW]", "[UPDATE]", "[DESTROY]", "flow events have been shown"),
	c("-E", "-e", "NEW"),
	c("-E", "-e", "UPDATE,DESTROY"),
	c("-E", "-e", "ALL"),
	c("-E", "-o", "xml").want("<flow type=\"new\">"),
	c("-E", "-o", "timestamp").with(norm{stamps: true}),
	c("-E", "-o", "extended,id"),
	c("-E", "-p", "udp"),
	c("-E", "-s", "192.0.2.90"),
	c("-E", "-m", "3"),
	c("-E", "-f", "ipv6"),
	c("-E", "conntrack"),
	c("-E", "expect"),
}

// eventMakers change the table while the listeners run.
var eventMakers = [][]string{
	{"-I", "-p", "udp", "-s", "192.0.2.90", "-d", "198.51.100.90", "--sport", "1", "--dport", "2", "-t", "5000", "-m", "3"},
	{"-I", "-p", "tcp", "-s", "2001:db8::90", "-d", "2001:db8::91", "--sport", "1", "--dport", "2", "--state", "ESTABLISHED", "-t", "5000", "-w", "4"},
	{"-U", "-p", "udp", "-s", "192.0.2.90", "-m", "4"},
	{"-U", "-p", "tcp", "-f", "ipv6", "-w", "4", "-u", "ASSURED"},
	{"-D", "-p", "udp", "-s", "192.0.2.90"},
	{"-D", "-f", "ipv6", "-w", "4"},
}

// TestEvents starts both tools listening in one namespace, waits until
// both are subscribed, makes events with conntrack, stops both with
// SIGINT and compares what they printed.
func TestEvents(t *testing.T) {
	ref, cand := reference(t), candidate(t)
	ct := requireConntrack(t)
	for _, k := range eventCases {
		t.Run(caseName(k.Args), func(t *testing.T) {
			t.Parallel()
			ns := newFixture(t, fixtureOpts{})
			before := subscribers(t, ns)
			rl, err := startListener(ns, ref, k.Args)
			if err != nil {
				t.Fatal(err)
			}
			cl, err := startListener(ns, cand, k.Args)
			if err != nil {
				t.Fatal(err)
			}
			waitSubscribed(t, ns, before+2, rl, cl)
			for _, m := range eventMakers {
				cmd := ns.Command(context.Background(), ct, m...)
				_ = cmd.Run() // each maker's own output is no concern here
			}
			time.Sleep(200 * time.Millisecond) // let both drain their sockets
			r, err := rl.stop()
			if err != nil {
				t.Fatal(err)
			}
			cr, err := cl.stop()
			if err != nil {
				t.Fatal(err)
			}
			n := k.Norm
			n.progname = true
			var mm string
			if !n.equal(r, cr) {
				mm = report(ref.label, cand.label, n, r, cr)
			}
			check(t, k, r, mm, nil)
		})
	}
}

// listener is a running -E.
type listener struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	argv           []string
	done           chan error
	at             time.Time
}

// startListener starts tl with args in ns.
func startListener(ns *testns.NS, tl *tool, args []string) (*listener, error) {
	l := &listener{argv: argv(in(ns), args), done: make(chan error, 1), at: time.Now()}
	l.cmd = tl.command(context.Background(), in(ns), args)
	l.cmd.Stdout, l.cmd.Stderr = &l.stdout, &l.stderr
	if err := ns.Start(l.cmd); err != nil {
		return nil, err
	}
	go func() { l.done <- l.cmd.Wait() }()
	return l, nil
}

// exited reports whether the listener ended already (and how).
func (l *listener) exited() (bool, error) {
	select {
	case err := <-l.done:
		l.done <- err
		return true, err
	default:
		return false, nil
	}
}

// stop sends SIGINT (ip netns exec replaced itself with the tool, so the
// signal reaches it) and returns what the listener printed and its exit
// status.
func (l *listener) stop() (result, error) {
	_ = l.cmd.Process.Signal(os.Interrupt)
	var err error
	select {
	case err = <-l.done:
	case <-time.After(runTimeout):
		_ = l.cmd.Process.Kill()
		<-l.done
		return result{}, fmt.Errorf("%s: did not end on SIGINT", strings.Join(l.argv, " "))
	}
	r := result{Stdout: l.stdout.String(), Stderr: l.stderr.String(), Argv: l.argv, At: l.at}
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.Code = 128 + int(ws.Signal())
		} else {
			r.Code = ee.ExitCode()
		}
	} else if err != nil {
		return r, err
	}
	return r, nil
}

// subscribers counts the netfilter netlink sockets of ns that joined a
// multicast group (/proc/net/netlink: protocol 12, groups not 0).
func subscribers(t *testing.T, ns *testns.NS) int {
	t.Helper()
	out := ns.Run("cat", "/proc/net/netlink")
	n := 0
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 4 && f[1] == "12" && strings.Trim(f[3], "0") != "" {
			n++
		}
	}
	return n
}

// waitSubscribed waits until ns has want subscribed sockets, failing t
// when a listener ends first or after a few seconds.
func waitSubscribed(t *testing.T, ns *testns.NS, want int, ls ...*listener) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for subscribers(t, ns) < want {
		for _, l := range ls {
			if done, err := l.exited(); done {
				t.Fatalf("%s ended before subscribing (%v)\nstdout:\n%sstderr:\n%s", strings.Join(l.argv, " "), err, l.stdout.String(), l.stderr.String())
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the listeners did not subscribe within 5s (want %d subscribed sockets)", want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
