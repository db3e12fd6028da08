package ref

import (
	"context"
	"net/netip"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

var tcpTables = stack.TableSet(0).With(stack.TableTCP)

// viewTCPPair opens a listener on the server and one connection to it, and
// runs until it is established.
func viewTCPPair(t *testing.T) (*Network, *Host, *TCPSocket) {
	t.Helper()
	n := build(t, threeHosts)
	client, server := n.Host("client"), n.Host("server")
	l, err := server.TCPListen(netip.MustParseAddrPort("0.0.0.0:80"), 128, TCPOptions{}, server.NewProcess("httpd"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.TCPConnect(netip.MustParseAddrPort("10.0.2.2:80"), TCPOptions{}, client.NewProcess("curl")); err != nil {
		t.Fatal(err)
	}
	n.Run(sim.Second)
	return n, server, l
}

func TestSocketsTCP(t *testing.T) {
	_, server, l := viewTCPPair(t)
	v := server.View()
	got := dump(t, v, stack.SocketQuery{Tables: tcpTables, States: stack.StatesAll})
	if len(got) != 2 || got[0].State != stack.StateListen || got[0].Inode != l.Inode || got[1].State != stack.StateEstablished {
		t.Fatalf("dump %+v, want the listener and one connection", got)
	}
	only := dump(t, v, stack.SocketQuery{Tables: tcpTables, States: 1 << stack.StateListen})
	if len(only) != 1 || only[0].State != stack.StateListen {
		t.Errorf("listening only: %+v", only)
	}
	if six := dump(t, v, stack.SocketQuery{Tables: tcpTables, Families: 1 << 10}); len(six) != 0 {
		t.Errorf("IPv6 only: %+v", six)
	}
	sum, err := v.SocketSummary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The accepted child is not yet accepted: it has an inode all the same.
	if sum.TCPTotal != 2 || sum.TCPEstab != 1 || sum.TCP != [3]int{2, 2, 0} || sum.TCPTimeWait != 0 {
		t.Errorf("summary %+v", sum)
	}
	pm, err := v.Processes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p := pm.Lookup(l.Inode); len(p) != 1 || p[0].Name != "httpd" || p[0].FD != 3 {
		t.Errorf("listener's process: %+v", p)
	}
}

func TestDestroySocketTCP(t *testing.T) {
	n, server, _ := viewTCPPair(t)
	v := server.View()
	ctx := context.Background()
	q := stack.SocketQuery{Tables: tcpTables, States: 1 << stack.StateEstablished}
	killed := 0
	if err := v.Sockets(ctx, q, func(s *stack.Socket) error {
		killed++
		return v.DestroySocket(ctx, s)
	}); err != nil || killed != 1 {
		t.Fatalf("killed %d: %v", killed, err)
	}
	n.Run(2 * sim.Second)
	if got := dump(t, v, q); len(got) != 0 {
		t.Errorf("still established after ss -K: %+v", got)
	}
	if got := n.Host("client").MIB.Get(TcpEstabResets); got != 1 {
		t.Errorf("client EstabResets %d, want 1 (the RST)", got)
	}
}
