package cc

// InSlowStart reports whether the connection is in slow start
// (tcp_in_slow_start): Cwnd below SSThresh.
func (s *State) InSlowStart() bool { return s.Cwnd < s.SSThresh }

// CwndLimited reports whether Cwnd may grow (tcp_is_cwnd_limited): the
// sender was cwnd-limited in the last window, or, in slow start, Cwnd is
// below twice the largest flight of that window (so an application that
// uses half the window still doubles it).
func (s *State) CwndLimited() bool {
	if s.IsCwndLimited {
		return true
	}
	if s.InSlowStart() {
		return uint64(s.Cwnd) < 2*uint64(s.MaxPacketsOut)
	}
	return false
}

// SlowStart grows Cwnd by acked segments up to SSThresh and the clamp
// (tcp_slow_start) and returns the acked segments left over once SSThresh
// is reached, for congestion avoidance to use.
func (s *State) SlowStart(acked uint32) uint32 {
	cwnd := s.Cwnd + acked
	if cwnd < s.Cwnd || cwnd > s.SSThresh { // overflow, or past ssthresh
		cwnd = max(s.SSThresh, s.Cwnd)
	}
	acked -= cwnd - s.Cwnd
	s.Cwnd = min(cwnd, s.CwndClamp)
	return acked
}

// CongAvoidAI is additive increase (tcp_cong_avoid_ai): Cwnd grows by one
// for every w segments acked, counting in CwndCnt, and stays within the
// clamp. Credit accumulated while w was larger is applied as one increase.
func (s *State) CongAvoidAI(w, acked uint32) {
	if w == 0 {
		w = 1
	}
	if s.CwndCnt >= w {
		s.CwndCnt = 0
		s.Cwnd++
	}
	s.CwndCnt += acked
	if s.CwndCnt >= w {
		delta := s.CwndCnt / w
		s.CwndCnt -= delta * w
		s.Cwnd += delta
	}
	s.Cwnd = min(s.Cwnd, s.CwndClamp)
}

// RenoSSThresh is tcp_reno_ssthresh: half of Cwnd, at least 2.
func RenoSSThresh(s *State) uint32 { return max(s.Cwnd>>1, 2) }

// RenoUndoCwnd is tcp_reno_undo_cwnd: the larger of Cwnd and PriorCwnd.
func RenoUndoCwnd(s *State) uint32 { return max(s.Cwnd, s.PriorCwnd) }

// RenoCongAvoid is tcp_reno_cong_avoid: slow start below SSThresh, then
// one segment per window of ACKed segments, only while cwnd-limited.
func RenoCongAvoid(s *State, acked uint32) {
	if !s.CwndLimited() {
		return
	}
	if s.InSlowStart() {
		acked = s.SlowStart(acked)
		if acked == 0 {
			return
		}
	}
	s.CongAvoidAI(s.Cwnd, acked)
}
