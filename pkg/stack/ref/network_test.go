package ref

import (
	"net/netip"
	"testing"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// threeHosts is a client and a server on two subnets joined by a router.
const threeHosts = `
name: routed
duration: 10s
hosts:
  - name: client
    interfaces:
      - name: eth0
        addresses: [10.0.1.2/24, fd01::2/64]
    routes:
      - to: default
        via: 10.0.1.1
      - to: default6
        via: fd01::1
  - name: router
    interfaces:
      - name: eth0
        addresses: [10.0.1.1/24, fd01::1/64]
      - name: eth1
        addresses: [10.0.2.1/24, fd02::1/64]
        mtu: 1400
    sysctls:
      net.ipv4.ip_forward: 1
  - name: server
    interfaces:
      - name: eth0
        addresses: [10.0.2.2/24, fd02::2/64]
        mtu: 1400
    routes:
      - to: default
        via: 10.0.2.1
      - to: default6
        via: fd02::1
links:
  - endpoints: [client:eth0, router:eth0]
    bandwidth: 1Gbit
    delay: 1ms
  - endpoints: [router:eth1, server:eth0]
    bandwidth: 100Mbit
    delay: 2ms
`

func build(t *testing.T, yaml string) *Network {
	t.Helper()
	sc, err := scenario.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	n, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPingAcrossRouter(t *testing.T) {
	n := build(t, threeHosts)
	client, router, server := n.Host("client"), n.Host("router"), n.Host("server")
	var replies []sim.Time
	client.onEchoReply = func(p *Packet) { replies = append(replies, n.Now()) }
	if err := client.Ping(netip.MustParseAddr("10.0.2.2"), 1, 1, 56); err != nil {
		t.Fatal(err)
	}
	n.Run(sim.Second)
	if len(replies) != 1 {
		t.Fatalf("%d echo replies, want 1", len(replies))
	}
	// A second ping needs no ARP: its RTT is the links' alone, 2*(1+2) ms
	// of delay plus serialisation.
	start := n.Now()
	_ = client.Ping(netip.MustParseAddr("10.0.2.2"), 1, 2, 56)
	n.Run(2 * sim.Second)
	if len(replies) != 2 {
		t.Fatalf("%d echo replies, want 2", len(replies))
	}
	rtt := replies[1] - start
	if rtt < 6*sim.Millisecond || rtt > 6*sim.Millisecond+50*sim.Microsecond {
		t.Errorf("rtt %v, want 6 ms and the frames' serialisation", rtt)
	}
	for _, c := range []struct {
		h    *Host
		name Counter
		want uint64
	}{
		{client, IcmpOutEchos, 2}, {client, IcmpInEchoReps, 2}, {client, IcmpOutMsgs, 2},
		{server, IcmpInEchos, 2}, {server, IcmpOutEchoReps, 2}, {server, IpInDelivers, 2},
		{router, IpForwDatagrams, 4}, {router, IpInReceives, 4}, {router, IpInDelivers, 0},
	} {
		if got := c.h.MIB.Get(c.name); got != c.want {
			t.Errorf("%s %s = %d, want %d", c.h.Name, c.name, got, c.want)
		}
	}
}

func TestUDPDeliveryPortUnreachAndFragments(t *testing.T) {
	n := build(t, threeHosts)
	client, router, server := n.Host("client"), n.Host("router"), n.Host("server")
	srv, err := server.UDPSocket(netip.MustParseAddrPort("0.0.0.0:53"), server.NewProcess("dns"))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := client.UDPSocket(netip.AddrPort{}, client.NewProcess("dig"))
	if err != nil {
		t.Fatal(err)
	}
	dst := netip.MustParseAddrPort("10.0.2.2:53")
	_ = cl.SendTo(dst, 100)
	_ = cl.SendTo(netip.MustParseAddrPort("10.0.2.2:54"), 100) // nobody there
	// 4000 bytes leave the client in 3 fragments (MTU 1500); the router
	// forwards them without refragmenting... no: its eth1 has MTU 1400,
	// so it refragments each fragment that does not fit (those with DF
	// clear).
	_ = cl.SendTo(dst, 4000)
	n.Run(sim.Second)
	if got := srv.Read(); got != 100 {
		t.Errorf("first datagram: %d bytes, want 100", got)
	}
	if got := srv.Read(); got != 4000 {
		t.Errorf("second datagram: %d bytes, want 4000 (reassembled)", got)
	}
	for _, c := range []struct {
		h    *Host
		name Counter
		want uint64
	}{
		{client, UdpOutDatagrams, 3}, {client, IpFragCreates, 3}, {client, IpFragOKs, 1},
		{server, UdpInDatagrams, 2}, {server, UdpNoPorts, 1}, {server, IpReasmOKs, 1},
		{server, IcmpOutDestUnreachs, 1}, {client, IcmpInDestUnreachs, 1},
		{router, IpFragCreates, 4}, {router, IpFragOKs, 2},
	} {
		if got := c.h.MIB.Get(c.name); got != c.want {
			t.Errorf("%s %s = %d, want %d", c.h.Name, c.name, got, c.want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	run := func() []uint64 {
		n := build(t, threeHosts)
		client := n.Host("client")
		cl, _ := client.UDPSocket(netip.AddrPort{}, nil)
		for i := range 50 {
			_ = cl.SendTo(netip.MustParseAddrPort("10.0.2.2:9"), 100+i*97)
		}
		n.Run(sim.Second)
		var out []uint64
		for _, h := range n.Hosts {
			for _, c := range h.MIB.List() {
				out = append(out, c.Value)
			}
		}
		return append(out, n.Engine.Events())
	}
	a, b := run(), run()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("two runs differ at %d: %d vs %d", i, a[i], b[i])
		}
	}
}
