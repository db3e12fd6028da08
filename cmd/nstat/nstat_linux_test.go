package nstat

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/cli"
	pkgnstat "github.com/stackbox/stackbox/pkg/nstat"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

var netnsSeq atomic.Int64

// testNetns creates a network namespace for the test, with loopback up,
// and deletes it at the end, after killing the processes left in it.
func testNetns(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip")
	}
	name := fmt.Sprintf("sbx-nstat-%d-%d", os.Getpid(), netnsSeq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("cannot create a network namespace: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "pids", name).Output(); err == nil {
			for _, f := range strings.Fields(string(out)) {
				// This process is listed too when the thread that
				// entered the namespace is its main thread.
				if pid, err := strconv.Atoi(f); err == nil && pid != os.Getpid() {
					syscall.Kill(pid, syscall.SIGTERM)
				}
			}
		}
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	if out, err := exec.Command("ip", "-n", name, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("lo up: %v: %s", err, out)
	}
	return name
}

// TestGoldenProcMatchesNstat runs the installed nstat on the same files
// and compares what it prints with the goldens. It runs nstat in a
// namespace of its own, where no nstat daemon answers.
func TestGoldenProcMatchesNstat(t *testing.T) {
	nstatBin, err := exec.LookPath("nstat")
	if err != nil {
		t.Skip("needs iproute2's nstat installed")
	}
	ns := testNetns(t)
	layouts, _ := filepath.Glob("testdata/proc/*")
	for _, dir := range layouts {
		layout := filepath.Base(dir)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() || layout == "garbled" {
			continue // nstat aborts on garbled
		}
		if _, err := os.Stat(filepath.Join(dir, "snmp")); err != nil {
			continue // a softnet_stat alone
		}
		abs, _ := filepath.Abs(dir)
		env := []string{"NSTAT_HISTORY=/nonexistent/history"}
		for _, f := range []struct{ env, file string }{
			{"PROC_NET_SNMP", "snmp"}, {"PROC_NET_SNMP6", "snmp6"},
			{"PROC_NET_NETSTAT", "netstat"}, {"PROC_NET_SCTP_SNMP", "sctp_snmp"},
		} {
			// A missing file is named anyway, so that nstat does not
			// read the host's.
			env = append(env, f.env+"="+filepath.Join(abs, f.file))
		}
		for _, g := range goldenArgs {
			if !g.nstat {
				continue
			}
			cmd := exec.Command("ip", append([]string{"netns", "exec", ns, "env"}, append(env, append([]string{nstatBin}, g.args...)...)...)...)
			got, err := cmd.Output()
			if err != nil {
				t.Errorf("%s %q: %v", layout, g.args, err)
				continue
			}
			compareGoldenReadOnly(t, filepath.Join(layout, g.file), got)
		}
	}
}

// sendUDP sends n datagrams to a closed port on 127.0.0.1 inside the
// namespace from an unconnected socket (each counts in Udp OutDatagrams
// and Ip; those the ICMP rate limit answers count in Udp NoPorts and
// Icmp).
func sendUDP(t *testing.T, ns string, n int) {
	t.Helper()
	err := kernel.New(ns).Do(func() error {
		c, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer c.Close()
		to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}
		for i := 0; i < n; i++ {
			if _, err := c.WriteTo([]byte("x"), to); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// nstatIn runs the installed nstat in the namespace with its own history
// file.
func nstatIn(t *testing.T, ns, hist string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns, "env", "NSTAT_HISTORY=" + hist, "nstat"}, args...)...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("nstat %q: %v: %s", args, err, errOut.String())
	}
	return out.String(), errOut.String()
}

// stackboxIn runs this applet, in this process, on the host kernel in the
// namespace (--netns), with its own history file.
func stackboxIn(t *testing.T, ns, hist string, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := &Options{
		IO:       &cli.IO{Out: &out, ErrOut: &errOut},
		NewStack: newKernelTarget,
		LookupEnv: func(k string) (string, bool) {
			return map[string]string{"NSTAT_HISTORY": hist}[k], k == "NSTAT_HISTORY"
		},
		Getuid:     os.Getuid,
		Now:        time.Now,
		Uptime:     func() (int64, bool) { return pkgnstat.ReadUptime("/proc/uptime") },
		SocketName: pkgnstat.SocketName,
		Daemon:     func(*os.File, ServeFunc) error { t.Fatal("no daemon here"); return nil },
		Inherited:  func() (*os.File, bool) { return nil, false },
	}
	cmd := NewCmdWith(opts, nil)
	cmd.SetArgs(append([]string{"--netns", ns}, args...))
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	if code, _ := cli.ExitCode(cmd.Execute()); code != 0 {
		t.Fatalf("stackbox nstat %q: exit %d: %s", args, code, errOut.String())
	}
	return out.String(), errOut.String()
}

