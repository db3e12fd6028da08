package cc

// Reno is Linux's built-in "reno" algorithm (tcp_reno in tcp_cong.c):
// slow start, additive increase of one segment per window, halving on
// loss. It has no per-connection variables.
type Reno struct{}

// Name returns "reno".
func (Reno) Name() string { return "reno" }

// Init does nothing: Reno keeps no per-connection variables.
func (Reno) Init(*State) {}

// SSThresh returns half the window, at least 2 (tcp_reno_ssthresh).
func (Reno) SSThresh(s *State) uint32 { return RenoSSThresh(s) }

// CongAvoid grows the window (tcp_reno_cong_avoid).
func (Reno) CongAvoid(s *State, _, acked uint32) { RenoCongAvoid(s, acked) }

// SetState does nothing: Reno has no set_state op.
func (Reno) SetState(*State, CAState) {}

// CwndEvent does nothing: Reno has no cwnd_event op.
func (Reno) CwndEvent(*State, Event) {}

// PktsAcked does nothing: Reno has no pkts_acked op.
func (Reno) PktsAcked(*State, AckSample) {}

// UndoCwnd returns the larger of Cwnd and PriorCwnd (tcp_reno_undo_cwnd).
func (Reno) UndoCwnd(s *State) uint32 { return RenoUndoCwnd(s) }
