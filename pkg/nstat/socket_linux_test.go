package nstat

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	report "github.com/stackbox/stackbox/pkg/report/nstat"
)

var socketSeq atomic.Int64

// testSocket is an abstract socket name no one else uses.
func testSocket() string {
	return fmt.Sprintf("@stackbox-nstat-test-%d-%d", os.Getpid(), socketSeq.Add(1))
}

func TestListen(t *testing.T) {
	name := testSocket()
	f, err := Listen(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = Listen(name)
	var se *SocketError
	if !errors.As(err, &se) || se.Op != "bind" || !errors.Is(err, unix.EADDRINUSE) {
		t.Fatalf("a second Listen: %v, want bind: EADDRINUSE", err)
	}
	sa, err := unix.Getsockname(int(f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	if got := sa.(*unix.SockaddrUnix).Name; got != name {
		t.Errorf("bound to %q, want %q", got, name)
	}
}

func TestDialNoDaemon(t *testing.T) {
	if c, ok := Dial([]string{testSocket(), testSocket()}, os.Getuid()); ok {
		c.Close()
		t.Fatal("Dial found a daemon that is not there")
	}
}

// serveTest runs a Server on a fresh socket until the test ends.
func serveTest(t *testing.T, s *Server) string {
	t.Helper()
	name := testSocket()
	f, err := Listen(name)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := Listener(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Serve: %v", err)
		}
	})
	return name
}

func readDaemon(t *testing.T, name string, src *Source) []Entry {
	t.Helper()
	c, ok := Dial([]string{name}, os.Getuid())
	if !ok {
		t.Fatal("no daemon")
	}
	got, err := ReadDaemon(context.Background(), c, src)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestServer(t *testing.T) {
	var reads atomic.Int64
	s := &Server{
		Averager: NewAverager(50, 1000),
		Source:   DaemonSource(42, 50, 1000),
		Read: func(context.Context) ([]Entry, error) {
			n := uint64(reads.Add(1))
			return []Entry{{"IpInReceives", 10 * n, 0}, {"IpInDiscards", 0, 0}}, nil
		},
		Dump: func(w io.Writer, source string, db []Entry) error {
			return report.Text(w, source, Absolute(db, nil, false, Selection{}))
		},
	}
	name := serveTest(t, s)
	var src Source
	got := readDaemon(t, name, &src)
	if src.Info != "42.1804289383 sampling_interval=0 time_const=1" {
		t.Errorf("source %q", src.Info)
	}
	if len(got) != 1 || got[0].Name != "IpInReceives" {
		t.Fatalf("first answer %v, want IpInReceives alone (zeros are left out)", got)
	}
	// The rate becomes positive after a few readings.
	deadline := time.Now().Add(10 * time.Second)
	for {
		got = readDaemon(t, name, &Source{})
		if got[0].Rate > 0 && got[0].Value > 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no rate after %d readings: %v", reads.Load(), got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServerAnswersFiveAtATime(t *testing.T) {
	release := make(chan struct{})
	var started sync.WaitGroup
	started.Add(MaxAnswers)
	s := &Server{
		Averager: NewAverager(60000, 60000),
		Source:   "src",
		Read:     func(context.Context) ([]Entry, error) { return []Entry{{"A", 1, 0}}, nil },
		Dump: func(w io.Writer, source string, db []Entry) error {
			started.Done()
			<-release
			return report.Text(w, source, Absolute(db, nil, false, Selection{}))
		},
	}
	name := serveTest(t, s)
	var conns []net.Conn
	for i := 0; i < MaxAnswers; i++ {
		c, ok := Dial([]string{name}, os.Getuid())
		if !ok {
			t.Fatal("no daemon")
		}
		conns = append(conns, c)
	}
	started.Wait()
	sixth, ok := Dial([]string{name}, os.Getuid())
	if !ok {
		t.Fatal("no daemon for the sixth client")
	}
	b, err := io.ReadAll(sixth)
	if err != nil || len(b) != 0 {
		t.Errorf("the sixth client read %q, %v; want nothing", b, err)
	}
	sixth.Close()
	close(release)
	for _, c := range conns {
		b, err := io.ReadAll(c)
		c.Close()
		if err != nil || !strings.HasPrefix(string(b), "#src\nA ") {
			t.Errorf("a waiting client read %q, %v", b, err)
		}
	}
}

// TestDialChecksPeer: nstat's client reads only a daemon running as its
// own user or root. The daemon here listens from a thread running as
// nobody.
func TestDialChecksPeer(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to listen as nobody")
	}
	name := testSocket()
	type result struct {
		f   *os.File
		err error
	}
	res := make(chan result, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if _, _, e := unix.RawSyscall(unix.SYS_SETRESUID, 65534, 65534, 65534); e != 0 {
			res <- result{err: e}
			return
		}
		f, err := Listen(name)
		res <- result{f, err}
	}()
	r := <-res
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.f.Close()
	if c, ok := Dial([]string{name}, 0); ok {
		c.Close()
		t.Error("root's client trusted nobody's daemon")
	}
	c, ok := Dial([]string{testSocket(), name}, 65534)
	if !ok {
		t.Fatal("nobody's client did not trust nobody's daemon (the second name)")
	}
	c.Close()
}

func TestReadDaemonCancel(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ReadDaemon(ctx, a, &Source{})
		done <- err
	}()
	b.Write([]byte("#x\n"))
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("ReadDaemon after cancel: %v", err)
	}
}
