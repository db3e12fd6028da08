package ref

import (
	"context"
	"net/netip"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// TestTCPOverIPv6 moves data over IPv6 and sees the connection as ss
// would: an AF_INET6 socket with the addresses of both ends.
func TestTCPOverIPv6(t *testing.T) {
	n := build(t, threeHosts)
	client, server := n.Host("client"), n.Host("server")
	const total = 1 << 20
	got, c := transfer(t, client, server, netip.MustParseAddrPort("[fd02::2]:8080"), total)
	n.Run(5 * sim.Second)
	if *got != total {
		t.Fatalf("received %d bytes over IPv6, want %d", *got, total)
	}
	// The router's eth1 has MTU 1400: the MSS says so (1400-60).
	if mss := c.Stats().MSS; mss != 1340 && mss != 1328 {
		t.Errorf("MSS %d, want 1340 (or 1328 with timestamps) from the 1400-byte MTU of the server's link", mss)
	}
	var socks []stack.Socket
	err := server.View().Sockets(context.Background(), stack.SocketQuery{
		Tables: stack.TableSet(0).With(stack.TableTCP), States: stack.StateSet(1 << stack.StateEstablished),
	}, func(s *stack.Socket) error { socks = append(socks, *s); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(socks) != 1 || socks[0].Family != 10 || socks[0].Local.Addr != netip.MustParseAddr("fd02::2") ||
		socks[0].Peer.Addr != netip.MustParseAddr("fd01::2") {
		t.Errorf("established sockets on the server: %+v", socks)
	}
}
