//go:build linux

package nstatdiff

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/testns"
)

// A fake daemon serves a fixed table on an abstract socket, as nstat's
// daemon does (the table, then EOF), so that the clients can be compared
// on tables no kernel gives (the largest value, long names, odd rates,
// garbage) and on a peer they must not trust: a daemon on @nstat0 run by
// a user other than root and the client's. It is this test binary run
// again with fakeEnvName set; TestMain hands it to fakeDaemonMain.
const (
	fakeEnvName  = "NSTATDIFF_FAKE_DAEMON" // the abstract name to listen on
	fakeEnvTable = "NSTATDIFF_FAKE_TABLE"  // the file whose content it serves
)

// fakeDaemonMain is the fake daemon: it listens, says "ready" on stdout,
// serves the table to every client and ends when its stdin closes.
func fakeDaemonMain() int {
	table, err := os.ReadFile(os.Getenv(fakeEnvTable))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("unix", "@"+os.Getenv(fakeEnvName))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println("ready")
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			return 1
		}
		c.Write(table)
		c.Close()
	}
}

var fakeBin struct {
	once sync.Once
	path string
	err  error
}

// fakeBinary copies this test binary where another user can run it.
func fakeBinary(t *testing.T) string {
	t.Helper()
	fakeBin.once.Do(func() {
		self, err := os.Executable()
		if err != nil {
			fakeBin.err = err
			return
		}
		b, err := os.ReadFile(self)
		if err != nil {
			fakeBin.err = err
			return
		}
		fakeBin.path = filepath.Join(work, "fakedaemon")
		fakeBin.err = os.WriteFile(fakeBin.path, b, 0o755)
	})
	if fakeBin.err != nil {
		t.Fatal(fakeBin.err)
	}
	return fakeBin.path
}

// fake is a running fake daemon.
type fake struct {
	ns    *testns.NS
	name  string
	cmd   *exec.Cmd
	stdin io.Closer
}

// startFake starts a fake daemon in ns, as uid, on @name, serving table.
func startFake(t *testing.T, ns *testns.NS, uid int, name, table string) *fake {
	t.Helper()
	tf, err := os.CreateTemp(work, "table")
	if err == nil {
		_, err = tf.WriteString(table)
		tf.Close()
	}
	if err == nil {
		err = os.Chmod(tf.Name(), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	argv := []string{fakeBinary(t)}
	if uid != 0 {
		testns.RequireTool(t, "setpriv")
		id := strconv.Itoa(uid)
		argv = append([]string{"setpriv", "--reuid=" + id, "--regid=" + id, "--clear-groups"}, argv...)
	}
	cmd := ns.Command(context.Background(), argv[0], argv[1:]...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", fakeEnvName + "=" + name, fakeEnvTable + "=" + tf.Name()}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := ns.Start(cmd); err != nil {
		t.Fatal(err)
	}
	f := &fake{ns: ns, name: name, cmd: cmd, stdin: stdin}
	t.Cleanup(f.stop)
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		ready <- line == "ready\n"
		io.Copy(io.Discard, stdout)
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("the fake daemon did not start on @%s", name)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the fake daemon not ready on @%s after 10s", name)
	}
	return f
}

// stop ends the fake daemon and waits until its socket is gone.
func (f *fake) stop() {
	if f.stdin == nil {
		return
	}
	f.stdin.Close()
	f.stdin = nil
	done := make(chan struct{})
	go func() { f.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		f.cmd.Process.Kill()
	}
	waitListening(f.ns, f.name, false)
}

// fakeHeader is the header of the fake tables: a daemon's, as nstat
// writes it.
const fakeHeader = "#4242.1804289383 sampling_interval=1 time_const=60\n"

// forgedDaemon: a daemon on @nstat0 run by user 65534 is no daemon to a
// root client (it reads the kernel), but is to a client of user 65534.
func forgedDaemon(t *testing.T, ref, cand *tool) {
	rn := newRunner(t, ref, cand)
	sq := &sequence{rn: rn}
	sq.refP, sq.candP = rn.newPaths()
	startFake(t, rn.ns, 65534, daemonName(0), fakeHeader+"IpInReceives                    999999               5.0\n")
	sq.step(t, s("-as Ip*", `^#kernel\n`, `(?m)^IpInReceives +[1-9]`))
	sq.step(t, s("", `^#kernel\n`, wTCP))
	sq.step(t, step{args: []string{"-as"}, uid: 65534, want: []string{`^` + fakeHeader + `IpInReceives +999999 +5\.0\n$`}})
}

// craftedTables: the clients print tables no kernel gives, alike.
func craftedTables(t *testing.T, ref, cand *tool) {
	rn := newRunner(t, ref, cand)
	sq := &sequence{rn: rn, daemon: daemonName(0)}
	sq.refP, sq.candP = rn.newPaths()
	first := fakeHeader +
		"IpInReceives                    18446744073709551615   0.1\n" +
		"IpInDelivers                    0                  0.0\n" +
		"IpOutRequests                   0                  0.04\n" +
		"TcpMaxConn                      5                  1.0\n" +
		"TcpActiveOpens                  7\n" +
		"CounterWithAVeryLongNameOfMoreThan32Chars 3 2.25\n" +
		"UdpInDatagrams\t12\t1e2\n" +
		"Ip6InOctets                     100                0.05\n" +
		"IcmpInMsgs                      5              12345.678\n"
	f := startFake(t, rn.ns, 0, daemonName(0), first)
	for _, st := range []step{
		s("-as", `(?m)^IpInReceives +18446744073709551615 `, `CounterWithAVeryLongNameOfMoreThan32Chars3`),
		s("-asz", `(?m)^IpInDelivers +0 `),
		// nstat 6.1 writes JSON values through a 32-bit unsigned int:
		// 18446744073709551615 comes out as 4294967295.
		s("-asj", `"IpInReceives":4294967295,`),
		s("-asjp"),
		s("-as *Long* Ip6*"),
		s("-n", "^$"),
		s("-s"),
		s("-z"),
	} {
		sq.step(t, st)
	}
	// The same daemon later: values up, one down, one gone, one new.
	f.stop()
	f = startFake(t, rn.ns, 0, daemonName(0), fakeHeader+
		"IpInReceives                    5                  0.0\n"+
		"IpInDelivers                    3                  0.5\n"+
		"TcpActiveOpens                  9                  0.2\n"+
		"CounterWithAVeryLongNameOfMoreThan32Chars 10 0.0\n"+
		"UdpInDatagrams                  12                 0.0\n"+
		"Ip6InOctets                     150                0.05\n"+
		"NewCounter                      4                  0.4\n")
	for _, st := range []step{
		s("-s", `(?m)^TcpActiveOpens +2 `, `(?m)^NewCounter +4 `),
		s("-sz", `\(overflow\)`),
		s("-sj"),
		s(""),
		s("-z"),
	} {
		sq.step(t, st)
	}
	// A table the clients cannot read.
	f.stop()
	f = startFake(t, rn.ns, 0, daemonName(0), fakeHeader+"IpInReceives 5 0.0\nIpInDelivers x\n")
	sq.step(t, s("-as", "error parsing"))
	sq.step(t, s("", "error parsing"))
	// A table without a header.
	f.stop()
	startFake(t, rn.ns, 0, daemonName(0), "IpInReceives 6 1.0\nTcpActiveOpens 9 0.0\n")
	sq.step(t, s("-as"))
	sq.step(t, s(""))
	sq.step(t, s(""))
}