// sameAnswer runs both clients until two runs of nstat around one of
// ours agree (the daemon may sample in between) and returns both
// outputs.
func sameAnswer(t *testing.T, ns string, args ...string) (nstatOut, ours string) {
	t.Helper()
	dir := t.TempDir()
	for try := 0; try < 10; try++ {
		before, _ := nstatIn(t, ns, filepath.Join(dir, "h1"), args...)
		ours, _ = stackboxIn(t, ns, filepath.Join(dir, "h2"), args...)
		after, _ := nstatIn(t, ns, filepath.Join(dir, "h1"), args...)
		if before == after {
			return before, ours
		}
	}
	t.Fatal("the daemon's answer kept changing")
	return "", ""
}

var daemonSource = regexp.MustCompile(`^#(\d+)\.1804289383 sampling_interval=1 time_const=60\n`)

// waitForDaemon waits until a daemon answers in the namespace with a
// rate and returns its pid.
func waitForDaemon(t *testing.T, ns string) int {
	t.Helper()
	hist := filepath.Join(t.TempDir(), "h")
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, _ := nstatIn(t, ns, hist, "-as")
		if m := daemonSource.FindStringSubmatch(out); m != nil {
			pid, _ := strconv.Atoi(m[1])
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("no daemon answers in %s: %q", ns, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitForRate waits until a client's answer shows IpInReceives with a
// rate.
func waitForRate(t *testing.T, ns string) string {
	t.Helper()
	hist := filepath.Join(t.TempDir(), "h")
	deadline := time.Now().Add(20 * time.Second)
	rate := regexp.MustCompile(`(?m)^IpInReceives +\d+ +([0-9.]+)$`)
	for {
		out, _ := nstatIn(t, ns, hist, "-as")
		if m := rate.FindStringSubmatch(out); m != nil && m[1] != "0.0" {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("no rate shows in %s: %q", ns, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func needNstat(t *testing.T) {
	if _, err := exec.LookPath("nstat"); err != nil {
		t.Skip("needs iproute2's nstat installed")
	}
}

// TestNstatDaemonStackboxClient: iproute2's nstat -d in a namespace, read
// by stackbox nstat --netns.
func TestNstatDaemonStackboxClient(t *testing.T) {
	needNstat(t)
	ns := testNetns(t) // its cleanup kills the daemon, which lives in ns
	if out, err := exec.Command("ip", "netns", "exec", ns, "nstat", "-d", "1").CombinedOutput(); err != nil {
		t.Fatalf("nstat -d 1: %v: %s", err, out)
	}
	pid := waitForDaemon(t, ns)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGTERM) })
	sendUDP(t, ns, 30)
	waitForRate(t, ns)

	for _, args := range [][]string{{"-as"}, {"-asz"}, {"-asj"}, {"-asjp", "Ip*"}, {"-as", "udp*", "Icmp*"}} {
		want, got := sameAnswer(t, ns, args...)
		if got != want {
			t.Errorf("%q: stackbox printed\n%s\nnstat printed\n%s", args, got, want)
		}
		if !daemonSource.MatchString(got) && !strings.Contains(got, ".1804289383 sampling_interval=1 time_const=60\"") {
			t.Errorf("%q: not the daemon's answer:\n%s", args, got)
		}
	}

	// A delta run after -n, each with its own history.
	dir := t.TempDir()
	h1, h2 := filepath.Join(dir, "h1"), filepath.Join(dir, "h2")
	for try := 0; ; try++ {
		nstatIn(t, ns, h1, "-n")
		stackboxIn(t, ns, h2, "-n")
		a, _ := nstatIn(t, ns, h1, "-s")
		b, _ := stackboxIn(t, ns, h2, "-s")
		c, _ := nstatIn(t, ns, h1, "-s")
		if a == c {
			if a != b {
				t.Errorf("delta run: stackbox printed\n%s\nnstat printed\n%s", b, a)
			}
			break
		}
		if try == 10 {
			t.Fatal("the daemon's answer kept changing")
		}
	}
	h1b, _ := os.ReadFile(h1)
	h2b, _ := os.ReadFile(h2)
	if !bytes.Equal(h1b, h2b) {
		t.Logf("history files differ (the daemon may have sampled between the runs):\n%s\n%s", h1b, h2b)
	}
}

// TestStackboxDaemonNstatClient: stackbox nstat --netns NS -d 1 (started
// as a program, which puts itself in the background as nstat does), read
// by iproute2's nstat in NS, and by stackbox.
func TestStackboxDaemonNstatClient(t *testing.T) {
	needNstat(t)
	ns := testNetns(t)
	cmd := exec.Command(os.Args[0], "--netns", ns, "-d", "1")
	cmd.Env = append(os.Environ(), appletEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Cleanup(func() { killDaemons(t, ns) })
	if err != nil || len(out) != 0 {
		t.Fatalf("stackbox nstat -d 1: %v: %q", err, out)
	}
	pid := waitForDaemon(t, ns)
	if pid == os.Getpid() || pid == cmd.Process.Pid {
		t.Errorf("the daemon runs as pid %d, not in a process of its own", pid)
	}
	// A second daemon in the namespace cannot bind, as with nstat.
	cmd = exec.Command(os.Args[0], "--netns", ns, "-d", "1")
	cmd.Env = append(os.Environ(), appletEnv+"=1")
	out, err = cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 255 || string(out) != "nstat: bind: Address already in use\n" {
		t.Errorf("a second daemon: %v: %q", err, out)
	}
	sendUDP(t, ns, 30)
	got := waitForRate(t, ns)
	if !strings.Contains(got, "UdpNoPorts") {
		t.Errorf("nstat read from stackbox's daemon:\n%s", got)
	}
	for _, args := range [][]string{{"-as"}, {"-asz"}, {"-asjp"}, {"-as", "Udp*"}} {
		want, ours := sameAnswer(t, ns, args...)
		if ours != want {
			t.Errorf("%q: stackbox printed\n%s\nnstat printed\n%s", args, ours, want)
		}
	}
	// nstat's client keeps a history of the daemon's answers and shows
	// no staleness reading it again.
	hist := filepath.Join(t.TempDir(), "h")
	nstatIn(t, ns, hist, "-n")
	if _, errOut := nstatIn(t, ns, hist); errOut != "" {
		t.Errorf("nstat reading its history of stackbox's daemon: %q", errOut)
	}
	if b, _ := os.ReadFile(hist); !daemonSource.Match(b) {
		t.Errorf("nstat's history: %q", b)
	}
}

// killDaemons ends the daemons this test binary started for ns: they
// live in the test's namespace only by their socket, so ip netns pids
// does not list them.
func killDaemons(t *testing.T, ns string) {
	self, _ := os.Executable()
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		cmdline, err := os.ReadFile(filepath.Join(p, "cmdline"))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimSuffix(string(cmdline), "\x00"), "\x00")
		exe, _ := os.Readlink(filepath.Join(p, "exe"))
		if len(args) < 3 || exe != self || args[1] != "--netns" || args[2] != ns {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(p))
		if pid != os.Getpid() {
			syscall.Kill(pid, syscall.SIGTERM)
		}
	}
}

// TestNetnsMatchesIPNetnsExec: --netns NAME prints what
// `ip netns exec NAME nstat` prints.
func TestNetnsMatchesIPNetnsExec(t *testing.T) {
	needNstat(t)
	ns := testNetns(t)
	sendUDP(t, ns, 5)
	dir := t.TempDir()
	for _, args := range [][]string{{"-asz"}, {"-as"}, {"-asjp", "Udp*"}} {
		want, _ := nstatIn(t, ns, filepath.Join(dir, "h1"), args...)
		got, _ := stackboxIn(t, ns, filepath.Join(dir, "h2"), args...)
		if got != want {
			t.Errorf("%q: stackbox --netns printed\n%s\nip netns exec nstat printed\n%s", args, got, want)
		}
	}
	// With histories: -n, traffic, then the deltas.
	nstatIn(t, ns, filepath.Join(dir, "h1"), "-n")
	stackboxIn(t, ns, filepath.Join(dir, "h2"), "-n")
	sendUDP(t, ns, 7)
	want, _ := nstatIn(t, ns, filepath.Join(dir, "h1"))
	got, _ := stackboxIn(t, ns, filepath.Join(dir, "h2"))
	if got != want {
		t.Errorf("delta: stackbox --netns printed\n%s\nip netns exec nstat printed\n%s", got, want)
	}
	if !regexp.MustCompile(`(?m)^UdpOutDatagrams +7 `).MatchString(got) {
		t.Errorf("delta run without the 7 datagrams:\n%s", got)
	}
	h1, _ := os.ReadFile(filepath.Join(dir, "h1"))
	h2, _ := os.ReadFile(filepath.Join(dir, "h2"))
	if !bytes.Equal(h1, h2) {
		t.Errorf("history files differ:\n%s\n%s", h1, h2)
	}
}

// TestRunHistoryNotWritable: a history its user cannot write (mode 0400)
// is refused by open(2), with nstat's message. The run happens on a
// thread whose file-system uid is nobody's, the history's owner.
func TestRunHistoryNotWritable(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to open files as nobody")
	}
	dir, err := os.MkdirTemp("", "nstat-mode")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	e := newEnv(t)
	e.hist = filepath.Join(dir, "history")
	e.vars["NSTAT_HISTORY"] = e.hist
	if err := os.WriteFile(e.hist, []byte("#kernel\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	os.Chmod(e.hist, 0o400)
	os.Chown(e.hist, 65534, 65534)
	type result struct {
		out, errOut string
		code        int
	}
	res := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := unix.Setfsuid(65534); err != nil {
			res <- result{errOut: err.Error(), code: -1}
			return
		}
		out, errOut, code := e.run("IpIn*")
		res <- result{out, errOut, code}
	}()
	r := <-res
	if r.out != "" || r.errOut != "nstat: open history file: Permission denied\n" || r.code != 255 {
		t.Errorf("stdout %q, stderr %q, exit %d", r.out, r.errOut, r.code)
	}
}
