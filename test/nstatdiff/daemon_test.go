//go:build linux

package nstatdiff

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/testns"
)

// Daemon mode. "nstat -d SECS" binds the abstract unix socket
// "@nstat<UID>", goes to the background and samples the counters every
// SECS seconds, keeping a moving average of each counter's rate (time
// constant -t, 60 s by default). A client (any run without -d) first tries
// to connect to "@nstat<its UID>", then to "@nstat0"; if a peer answers and
// is root or the client's own user, the client reads the daemon's table
// ("#PID.RANDOM sampling_interval=S time_const=T" and "NAME VALUE RATE"
// lines) instead of /proc, whatever its other options (-a, -s, -n alike),
// and then deals with history as usual: a history file written from another
// source (the kernel, or another daemon) is "stale" and ignored. Abstract
// unix sockets belong to a network namespace, so a daemon started inside a
// test namespace serves only clients in that namespace.
//
// TestDaemon checks both directions of interoperation, each in a namespace
// of its own: the installed nstat as the daemon with both tools as its
// clients, then stackbox as the daemon with both tools as clients (the two
// clients' outputs and history files compared exactly, since they print
// what one daemon sent), and finally both daemons side by side in one
// namespace (nstat's as root on @nstat0, stackbox's as user 65534 on
// @nstat65534), their tables compared after the same traffic, rates within
// the tolerance of normalize_test.go. Two more put a fake daemon
// (fakedaemon_test.go) before the clients: one run by another user, which a
// root client must not trust, and one serving tables no kernel gives.
func TestDaemon(t *testing.T) {
	ref, cand := reference(t), candidate(t)
	t.Run(ref.label+" daemon", func(t *testing.T) {
		t.Parallel()
		clientsOfDaemon(t, ref, cand, ref)
	})
	t.Run(cand.label+" daemon", func(t *testing.T) {
		t.Parallel()
		clientsOfDaemon(t, ref, cand, cand)
	})
	t.Run("side by side", func(t *testing.T) {
		t.Parallel()
		daemonsSideBySide(t, ref, cand)
	})
	t.Run("daemon of another user", func(t *testing.T) {
		t.Parallel()
		forgedDaemon(t, ref, cand)
	})
	t.Run("crafted tables", func(t *testing.T) {
		t.Parallel()
		craftedTables(t, ref, cand)
	})
}

// daemonName is the abstract socket a daemon run by uid listens on.
func daemonName(uid int) string { return "nstat" + strconv.Itoa(uid) }

// clientsOfDaemon starts daemon (one of ref and cand) with -d 1 and compares
// the two tools as its clients.
func clientsOfDaemon(t *testing.T, ref, cand, daemon *tool) {
	rn := newRunner(t, ref, cand)
	sq := &sequence{rn: rn}
	sq.refP, sq.candP = rn.newPaths()
	// Histories taken from the kernel, to be found stale by the daemon's
	// clients.
	sq.step(t, s("-n"))

	pid, _ := startDaemon(t, rn, daemon, 0, "-d", "1")
	sq.daemon = daemonName(0)
	header := `^#` + strconv.Itoa(pid) + `\.\d+ sampling_interval=1 time_const=60\n`

	// A second daemon cannot have the name: both tools must say so.
	sq.step(t, s("-d 1", "Address already in use"))
	sq.step(t, s("--scan=1", "Address already in use"))

	for _, st := range []step{
		s("", "history is stale", header, wTCP),
		s("", header+"$"),
		s("-s"),
		s("-a", header, wTCP),
		s("-as", header),
		s("-asz"),
		s("-asj", `^\{"`+strconv.Itoa(pid)+`\.\d+ sampling_interval=1 time_const=60":\{"IpInReceives":[1-9]`),
		s("-asjp"),
		s("-as Tcp* Udp*", wTCP),
		s("-z Tcp*"),
		s("-n", "^$"),
		s("-j"),
		s("-r", wTCP),
		{args: []string{"-z"}, swap: true, want: []string{header, `(?m)^IpInReceives +0 +0\.0$`}},
		s("-as -t 5 Icmp*", wICMP),
		// Another user's client finds no @nstat65534 and falls back to
		// root's daemon on @nstat0.
		{args: []string{"-as", "Tcp*"}, uid: 65534, want: []string{header, wTCP}},
	} {
		sq.step(t, st)
	}

	// Traffic while the daemon runs, then a sampling tick: the rates
	// the daemon hands out are no longer zero.
	if err := makeTraffic(rn.ns); err != nil {
		t.Fatal(err)
	}
	if _, err := waitQuiet(rn.ns); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1200 * time.Millisecond)
	rate := `(?m)^IpInReceives +[1-9]\d* +([1-9]\d*\.\d|0\.[1-9])$`
	for _, st := range []step{
		s("-as", rate),
		s("", rate, `(?m)^TcpActiveOpens +2 `),
		s("-s"),
		s("-asz Ip*", rate),
		s("-asj"),
		s("Udp* -s"),
		// Nothing new since: zero deltas, shown for their rates.
		{args: []string{"-s"}, swap: true, want: []string{`(?m)^IpInReceives +0 +([1-9]\d*\.\d|0\.[1-9])$`}},
	} {
		sq.step(t, st)
	}

	// Without the daemon, the history it left is stale to a kernel run.
	stopDaemon(t, rn.ns, pid, sq.daemon)
	sq.daemon = ""
	sq.step(t, s("", "history is stale", `^#kernel\n`))
	sq.step(t, s("", wNothing))
}

