package ref

import (
	"context"
	"errors"
	"net/netip"
	"syscall"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// udpHosts builds threeHosts with UDP sockets on the server: a wildcard
// IPv4 one that received two datagrams, an IPv6 one, and a connected one.
func udpHosts(t *testing.T) (*Network, *Host, []*UDPSocket) {
	t.Helper()
	n := build(t, threeHosts)
	client, server := n.Host("client"), n.Host("server")
	dns := server.NewProcess("dns")
	ntp := server.NewProcess("ntp")
	s4, err := server.UDPSocket(netip.MustParseAddrPort("0.0.0.0:53"), dns)
	if err != nil {
		t.Fatal(err)
	}
	s6, err := server.UDPSocket(netip.MustParseAddrPort("[::]:5353"), dns)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := server.UDPSocket(netip.MustParseAddrPort("10.0.2.2:123"), ntp)
	if err != nil {
		t.Fatal(err)
	}
	sc.Connect(netip.MustParseAddrPort("10.0.1.2:123"))
	cl, _ := client.UDPSocket(netip.AddrPort{}, nil)
	_ = cl.SendTo(netip.MustParseAddrPort("10.0.2.2:53"), 100)
	_ = cl.SendTo(netip.MustParseAddrPort("10.0.2.2:53"), 200)
	n.Run(sim.Second)
	return n, server, []*UDPSocket{s4, s6, sc}
}

func dump(t *testing.T, v *HostView, q stack.SocketQuery) []stack.Socket {
	t.Helper()
	var out []stack.Socket
	if err := v.Sockets(context.Background(), q, func(s *stack.Socket) error {
		out = append(out, *s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

var udpTables = stack.TableSet(0).With(stack.TableUDP)

func TestSocketsUDP(t *testing.T) {
	_, server, socks := udpHosts(t)
	v := server.View()
	got := dump(t, v, stack.SocketQuery{Tables: udpTables, States: stack.StatesAll, Want: stack.Want{Mem: true}})
	if len(got) != 3 {
		t.Fatalf("%d sockets, want 3: %+v", len(got), got)
	}
	// AF_INET first (in the order they were opened), then AF_INET6.
	want := []struct {
		fam         uint8
		state       stack.State
		local, peer string
		inode       uint32
		recvQ       uint32
	}{
		{2, stack.StateClose, "0.0.0.0:53", "0.0.0.0:0", socks[0].Inode, uint32(udpTruesize(100) + udpTruesize(200))},
		{2, stack.StateEstablished, "10.0.2.2:123", "10.0.1.2:123", socks[2].Inode, 0},
		{10, stack.StateClose, "[::]:5353", "[::]:0", socks[1].Inode, 0},
	}
	for i, w := range want {
		s := got[i]
		local := netip.AddrPortFrom(s.Local.Addr, s.Local.Port).String()
		peer := netip.AddrPortFrom(s.Peer.Addr, s.Peer.Port).String()
		if s.Table != stack.TableUDP || s.Protocol != 17 || s.Family != w.fam || s.State != w.state ||
			local != w.local || peer != w.peer || s.Inode != w.inode || s.RecvQ != w.recvQ {
			t.Errorf("socket %d: %v fam %d %v %s %s inode %d recvq %d, want fam %d %v %s %s inode %d recvq %d",
				i, s.Table, s.Family, s.State, local, peer, s.Inode, s.RecvQ, w.fam, w.state, w.local, w.peer, w.inode, w.recvQ)
		}
		if s.SkMem == nil || s.SkMem.RMemAlloc != w.recvQ || s.SkMem.RcvBuf == 0 || s.Mem == nil {
			t.Errorf("socket %d: skmem %+v mem %+v", i, s.SkMem, s.Mem)
		}
	}
}

type matchFunc func(*stack.Socket) bool

func (f matchFunc) Match(s *stack.Socket) bool { return f(s) }

func TestSocketsQuery(t *testing.T) {
	_, server, socks := udpHosts(t)
	v := server.View()
	for _, tt := range []struct {
		name   string
		q      stack.SocketQuery
		inodes []uint32
	}{
		{"ipv6", stack.SocketQuery{Tables: udpTables, States: stack.StatesAll, Families: 1 << 10}, []uint32{socks[1].Inode}},
		{"preferred ipv4", stack.SocketQuery{Tables: udpTables, States: stack.StatesAll, Preferred: 2}, []uint32{socks[0].Inode, socks[2].Inode}},
		{"established", stack.SocketQuery{Tables: udpTables, States: 1 << stack.StateEstablished}, []uint32{socks[2].Inode}},
		{"no states is every state", stack.SocketQuery{Tables: udpTables}, []uint32{socks[0].Inode, socks[2].Inode, socks[1].Inode}},
		{"filter", stack.SocketQuery{Tables: udpTables, States: stack.StatesAll,
			Filter: matchFunc(func(s *stack.Socket) bool { return s.Local.Port != 123 })}, []uint32{socks[0].Inode, socks[1].Inode}},
		{"tcp table only", stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableTCP), States: 1 << stack.StateClose}, nil},
		{"other tables", stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableRaw).With(stack.TableUnixStream), States: stack.StatesAll}, nil},
	} {
		var got []uint32
		for _, s := range dump(t, v, tt.q) {
			got = append(got, s.Inode)
		}
		if len(got) != len(tt.inodes) {
			t.Errorf("%s: inodes %v, want %v", tt.name, got, tt.inodes)
			continue
		}
		for i := range got {
			if got[i] != tt.inodes[i] {
				t.Errorf("%s: inodes %v, want %v", tt.name, got, tt.inodes)
				break
			}
		}
	}
}

func TestSocketsStopsOnError(t *testing.T) {
	_, server, _ := udpHosts(t)
	stop := errors.New("stop")
	n := 0
	err := server.View().Sockets(context.Background(), stack.SocketQuery{Tables: udpTables}, func(*stack.Socket) error {
		n++
		return stop
	})
	if err != stop || n != 1 {
		t.Errorf("err %v after %d sockets, want stop after 1", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := server.View().Sockets(ctx, stack.SocketQuery{Tables: udpTables}, nil); err == nil {
		t.Error("a cancelled dump did not fail")
	}
}

func TestDestroySocketUDP(t *testing.T) {
	_, server, socks := udpHosts(t)
	v := server.View()
	ctx := context.Background()
	// ss -K: destroying each socket as the dump hands it over.
	var killed int
	err := v.Sockets(ctx, stack.SocketQuery{Tables: udpTables, Families: 1 << 2}, func(s *stack.Socket) error {
		killed++
		return v.DestroySocket(ctx, s)
	})
	if err != nil || killed != 2 {
		t.Fatalf("killed %d (%v), want 2", killed, err)
	}
	if left := server.UDPSockets(); len(left) != 1 || left[0] != socks[1] {
		t.Errorf("left %d sockets, want the IPv6 one", len(left))
	}
	gone := stack.Socket{Table: stack.TableUDP, Inode: socks[0].Inode, Local: stack.Endpoint{Port: 53}}
	if err := v.DestroySocket(ctx, &gone); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("destroying a closed socket: %v, want ENOENT", err)
	}
	if err := v.DestroySocket(ctx, &stack.Socket{Table: stack.TableRaw}); !errors.Is(err, syscall.EOPNOTSUPP) {
		t.Errorf("destroying a raw socket: %v, want EOPNOTSUPP", err)
	}
	if err := v.SocketEvents(ctx, stack.SocketQuery{}, nil); err != nil {
		t.Errorf("SocketEvents: %v", err)
	}
}

func TestProcesses(t *testing.T) {
	_, server, socks := udpHosts(t)
	pm, err := server.View().Processes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []stack.ProcessFD{{Name: "dns", PID: 1000, FD: 3}, {Name: "dns", PID: 1000, FD: 4}, {Name: "ntp", PID: 1001, FD: 3}} {
		got := pm.Lookup(socks[i].Inode)
		if len(got) != 1 || got[0] != want {
			t.Errorf("socket %d: %+v, want %+v", i, got, want)
		}
	}
	if got := pm.Lookup(1); got != nil {
		t.Errorf("unknown inode: %+v", got)
	}
}

func TestSocketSummaryUDP(t *testing.T) {
	_, server, _ := udpHosts(t)
	sum, err := server.View().SocketSummary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Total != 3 || sum.UDP != [3]int{3, 2, 1} || sum.INET != [3]int{3, 2, 1} || sum.RAW != [3]int{} || sum.FRAG != [3]int{} {
		t.Errorf("summary %+v", sum)
	}
}

func TestConnectedWildcardUDPShowsSource(t *testing.T) {
	n := build(t, threeHosts)
	client := n.Host("client")
	s, err := client.UDPSocket(netip.AddrPort{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Connect(netip.MustParseAddrPort("10.0.2.2:53"))
	got := dump(t, client.View(), stack.SocketQuery{Tables: udpTables})
	if len(got) != 1 || got[0].Local.Addr != netip.MustParseAddr("10.0.1.2") || got[0].Local.Port != s.Local.Port() {
		t.Errorf("dump %+v, want the local address 10.0.1.2", got)
	}
}
