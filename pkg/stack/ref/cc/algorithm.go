package cc

// Algorithm is one connection's instance of a congestion-control algorithm
// (Linux's struct tcp_congestion_ops plus its per-socket private area).
// The engine holds one per connection, created with New when the
// connection is set up, and calls the hooks below where Linux calls the
// ops. Every hook receives the connection's State with NowUs and Jiffies
// set for the current instant (SetClock). No hook allocates.
//
// On each incoming ACK that tcp_ack processes (not an old or invalid one),
// the order is: update SndUna, RTT estimation, then PktsAcked, then the
// loss-recovery state machine (which may call SetState, SSThresh,
// UndoCwnd, CwndEvent), then CongAvoid if the window may grow.
type Algorithm interface {
	// Name returns the algorithm's name as Linux spells it ("reno",
	// "cubic"): the TCP_CONGESTION socket option value and what ss shows.
	Name() string

	// Init (Linux's init) resets the per-connection variables. Call it
	// when the connection is established (tcp_init_transfer, for both the
	// active and the passive side) and when the algorithm is switched on
	// an open socket (setsockopt TCP_CONGESTION,
	// tcp_reinit_congestion_control), with Cwnd and SSThresh already at
	// their initial values and SndNxt current. It may set SSThresh.
	Init(s *State)

	// SSThresh (Linux's ssthresh) returns the slow start threshold to use
	// after a congestion signal; the engine stores it in SSThresh. Call it:
	//   - when entering Recovery (fast retransmit) or CWR (ECN ECE),
	//     from tcp_init_cwnd_reduction, after setting PriorCwnd = Cwnd
	//     and CwndCnt = 0;
	//   - when a retransmission timeout enters Loss (tcp_enter_loss), if
	//     the state was Open or Disorder, or SndUna equals high_seq, or
	//     the state was Loss with no retransmissions yet; after saving
	//     prior_ssthresh and setting PriorCwnd = Cwnd. Raise EventLoss
	//     right after storing the result.
	// The hook may update the algorithm's own variables (CUBIC records
	// W_max here) and reads Cwnd as it was before the reduction.
	SSThresh(s *State) uint32

	// CongAvoid (Linux's cong_avoid) grows Cwnd (and may change SSThresh
	// and CwndCnt) for an ACK. Call it from tcp_cong_control at the end of
	// ACK processing, after PktsAcked and the recovery state machine, only
	// when the state is not CWR or Recovery and the ACK acknowledged new
	// data (FLAG_DATA_ACKED; with heavy reordering, any forward progress).
	// It is called in Open, Disorder and Loss. ack is the ACK's
	// acknowledgement number; acked is the number of segments newly
	// delivered (cumulatively ACKed plus newly SACKed) by this ACK. The
	// engine sets IsCwndLimited and MaxPacketsOut beforehand (they are
	// maintained on the send side, tcp_cwnd_validate) and records
	// snd_cwnd_stamp afterwards.
	CongAvoid(s *State, ack, acked uint32)

	// SetState (Linux's set_state) is told that the congestion-avoidance
	// state changes to newState. Call it from every state change
	// (tcp_set_ca_state: entering Disorder, CWR, Recovery, Loss, and
	// returning to Open) before storing newState in State.CAState.
	SetState(s *State, newState CAState)

	// CwndEvent (Linux's cwnd_event) reports an event; see the Event
	// constants for where each is raised. EventTxStart must come before
	// the engine sets LSndTime to the current Jiffies.
	CwndEvent(s *State, ev Event)

	// PktsAcked (Linux's pkts_acked) reports what an ACK acknowledged and
	// its RTT sample. Call it on every ACK that tcp_ack processes, at the
	// end of tcp_clean_rtx_queue (after SndUna is advanced and the RTT
	// estimator updated), before the recovery state machine and CongAvoid.
	PktsAcked(s *State, sample AckSample)

	// UndoCwnd (Linux's undo_cwnd) returns the cwnd to restore when a
	// window reduction proves spurious (DSACK, timestamps, F-RTO). Call it
	// from tcp_undo_cwnd_reduction when prior_ssthresh is non-zero and
	// store the result in Cwnd; then restore SSThresh from prior_ssthresh
	// if that is larger.
	UndoCwnd(s *State) uint32
}
