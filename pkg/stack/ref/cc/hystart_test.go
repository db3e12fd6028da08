package cc

import "testing"

// hystartTrace starts CUBIC in slow start with cwnd 20 at t0 = 1 s and
// feeds ACKs j = 1, 2, ..., each acknowledging one segment, ACK j
// arriving at t0 + 10 ms + (j-1)*gap with RTT sample rtt(j). It stops
// after the ACK on which HyStart fires, or after n ACKs, and returns the
// clock and the number of the last ACK fed.
func hystartTrace(t *testing.T, cu *Cubic, setup func(*State), gapUs int64, rtt func(j int) int32, n int) (*ackClock, int) {
	t.Helper()
	c := newAckClock(t, cu, 1e9, 0, 20, InfiniteSSThresh)
	if setup != nil {
		setup(c.s)
	}
	for j := 1; j <= n; j++ {
		c.ack(1e9+10e6+int64(j-1)*gapUs*1000, rtt(j))
		if cu.found {
			return c, j
		}
	}
	return c, n
}

func constRTT(us int32) func(int) int32 { return func(int) int32 { return us } }

// ACK train. Init at t0 opens round 1 with end_seq = SndNxt = 20 and
// last_ack = t0. Round 1 (ACKs 1-20, 1 ms apart, RTT 10 ms, so delay_min
// = 10 ms): the first ACK is 10 ms after last_ack, more than
// hystart_ack_delta_us (2 ms), so no train starts and last_ack stays at
// t0 for the whole round. Slow start takes cwnd from 20 to 40 and SndNxt
// to 20+40 = 60. ACK 21 passes end_seq: a new round starts there
// (round_start = last_ack = now, end_seq = 60). ACKs 22, 23, ... each
// come 1 ms after the previous one, extending the train; the threshold is
// delay_min/2 = 5 ms (no pacing), and the train first spans more than
// that at ACK 27 (+6 ms). cwnd is then 40 + 6 (ACKs 21-26) = 46, so
// ssthresh = 46, TCPHystartTrainDetect = 1, TCPHystartTrainCwnd = 46.
func TestHystartAckTrain(t *testing.T) {
	cu := NewCubic(nil)
	c, j := hystartTrace(t, cu, nil, 1000, constRTT(10000), 100)
	m := c.s.Counters
	if !cu.found || j != 27 || c.s.SSThresh != 46 {
		t.Fatalf("found %v at ACK %d, ssthresh %d; want ACK 27, ssthresh 46", cu.found, j, c.s.SSThresh)
	}
	if m.HystartTrainDetect != 1 || m.HystartTrainCwnd != 46 || m.HystartDelayDetect != 0 || m.HystartDelayCwnd != 0 {
		t.Fatalf("counters %+v, want train 1/46, delay 0/0", *m)
	}
	// Slow start is over: ACK 27 itself was a congestion avoidance ACK.
	if c.s.InSlowStart() {
		t.Fatal("still in slow start")
	}
	// HyStart does not fire twice.
	for k := 1; k <= 50; k++ {
		c.ack(c.nowNs+1e6, 10000)
	}
	if m.HystartTrainDetect != 1 {
		t.Fatalf("train detected %d times", m.HystartTrainDetect)
	}
}

// With a pacing rate the threshold grows by hystart_ack_delay: 4 GSO
// bursts of 64 KiB at 1 MB/s take 262 ms, capped at 1 ms. With
// sk_pacing_status set it is not halved either: 10 ms + 1 ms = 11 ms, so
// the train fires at +12 ms, ACK 33, with cwnd 40 + 12 = 52.
func TestHystartAckTrainPaced(t *testing.T) {
	cu := NewCubic(nil)
	c, j := hystartTrace(t, cu, func(s *State) {
		s.PacingRate = 1e6
		s.Paced = true
	}, 1000, constRTT(10000), 100)
	if !cu.found || j != 33 || c.s.SSThresh != 52 {
		t.Fatalf("found %v at ACK %d, ssthresh %d; want ACK 33, ssthresh 52", cu.found, j, c.s.SSThresh)
	}
	// Unpaced with the same rate: (10 ms + 1 ms)/2 = 5.5 ms, still ACK 27.
	cu = NewCubic(nil)
	_, j = hystartTrace(t, cu, func(s *State) { s.PacingRate = 1e6 }, 1000, constRTT(10000), 100)
	if j != 27 {
		t.Fatalf("unpaced: found at ACK %d, want 27", j)
	}
}

