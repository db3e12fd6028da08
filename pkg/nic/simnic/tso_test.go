package simnic

import (
	"testing"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// gsoStack is tstack whose frames may be super-packets: payload bytes
// in segments of gso bytes (gso 0: an ordinary frame).
type gsoStack struct {
	tstack
	gso map[*tframe]int
}

func (s *gsoStack) GSOSegs(f *tframe) int {
	g := s.gso[f]
	if g == 0 || f.payload <= g {
		return 1
	}
	return (f.payload + g - 1) / g
}

func (s *gsoStack) Segment(f *tframe, out []*tframe) []*tframe {
	g := s.gso[f]
	delete(s.gso, f)
	for off := 0; off < f.payload; off += g {
		n := min(g, f.payload-off)
		c := s.get()
		c.fl, c.seq, c.payload = f.fl, f.seq+uint32(off), n
		c.fl.Len = 52 + n
		out = append(out, c)
	}
	s.put(f)
	return out
}

func (s *gsoStack) Len(f *tframe) int { return f.fl.Len }

// tsoRig is a one-queue NIC on a gsoStack whose wire records frame sizes.
type tsoRig struct {
	e      *sim.Engine
	st     *gsoStack
	nic    *NIC[*tframe]
	frames []int
}

func newTSORig(t *testing.T, feats ...nic.FeatureRequest) *tsoRig {
	t.Helper()
	e := sim.New(1)
	r := &tsoRig{e: e, st: &gsoStack{tstack: tstack{e: e}, gso: map[*tframe]int{}}}
	c := NewCPUs[*tframe](e, nil, r.st, 1)
	r.nic = New(Config[*tframe]{Name: "eth0", Index: 2, CPUs: c, Speed: 10_000_000_000, TxQueueLen: 1000,
		Wire: func(f *tframe) (sim.Time, bool) {
			r.frames = append(r.frames, f.fl.Len)
			r.st.put(f)
			return e.Now() + 100, true
		}})
	if len(feats) > 0 {
		if _, err := r.nic.SetFeatures(feats); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// sendSuper hands the NIC one TCP super-packet of segs segments of mss
// bytes and returns the CPU time it cost.
func (r *tsoRig) sendSuper(segs, mss int) sim.Time {
	f := r.st.get()
	fl := udpFlow(0, 0)
	fl.Proto = 6
	f.fl, f.payload = fl, segs*mss
	f.fl.Len = 52 + f.payload
	r.st.gso[f] = mss
	before := r.nic.cpus.TotalUsed()
	r.nic.Transmit(f)
	return r.nic.cpus.TotalUsed() - before
}

func tsoStat(t *testing.T, n *NIC[*tframe], name string) uint64 {
	t.Helper()
	st, _ := n.Stats()
	for _, s := range st {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("no stat %s", name)
	return 0
}

// TestTSOSegmentsInTheNIC: with TSO a super-packet is one descriptor the
// NIC cuts into MSS-sized frames, costing the CPU the packet once and
// its DMA; with GSO only it is cut in software, every segment costing
// and taking a descriptor; with the checksum offload off TSO is off too
// and the software path computes checksums.
func TestTSOSegmentsInTheNIC(t *testing.T) {
	const segs, mss = 45, 1448
	c := DefaultCosts
	cases := []struct {
		name        string
		feats       []nic.FeatureRequest
		cost        sim.Time
		tso, csumSW uint64
		inflight    int
	}{
		{"tso", nil, c.TxPacket + c.TxTSO + c.dma(52+segs*mss), 1, 0, 1},
		{"gso", []nic.FeatureRequest{{Name: "tso", On: false}}, c.TxPacket + segs*c.TxGSOSegment, 0, 0, segs},
		{"tx-csum off", []nic.FeatureRequest{{Name: "tx", On: false}},
			c.TxPacket + segs*(c.TxGSOSegment+c.checksum(52+mss)), 0, segs, segs},
	}
	for _, tc := range cases {
		r := newTSORig(t, tc.feats...)
		cost := r.sendSuper(segs, mss)
		if cost != tc.cost {
			t.Errorf("%s: cost %v, want %v", tc.name, cost, tc.cost)
		}
		if len(r.frames) != segs {
			t.Fatalf("%s: %d frames on the wire, want %d", tc.name, len(r.frames), segs)
		}
		for _, l := range r.frames {
			if l != 52+mss {
				t.Fatalf("%s: a frame of %d bytes on the wire, want %d", tc.name, l, 52+mss)
			}
		}
		if got := tsoStat(t, r.nic, "tx_tso_packets"); got != tc.tso {
			t.Errorf("%s: tx_tso_packets %d, want %d", tc.name, got, tc.tso)
		}
		if got := tsoStat(t, r.nic, "tx_csum_sw"); got != tc.csumSW {
			t.Errorf("%s: tx_csum_sw %d, want %d", tc.name, got, tc.csumSW)
		}
		if got := tsoStat(t, r.nic, "tx_packets"); got != segs {
			t.Errorf("%s: tx_packets %d, want %d (frames on the wire)", tc.name, got, segs)
		}
		if got := r.nic.tx[0].inflight.len(); got != tc.inflight {
			t.Errorf("%s: %d descriptors in use, want %d", tc.name, got, tc.inflight)
		}
		r.e.Run()
		if r.nic.tx[0].inflight.len() != 0 {
			t.Errorf("%s: descriptors left after completion", tc.name)
		}
	}
	// An ordinary frame costs TxPacket, whatever the offloads.
	r := newTSORig(t)
	if cost := r.sendSuper(1, mss); cost != c.TxPacket || tsoStat(t, r.nic, "tx_tso_packets") != 0 {
		t.Errorf("one segment: cost %v, want %v, and no TSO packet", cost, c.TxPacket)
	}
}

// TestTCPSegmentation follows the features' dependencies: TSO needs
// scatter-gather and the family's checksum; GSO stands alone.
func TestTCPSegmentation(t *testing.T) {
	cases := []struct {
		feats          []nic.FeatureRequest
		tso4, tso6, gs bool
	}{
		{nil, true, true, true},
		{[]nic.FeatureRequest{{Name: "tso", On: false}}, false, false, true},
		{[]nic.FeatureRequest{{Name: "tx-tcp6-segmentation", On: false}}, true, false, true},
		{[]nic.FeatureRequest{{Name: "tx-checksum-ipv4", On: false}}, false, true, true},
		{[]nic.FeatureRequest{{Name: "sg", On: false}}, false, false, false},
		{[]nic.FeatureRequest{{Name: "gso", On: false}}, true, true, false},
	}
	for i, tc := range cases {
		r := newTSORig(t, tc.feats...)
		t4, g4 := r.nic.TCPSegmentation(false)
		t6, g6 := r.nic.TCPSegmentation(true)
		if t4 != tc.tso4 || t6 != tc.tso6 || g4 != tc.gs || g6 != tc.gs {
			t.Errorf("case %d %v: tso4 %v tso6 %v gso %v/%v", i, tc.feats, t4, t6, g4, g6)
		}
	}
}
