package cc

import "testing"

// ackClock drives an Algorithm the way the TCP engine will, with a
// synthetic cwnd-limited ACK clock at a fixed RTT: each round the sender
// has Cwnd segments in flight and their ACKs, one segment each, arrive
// evenly spread over the next RTT, each carrying an RTT sample of exactly
// the RTT. After every ACK the sender fills the window again.
type ackClock struct {
	t     *testing.T
	alg   Algorithm
	s     *State
	nowNs int64
	rttNs int64
}

// newAckClock returns a clock at startNs for a connection with the given
// initial cwnd and ssthresh, with the algorithm initialised.
func newAckClock(t *testing.T, alg Algorithm, startNs, rttNs int64, cwnd, ssthresh uint32) *ackClock {
	st := NewState()
	st.Cwnd, st.SSThresh = cwnd, ssthresh
	st.MSS = 1448
	st.SndNxt = cwnd
	st.Counters = &Counters{}
	st.SetClock(startNs)
	st.LSndTime = st.Jiffies
	alg.Init(&st)
	return &ackClock{t: t, alg: alg, s: &st, nowNs: startNs, rttNs: rttNs}
}

// ack delivers one ACK of one segment at atNs with the given RTT sample:
// PktsAcked, then CongAvoid, as tcp_ack orders them.
func (c *ackClock) ack(atNs int64, rttUs int32) {
	s := c.s
	c.nowNs = atNs
	s.SetClock(atNs)
	s.SndUna++
	c.alg.PktsAcked(s, AckSample{PktsAcked: 1, RTTUs: rttUs, InFlight: s.MSS})
	s.IsCwndLimited = true
	s.MaxPacketsOut = s.Cwnd
	c.alg.CongAvoid(s, s.SndUna, 1)
	if next := s.SndUna + s.Cwnd; after(next, s.SndNxt) {
		s.SndNxt = next
	}
	s.LSndTime = s.Jiffies
}

// round delivers one RTT of ACKs: as many as Cwnd at its start.
func (c *ackClock) round() {
	n := int64(c.s.Cwnd)
	start := c.nowNs
	rttUs := int32(c.rttNs / 1000)
	for i := int64(1); i <= n; i++ {
		c.ack(start+c.rttNs*i/n, rttUs)
	}
}

// fastRecovery takes the connection through a loss and an instantaneous
// fast recovery the way the engine does it: PriorCwnd and CwndCnt set,
// SSThresh called (tcp_init_cwnd_reduction), Recovery entered, cwnd ending
// at ssthresh (tcp_end_cwnd_reduction, EventCompleteCWR), back to Open.
func (c *ackClock) fastRecovery() {
	s := c.s
	s.PriorCwnd = s.Cwnd
	s.CwndCnt = 0
	s.SSThresh = c.alg.SSThresh(s)
	c.alg.SetState(s, CARecovery)
	s.CAState = CARecovery
	s.Cwnd = s.SSThresh
	c.alg.CwndEvent(s, EventCompleteCWR)
	c.alg.SetState(s, CAOpen)
	s.CAState = CAOpen
}