// Below hystart_low_window (16) HyStart never ends slow start.
func TestHystartLowWindow(t *testing.T) {
	cu := NewCubic(nil)
	c, _ := hystartTrace(t, cu, func(s *State) { s.CwndClamp = 15 }, 1000, constRTT(10000), 200)
	if cu.found || c.s.SSThresh != InfiniteSSThresh || *c.s.Counters != (Counters{}) {
		t.Fatalf("HyStart fired at cwnd 15: ssthresh %d counters %+v", c.s.SSThresh, *c.s.Counters)
	}
}

// Delay increase. ACKs 3 ms apart, so the ACK-train test never extends a
// train. Round 1 (ACKs 1-20) has RTT base, making delay_min = base; round
// 2 starts at ACK 21 (curr_rtt reset, sample count 0) with every sample
// at raised. ACKs 21-28 are the 8 samples HYSTART_MIN_SAMPLES asks for;
// ACK 29 compares curr_rtt (= raised) with delay_min + clamp(delay_min/8,
// 4 ms, 16 ms), and fires only if strictly greater. cwnd is then 40 + 8
// (ACKs 21-28) = 48.
func TestHystartDelay(t *testing.T) {
	for _, tc := range []struct {
		name         string
		base, raised int32
		fire         bool
	}{
		// 10 ms/8 = 1.25 ms, clamped up to 4 ms: threshold 14 ms.
		{"10ms at threshold", 10000, 14000, false},
		{"10ms above threshold", 10000, 14001, true},
		// 64 ms/8 = 8 ms, inside the clamp: threshold 72 ms.
		{"64ms at threshold", 64000, 72000, false},
		{"64ms above threshold", 64000, 72001, true},
		// 200 ms/8 = 25 ms, clamped down to 16 ms: threshold 216 ms.
		{"200ms at threshold", 200000, 216000, false},
		{"200ms above threshold", 200000, 216001, true},
	} {
		cu := NewCubic(nil)
		rtt := func(j int) int32 {
			if j <= 20 {
				return tc.base
			}
			return tc.raised
		}
		c, j := hystartTrace(t, cu, nil, 3000, rtt, 60)
		m := c.s.Counters
		if !tc.fire {
			if cu.found || m.HystartDelayDetect != 0 {
				t.Errorf("%s: fired at ACK %d", tc.name, j)
			}
			continue
		}
		if !cu.found || j != 29 || c.s.SSThresh != 48 {
			t.Errorf("%s: found %v at ACK %d, ssthresh %d; want ACK 29, ssthresh 48", tc.name, cu.found, j, c.s.SSThresh)
		}
		if m.HystartDelayDetect != 1 || m.HystartDelayCwnd != 48 || m.HystartTrainDetect != 0 {
			t.Errorf("%s: counters %+v, want delay 1/48, train 0", tc.name, *m)
		}
	}
}

// hystart_detect selects the tests: the delay trace with only the ACK
// train enabled, and the train trace with only delay, never fire.
func TestHystartDetectMask(t *testing.T) {
	train := cubicWith(t, func(p *CubicParams) { p.HystartDetect = HystartAckTrain })
	if _, j := hystartTrace(t, train, nil, 3000, func(j int) int32 {
		if j <= 20 {
			return 10000
		}
		return 20000
	}, 60); train.found {
		t.Errorf("train-only fired on a delay trace at ACK %d", j)
	}
	delay := cubicWith(t, func(p *CubicParams) { p.HystartDetect = HystartDelay })
	if _, j := hystartTrace(t, delay, nil, 1000, constRTT(10000), 60); delay.found {
		t.Errorf("delay-only fired on a train trace at ACK %d", j)
	}
	off := cubicWith(t, func(p *CubicParams) { p.Hystart = false })
	if _, j := hystartTrace(t, off, nil, 1000, constRTT(10000), 60); off.found {
		t.Errorf("hystart=0 fired at ACK %d", j)
	}
}

// Counters may be nil.
func TestHystartNilCounters(t *testing.T) {
	cu := NewCubic(nil)
	c, j := hystartTrace(t, cu, func(s *State) { s.Counters = nil }, 1000, constRTT(10000), 100)
	if j != 27 || c.s.SSThresh != 46 {
		t.Fatalf("found at ACK %d ssthresh %d, want 27 and 46", j, c.s.SSThresh)
	}
}
