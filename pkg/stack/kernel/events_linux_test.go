package kernel

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/stack"
)

// eventWatch runs SocketEvents for q in k until the test ends and returns
// the events seen.
func eventWatch(t *testing.T, k *Kernel, q stack.SocketQuery) (<-chan stack.Socket, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan stack.Socket, 100)
	done := make(chan error, 1)
	go func() {
		done <- k.SocketEvents(ctx, q, func(s *stack.Socket) error {
			select {
			case events <- cloneSocket(s):
			default:
			}
			return nil
		})
	}()
	var result error
	var stopped bool
	stop := func() error {
		if !stopped {
			cancel()
			result = <-done
			stopped = true
		}
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return events, stop
}

// waitEvent repeats act until an event matching match arrives; the
// subscription may not be in place for the first tries.
func waitEvent(t *testing.T, events <-chan stack.Socket, act func() uint16, match func(stack.Socket, uint16) bool) stack.Socket {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		port := act()
		timeout := time.After(200 * time.Millisecond)
	wait:
		for {
			select {
			case s := <-events:
				if match(s, port) {
					return s
				}
			case <-timeout:
				break wait
			}
		}
	}
	t.Fatal("no destroy event")
	return stack.Socket{}
}

func TestSocketEvents(t *testing.T) {
	k := testNS(t)
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableTCP).With(stack.TableUDP), States: stack.StatesAll}
	events, stop := eventWatch(t, k, q)

	udp := waitEvent(t, events, func() uint16 {
		var port uint16
		inNS(t, k, func() error {
			c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			if err != nil {
				return err
			}
			port = portOf(c.LocalAddr())
			return c.Close()
		})
		return port
	}, func(s stack.Socket, port uint16) bool { return s.Table == stack.TableUDP && s.Local.Port == port })
	if udp.Family != afInet || udp.Protocol != ipprotoUDP || udp.Local.Addr.String() != "127.0.0.1" {
		t.Errorf("udp event: family %d protocol %d addr %v", udp.Family, udp.Protocol, udp.Local.Addr)
	}

	tcp := waitEvent(t, events, func() uint16 {
		var port uint16
		inNS(t, k, func() error {
			var lc net.ListenConfig
			lc.SetMultipathTCP(false)
			l, err := lc.Listen(context.Background(), "tcp4", "127.0.0.1:0")
			if err != nil {
				return err
			}
			port = portOf(l.Addr())
			return l.Close()
		})
		return port
	}, func(s stack.Socket, port uint16) bool { return s.Table == stack.TableTCP && s.Local.Port == port })
	if tcp.Protocol != ipprotoTCP {
		t.Errorf("tcp event: protocol %d", tcp.Protocol)
	}

	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("SocketEvents returned %v after cancel, want context.Canceled", err)
	}
}

func TestSocketEventsFamilies(t *testing.T) {
	k := testNS(t)
	if err := k.Do(func() error {
		c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
		if err == nil {
			c.Close()
		}
		return err
	}); err != nil {
		t.Skipf("needs IPv6 on lo: %v", err)
	}
	// IPv6 only: an IPv4 socket's end is not reported.
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableUDP), States: stack.StatesAll, Families: 1 << afInet6}
	if g := eventGroups(q); g != 1<<(sknlgrpInet6UDPDestroy-1) {
		t.Errorf("groups %#x, want the inet6 udp group only", g)
	}
	events, _ := eventWatch(t, k, q)
	s := waitEvent(t, events, func() uint16 {
		var port uint16
		inNS(t, k, func() error {
			c4, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
			if err != nil {
				return err
			}
			port = portOf(c4.LocalAddr())
			c4.Close()
			c6, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback, Port: int(port)})
			if err != nil {
				return err
			}
			return c6.Close()
		})
		return port
	}, func(s stack.Socket, port uint16) bool { return s.Local.Port == port })
	if s.Family != afInet6 {
		t.Errorf("got an event of family %d", s.Family)
	}
	if err := k.SocketEvents(context.Background(), stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableUnixStream)}, nil); !errors.Is(err, stack.ErrNotSupported) {
		t.Errorf("events for unix sockets: %v, want ErrNotSupported", err)
	}
}
