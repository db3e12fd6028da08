package ref

import (
	"errors"
	"net/netip"
	"syscall"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// tcpPair is a client and a server on one 1 Gbit/s link with 1 ms delay
// each way (RTT 2 ms plus serialisation).
const tcpPair = `
name: pair
duration: 10s
hosts:
  - name: client
    interfaces:
      - name: eth0
        addresses: [10.0.0.1/24]
  - name: server
    interfaces:
      - name: eth0
        addresses: [10.0.0.2/24]
links:
  - endpoints: [client:eth0, server:eth0]
    bandwidth: 1Gbit
    delay: 1ms
`

var serverAddr = netip.MustParseAddrPort("10.0.0.2:80")

// pair builds tcpPair with a listener on the server that accepts every
// connection and reads everything.
func pair(t *testing.T, yaml string) (n *Network, client, server *Host, l *TCPSocket) {
	t.Helper()
	n = build(t, yaml)
	client, server = n.Host("client"), n.Host("server")
	l, err := server.TCPListen(serverAddr, 128, TCPOptions{}, server.NewProcess("srv"))
	if err != nil {
		t.Fatal(err)
	}
	l.OnAccept = func(l *TCPSocket) {
		for c := l.Accept(); c != nil; c = l.Accept() {
			c.OnReadable = func(c *TCPSocket) {
				c.Read(1 << 30)
				if c.EOF() {
					c.Close()
				}
			}
			c.OnReadable(c)
		}
	}
	return n, client, server, l
}

func TestTCPHandshakeTransferClose(t *testing.T) {
	n, client, server, _ := pair(t, tcpPair)
	const total = 1 << 20
	var connected bool
	written := 0
	s, err := client.TCPConnect(serverAddr, TCPOptions{}, client.NewProcess("cli"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(s *TCPSocket) {
		for written < total {
			w := s.Write(total - written)
			if w == 0 {
				return
			}
			written += w
		}
		s.Close()
	}
	s.OnConnect = func(s *TCPSocket, err error) {
		if err != nil {
			t.Errorf("connect: %v", err)
			return
		}
		connected = true
		write(s)
	}
	s.OnWritable = write
	n.Run(5 * sim.Second)
	if !connected {
		t.Fatal("not connected")
	}
	if got := s.Stats().BytesAcked; got != total+1 { // the FIN counts
		t.Errorf("bytes acked %d, want %d", got, total+1)
	}
	// One connection each way: ActiveOpens on the client, PassiveOpens on
	// the server; no resets, no failures.
	for _, c := range []struct {
		h    *Host
		c    Counter
		want uint64
	}{
		{client, TcpActiveOpens, 1}, {client, TcpPassiveOpens, 0},
		{server, TcpPassiveOpens, 1}, {server, TcpActiveOpens, 0},
		{client, TcpAttemptFails, 0}, {client, TcpEstabResets, 0}, {server, TcpEstabResets, 0},
		{client, TcpRetransSegs, 0},
	} {
		if got := c.h.MIB.Get(c.c); got != c.want {
			t.Errorf("%s %s = %d, want %d", c.h.Name, c.c, got, c.want)
		}
	}
	// The client closed first: it sits in TIME_WAIT; the server's socket
	// is gone.
	if s.State() != stack.StateTimeWait {
		t.Errorf("client state %v, want TIME-WAIT", s.State())
	}
	if got := len(server.TCPSockets()); got != 1 {
		t.Errorf("server has %d sockets, want the listener alone", got)
	}
	if client.TCPCurrEstab() != 0 || server.TCPCurrEstab() != 0 {
		t.Errorf("CurrEstab %d/%d, want 0", client.TCPCurrEstab(), server.TCPCurrEstab())
	}
}

func TestTCPRefused(t *testing.T) {
	n := build(t, tcpPair)
	client := n.Host("client")
	s, err := client.TCPConnect(netip.MustParseAddrPort("10.0.0.2:81"), TCPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got error
	s.OnConnect = func(s *TCPSocket, err error) { got = err }
	n.Run(sim.Second)
	if !errors.Is(got, syscall.ECONNREFUSED) {
		t.Fatalf("connect error %v, want ECONNREFUSED", got)
	}
	if v := client.MIB.Get(TcpAttemptFails); v != 1 {
		t.Errorf("AttemptFails %d, want 1", v)
	}
	if v := n.Host("server").MIB.Get(TcpOutRsts); v != 1 {
		t.Errorf("server OutRsts %d, want 1", v)
	}
}