// daemonsSideBySide runs both daemons in one namespace, the reference as
// root and the candidate as user 65534, and compares their tables: at the
// start (nothing moved yet: identical but for the header's pid and random
// number) and after the same traffic.
func daemonsSideBySide(t *testing.T, ref, cand *tool) {
	testns.RequireTool(t, "setpriv")
	rn := newRunner(t, ref, cand)
	const uid = 65534
	args := []string{"-d", "1", "-t", "10"}
	_, refStart := startDaemon(t, rn, ref, 0, args...)
	_, candStart := startDaemon(t, rn, cand, uid, args...)
	refName, candName := daemonName(0), daemonName(uid)
	if rep := compareDumps(ref.label, refStart, cand.label, candStart); rep != "" {
		t.Errorf("the daemons' first tables differ:\n%s", rep)
	}
	// Let both take a sample, then make traffic and let them take two or
	// three more.
	time.Sleep(1100 * time.Millisecond)
	if err := makeTraffic(rn.ns); err != nil {
		t.Fatal(err)
	}
	if _, err := waitQuiet(rn.ns); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	a, err := dumpDaemon(rn.ns, refName)
	if err != nil {
		t.Fatalf("%s daemon: %v", ref.label, err)
	}
	b, err := dumpDaemon(rn.ns, candName)
	if err != nil {
		t.Fatalf("%s daemon: %v", cand.label, err)
	}
	if rep := compareDumps(ref.label, a, cand.label, b); rep != "" {
		t.Errorf("the daemons' tables differ after the same traffic:\n%s", rep)
	} else if *flagShow {
		t.Logf("%s daemon's table:\n%s%s daemon's table:\n%s", ref.label, a, cand.label, b)
	}
	if m := maxRate(a); m < 1 {
		t.Errorf("the reference daemon shows no rate above %.1f after the traffic: the comparison of rates tests nothing\n%s", m, a)
	}
}

