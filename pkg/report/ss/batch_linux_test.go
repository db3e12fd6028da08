package ss

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/stack"
)

const batchLongAddr = "127.100.200.250"

// TestBatchingHelper is not a test: TestBatchingAgainstSS runs the test
// binary as this helper inside a namespace to hold its UDP sockets.
func TestBatchingHelper(t *testing.T) {
	if os.Getenv("SS_BATCH_HELPER") == "" {
		t.Skip("helper process for TestBatchingAgainstSS")
	}
	from, _ := strconv.Atoi(os.Getenv("SS_BATCH_FROM"))
	n, _ := strconv.Atoi(os.Getenv("SS_BATCH_HELPER"))
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	fds := map[string]int{}
	bind := func(a [4]byte, port int) error {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM, 0)
		if err != nil {
			return err
		}
		if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: a}); err != nil {
			return err
		}
		fds[fmt.Sprintf("%d.%d.%d.%d:%d", a[0], a[1], a[2], a[3], port)] = fd
		return nil
	}
	for i := from; i < from+n; i++ {
		a := [4]byte{127, 0, 0, byte(1 + i/50000)}
		if err := bind(a, 10000+i%50000); err != nil {
			fmt.Println("bind:", err)
			os.Exit(1)
		}
	}
	fmt.Println("ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 || f[0] != "rebind" {
			continue
		}
		if fd, ok := fds[f[1]]; ok {
			syscall.Close(fd)
		}
		_, p, _ := strings.Cut(f[1], ":")
		port, _ := strconv.Atoi(p)
		if err := bind(netip.MustParseAddr(batchLongAddr).As4(), port); err != nil {
			fmt.Println("rebind:", err)
		} else {
			fmt.Println("ok")
		}
	}
	os.Exit(0)
}

// TestBatchingAgainstSS checks that output is rendered in the same batches
// as ss's: with more sockets than fit in ss's five 1 MiB chunks, ss prints
// the first batch with the column widths of that batch alone. The last
// socket of the dump gets a longer address than all others, so the two
// batches differ in width; the sockets are rebuilt from ss's own output.
func TestBatchingAgainstSS(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 90000 sockets")
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to create a network namespace")
	}
	for _, tool := range []string{"ip", "/usr/bin/ss"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s: %v", tool, err)
		}
	}
	ns := fmt.Sprintf("ssbatch%d", os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Skipf("ip netns add: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	if out, err := exec.Command("ip", "-n", ns, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("lo up: %v %s", err, out)
	}
	const n = 90000
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// Each helper holds a share of the sockets: the open file limit may
	// be low and not raisable.
	type helper struct {
		stdin io.WriteCloser
		rd    *bufio.Reader
	}
	var helpers []helper
	const per = 15000
	for from := 0; from < n; from += per {
		cmd := exec.Command("ip", "netns", "exec", ns, self, "-test.run=^TestBatchingHelper$")
		cmd.Env = append(os.Environ(), "SS_BATCH_HELPER="+strconv.Itoa(per), "SS_BATCH_FROM="+strconv.Itoa(from))
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stdin.Close()
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
			}
		})
		rd := bufio.NewReader(stdout)
		line, err := rd.ReadString('\n')
		if err != nil || strings.TrimSpace(line) != "ready" {
			t.Fatalf("helper: %q %v", line, err)
		}
		helpers = append(helpers, helper{stdin, rd})
	}
	runSS := func() []byte {
		out, err := exec.Command("/usr/bin/ss", "-N", ns, "-uan").Output()
		if err != nil {
			t.Fatalf("ss: %v", err)
		}
		return out
	}
	first := runSS()
	lines := strings.Split(strings.TrimRight(string(first), "\n"), "\n")
	last := strings.Fields(lines[len(lines)-1])
	a, p, _ := strings.Cut(last[3], ":")
	port, _ := strconv.Atoi(p)
	idx := port - 10000 + 50000*int(netip.MustParseAddr(a).As4()[3]-1)
	h := helpers[idx/per]
	fmt.Fprintf(h.stdin, "rebind %s\n", last[3])
	if line, err := h.rd.ReadString('\n'); err != nil || strings.TrimSpace(line) != "ok" {
		t.Fatalf("helper rebind: %q %v", line, err)
	}
	want := runSS()

	o := Options{Tables: 1 << stack.TableUDP, States: ssAll, Numeric: true}
	var got bytes.Buffer
	w := NewWriter(&got, o)
	sockets := 0
	for _, l := range strings.Split(strings.TrimRight(string(want), "\n"), "\n")[1:] {
		s, err := parseUDPLine(l)
		if err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		w.Socket(s)
		sockets++
	}
	w.Flush()
	if sockets < n {
		t.Fatalf("ss listed %d sockets, want %d", sockets, n)
	}
	wl := strings.SplitN(string(want), "\n", 3)
	if len(wl[0]) == len(strings.Split(strings.TrimRight(string(want), "\n"), "\n")[sockets]) {
		t.Logf("note: the last batch has the first batch's width")
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("rendering differs from ss -uan on %d sockets\n%s", sockets, lineDiff(string(want), got.String()))
	}
	// The header line shows the first batch's width: it must be narrower
	// than the last line, or the test proves nothing about batching.
	if hdr, lastLine := len(wl[0]), len(lines[len(lines)-1]); hdr >= len(strings.Split(strings.TrimRight(string(want), "\n"), "\n")[sockets]) {
		t.Errorf("ss printed one batch (header %d bytes, last line %d): no batching to compare", hdr, lastLine)
	}
}

func parseUDPLine(l string) (*stack.Socket, error) {
	f := strings.Fields(l)
	if len(f) != 5 {
		return nil, fmt.Errorf("want 5 fields")
	}
	s := &stack.Socket{Table: stack.TableUDP, Family: afInet}
	switch f[0] {
	case "UNCONN":
		s.State = stack.StateClose
	case "ESTAB":
		s.State = stack.StateEstablished
	default:
		return nil, fmt.Errorf("state %s", f[0])
	}
	rq, err1 := strconv.ParseUint(f[1], 10, 32)
	wq, err2 := strconv.ParseUint(f[2], 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("queues")
	}
	s.RecvQ, s.SendQ = uint32(rq), uint32(wq)
	for i, e := range []*stack.Endpoint{&s.Local, &s.Peer} {
		a, p, ok := strings.Cut(f[3+i], ":")
		if !ok {
			return nil, fmt.Errorf("address %s", f[3+i])
		}
		ad, err := netip.ParseAddr(a)
		if err != nil {
			return nil, err
		}
		e.Addr = ad
		if p != "*" {
			port, err := strconv.ParseUint(p, 10, 16)
			if err != nil {
				return nil, err
			}
			e.Port = uint16(port)
		}
	}
	return s, nil
}
