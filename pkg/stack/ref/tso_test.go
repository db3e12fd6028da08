package ref

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// tsoRun is what one bulk transfer over bulk10G showed.
type tsoRun struct {
	got, total                 int
	ipOut, outSegs, segsOut    uint64
	tsoPackets, txPackets      uint64
	frames, maxFrame, bigFrame int
	rxPackets                  uint64
	cpu                        time.Duration
}

// runTSO sends 16 MB from client to server over bulk10G (MTU 1500) with
// the client's NIC features changed by feats (ethtool -K), and watches
// every frame the client's link carries.
func runTSO(t *testing.T, yaml string, feats ...nic.FeatureRequest) tsoRun {
	t.Helper()
	n := build(t, yaml)
	client, server := n.Host("client"), n.Host("server")
	if len(feats) > 0 {
		_, cfg, err := client.View().NIC("eth0")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cfg.SetFeatures(feats); err != nil {
			t.Fatal(err)
		}
	}
	r := tsoRun{total: 16 << 20}
	peer := server.Interface("eth0")
	client.Interface("eth0").port.SetDeliver(func(p *Packet) {
		r.frames++
		r.maxFrame = max(r.maxFrame, p.Len())
		if p.GSOSize != 0 || p.Len() > peer.MTU {
			r.bigFrame++
		}
		peer.receive(p)
	})
	l, err := server.TCPListen(serverAddr, 16, TCPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.OnAccept = func(l *TCPSocket) {
		for c := l.Accept(); c != nil; c = l.Accept() {
			c.OnReadable = func(c *TCPSocket) { r.got += c.Read(1 << 30) }
		}
	}
	c, err := client.TCPConnect(serverAddr, TCPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	write := func(s *TCPSocket) {
		for sent < r.total {
			w := s.Write(r.total - sent)
			if w == 0 {
				return
			}
			sent += w
		}
	}
	c.OnConnect = func(s *TCPSocket, err error) { write(s) }
	c.OnWritable = write
	n.Run(500 * sim.Millisecond)
	r.ipOut = client.MIB.Get(IpOutRequests)
	r.outSegs = client.MIB.Get(TcpOutSegs)
	r.segsOut = c.Stats().SegsOut
	sdev, _, _ := server.View().NIC("eth0")
	r.rxPackets = nicStat(t, sdev, "rx_packets")
	dev, _, _ := client.View().NIC("eth0")
	r.tsoPackets = nicStat(t, dev, "tx_tso_packets")
	r.txPackets = nicStat(t, dev, "tx_packets")
	r.cpu = client.View().CPUTime()
	return r
}

// check tests what holds in every mode: the transfer is byte-exact, no
// frame on the link is bigger than the MTU or a super-packet, and the
// counters of segments agree with the frames.
func (r tsoRun) check(t *testing.T, mode string) {
	t.Helper()
	if r.got != r.total {
		t.Errorf("%s: received %d bytes, want %d", mode, r.got, r.total)
	}
	if r.bigFrame != 0 || r.maxFrame > 1500 {
		t.Errorf("%s: %d frames on the link were super-packets or above the MTU (largest %d)", mode, r.bigFrame, r.maxFrame)
	}
	if r.maxFrame != 1500 {
		t.Errorf("%s: largest frame %d, want full 1500-byte segments", mode, r.maxFrame)
	}
	// Lossless: every segment TCP counted is one frame on the wire (the
	// ARP exchange adds one), counted by both NICs, and tcp_info's
	// segs_out counts segments as TcpOutSegs does.
	if uint64(r.frames) != r.outSegs+1 || r.txPackets != uint64(r.frames) || r.rxPackets != uint64(r.frames) {
		t.Errorf("%s: TcpOutSegs %d, frames on the link %d, NIC tx_packets %d, receiver NIC rx_packets %d",
			mode, r.outSegs, r.frames, r.txPackets, r.rxPackets)
	}
	if r.segsOut != r.outSegs {
		t.Errorf("%s: segs_out %d, TcpOutSegs %d", mode, r.segsOut, r.outSegs)
	}
	t.Logf("%s: IpOutRequests %d TcpOutSegs %d tx_tso_packets %d frames %d cpu %v",
		mode, r.ipOut, r.outSegs, r.tsoPackets, r.frames, r.cpu)
}

// TestTSOWhereSegmentationHappens runs one bulk transfer with TSO (the
// default), with GSO only (ethtool -K eth0 tso off) and with neither
// (tso off gso off): TCP sends super-packets in the first two (IP counts
// each once, TCP every segment), the NIC segments them with TSO, the
// kernel before the driver with GSO, and the sender's CPU time grows from
// TSO to GSO to neither, while the wire carries the same segments.
func TestTSOWhereSegmentationHappens(t *testing.T) {
	tso := runTSO(t, bulk10G)
	tso.check(t, "tso")
	gso := runTSO(t, bulk10G, nic.FeatureRequest{Name: "tso", On: false})
	gso.check(t, "gso")
	none := runTSO(t, bulk10G, nic.FeatureRequest{Name: "tso", On: false}, nic.FeatureRequest{Name: "gso", On: false})
	none.check(t, "none")

	// TSO: IP sees a packet per super-packet, far fewer than segments;
	// the NIC counts the super-packets it cut.
	if tso.ipOut*10 > tso.outSegs {
		t.Errorf("tso: IpOutRequests %d not << TcpOutSegs %d", tso.ipOut, tso.outSegs)
	}
	if tso.tsoPackets == 0 || tso.tsoPackets > tso.ipOut || tso.tsoPackets*10 > tso.outSegs {
		t.Errorf("tso: tx_tso_packets %d for %d IP packets and %d segments", tso.tsoPackets, tso.ipOut, tso.outSegs)
	}
	// GSO: the same super-packets, segmented in software.
	if gso.ipOut*10 > gso.outSegs || gso.tsoPackets != 0 {
		t.Errorf("gso: IpOutRequests %d, TcpOutSegs %d, tx_tso_packets %d", gso.ipOut, gso.outSegs, gso.tsoPackets)
	}
	// Neither: one IP packet per segment.
	if none.ipOut != none.outSegs || none.tsoPackets != 0 {
		t.Errorf("none: IpOutRequests %d, TcpOutSegs %d, tx_tso_packets %d", none.ipOut, none.outSegs, none.tsoPackets)
	}
	if !(tso.cpu < gso.cpu && gso.cpu < none.cpu) {
		t.Errorf("sender CPU time: tso %v, gso %v, none %v; want tso < gso < none", tso.cpu, gso.cpu, none.cpu)
	}
	if 2*none.cpu < 3*tso.cpu {
		t.Errorf("sender CPU time: none %v not well above tso %v", none.cpu, tso.cpu)
	}
}

// TestTSOScenarioOffloads turns TSO and GSO off in the scenario's nic
// block: TCP sends MSS-sized packets, as with ethtool -K.
func TestTSOScenarioOffloads(t *testing.T) {
	yaml := strings.Replace(bulk10G, `        addresses: [10.0.0.1/24]
`, `        addresses: [10.0.0.1/24]
        nic:
          offloads:
            tso: false
            gso: false
`, 1)
	if yaml == bulk10G {
		t.Fatal("the scenario was not changed")
	}
	r := runTSO(t, yaml)
	r.check(t, "scenario tso/gso off")
	if r.ipOut != r.outSegs || r.tsoPackets != 0 {
		t.Errorf("IpOutRequests %d, TcpOutSegs %d, tx_tso_packets %d; want one IP packet per segment", r.ipOut, r.outSegs, r.tsoPackets)
	}
}

// TestTSOAutosize checks tcp_tso_autosize: 45 segments of 1448 bytes
// (sk_gso_max_size) at high rates and short RTTs, about 1 ms of data at
// low pacing rates and long RTTs, never fewer than tcp_min_tso_segs.
func TestTSOAutosize(t *testing.T) {
	n := build(t, bulk10G)
	s := &TCPSocket{h: n.Host("client")}
	cases := []struct {
		rate   uint64
		minRTT uint32
		want   uint32
	}{
		{0, 0, 45},               // unlimited pacing rate before any RTT sample
		{1 << 40, 40, 45},        // fast: sk_gso_max_size
		{10_000_000, 40, 45},     // short RTT: the tcp_tso_rtt_log share
		{10_000_000, 100_000, 6}, // 10 MB/s >> 10 = 9765 bytes: 6 segments
		{100_000, 100_000, 2},    // slow: tcp_min_tso_segs
	}
	for _, c := range cases {
		s.pacingRate, s.minRTTUs = c.rate, c.minRTT
		if got := s.tsoAutosize(1448); got != c.want {
			t.Errorf("rate %d B/s, min RTT %d us: %d segments, want %d", c.rate, c.minRTT, got, c.want)
		}
	}
}

// TestTSOInitialWindow checks tcp_cwnd_test's quota under TSO: the
// initial window of 10 segments leaves at once as two super-packets of
// cwnd/2 segments each.
func TestTSOInitialWindow(t *testing.T) {
	n := build(t, bulk10G)
	client, server := n.Host("client"), n.Host("server")
	l, err := server.TCPListen(serverAddr, 16, TCPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.OnAccept = func(l *TCPSocket) {
		for c := l.Accept(); c != nil; c = l.Accept() {
			c.OnReadable = func(c *TCPSocket) { c.Read(1 << 30) }
		}
	}
	c, err := client.TCPConnect(serverAddr, TCPOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ip, segs uint64
	var out uint32
	c.OnConnect = func(s *TCPSocket, err error) {
		ip0, segs0 := client.MIB.Get(IpOutRequests), client.MIB.Get(TcpOutSegs)
		s.Write(100 * 1448)
		ip, segs = client.MIB.Get(IpOutRequests)-ip0, client.MIB.Get(TcpOutSegs)-segs0
		out = s.packetsOut
	}
	n.Run(10 * sim.Millisecond)
	if ip != 2 || segs != 10 || out != 10 {
		t.Errorf("the first write sent %d IP packets, %d segments, %d out; want 2, 10, 10", ip, segs, out)
	}
}

// TestTSOForwardedGRO sends a bulk flow through a router that merges
// (GRO) and forwards: the merged packets leave its egress NIC cut back
// into segments, by TSO when it is on there and by software GSO when
// not, with nothing lost either way.
func TestTSOForwardedGRO(t *testing.T) {
	for _, tsoOn := range []bool{true, false} {
		n := build(t, groRouted)
		client, router, server := n.Host("client"), n.Host("router"), n.Host("server")
		_, rcfg, err := router.View().NIC("eth1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rcfg.SetFeatures([]nic.FeatureRequest{{Name: "tso", On: tsoOn}}); err != nil {
			t.Fatal(err)
		}
		big := 0
		peer := server.Interface("eth0")
		router.Interface("eth1").port.SetDeliver(func(p *Packet) {
			if p.GSOSize != 0 || p.Len() > peer.MTU {
				big++
			}
			peer.receive(p)
		})
		const total = 4 << 20
		got, _ := transfer(t, client, server, netip.MustParseAddrPort("10.0.2.2:9000"), total)
		n.Run(2 * sim.Second)
		if *got != total || big != 0 {
			t.Errorf("tso %v: received %d of %d bytes, %d super-packets or oversized frames on the egress link", tsoOn, *got, total, big)
		}
		tsoPkts := uint64(0)
		for _, st := range mustStats(t, router, "eth1") {
			if st.Name == "tx_tso_packets" {
				tsoPkts = st.Value
			}
		}
		fwd := router.MIB.Get(IpForwDatagrams)
		if tsoOn && (tsoPkts == 0 || tsoPkts > fwd) || !tsoOn && tsoPkts != 0 {
			t.Errorf("tso %v: router egress tx_tso_packets %d of %d forwarded", tsoOn, tsoPkts, fwd)
		}
		if r := client.MIB.Get(TcpRetransSegs); r != 0 {
			t.Errorf("tso %v: client RetransSegs %d on lossless links", tsoOn, r)
		}
	}
}

// bulk10Gv6 is bulk10G over IPv6.
const bulk10Gv6 = `
name: bulk10g6
duration: 1s
hosts:
  - name: client
    interfaces:
      - name: eth0
        addresses: [fd00::1/64]
  - name: server
    interfaces:
      - name: eth0
        addresses: [fd00::2/64]
links:
  - endpoints: [client:eth0, server:eth0]
    bandwidth: 10Gbit
    delay: 20us
`

// TestTSOIPv6 checks that tx-tcp6-segmentation governs IPv6 flows: on,
// the NIC segments; off alone, GSO does; the transfer is whole either way.
func TestTSOIPv6(t *testing.T) {
	for _, tso6 := range []bool{true, false} {
		n := build(t, bulk10Gv6)
		client, server := n.Host("client"), n.Host("server")
		_, cfg, err := client.View().NIC("eth0")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cfg.SetFeatures([]nic.FeatureRequest{{Name: "tx-tcp6-segmentation", On: tso6}}); err != nil {
			t.Fatal(err)
		}
		const total = 4 << 20
		got, _ := transfer(t, client, server, netip.MustParseAddrPort("[fd00::2]:80"), total)
		n.Run(200 * sim.Millisecond)
		dev, _, _ := client.View().NIC("eth0")
		tsoPkts := nicStat(t, dev, "tx_tso_packets")
		ip, segs := client.MIB.Get(Ip6OutRequests), client.MIB.Get(TcpOutSegs)
		if *got != total || ip*10 > segs || tso6 != (tsoPkts > 0) {
			t.Errorf("tx-tcp6-segmentation %v: received %d of %d, Ip6OutRequests %d, TcpOutSegs %d, tx_tso_packets %d",
				tso6, *got, total, ip, segs, tsoPkts)
		}
	}
}
