package ref

import (
	"net/netip"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

func TestSYNFloodSpoofed(t *testing.T) {
	n := started(t, twoHosts+`
  - name: flood
    start: 10ms
    stop: 110ms
    synflood:
      source: client
      server: server
      port: 80
      rate: 1000/s
      spoof: 10.0.0.128/25
`)
	var seen []*Packet
	server := n.Host("server")
	// Watch the SYNs arriving at the server's interface.
	ifc := server.Ifaces[0]
	link := n.Links[0].AB
	link.SetDeliver(func(p *Packet) {
		if p.Proto == protoTCP {
			c := *p
			seen = append(seen, &c)
		}
		ifc.receive(p)
	})
	n.Run(sim.Second)
	w := n.Summary().Workloads[0]
	if w.SYNs == nil || w.SYNs.Sent != 100 {
		t.Fatalf("syns %+v, want 100 sent (1000/s for 100 ms)", w.SYNs)
	}
	if len(seen) != 100 {
		t.Fatalf("server saw %d SYNs, want 100", len(seen))
	}
	spoof := netip.MustParsePrefix("10.0.0.128/25")
	srcs := map[netip.Addr]bool{}
	for _, p := range seen {
		if !spoof.Contains(p.Src) || p.Src == netip.MustParseAddr("10.0.0.128") || p.Src == netip.MustParseAddr("10.0.0.255") {
			t.Errorf("source %v outside %v's hosts", p.Src, spoof)
		}
		srcs[p.Src] = true
		if p.TCP.Flags != tcpSYN || p.DstPort != 80 || p.TCP.MSS != 1460 || !p.DF {
			t.Errorf("packet %+v is not a SYN to port 80 with MSS 1460", p.TCP)
		}
	}
	if len(srcs) < 40 {
		t.Errorf("only %d distinct sources in 100 SYNs", len(srcs))
	}
	if got := server.MIB.Get(TcpInSegs); got != 100 {
		t.Errorf("server TcpInSegs %d, want 100", got)
	}
}

func TestSYNFloodCountAndOwnAddress(t *testing.T) {
	n := started(t, twoHosts+`
  - synflood:
      source: client
      server: server
      rate: 100000/s
      count: 7
`)
	n.Run(sim.Second)
	if w := n.Summary().Workloads[0]; w.SYNs.Sent != 7 || w.Name != "synflood" {
		t.Errorf("workload %s sent %d SYNs, want synflood and 7", w.Name, w.SYNs.Sent)
	}
	if procs := n.Host("client").Processes(); len(procs) != 1 || procs[0].Name != "synflood" {
		t.Errorf("client processes %v, want synflood", procs)
	}
}

func TestRandomAddrIPv6(t *testing.T) {
	n := New(1)
	p := netip.MustParsePrefix("2001:db8::/32")
	a, b := randomAddr(n.Engine.Rand(), p), randomAddr(n.Engine.Rand(), p)
	if !p.Contains(a) || !p.Contains(b) || a == b {
		t.Errorf("random addresses %v %v, want two distinct in %v", a, b, p)
	}
	one := netip.MustParsePrefix("192.0.2.7/32")
	if got := randomAddr(n.Engine.Rand(), one); got != one.Addr() {
		t.Errorf("random in a /32: %v", got)
	}
}
