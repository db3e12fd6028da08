package cc

import "testing"

// Slow start: one segment per segment ACKed, so cwnd doubles every RTT
// (10, 20, 40), is capped at ssthresh (80), then grows by one segment per
// window ACKed: round of 80 ACKs -> 81, round of 81 -> 82, 82 -> 83.
func TestRenoSlowStartThenAvoidance(t *testing.T) {
	c := newAckClock(t, Reno{}, 1e9, 10e6, 10, 80)
	want := []uint32{20, 40, 80, 81, 82, 83}
	for i, w := range want {
		c.round()
		if c.s.Cwnd != w {
			t.Fatalf("after round %d cwnd = %d, want %d", i+1, c.s.Cwnd, w)
		}
	}
}

// ssthresh 50 falls inside a round: of the 40 ACKs of the third round, 10
// take cwnd from 40 to 50 and the other 30 count towards the next
// increase (CwndCnt 30). The next round of 50 ACKs: 20 more complete a
// window (cwnd 51, count 0), the last 30 count again (CwndCnt 30).
func TestRenoSlowStartLeftoverGoesToAvoidance(t *testing.T) {
	c := newAckClock(t, Reno{}, 1e9, 10e6, 10, 50)
	c.round()
	c.round()
	c.round()
	if c.s.Cwnd != 50 || c.s.CwndCnt != 30 {
		t.Fatalf("after 3 rounds cwnd %d cnt %d, want 50 and 30", c.s.Cwnd, c.s.CwndCnt)
	}
	c.round()
	if c.s.Cwnd != 51 || c.s.CwndCnt != 30 {
		t.Fatalf("after 4 rounds cwnd %d cnt %d, want 51 and 30", c.s.Cwnd, c.s.CwndCnt)
	}
}

func TestSlowStartStretchAck(t *testing.T) {
	// cwnd 9, ssthresh 10, an ACK of 3 segments: one takes cwnd to 10, two
	// are left over for congestion avoidance.
	s := State{Cwnd: 9, SSThresh: 10, CwndClamp: ^uint32(0)}
	if left := s.SlowStart(3); left != 2 || s.Cwnd != 10 {
		t.Fatalf("SlowStart(3) left %d cwnd %d, want 2 and 10", left, s.Cwnd)
	}
	// The clamp wins over ssthresh.
	s = State{Cwnd: 9, SSThresh: 100, CwndClamp: 12}
	if left := s.SlowStart(10); left != 0 || s.Cwnd != 12 {
		t.Fatalf("clamped SlowStart(10) left %d cwnd %d, want 0 and 12", left, s.Cwnd)
	}
}

func TestCongAvoidAI(t *testing.T) {
	for _, tc := range []struct {
		name                string
		cwnd, cnt, w, acked uint32
		clamp               uint32
		wantCwnd, wantCnt   uint32
	}{
		{"count", 10, 3, 10, 1, ^uint32(0), 10, 4},
		{"one window completes", 10, 9, 10, 1, ^uint32(0), 11, 0},
		{"stretch ack of two windows", 10, 5, 10, 25, ^uint32(0), 13, 0},
		// Credit earned while w was 20: applied as a single increase.
		{"credit from larger w", 10, 30, 10, 1, ^uint32(0), 11, 1},
		{"clamp", 10, 9, 10, 1, 10, 10, 0},
		{"w zero is treated as one", 10, 0, 0, 2, ^uint32(0), 12, 0},
	} {
		s := State{Cwnd: tc.cwnd, CwndCnt: tc.cnt, CwndClamp: tc.clamp}
		s.CongAvoidAI(tc.w, tc.acked)
		if s.Cwnd != tc.wantCwnd || s.CwndCnt != tc.wantCnt {
			t.Errorf("%s: cwnd %d cnt %d, want %d and %d", tc.name, s.Cwnd, s.CwndCnt, tc.wantCwnd, tc.wantCnt)
		}
	}
}

func TestRenoSSThreshAndUndo(t *testing.T) {
	for _, tc := range []struct{ cwnd, want uint32 }{
		{100, 50}, {101, 50}, {4, 2}, {3, 2}, {1, 2}, {0, 2},
	} {
		s := State{Cwnd: tc.cwnd}
		if got := (Reno{}).SSThresh(&s); got != tc.want {
			t.Errorf("ssthresh at cwnd %d = %d, want max(cwnd/2, 2) = %d", tc.cwnd, got, tc.want)
		}
	}
	s := State{Cwnd: 30, PriorCwnd: 64}
	if got := (Reno{}).UndoCwnd(&s); got != 64 {
		t.Errorf("undo = %d, want prior cwnd 64", got)
	}
	s = State{Cwnd: 70, PriorCwnd: 64}
	if got := (Reno{}).UndoCwnd(&s); got != 70 {
		t.Errorf("undo = %d, want current cwnd 70", got)
	}
}

// tcp_is_cwnd_limited: an application-limited sender in slow start grows
// only while cwnd is below twice the largest flight; in congestion
// avoidance not at all.
func TestRenoGrowsOnlyWhenCwndLimited(t *testing.T) {
	s := NewState()
	s.MaxPacketsOut = 9
	Reno{}.CongAvoid(&s, 0, 1) // 10 < 18: grows
	if s.Cwnd != 11 {
		t.Fatalf("cwnd %d, want 11", s.Cwnd)
	}
	s.MaxPacketsOut = 5 // 11 >= 10: does not
	Reno{}.CongAvoid(&s, 0, 1)
	if s.Cwnd != 11 {
		t.Fatalf("app-limited slow start: cwnd %d, want 11", s.Cwnd)
	}
	s.SSThresh = 11
	s.MaxPacketsOut = 100
	for range 50 {
		Reno{}.CongAvoid(&s, 0, 1)
	}
	if s.Cwnd != 11 || s.CwndCnt != 0 {
		t.Fatalf("app-limited avoidance: cwnd %d cnt %d, want 11 and 0", s.Cwnd, s.CwndCnt)
	}
	s.IsCwndLimited = true
	for range 11 {
		Reno{}.CongAvoid(&s, 0, 1)
	}
	if s.Cwnd != 12 {
		t.Fatalf("cwnd-limited avoidance: cwnd %d, want 12", s.Cwnd)
	}
}
