package cc

import (
	"math"
	"testing"
)

func cubicWith(t *testing.T, edit func(*CubicParams)) *Cubic {
	t.Helper()
	p := DefaultCubicParams()
	if edit != nil {
		edit(&p)
	}
	cfg, err := NewCubicConfig(p)
	if err != nil {
		t.Fatal(err)
	}
	return NewCubic(cfg)
}

func TestCubicDerivedConstants(t *testing.T) {
	c := defaultCubic
	// beta_scale = 8*(1024+717)/3/(1024-717) = 13928/3/307 = 4642/307 = 15
	// cube_rtt_scale = 41*10 = 410
	// cube_factor = 2^40/410 = 1099511627776/410 = 2681735677
	if c.betaScale != 15 || c.cubeRTTScale != 410 || c.cubeFactor != 2681735677 {
		t.Fatalf("beta_scale %d cube_rtt_scale %d cube_factor %d, want 15 410 2681735677",
			c.betaScale, c.cubeRTTScale, c.cubeFactor)
	}
	for _, p := range []CubicParams{{Beta: 1024, BicScale: 41}, {Beta: 717, BicScale: 0}} {
		if _, err := NewCubicConfig(p); err == nil {
			t.Errorf("NewCubicConfig(%+v) accepted", p)
		}
	}
}

// On loss ssthresh = cwnd*717/1024 (at least 2) and W_max = cwnd; a loss
// before W_max is regained lowers W_max to cwnd*(1024+717)/2048 (fast
// convergence).
func TestCubicSSThreshAndFastConvergence(t *testing.T) {
	cu := NewCubic(nil)
	s := NewState()
	cu.Init(&s)

	s.Cwnd = 100
	if got := cu.SSThresh(&s); got != 70 || cu.lastMaxCwnd != 100 {
		// 100*717/1024 = 71700/1024 = 70.02
		t.Fatalf("ssthresh %d W_max %d, want 70 and 100", got, cu.lastMaxCwnd)
	}
	s.Cwnd = 90
	if got := cu.SSThresh(&s); got != 63 || cu.lastMaxCwnd != 76 {
		// 90*717/1024 = 64530/1024 = 63.02; 90*1741/2048 = 156690/2048 = 76.5
		t.Fatalf("ssthresh %d W_max %d, want 63 and 76", got, cu.lastMaxCwnd)
	}
	s.Cwnd = 200 // above W_max: W_max = cwnd
	if got := cu.SSThresh(&s); got != 140 || cu.lastMaxCwnd != 200 {
		// 200*717/1024 = 143400/1024 = 140.04
		t.Fatalf("ssthresh %d W_max %d, want 140 and 200", got, cu.lastMaxCwnd)
	}
	s.Cwnd = 2
	if got := cu.SSThresh(&s); got != 2 {
		t.Fatalf("ssthresh at cwnd 2 = %d, want the floor 2", got)
	}
	if cu.epochStart != 0 {
		t.Fatal("ssthresh did not end the epoch")
	}

	slow := cubicWith(t, func(p *CubicParams) { p.FastConvergence = false })
	slow.lastMaxCwnd = 100
	s.Cwnd = 90
	if slow.SSThresh(&s); slow.lastMaxCwnd != 90 {
		t.Fatalf("without fast convergence W_max = %d, want 90", slow.lastMaxCwnd)
	}
}

// cubicRun is one loss at W_max = 100 followed by congestion avoidance on
// a fixed-RTT ACK clock, sampled at the end of every round.
type cubicRun struct {
	cu     *Cubic
	c      *ackClock
	times  []float64 // seconds since the loss
	cwnds  []uint32
	lossAt int64
}

func runCubicAfterLoss(t *testing.T, cu *Cubic, rttNs int64, seconds float64) *cubicRun {
	// Start two seconds before the 32-bit jiffies counter wraps (Linux's
	// INITIAL_JIFFIES puts the wrap 300 s after boot), so the epoch
	// arithmetic is exercised across the wrap.
	c := newAckClock(t, cu, 298e9, rttNs, 100, 100)
	// One ACK teaches delay_min = RTT.
	c.ack(c.nowNs+rttNs, int32(rttNs/1000))
	c.s.Cwnd = 100
	c.fastRecovery()
	r := &cubicRun{cu: cu, c: c, lossAt: c.nowNs}
	for float64(c.nowNs-r.lossAt)/1e9 < seconds {
		c.round()
		r.times = append(r.times, float64(c.nowNs-r.lossAt)/1e9)
		r.cwnds = append(r.cwnds, c.s.Cwnd)
	}
	return r
}

