package kernel

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/stack"
)

// findSocket dumps table t and returns a copy of the socket with inode.
func findSocket(t *testing.T, k *Kernel, table stack.Table, inode uint32) (stack.Socket, bool) {
	t.Helper()
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(table), States: stack.StatesAll}
	for _, s := range collect(t, k, q) {
		if s.Inode == inode {
			return s, true
		}
	}
	return stack.Socket{}, false
}

func TestDestroySocketTCP(t *testing.T) {
	k := testNS(t)
	ss := newSockSet(t, k)
	c, ok := findSocket(t, k, stack.TableTCP, ss.inode["client"])
	if !ok {
		t.Fatal("client socket not found")
	}
	if err := k.DestroySocket(context.Background(), &c); err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) {
			t.Skipf("kernel without SOCK_DESTROY (CONFIG_INET_DIAG_DESTROY): %v", err)
		}
		t.Fatal(err)
	}
	// The socket is closed under its owner: reads fail at once.
	_ = ss.client.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := ss.client.Read(make([]byte, 1))
	if !errors.Is(err, unix.ECONNABORTED) {
		t.Errorf("read from the destroyed socket: %v, want ECONNABORTED", err)
	}
	if s, ok := findSocket(t, k, stack.TableTCP, ss.inode["client"]); ok && s.State == stack.StateEstablished {
		t.Errorf("destroyed socket still established: %+v", s)
	}

	// A second time the kernel finds nothing to destroy, which ss -K
	// passes over.
	err = k.DestroySocket(context.Background(), &c)
	if !errors.Is(err, unix.ENOENT) {
		t.Fatalf("destroying again: %v, want ENOENT", err)
	}
	if got, want := err.Error(), "SOCK_DESTROY answers: No such file or directory"; got != want {
		t.Errorf("error text %q, want %q", got, want)
	}
}

func TestDestroySocketUDP(t *testing.T) {
	k := testNS(t)
	ss := newSockSet(t, k)
	u, ok := findSocket(t, k, stack.TableUDP, ss.inode["udp"])
	if !ok {
		t.Fatal("udp socket not found")
	}
	if err := k.DestroySocket(context.Background(), &u); err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) {
			t.Skipf("kernel without SOCK_DESTROY for udp: %v", err)
		}
		t.Fatal(err)
	}
	if s, ok := findSocket(t, k, stack.TableUDP, ss.inode["udp"]); ok && s.State == stack.StateEstablished {
		t.Errorf("destroyed udp socket still connected: %+v", s)
	}
}

func TestDestroySocketNotInet(t *testing.T) {
	k := testNS(t)
	ss := newSockSet(t, k)
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableUnixStream), States: stack.StatesAll}
	socks := collect(t, k, q)
	if len(socks) == 0 {
		t.Fatal("no unix sockets")
	}
	err := k.DestroySocket(context.Background(), &socks[0])
	if !errors.Is(err, stack.ErrNotSupported) {
		t.Errorf("destroying a unix socket: %v, want ErrNotSupported", err)
	}
	_ = ss
}
