package ref

import (
	"net/netip"
	"testing"
)

// transfer sets up a bulk transfer of total bytes from client to a
// listener on server at to (whose address the client connects to), and
// returns a pointer to the count of bytes the server has read, which the
// caller checks after running the network, and the client's socket.
func transfer(t *testing.T, client, server *Host, to netip.AddrPort, total int) (*int, *TCPSocket) {
	t.Helper()
	listen := netip.AddrPortFrom(netip.IPv4Unspecified(), to.Port())
	if to.Addr().Is6() {
		listen = netip.AddrPortFrom(netip.IPv6Unspecified(), to.Port())
	}
	l, err := server.TCPListen(listen, 16, TCPOptions{}, server.NewProcess("sink"))
	if err != nil {
		t.Fatal(err)
	}
	got := new(int)
	l.OnAccept = func(l *TCPSocket) {
		for c := l.Accept(); c != nil; c = l.Accept() {
			c.OnReadable = func(c *TCPSocket) { *got += c.Read(1 << 30) }
		}
	}
	c, err := client.TCPConnect(to, TCPOptions{}, client.NewProcess("source"))
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	write := func(s *TCPSocket) {
		for sent < total {
			w := s.Write(total - sent)
			if w == 0 {
				return
			}
			sent += w
		}
	}
	c.OnConnect = func(s *TCPSocket, err error) {
		if err != nil {
			t.Errorf("connect to %s: %v", to, err)
			return
		}
		write(s)
	}
	c.OnWritable = write
	return got, c
}