// at returns cwnd at the end of the last round finished by time sec.
func (r *cubicRun) at(sec float64) uint32 {
	w := r.c.s.SSThresh
	for i, tm := range r.times {
		if tm > sec {
			break
		}
		w = r.cwnds[i]
	}
	return w
}

// first returns the time of the first round ending with cwnd >= w.
func (r *cubicRun) first(w uint32) float64 {
	for i, c := range r.cwnds {
		if c >= w {
			return r.times[i]
		}
	}
	return math.Inf(1)
}

// After a loss at W_max = 100 segments with a 100 ms RTT (long enough that
// the Reno emulation stays below the curve), cwnd follows
// W(t) = W_max + C*(t-K)^3, C = 0.4, K = cbrt(W_max*(1-beta)/C) =
// cbrt(100*307/1024/0.4) = cbrt(74.95) = 4.217 s. Linux aims one delay_min
// ahead, W(t+RTT), and keeps integer windows, so cwnd sits at exactly
// W_max while the curve is within one segment of it: |t+RTT-K| <
// cbrt(1/C) = 1.357 s. That plateau is centred on K - RTT.
func TestCubicRegrowthFollowsCurve(t *testing.T) {
	const rtt = 0.1
	r := runCubicAfterLoss(t, cubicWith(t, func(p *CubicParams) { p.Hystart = false }), 100e6, 8)
	cu := r.cu
	if r.c.s.SSThresh != 70 {
		t.Fatalf("ssthresh %d, want 70", r.c.s.SSThresh)
	}
	k := float64(cu.k) / 1024
	wantK := math.Cbrt(100 * (1 - 717.0/1024) / 0.4)
	// The fixed-point K is computed from the integer drop 30 (not 29.98):
	// cubicRoot(2681735677*30) = 4316, 4316/1024 = 4.215 s.
	if cu.k != 4316 || math.Abs(k-wantK) > 0.005*wantK {
		t.Fatalf("K = %d/1024 = %.3f s, want 4316 (%.3f s)", cu.k, k, wantK)
	}

	// Each cnt aims at W(t+RTT) but cwnd only gets there as the next RTT
	// of ACKs arrives, so cwnd(t) lies between W(t) and W(t+RTT), give or
	// take the integer rounding of target and cwnd.
	curve := func(sec float64) float64 { return 100 + 0.4*math.Pow(sec-k, 3) }
	for i, tm := range r.times {
		lo, hi := math.Floor(curve(tm))-1, math.Ceil(curve(tm+rtt))+1
		if w := float64(r.cwnds[i]); w < lo || w > hi {
			t.Errorf("t=%.2f s: cwnd %d, want within [W(t)-1, W(t+RTT)+1] = [%.0f, %.0f]", tm, r.cwnds[i], lo, hi)
		}
	}

	reach, leave := r.first(100), r.first(101)
	mid := (reach + leave) / 2
	t.Logf("cwnd back at W_max at %.2f s, above it at %.2f s: plateau centre %.2f s, K-RTT = %.2f s", reach, leave, mid, k-rtt)
	if math.Abs(mid-(k-rtt)) > 0.15 {
		t.Errorf("plateau centred at %.2f s, want K-RTT = %.2f s", mid, k-rtt)
	}
	if plateau := cbrtf(1 / 0.4); math.Abs(reach-(k-rtt-plateau)) > 0.15 || math.Abs(leave-(k-rtt+plateau)) > 0.15 {
		t.Errorf("plateau [%.2f, %.2f] s, want K-RTT -/+ %.2f s = [%.2f, %.2f]", reach, leave, plateau, k-rtt-plateau, k-rtt+plateau)
	}

	// Concave before K: growth over successive thirds of [0, K] shrinks
	// (curve: 70 -> 91.1 -> 98.9 -> 100). Convex after: growth over
	// successive 1.4 s steps from K grows (100 -> 101.1 -> 108.9 -> 129.6;
	// the run stops at 8 s, so the last step is shorter).
	third := k / 3
	g1 := int(r.at(third)) - int(r.at(0))
	g2 := int(r.at(2*third)) - int(r.at(third))
	g3 := int(r.at(k)) - int(r.at(2*third))
	if !(g1 > g2 && g2 > g3 && g3 >= 0) {
		t.Errorf("growth before K %d, %d, %d: want decreasing (concave)", g1, g2, g3)
	}
	g4 := int(r.at(k+1.4)) - int(r.at(k))
	g5 := int(r.at(k+2.8)) - int(r.at(k+1.4))
	g6 := int(r.at(8)) - int(r.at(k+2.8))
	if !(g4 < g5 && g5 < g6) {
		t.Errorf("growth after K %d, %d, %d: want increasing (convex)", g4, g5, g6)
	}

	// At 100 ms the Reno emulation (70 + 8/15 per RTT: 92 at K) never
	// overtakes the curve, so turning it off changes nothing.
	off := runCubicAfterLoss(t, cubicWith(t, func(p *CubicParams) {
		p.Hystart = false
		p.TCPFriendliness = false
	}), 100e6, 8)
	for i := range r.cwnds {
		if off.cwnds[i] != r.cwnds[i] {
			t.Fatalf("t=%.2f s: cwnd %d with tcp_friendliness, %d without; want equal at 100 ms RTT", r.times[i], r.cwnds[i], off.cwnds[i])
		}
	}
}

