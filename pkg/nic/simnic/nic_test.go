package simnic

import (
	"errors"
	"syscall"
	"testing"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// tframe is a test frame: its headers, when it arrived, its TCP sequence
// number and payload.
type tframe struct {
	fl      Flow
	at      sim.Time
	seq     uint32
	payload int
	next    *tframe
}

// tstack is a fake stack that counts and frees what the NIC hands it.
type tstack struct {
	e                   *sim.Engine
	delivered, dropped  int
	txDropped           int
	latency, maxLatency sim.Time
	free                *tframe
}

func (s *tstack) Flow(f *tframe) Flow { return f.fl }

func (s *tstack) Merge(held, f *tframe) bool {
	if f.seq != held.seq+uint32(held.payload) || held.fl.Len+f.payload > 65535 {
		return false
	}
	held.payload += f.payload
	held.fl.Len += f.payload
	s.put(f)
	return true
}

func (s *tstack) Deliver(f *tframe) {
	s.delivered++
	d := s.e.Now() - f.at
	s.latency += d
	s.maxLatency = max(s.maxLatency, d)
	s.put(f)
}

func (s *tstack) Drop(f *tframe, rx bool) {
	if rx {
		s.dropped++
	} else {
		s.txDropped++
	}
	s.put(f)
}

func (s *tstack) get() *tframe {
	if f := s.free; f != nil {
		s.free = f.next
		*f = tframe{}
		return f
	}
	return &tframe{}
}

func (s *tstack) put(f *tframe) { f.next, s.free = s.free, f }

// rig is a NIC on a fake stack.
type rig struct {
	e   *sim.Engine
	sc  *sysctl.Tree
	st  *tstack
	nic *NIC[*tframe]
}

func newRig(t testing.TB, cpus int, setup func(*rig)) *rig {
	e := sim.New(1)
	r := &rig{e: e, sc: sysctl.New(), st: &tstack{e: e}}
	c := NewCPUs[*tframe](e, r.sc, r.st, cpus)
	r.nic = New(Config[*tframe]{Name: "eth0", Index: 2, CPUs: c, Speed: 10_000_000_000, TxQueueLen: 1000,
		Wire: func(f *tframe) (sim.Time, bool) { r.st.put(f); return e.Now() + 100, true }})
	if setup != nil {
		setup(r)
	}
	return r
}

func (r *rig) set(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// udpFlow is flow i of UDP frames of size bytes from 10.0.0.1.
func udpFlow(i int, size int) Flow {
	f := Flow{Proto: 17, Ports: true, SrcPort: uint16(10000 + i), DstPort: 9000, Len: size}
	f.Src = [16]byte{10: 0xff, 11: 0xff, 12: 10, 15: 1}
	f.Dst = [16]byte{10: 0xff, 11: 0xff, 12: 10, 15: 2}
	return f
}

// send schedules count frames of flow fl from start, gap apart; mk may
// adjust each.
func (r *rig) send(start, gap sim.Time, count int, fl func(i int) Flow) {
	for i := range count {
		r.e.At(start+sim.Time(i)*gap, func() {
			f := r.st.get()
			f.fl, f.at = fl(i), r.e.Now()
			r.nic.Receive(f)
		})
	}
}

// frameGap is a 64-byte frame's time at 10 Gbit/s (84 bytes with preamble
// and gap).
const frameGap = 67

func stat(t testing.TB, n *NIC[*tframe], name string) uint64 {
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

func oneQueue(r *rig) {
	if err := r.nic.SetChannels([]nic.Param{{Name: "combined", Value: 1}}); err != nil {
		panic(err)
	}
}

func TestBurstDropsAtRingLargerRingStops(t *testing.T) {
	run := func(ring uint32) (missed uint64, st *tstack) {
		r := newRig(t, 1, nil)
		r.set(t, "rings", r.nic.SetRings([]nic.Param{{Name: "rx", Value: ring}}))
		r.set(t, "coalesce", r.nic.SetCoalesce([]nic.Param{{Name: "adaptive-rx", Value: 0},
			{Name: "rx-usecs", Value: 50}, {Name: "rx-frames", Value: 64}}))
		r.send(0, frameGap, 1024, func(int) Flow { return udpFlow(0, 46) })
		r.e.Run()
		return r.nic.RXMissed(), r.st
	}
	missed, st := run(128)
	if missed == 0 || st.dropped != int(missed) || st.delivered+st.dropped != 1024 {
		t.Errorf("ring 128: missed %d, stack dropped %d delivered %d; want drops at the ring", missed, st.dropped, st.delivered)
	}
	missed, st = run(4096)
	if missed != 0 || st.delivered != 1024 {
		t.Errorf("ring 4096: missed %d delivered %d, want 0 and 1024", missed, st.delivered)
	}
}

func TestCoalescingTradesInterruptsForLatency(t *testing.T) {
	run := func(usecs, frames uint32) (irqs uint64, meanLat sim.Time) {
		r := newRig(t, 1, oneQueue)
		r.set(t, "coalesce", r.nic.SetCoalesce([]nic.Param{{Name: "adaptive-rx", Value: 0},
			{Name: "rx-usecs", Value: usecs}, {Name: "rx-frames", Value: frames}}))
		// 100 kpps for 10 ms.
		r.send(0, 10*sim.Microsecond, 1000, func(int) Flow { return udpFlow(0, 100) })
		r.e.Run()
		if r.st.delivered != 1000 {
			t.Fatalf("delivered %d of 1000", r.st.delivered)
		}
		return r.nic.RXInterrupts(), r.st.latency / sim.Time(r.st.delivered)
	}
	irq0, lat0 := run(0, 1)
	irq1, lat1 := run(100, 64)
	t.Logf("rx-usecs 0: %d interrupts, mean latency %v; rx-usecs 100 rx-frames 64: %d interrupts, %v", irq0, lat0, irq1, lat1)
	if irq0 != 1000 {
		t.Errorf("rx-usecs 0: %d interrupts, want one per frame (1000)", irq0)
	}
	if irq1 > irq0/5 || lat1 < 5*lat0 || lat1 < 20*sim.Microsecond {
		t.Errorf("coalescing did not trade interrupts (%d -> %d) for latency (%v -> %v)", irq0, irq1, lat0, lat1)
	}
}

func TestBudgetExhaustionCountsTimeSqueeze(t *testing.T) {
	run := func(budget string) uint32 {
		r := newRig(t, 1, oneQueue)
		r.set(t, "sysctl", r.sc.Set("net.core.netdev_budget", budget))
		r.set(t, "coalesce", r.nic.SetCoalesce([]nic.Param{{Name: "adaptive-rx", Value: 0},
			{Name: "rx-usecs", Value: 100}, {Name: "rx-frames", Value: 512}}))
		r.set(t, "rings", r.nic.SetRings([]nic.Param{{Name: "rx", Value: 4096}}))
		r.send(0, frameGap, 2000, func(int) Flow { return udpFlow(0, 46) })
		r.e.Run()
		if r.st.delivered != 2000 {
			t.Fatalf("budget %s: delivered %d of 2000", budget, r.st.delivered)
		}
		return r.nic.cpus.Softnet()[0].TimeSqueeze
	}
	small, large := run("100"), run("100000")
	if small == 0 || large != 0 {
		t.Errorf("time_squeeze: budget 100 %d (want > 0), budget 100000 %d (want 0)", small, large)
	}
}

func TestBacklogOverflowCountsSoftnetDrops(t *testing.T) {
	run := func(maxBacklog string) []uint32 {
		r := newRig(t, 2, oneQueue)
		r.set(t, "sysctl", r.sc.Set("net.core.netdev_max_backlog", maxBacklog))
		r.set(t, "rings", r.nic.SetRings([]nic.Param{{Name: "rx", Value: 8192}}))
		r.nic.SetRPS(0, []int{1})
		r.send(0, frameGap, 3000, func(i int) Flow { return udpFlow(i%16, 46) })
		r.e.Run()
		sn := r.nic.cpus.Softnet()
		if int(sn[1].Dropped) != r.st.dropped || r.st.delivered+r.st.dropped != 3000 {
			t.Errorf("backlog %s: softnet dropped %d, stack dropped %d delivered %d", maxBacklog, sn[1].Dropped, r.st.dropped, r.st.delivered)
		}
		return []uint32{sn[1].Dropped, sn[1].ReceivedRPS, sn[1].Processed, sn[0].Processed}
	}
	got := run("100")
	if got[0] == 0 || got[1] == 0 || got[3] != 0 {
		t.Errorf("backlog 100: dropped %d received_rps %d (want both > 0), processed on cpu0 %d (want 0)", got[0], got[1], got[3])
	}
	if got := run("10000"); got[0] != 0 || got[2] != 3000 {
		t.Errorf("backlog 10000: dropped %d processed %d, want 0 and 3000", got[0], got[2])
	}
}

func TestGROCutsPerPacketCPU(t *testing.T) {
	run := func(gro bool) (cpuPerFrame sim.Time, delivered int) {
		r := newRig(t, 1, oneQueue)
		if _, err := r.nic.SetFeatures([]nic.FeatureRequest{{Name: "gro", On: gro}}); err != nil {
			t.Fatal(err)
		}
		fl := udpFlow(0, 1500)
		fl.Proto, fl.Data = 6, true
		// 1448-byte segments of one stream at 10 Gbit/s.
		for i := range 5000 {
			r.e.At(sim.Time(i)*1230, func() {
				f := r.st.get()
				f.fl, f.at, f.seq, f.payload = fl, r.e.Now(), uint32(i*1448), 1448
				r.nic.Receive(f)
			})
		}
		r.e.Run()
		return r.nic.cpus.TotalUsed() / 5000, r.st.delivered
	}
	on, nOn := run(true)
	off, nOff := run(false)
	t.Logf("GRO on: %v CPU per frame, %d packets to the stack; off: %v, %d", on, nOn, off, nOff)
	if nOff != 5000 || nOn >= nOff/4 || on >= off*3/4 {
		t.Errorf("GRO on: %v per frame, %d packets; off: %v, %d; want far fewer packets and less CPU", on, nOn, off, nOff)
	}
}

func TestRSSSpreadsFlowsByHash(t *testing.T) {
	r := newRig(t, 4, nil)
	if r.nic.set.Combined != 4 {
		t.Fatalf("combined %d, want 4 (one per CPU)", r.nic.set.Combined)
	}
	const flows = 256
	want := make([]uint64, 4)
	for i := range flows {
		fl := udpFlow(i, 100)
		want[r.nic.indir[Toeplitz(DefaultKey[:], fl.hashInput(make([]byte, 36), true))%IndirectionSize]]++
	}
	r.send(0, sim.Microsecond, flows, func(i int) Flow { return udpFlow(i, 100) })
	r.e.Run()
	for q := range 4 {
		got := r.nic.rxst[q].packets
		if got != want[q] || got < flows/8 {
			t.Errorf("queue %d: %d packets, want %d by the hash (and at least %d)", q, got, want[q], flows/8)
		}
		if p := r.nic.cpus.Softnet()[q].Processed; uint64(p) != got {
			t.Errorf("cpu %d processed %d, want its queue's %d", q, p, got)
		}
	}
}

func TestDeterminism(t *testing.T) {
	run := func() []nic.Stat {
		r := newRig(t, 4, nil)
		r.set(t, "rings", r.nic.SetRings([]nic.Param{{Name: "rx", Value: 256}}))
		r.send(0, 50, 20000, func(i int) Flow { return udpFlow(i%37, 46+i%1000) })
		r.e.Run()
		st, _ := r.nic.Stats()
		return st
	}
	a, b := run(), run()
	if len(a) != len(b) {
		t.Fatal("stat counts differ")
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("%s: %d then %d", a[i].Name, a[i].Value, b[i].Value)
		}
	}
}

func TestSettersRefuseLikeTheKernel(t *testing.T) {
	r := newRig(t, 4, nil)
	var ne *nic.Error
	err := r.nic.SetRings([]nic.Param{{Name: "tx", Value: 16}, {Name: "rx", Value: 9000}})
	if !errors.As(err, &ne) || ne.Errno != syscall.EINVAL || ne.Message != "requested ring size exceeds maximum" || ne.Offset != 20+4+12+8 {
		t.Errorf("rx 9000: %v", err)
	}
	err = r.nic.SetChannels([]nic.Param{{Name: "combined", Value: 5}})
	if !errors.As(err, &ne) || ne.Errno != syscall.EINVAL || ne.Message != "requested channel count exceeds maximum" || ne.Offset != 36 {
		t.Errorf("combined 5: %v", err)
	}
	err = r.nic.SetCoalesce([]nic.Param{{Name: "rx-usecs-irq", Value: 5}})
	if !errors.As(err, &ne) || ne.Errno != syscall.EINVAL || ne.Message != "cannot modify an unsupported parameter" {
		t.Errorf("rx-usecs-irq: %v", err)
	}
	if _, err := r.nic.SetFeatures([]nic.FeatureRequest{{Name: "nosuch", On: true}}); !errors.As(err, &ne) || ne.Errno != syscall.EOPNOTSUPP || ne.Offset != 56 {
		t.Errorf("nosuch: %v", err)
	}
	diffs, err := r.nic.SetFeatures([]nic.FeatureRequest{{Name: "sg", On: false}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		if d.Name == "tx-tcp-segmentation" && (!d.Changed || d.Active) {
			t.Errorf("sg off: TSO %+v, want turned off with it", d)
		}
	}
	fs, _ := r.nic.Features()
	if fs[fTSO].Active || !fs[fTSO].Wanted || !fs[5].Fixed || !fs[5].Active {
		t.Errorf("features after sg off: tso %+v highdma %+v", fs[fTSO], fs[5])
	}
	if err := r.nic.SetChannels([]nic.Param{{Name: "combined", Value: 2}}); err != nil || len(r.nic.rx) != 2 {
		t.Errorf("combined 2: %v, %d queues", err, len(r.nic.rx))
	}
	st, _ := r.nic.Stats()
	if got := st[len(st)-1].Name; got != "tx_queue_1_irqs" {
		t.Errorf("last stat %s, want tx_queue_1_irqs", got)
	}
}

func TestTransmitRingFullStopsQueue(t *testing.T) {
	r := newRig(t, 1, oneQueue)
	r.set(t, "rings", r.nic.SetRings([]nic.Param{{Name: "tx", Value: 64}}))
	// The wire takes 1 us per frame.
	busy := sim.Time(0)
	r.nic.wire = func(f *tframe) (sim.Time, bool) {
		busy = max(busy, r.e.Now()) + sim.Microsecond
		r.st.put(f)
		return busy, true
	}
	for range 300 {
		f := r.st.get()
		f.fl = udpFlow(0, 1000)
		r.nic.Transmit(f)
	}
	r.e.Run()
	if s := stat(t, r.nic, "tx_queue_0_stops"); s == 0 || stat(t, r.nic, "tx_packets") != 300 || r.st.txDropped != 0 {
		t.Errorf("stops %d tx_packets %d dropped %d", s, stat(t, r.nic, "tx_packets"), r.st.txDropped)
	}
}