// startDaemon starts tl as a daemon in the runner's namespace (as uid)
// with args, checks that it went to the background quietly and listens,
// and makes sure it is stopped when the test ends. It returns the daemon's
// pid (from its header) and its first table.
func startDaemon(t *testing.T, rn *runner, tl *tool, uid int, args ...string) (int, string) {
	t.Helper()
	name := daemonName(uid)
	r, err := tl.run(&invocation{ns: rn.ns, args: args, hist: os.DevNull, uid: uid})
	if err != nil {
		t.Fatal(err)
	}
	// nstat's daemon start prints nothing and exits 0 once the child is
	// on its way; anything else is a difference.
	if r.Code != 0 || r.Stdout != "" || r.Stderr != "" {
		t.Fatalf("%s %s: want exit 0 and no output (as nstat), got exit %d\nstdout:\n%sstderr:\n%s",
			tl.label, strings.Join(r.Argv, " "), r.Code, r.Stdout, r.Stderr)
	}
	if err := waitListening(rn.ns, name, true); err != nil {
		t.Fatalf("%s %s exited 0 but: %v", tl.label, strings.Join(args, " "), err)
	}
	d, err := dumpDaemon(rn.ns, name)
	if err != nil {
		t.Fatalf("%s daemon: %v", tl.label, err)
	}
	m := reDaemonHeader.FindStringSubmatch(strings.SplitN(d, "\n", 2)[0])
	if m == nil {
		t.Fatalf("%s daemon's table does not start with \"#PID.RANDOM sampling_interval=S time_const=T\":\n%s", tl.label, d)
	}
	pid, _ := strconv.Atoi(m[1])
	pids, err := rn.ns.Pids()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range pids {
		found = found || p == pid
	}
	if !found {
		t.Fatalf("%s daemon's header names pid %d, which is not a process of namespace %s (%v)", tl.label, pid, rn.ns.Name, pids)
	}
	t.Cleanup(func() {
		// Only while it is still the namespace's: a stopped daemon's
		// pid may have gone to another process since.
		if pids, err := rn.ns.Pids(); err == nil {
			for _, p := range pids {
				if p == pid {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
	})
	return pid, d
}

// stopDaemon ends the daemon pid (started by this test, in ns) and waits
// until its socket is gone.
func stopDaemon(t *testing.T, ns *testns.NS, pid int, name string) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		t.Fatalf("stop daemon %d: %v", pid, err)
	}
	if err := waitListening(ns, name, false); err != nil {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("daemon %d after SIGTERM: %v", pid, err)
	}
}

// listening reports whether a unix socket listens on the abstract name in
// ns (from the namespace's /proc/net/unix: flags __SO_ACCEPTCON).
func listening(ns *testns.NS, name string) (bool, error) {
	var b []byte
	err := ns.Do(func() error {
		var err error
		b, err = os.ReadFile("/proc/thread-self/net/unix")
		return err
	})
	if err != nil {
		return false, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 8 && f[7] == "@"+name && f[3] == "00010000" {
			return true, nil
		}
	}
	return false, nil
}

// waitListening waits up to 5 s for the name to be listened on (want) or
// not.
func waitListening(ns *testns.NS, name string, want bool) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := listening(ns, name)
		if err != nil {
			return err
		}
		if got == want {
			return nil
		}
		if time.Now().After(deadline) {
			if want {
				return fmt.Errorf("nothing listens on @%s in namespace %s after 5s", name, ns.Name)
			}
			return fmt.Errorf("@%s still listens in namespace %s after 5s", name, ns.Name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dumpDaemon connects to the daemon on @name in ns, as a client does, and
// returns everything it sends.
func dumpDaemon(ns *testns.NS, name string) (string, error) {
	var out []byte
	err := ns.Do(func() error {
		c, err := net.Dial("unix", "@"+name)
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		out, err = io.ReadAll(c)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read the table from @%s: %w", name, err)
	}
	return string(out), nil
}

// sequence runs steps one after the other on one pair of history files. A
// step during which the namespace's counters, or the table of the daemon
// the clients read, changed is run again from the history files as they
// were before it.
type sequence struct {
	rn          *runner
	refP, candP histPaths
	// daemon is the abstract name of the daemon the clients read, if any.
	daemon string
}

// savedFile is a history file's content, to run a step again.
type savedFile struct {
	path   string
	exists bool
	data   []byte
}

func saveFile(path string) savedFile {
	b, err := os.ReadFile(path)
	return savedFile{path: path, exists: err == nil, data: b}
}

func (f savedFile) restore() error {
	if !f.exists {
		err := os.Remove(f.path)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	return os.WriteFile(f.path, f.data, 0o600)
}

// step runs st on both tools; a difference ends the test (later steps
// depend on the history files this one left).
func (sq *sequence) step(t *testing.T, st step) outcome {
	t.Helper()
	const attempts = 3
	for try := 1; ; try++ {
		saved := []savedFile{saveFile(sq.refP.hist), saveFile(sq.candP.hist)}
		var before string
		if sq.daemon != "" {
			var err error
			if before, err = dumpDaemon(sq.rn.ns, sq.daemon); err != nil {
				t.Fatal(err)
			}
		}
		out, err := sq.rn.do(&st, sq.refP, sq.candP)
		if err != nil {
			t.Fatalf("%s: %v", st.describe(), err)
		}
		unstable := out.moved
		if sq.daemon != "" && unstable == "" {
			after, err := dumpDaemon(sq.rn.ns, sq.daemon)
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				unstable = "the daemon's table changed (a sampling tick)"
			}
		}
		if unstable == "" {
			if out.report != "" {
				t.Fatalf("%s: the tools differ\n%s", st.describe(), out.report)
			}
			for _, msg := range out.sanity {
				t.Errorf("%s: %s", st.describe(), msg)
			}
			if *flagShow {
				t.Logf("%s\nexit %d\nstdout:\n%sstderr:\n%shistory:\n%s", strings.Join(out.ref.Argv, " "),
					out.ref.Code, out.ref.Stdout, out.ref.Stderr, out.refHist.text)
			}
			return out
		}
		if try == attempts {
			t.Fatalf("%s: unstable on each of %d tries, last: %s", st.describe(), attempts, unstable)
		}
		t.Logf("%s: try %d: %s; running it again", st.describe(), try, unstable)
		for _, f := range saved {
			if err := f.restore(); err != nil {
				t.Fatal(err)
			}
		}
	}
}