func cbrtf(x float64) float64 { return math.Cbrt(x) }

// With a 10 ms RTT the emulated Reno flow outgrows the cubic curve: it
// starts at 70 and gains 8/15 segment per RTT (one per cwnd*15/8 ACKed,
// beta_scale 15), so 70 + 53.3 = 123 after 1 s, while the curve is at
// W(1.01) = 100 + 0.4*(1.01-4.215)^3 = 86.8. CUBIC follows the larger.
func TestCubicTCPFriendlyRegion(t *testing.T) {
	r := runCubicAfterLoss(t, cubicWith(t, func(p *CubicParams) { p.Hystart = false }), 10e6, 1)
	got := r.at(1)
	if got < 119 || got > 125 {
		t.Errorf("cwnd after 1 s at 10 ms RTT = %d, want the Reno emulation, about 123", got)
	}
	if r.cu.tcpCwnd < got || r.cu.tcpCwnd > got+2 {
		t.Errorf("emulated Reno cwnd %d, want just above cwnd %d", r.cu.tcpCwnd, got)
	}

	off := runCubicAfterLoss(t, cubicWith(t, func(p *CubicParams) {
		p.Hystart = false
		p.TCPFriendliness = false
	}), 10e6, 1)
	if got := off.at(1); got < 85 || got > 88 {
		t.Errorf("cwnd after 1 s without tcp_friendliness = %d, want the curve, about 86.8", got)
	}
}

// Before any loss (W_max 0) congestion avoidance grows at least 5% per RTT:
// cnt is capped at 20, so a round of 200 ACKs adds 10.
func TestCubicFirstEpochCap(t *testing.T) {
	cu := cubicWith(t, func(p *CubicParams) { p.Hystart = false })
	c := newAckClock(t, cu, 1e9, 100e6, 200, 200)
	c.round()
	if c.s.Cwnd != 210 {
		t.Fatalf("cwnd after one round from 200 = %d, want 210", c.s.Cwnd)
	}
}

// EventTxStart after idle moves the epoch start forward by the idle time
// (now - lsndtime), never past now.
func TestCubicTxStartShiftsEpoch(t *testing.T) {
	cu := NewCubic(nil)
	s := NewState()
	s.SetClock(10e9)
	cu.Init(&s)
	cu.epochStart = s.Jiffies - 3000
	s.LSndTime = s.Jiffies - 500
	cu.CwndEvent(&s, EventTxStart)
	if want := s.Jiffies - 2500; cu.epochStart != want {
		t.Fatalf("epoch start %d, want %d (moved 500 jiffies)", cu.epochStart, want)
	}
	cu.epochStart = s.Jiffies - 100
	s.LSndTime = s.Jiffies - 500
	cu.CwndEvent(&s, EventTxStart)
	if cu.epochStart != s.Jiffies {
		t.Fatalf("epoch start %d, want capped at now %d", cu.epochStart, s.Jiffies)
	}
	cu.epochStart = 0 // no epoch: nothing to shift
	cu.CwndEvent(&s, EventTxStart)
	cu.CwndEvent(&s, EventCompleteCWR)
	if cu.epochStart != 0 {
		t.Fatalf("epoch start %d, want 0", cu.epochStart)
	}
}

