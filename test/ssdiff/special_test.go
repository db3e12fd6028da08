//go:build linux

package ssdiff

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestDispatch checks the other way to reach the applet, "stackbox ss
// ARGS", against ss on cases without the tool's own sockets.
func TestDispatch(t *testing.T) {
	if *flagCandidate != "" {
		t.Skip("-ssdiff.candidate is set: there is no stackbox binary to reach the applet through")
	}
	fx := newFixture(t, nil, true)
	ref := reference(t)
	bin := goBuild(t, "stackbox", ".")
	sb := &tool{label: "stackbox ss", dir: filepath.Dir(bin), argv0: "stackbox", pre: []string{"ss"}}
	for _, args := range []string{"-tan", "-xa", "-ua state all sport = :domain"} {
		t.Run(args, func(t *testing.T) {
			k := &Case{Args: strings.Fields(args)}
			_, mm, err := compare(fx, ref, sb, k, append(fx.nsArgs(), k.Args...), t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			if mm != nil {
				t.Errorf("outputs differ (case needs: dispatch)\n%s", mm.report)
			}
		})
	}
}

// TestDiagDump compares what -D writes: the raw netlink messages of the
// TCP dump. They are compared message by message after decoding, leaving
// out what belongs to the dumping socket (nlmsg_seq, nlmsg_pid) and the
// time left on each socket's timer (idiag_expires).
func TestDiagDump(t *testing.T) {
	fx := newFixture(t, nil, true)
	ref, cand := reference(t), candidate(t)
	for _, k := range []Case{
		{Args: []string{"-D", "{out}"}},
		{Args: []string{"-t", "-D", "{out}"}},
		{Args: []string{"-ta", "-D", "{out}"}},
		{Args: []string{"-6", "-ta", "--diag={out}"}},
		{Args: []string{"-4", "-D", "{out}", "state", "listening"}},
		{Args: []string{"-D", "{out}", "state", "time-wait"}},
		{Args: []string{"-D", "{out}", "sport", "=", ":22"}},
		{Args: []string{"-t", "-D", "-"}},
		{Args: []string{"-x", "-D", "{out}"}},
	} {
		t.Run(strings.Join(k.Args, " "), func(t *testing.T) {
			args := append(fx.nsArgs(), k.Args...)
			run := func(tl *tool) (result, normalized, error) { return runDump(t, fx, tl, args) }
			r, mm, err := compareWith(ref, cand, run, t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			if mm != nil {
				t.Errorf("dumps differ (case needs: diag)\n%s", mm.report)
			}
			if k.Args[0] != "-x" && !strings.Contains(r.Stdout, "inet_diag_msg") {
				t.Errorf("the reference dumped no socket: the case tests nothing\n%s", r.Stdout)
			}
		})
	}
}

// runDump runs a -D case: {out} becomes a fresh file whose decoded content
// is added to stdout (with "-D -" stdout itself is decoded).
func runDump(t *testing.T, fx *fixture, tl *tool, args []string) (result, normalized, error) {
	out := filepath.Join(t.TempDir(), "dump")
	args = expand(args, fx.dir, "", fx.target.Name)
	for i := range args {
		args[i] = strings.ReplaceAll(args[i], "{out}", out)
	}
	r, err := tl.run(fx, "", args)
	if err != nil {
		return r, normalized{}, err
	}
	b, err := os.ReadFile(out)
	switch {
	case err == nil:
		r.Stdout += "==== the dump file, decoded:\n" + decodeDiagDump(b)
	case !errors.Is(err, os.ErrNotExist):
		return r, normalized{}, err
	case slices.Contains(args, "-") && r.Stdout != "":
		r.Stdout = "==== stdout, decoded:\n" + decodeDiagDump([]byte(r.Stdout))
	}
	return r, normalize(r.Stdout, r.Stderr, r.Code, 0), nil
}

// decodeDiagDump renders netlink messages carrying inet_diag_msg, one
// line per message, leaving out nlmsg_seq, nlmsg_pid and idiag_expires.
func decodeDiagDump(b []byte) string {
	var sb strings.Builder
	le := binary.LittleEndian
	for len(b) > 0 {
		if len(b) < 16 {
			fmt.Fprintf(&sb, "trailing %d bytes\n", len(b))
			break
		}
		l, typ, flags := int(le.Uint32(b)), le.Uint16(b[4:]), le.Uint16(b[6:])
		if l < 16 || l > len(b) {
			fmt.Fprintf(&sb, "bad nlmsg_len %d with %d bytes left\n", l, len(b))
			break
		}
		body := b[16:l]
		switch {
		case typ == unix.NLMSG_DONE:
			fmt.Fprintf(&sb, "NLMSG_DONE flags=%#x\n", flags)
		case typ == unix.NLMSG_ERROR && len(body) >= 4:
			fmt.Fprintf(&sb, "NLMSG_ERROR flags=%#x error=%d\n", flags, int32(le.Uint32(body)))
		case len(body) >= 72:
			fam := body[0]
			n := 4
			if fam == unix.AF_INET6 {
				n = 16
			}
			src, _ := netip.AddrFromSlice(body[8 : 8+n])
			dst, _ := netip.AddrFromSlice(body[24 : 24+n])
			fmt.Fprintf(&sb, "inet_diag_msg type=%d flags=%#x family=%d state=%d timer=%d retrans=%d %s:%d -> %s:%d if=%d cookie=%#x:%#x rqueue=%d wqueue=%d uid=%d inode=%d",
				typ, flags, fam, body[1], body[2], body[3],
				src, binary.BigEndian.Uint16(body[4:]), dst, binary.BigEndian.Uint16(body[6:]),
				le.Uint32(body[40:]), le.Uint32(body[44:]), le.Uint32(body[48:]),
				le.Uint32(body[56:]), le.Uint32(body[60:]), le.Uint32(body[64:]), le.Uint32(body[68:]))
			for a := body[72:]; len(a) >= 4; {
				al, at := int(le.Uint16(a)), le.Uint16(a[2:])
				if al < 4 || al > len(a) {
					fmt.Fprintf(&sb, " bad-attr(len %d)", al)
					break
				}
				fmt.Fprintf(&sb, " attr%d=%x", at, a[4:al])
				a = a[min(len(a), (al+3)&^3):]
			}
			sb.WriteString("\n")
		default:
			fmt.Fprintf(&sb, "nlmsg type=%d flags=%#x len=%d\n", typ, flags, l)
		}
		b = b[min(len(b), (l+3)&^3):]
	}
	return sb.String()
}

// killSetup is the disposable sockets of one -K run: a TCP listener on
// 127.0.0.1:7777 with one connection from port 7700, and a UDP socket on
// 127.0.0.1:7701 connected to 127.0.0.1:7777.
type killSetup struct {
	fds map[string]int
}

func newKillSetup(fx *fixture) (*killSetup, error) {
	ks := &killSetup{fds: map[string]int{}}
	err := fx.target.Do(func() error {
		lo := [4]byte{127, 0, 0, 1}
		l, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		ks.fds["listener"] = l
		unix.SetsockoptInt(l, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
		if err := unix.Bind(l, &unix.SockaddrInet4{Port: 7777, Addr: lo}); err != nil {
			return fmt.Errorf("bind 7777: %w", err)
		}
		if err := unix.Listen(l, 8); err != nil {
			return err
		}
		c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		ks.fds["client"] = c
		unix.SetsockoptInt(c, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
		if err := unix.Bind(c, &unix.SockaddrInet4{Port: 7700, Addr: lo}); err != nil {
			return fmt.Errorf("bind 7700: %w", err)
		}
		if err := unix.Connect(c, &unix.SockaddrInet4{Port: 7777, Addr: lo}); err != nil {
			return err
		}
		a, _, err := unix.Accept4(l, unix.SOCK_CLOEXEC)
		if err != nil {
			return err
		}
		ks.fds["accepted"] = a
		u, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		ks.fds["udp"] = u
		unix.SetsockoptInt(u, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
		if err := unix.Bind(u, &unix.SockaddrInet4{Port: 7701, Addr: lo}); err != nil {
			return err
		}
		return unix.Connect(u, &unix.SockaddrInet4{Port: 7777, Addr: lo})
	})
	if err != nil {
		ks.close()
	}
	return ks, err
}

// probe reports each socket's pending error (SO_ERROR), which shows
// whether it was destroyed.
func (ks *killSetup) probe() string {
	var sb strings.Builder
	for _, name := range []string{"listener", "client", "accepted", "udp"} {
		e, err := unix.GetsockoptInt(ks.fds[name], unix.SOL_SOCKET, unix.SO_ERROR)
		if err != nil {
			fmt.Fprintf(&sb, "%s: getsockopt: %v\n", name, err)
			continue
		}
		fmt.Fprintf(&sb, "%s: SO_ERROR=%v\n", name, syscall.Errno(e))
	}
	return sb.String()
}

// close closes the sockets with SO_LINGER 0, so no TIME-WAIT is left to
// hold the ports of the next run.
func (ks *killSetup) close() {
	for _, fd := range ks.fds {
		unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
		unix.Close(fd)
	}
}

// TestKill runs -K (close sockets, print what was closed) with each tool
// on identical disposable sockets and compares what the tool printed,
// what is left afterwards (read back with ss) and what the sockets'
// owners see.
func TestKill(t *testing.T) {
	fx := newFixture(t, nil, false)
	ref, cand := reference(t), candidate(t)
	for _, args := range []string{
		"-K dport = :7700",
		"-K sport = :7700",
		"-K -t src 127.0.0.1 and ( sport = :7700 or dport = :7700 )",
		"-K -t state listening sport = :7777",
		"-K -u sport = :7701",
		"-K -a sport = :7701",
		"-K sport = :9",
		"--kill -tn dport = :7700",
	} {
		t.Run(args, func(t *testing.T) {
			one := func(tl *tool) (result, string) {
				ks, err := newKillSetup(fx)
				if err != nil {
					t.Fatalf("setting up sockets: %v", err)
				}
				defer ks.close()
				r, err := tl.run(fx, "", append(fx.nsArgs(), strings.Fields(args)...))
				if err != nil {
					t.Fatal(err)
				}
				back, err := ref.run(fx, "", append(fx.nsArgs(), "-tuan", "sport", "=", ":7777", "or", "sport", "=", ":7700", "or", "sport", "=", ":7701"))
				if err != nil {
					t.Fatal(err)
				}
				return r, "==== ss -tuan afterwards:\n" + back.Stdout + back.Stderr + "==== the sockets' owners see:\n" + ks.probe()
			}
			rr, rBack := one(ref)
			cr, cBack := one(cand)
			nr := normalize(rr.Stdout, rr.Stderr, rr.Code, rr.Pid)
			nc := normalize(cr.Stdout, cr.Stderr, cr.Code, cr.Pid)
			if !nr.equal(nc) {
				t.Errorf("-K outputs differ (case needs: kill)\n%s", report(ref, cand, rr, cr, nr, nc))
			}
			if d := lineDiff("after "+ref.label, rBack, "after "+cand.label, cBack); d != "" {
				t.Errorf("sockets left after -K differ (case needs: kill)\n%s", d)
			}
			killed := strings.Count(strings.TrimSpace(rr.Stdout), "\n") // lines after the header
			if wantNone := strings.HasSuffix(args, ":9"); wantNone != (killed == 0) {
				t.Errorf("the reference closed %d sockets: the case does not test what it should\n%s%s", killed, rr.Stdout, rBack)
			}
			if *flagShow {
				t.Logf("%s\n%s", rr.Stdout, rBack)
			}
		})
	}
}

// eventReader collects the lines a -E process prints.
type eventReader struct {
	mu    sync.Mutex
	lines []string
	done  chan struct{}
}

func readEvents(r io.Reader) *eventReader {
	er := &eventReader{done: make(chan struct{})}
	go func() {
		defer close(er.done)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			er.mu.Lock()
			er.lines = append(er.lines, sc.Text())
			er.mu.Unlock()
		}
	}()
	return er
}

func (er *eventReader) snapshot() []string {
	er.mu.Lock()
	defer er.mu.Unlock()
	return append([]string(nil), er.lines...)
}

// waitLines waits until n lines arrived or timeout passed.
func (er *eventReader) waitLines(n int, timeout time.Duration) []string {
	deadline := time.Now().Add(timeout)
	for {
		l := er.snapshot()
		if len(l) >= n || time.Now().After(deadline) {
			return l
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestEvents starts both tools with -E (print sockets as they are
// destroyed), destroys a few sockets in the namespace and compares the
// lines each printed. ss runs under stdbuf -oL: without it its events
// stay in the stdio buffer and are lost when it is stopped. The candidate
// is expected to write each event as it happens.
func TestEvents(t *testing.T) {
	fx := newFixture(t, nil, false)
	ref, cand := reference(t), candidate(t)
	stdbuf, err := lookPathIn("stdbuf", "/usr/bin:/bin")
	if err != nil {
		t.Skipf("needs stdbuf (coreutils) to read ss -E line by line: %v", err)
	}
	for _, k := range []struct {
		args string
		want int // event lines expected
	}{
		{"-E", 5},
		{"-E -t", 3},
		{"-E -u", 2},
		{"-E -6", 1},
		{"-E -tn", 3},
		{"-E -u sport = :7778", 1},
	} {
		t.Run(k.args, func(t *testing.T) {
			args := append(fx.nsArgs(), strings.Fields(k.args)...)
			start := func(tl *tool, prefix ...string) (*eventReader, func()) {
				argv := append(prefix, tl.argv0)
				argv = append(argv, append(tl.pre, args...)...)
				cmd := fx.jail.Command(context.Background(), argv[0], argv[1:]...)
				cmd.Env = tl.env()
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				cmd.Stderr = cmd.Stdout
				if err := fx.jail.Start(cmd); err != nil {
					t.Fatal(err)
				}
				er := readEvents(stdout)
				return er, func() {
					cmd.Process.Signal(syscall.SIGTERM)
					select {
					case <-er.done:
					case <-time.After(5 * time.Second):
						cmd.Process.Kill()
					}
					cmd.Wait()
				}
			}
			// stdbuf has no effect on a program that does not use C
			// stdio (stackbox); it runs both for symmetry.
			re, stopRef := start(ref, stdbuf, "-oL")
			defer stopRef()
			ce, stopCand := start(cand, stdbuf, "-oL")
			defer stopCand()

			// ss prints its header only with the first event; wait
			// until both tools have their sock_diag socket open.
			if err := waitDiagSockets(fx, ref, 2, 10*time.Second); err != nil {
				t.Fatal(err)
			}
			if err := makeEvents(fx); err != nil {
				t.Fatal(err)
			}
			re.waitLines(1+k.want, 5*time.Second)
			ce.waitLines(1+k.want, 5*time.Second)
			time.Sleep(300 * time.Millisecond) // anything extra
			rl, cl := re.snapshot(), ce.snapshot()
			if len(rl) != 1+k.want {
				t.Errorf("the reference printed %d lines, want a header and %d events:\n%s", len(rl), k.want, strings.Join(rl, "\n"))
			}
			if d := lineDiff(ref.label+" -E", strings.Join(rl, "\n"), cand.label+" -E", strings.Join(cl, "\n")); d != "" {
				t.Errorf("event lines differ (case needs: events)\n%s", d)
			}
		})
	}
}

// makeEvents destroys sockets in the target: a TCP connection on
// 127.0.0.1:7777 (both ends), its listener, and UDP sockets on [::1]:7778
// and 127.0.0.1:7779.
func makeEvents(fx *fixture) error {
	return fx.target.Do(func() error {
		lo := [4]byte{127, 0, 0, 1}
		var fds []int
		defer func() {
			for _, fd := range fds {
				unix.Close(fd)
			}
		}()
		sock := func(domain, typ int) (int, error) {
			fd, err := unix.Socket(domain, typ|unix.SOCK_CLOEXEC, 0)
			if err == nil {
				fds = append(fds, fd)
				unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
			}
			return fd, err
		}
		l, err := sock(unix.AF_INET, unix.SOCK_STREAM)
		if err != nil {
			return err
		}
		if err := unix.Bind(l, &unix.SockaddrInet4{Port: 7777, Addr: lo}); err != nil {
			return err
		}
		if err := unix.Listen(l, 8); err != nil {
			return err
		}
		c, err := sock(unix.AF_INET, unix.SOCK_STREAM)
		if err != nil {
			return err
		}
		if err := unix.Bind(c, &unix.SockaddrInet4{Port: 7700, Addr: lo}); err != nil {
			return err
		}
		if err := unix.Connect(c, &unix.SockaddrInet4{Port: 7777, Addr: lo}); err != nil {
			return err
		}
		a, _, err := unix.Accept4(l, unix.SOCK_CLOEXEC)
		if err != nil {
			return err
		}
		// RST both ends (SO_LINGER 0) so the destruction is immediate
		// and leaves no TIME-WAIT for the next run.
		linger := &unix.Linger{Onoff: 1, Linger: 0}
		unix.SetsockoptLinger(c, unix.SOL_SOCKET, unix.SO_LINGER, linger)
		unix.SetsockoptLinger(a, unix.SOL_SOCKET, unix.SO_LINGER, linger)
		unix.Close(c)
		time.Sleep(50 * time.Millisecond)
		unix.Close(a)
		time.Sleep(50 * time.Millisecond)
		fds = fds[:1]
		unix.Close(l)
		fds = nil
		time.Sleep(50 * time.Millisecond)
		u6, err := unix.Socket(unix.AF_INET6, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		if err := unix.Bind(u6, &unix.SockaddrInet6{Port: 7778, Addr: netip.IPv6Loopback().As16()}); err != nil {
			unix.Close(u6)
			return err
		}
		unix.Close(u6)
		time.Sleep(50 * time.Millisecond)
		u4, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		if err := unix.Bind(u4, &unix.SockaddrInet4{Port: 7779, Addr: lo}); err != nil {
			unix.Close(u4)
			return err
		}
		unix.Close(u4)
		return nil
	})
}

// waitDiagSockets waits until n NETLINK_SOCK_DIAG sockets subscribed to
// multicast groups (the -E tools', not the kernel's nor the lister's own)
// exist in the target.
func waitDiagSockets(fx *fixture, ref *tool, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		r, err := ref.run(fx, "", append(fx.nsArgs(), "-H", "-f", "netlink", "-a", "-e"))
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, l := range strings.Split(r.Stdout, "\n") {
			f := strings.Fields(l)
			if len(f) < 4 || !strings.HasPrefix(f[3], "tcpdiag:") || strings.Contains(l, "groups=0x00000000") || !strings.Contains(l, "groups=") {
				continue
			}
			seen[f[3]] = true
		}
		if len(seen) >= n {
			// The subscription is made when the socket is bound;
			// leave a little time for a tool that subscribes after.
			time.Sleep(200 * time.Millisecond)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %v, %d of the %d tools watching events have subscribed:\n%s", timeout, len(seen), n, r.Stdout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func lookPathIn(name, path string) (string, error) {
	for _, dir := range filepath.SplitList(path) {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found in %s", name, path)
}