// Entering Loss forgets W_max, delay_min and the HyStart verdict, and
// starts a new HyStart round at SndNxt. Other states change nothing.
func TestCubicLossResets(t *testing.T) {
	cu := NewCubic(nil)
	s := NewState()
	s.SetClock(5e9)
	cu.Init(&s)
	cu.lastMaxCwnd, cu.delayMinUs, cu.epochStart, cu.found, cu.sampleCnt = 100, 9000, 77, true, 5
	cu.SetState(&s, CARecovery)
	if cu.lastMaxCwnd != 100 || !cu.found {
		t.Fatal("Recovery reset the state")
	}
	s.SndNxt = 12345
	s.SetClock(6e9)
	cu.SetState(&s, CALoss)
	if cu.lastMaxCwnd != 0 || cu.delayMinUs != 0 || cu.epochStart != 0 || cu.found {
		t.Fatalf("after Loss: %+v", cu)
	}
	if cu.endSeq != 12345 || cu.roundStartUs != uint32(s.NowUs) || cu.sampleCnt != 0 || cu.currRTTUs != ^uint32(0) {
		t.Fatalf("after Loss the HyStart round was not restarted: %+v", cu)
	}
}

func TestCubicInitialSSThresh(t *testing.T) {
	s := NewState()
	cubicWith(t, func(p *CubicParams) { p.InitialSSThresh = 30 }).Init(&s)
	if s.SSThresh != InfiniteSSThresh {
		t.Fatalf("initial_ssthresh applied with HyStart on: %d", s.SSThresh)
	}
	cubicWith(t, func(p *CubicParams) { p.InitialSSThresh = 30; p.Hystart = false }).Init(&s)
	if s.SSThresh != 30 {
		t.Fatalf("ssthresh %d, want initial_ssthresh 30", s.SSThresh)
	}
}

// RTT samples within one second (HZ jiffies) of the epoch start are
// ignored; negative samples always.
func TestCubicDiscardsSamplesAfterReduction(t *testing.T) {
	cu := NewCubic(nil)
	s := NewState()
	s.SetClock(20e9)
	cu.Init(&s)
	cu.PktsAcked(&s, AckSample{RTTUs: -1})
	if cu.delayMinUs != 0 {
		t.Fatal("negative sample used")
	}
	cu.epochStart = s.Jiffies - 999
	cu.PktsAcked(&s, AckSample{RTTUs: 5000})
	if cu.delayMinUs != 0 {
		t.Fatal("sample 999 ms after the epoch start used")
	}
	cu.epochStart = s.Jiffies - 1000
	cu.PktsAcked(&s, AckSample{RTTUs: 0})
	if cu.delayMinUs != 1 {
		t.Fatalf("delay_min %d, want a zero sample counted as 1", cu.delayMinUs)
	}
}

func TestCubicUndo(t *testing.T) {
	s := State{Cwnd: 50, PriorCwnd: 80}
	if got := NewCubic(nil).UndoCwnd(&s); got != 80 {
		t.Fatalf("undo %d, want 80", got)
	}
}

// A retransmission timeout as tcp_enter_loss drives it: PriorCwnd saved,
// ssthresh = 100*717/1024 = 70, EventLoss, cwnd = packets in flight + 1 =
// 1, then the Loss state, which makes CUBIC forget W_max. Slow start then
// doubles cwnd per RTT, 1 2 4 ... 64, and stops at ssthresh 70 after six
// ACKs of the next round (HyStart does not fire: they span 9 ms, under
// delay_min/2 = 50 ms). The round's other 58 ACKs are congestion
// avoidance in a first epoch (W_max 0): the curve is flat at 70, so cnt
// is capped at 20 and they add 58/20 = 2 segments: 72.
func TestCubicAfterTimeout(t *testing.T) {
	cu := NewCubic(nil)
	c := newAckClock(t, cu, 1e9, 100e6, 100, 100)
	c.round()
	s := c.s
	s.Cwnd = 100
	s.PriorCwnd = s.Cwnd
	s.SSThresh = cu.SSThresh(s)
	cu.CwndEvent(s, EventLoss)
	s.Cwnd = 1
	cu.SetState(s, CALoss)
	s.CAState = CALoss
	if s.SSThresh != 70 || cu.lastMaxCwnd != 0 {
		t.Fatalf("after RTO ssthresh %d W_max %d, want 70 and 0", s.SSThresh, cu.lastMaxCwnd)
	}
	for _, want := range []uint32{2, 4, 8, 16, 32, 64, 72} {
		c.round()
		if s.Cwnd != want {
			t.Fatalf("slow start after RTO: cwnd %d, want %d", s.Cwnd, want)
		}
	}
	if cu.found || s.Counters.HystartTrainDetect+s.Counters.HystartDelayDetect != 0 {
		t.Fatal("HyStart fired")
	}
}
