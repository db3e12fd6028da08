package ref

import (
	"github.com/stackbox/stackbox/pkg/stack/ref/cc"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// sysReordering is net.ipv4.tcp_reordering.
func (s *TCPSocket) sysReordering() uint32 {
	return uint32(s.h.Sysctl.Int(sysctl.TCPReordering))
}

// sacktag is tcp_sacktag_write_queue: mark the segments the SACK blocks
// cover. Blocks below snd_una (DSACK) and beyond snd_nxt are ignored.
func (s *TCPSocket) sacktag(t *TCPHeader, rs *rateSample) {
	for b := 0; b < int(t.NumSACK) && b < len(t.SACK); b++ {
		blk := t.SACK[b]
		if !seqLT(blk.Start, blk.End) || seqLEQ(blk.End, s.sndUna) || seqGT(blk.End, s.sndNxt) {
			continue
		}
		for i := s.rtxq.find(blk.Start); i < s.rtxq.n; i++ {
			g := s.rtxq.at(i)
			if seqGT(g.end, blk.End) {
				break
			}
			if seqLT(g.seq, blk.Start) || g.flags&segSacked != 0 {
				continue
			}
			g.flags |= segSacked
			s.sackedOut++
			if g.flags&segLost != 0 {
				g.flags &^= segLost
				s.lostOut--
			}
			if g.flags&segRetrans != 0 {
				g.flags &^= segRetrans
				s.retransOut--
			}
			if g.flags&segEverRetrans == 0 && !rs.haveSack {
				rs.sackFirst, rs.haveSack = g.sent, true
			}
			s.skbDelivered(g, rs)
			s.h.MIB.Inc(TcpExtTCPDelivered)
		}
	}
}

// markLost marks g lost (tcp_mark_skb_lost).
func (s *TCPSocket) markLost(g *tcpSeg) {
	if g.flags&(segLost|segSacked) != 0 {
		if g.flags&segRetrans == 0 {
			return
		}
	}
	if g.flags&segRetrans != 0 {
		// A lost retransmission.
		g.flags &^= segRetrans
		s.retransOut--
		s.h.MIB.Inc(TcpExtTCPLostRetransmit)
		if g.flags&segLost != 0 {
			return
		}
	}
	g.flags |= segLost
	s.lostOut++
}

// detectLoss is RACK (tcp_rack_detect_loss): a segment sent before the
// most recently sent delivered one, by more than the reordering window,
// is lost. Without SACK, NewReno's rule: the head is lost after
// tcp_reordering duplicate ACKs.
func (s *TCPSocket) detectLoss(unaAdvanced bool) {
	if !s.sackOK {
		if s.rtxq.n == 0 {
			return
		}
		if s.cs.CAState < cc.CARecovery && s.sackedOut >= s.reordering ||
			s.cs.CAState == cc.CARecovery && unaAdvanced {
			g := s.rtxq.at(0)
			if g.flags&segLost == 0 {
				s.markLost(g)
			}
		}
		return
	}
	if !s.rackHave || s.sackedOut == 0 && s.cs.CAState < cc.CARecovery {
		return
	}
	reoWnd := sim.Time(0)
	if !(s.cs.CAState >= cc.CARecovery || s.sackedOut >= s.reordering) {
		reoWnd = sim.Time(s.minRTTUs/4) * sim.Microsecond
	}
	for i := 0; i < s.rtxq.n; i++ {
		g := s.rtxq.at(i)
		if g.sent > s.rackSent || g.sent == s.rackSent && !seqLT(g.end, s.rackEnd) {
			break
		}
		if g.flags&segSacked != 0 || g.flags&segLost != 0 && g.flags&segRetrans == 0 {
			continue
		}
		if g.sent+reoWnd <= s.rackSent {
			s.markLost(g)
		}
	}
}

// fastRetransAlert is tcp_fastretrans_alert: the congestion state machine
// on an ACK.
func (s *TCPSocket) fastRetransAlert(unaAdvanced, dupack bool, delivered uint32) {
	h := s.h
	if !s.sackOK && dupack && s.cs.CAState != cc.CALoss {
		// Reno counts duplicate ACKs as SACKed segments.
		if s.sackedOut+1 < s.packetsOut {
			s.sackedOut++
		}
	}
	switch s.cs.CAState {
	case cc.CARecovery:
		if !seqLT(s.sndUna, s.highSeq) {
			if !s.sackOK {
				s.sackedOut = 0
			}
			s.setCAState(cc.CAOpen)
			s.endCwndReduction()
		}
	case cc.CALoss:
		if !seqLT(s.sndUna, s.highSeq) {
			s.setCAState(cc.CAOpen)
		}
	}
	s.detectLoss(unaAdvanced)
	switch s.cs.CAState {
	case cc.CAOpen, cc.CADisorder:
		if s.lostOut > 0 {
			s.enterRecovery()
		} else if s.sackedOut > 0 || s.retransOut > 0 {
			if s.cs.CAState == cc.CAOpen {
				s.setCAState(cc.CADisorder)
			}
		} else if s.cs.CAState == cc.CADisorder {
			s.setCAState(cc.CAOpen)
		}
	}
	_ = h
}

// setCAState is tcp_set_ca_state.
func (s *TCPSocket) setCAState(st cc.CAState) {
	if st == s.cs.CAState {
		return
	}
	s.ca.SetState(&s.cs, st)
	s.cs.CAState = st
}

// enterRecovery is tcp_enter_recovery: fast retransmit and recovery.
func (s *TCPSocket) enterRecovery() {
	h := s.h
	if s.sackOK {
		h.MIB.Inc(TcpExtTCPSackRecovery)
	} else {
		h.MIB.Inc(TcpExtTCPRenoRecovery)
	}
	s.priorSsthresh = s.currentSsthresh()
	s.initCwndReduction()
	s.setCAState(cc.CARecovery)
}

// initCwndReduction is tcp_init_cwnd_reduction.
func (s *TCPSocket) initCwndReduction() {
	s.highSeq = s.sndNxt
	s.cs.CwndCnt = 0
	s.cs.PriorCwnd = s.cs.Cwnd
	s.prrDelivered, s.prrOut = 0, 0
	s.cs.SSThresh = s.ca.SSThresh(&s.cs)
}

// currentSsthresh is tcp_current_ssthresh.
func (s *TCPSocket) currentSsthresh() uint32 {
	if s.cs.CAState >= cc.CACWR && s.cs.CAState != cc.CALoss {
		return s.cs.SSThresh
	}
	return max(s.cs.SSThresh, s.cs.Cwnd>>1+s.cs.Cwnd>>2)
}

// cwndReduction is tcp_cwnd_reduction: Proportional Rate Reduction.
func (s *TCPSocket) cwndReduction(newlyAckedSacked uint32, unaAdvanced bool) {
	if newlyAckedSacked == 0 {
		return
	}
	s.prrDelivered += newlyAckedSacked
	inflight := s.inFlight()
	delta := int64(s.cs.SSThresh) - int64(inflight)
	var sndcnt int64
	if delta < 0 {
		d := uint64(s.cs.SSThresh)*uint64(s.prrDelivered) + uint64(s.cs.PriorCwnd) - 1
		sndcnt = int64(d/uint64(max(s.cs.PriorCwnd, 1))) - int64(s.prrOut)
	} else {
		sndcnt = max(int64(s.prrDelivered)-int64(s.prrOut), int64(newlyAckedSacked))
		if unaAdvanced {
			sndcnt++
		}
		sndcnt = min(delta, sndcnt)
	}
	if s.prrOut == 0 {
		sndcnt = max(sndcnt, 1)
	}
	sndcnt = max(sndcnt, 0)
	s.cs.Cwnd = inflight + uint32(sndcnt)
}

// endCwndReduction is tcp_end_cwnd_reduction: cwnd comes down to
// ssthresh when Recovery or CWR ends.
func (s *TCPSocket) endCwndReduction() {
	if s.cs.SSThresh < cc.InfiniteSSThresh {
		s.cs.Cwnd = s.cs.SSThresh
	}
	s.ca.CwndEvent(&s.cs, cc.EventCompleteCWR)
}

// enterLoss is tcp_enter_loss: a retransmission timeout. Everything not
// SACKed is lost and cwnd restarts from one segment.
func (s *TCPSocket) enterLoss() {
	st := s.cs.CAState
	if st <= cc.CADisorder || !seqGT(s.highSeq, s.sndUna) || st == cc.CALoss && s.retransmits == 0 {
		s.priorSsthresh = s.currentSsthresh()
		s.cs.PriorCwnd = s.cs.Cwnd
		s.cs.SSThresh = s.ca.SSThresh(&s.cs)
		s.ca.CwndEvent(&s.cs, cc.EventLoss)
	}
	s.retransOut = 0
	for i := 0; i < s.rtxq.n; i++ {
		g := s.rtxq.at(i)
		g.flags &^= segRetrans
		if g.flags&(segSacked|segLost) == 0 {
			g.flags |= segLost
			s.lostOut++
		}
	}
	s.cs.Cwnd = s.inFlight() + 1
	s.cs.CwndCnt = 0
	s.setCAState(cc.CALoss)
	s.highSeq = s.sndNxt
}

// xmitRetransmitQueue is tcp_xmit_retransmit_queue: retransmit lost
// segments while cwnd allows.
func (s *TCPSocket) xmitRetransmitQueue() {
	h := s.h
	for i := 0; i < s.rtxq.n; i++ {
		if s.lostOut <= s.retransOut {
			break
		}
		g := s.rtxq.at(i)
		if g.flags&segLost == 0 || g.flags&(segRetrans|segSacked) != 0 {
			continue
		}
		if s.inFlight() >= s.cs.Cwnd {
			break
		}
		s.retransmitSeg(g)
		if s.cs.CAState == cc.CALoss {
			h.MIB.Inc(TcpExtTCPSlowStartRetrans)
		} else {
			h.MIB.Inc(TcpExtTCPFastRetrans)
		}
		if i == 0 && s.rtxKind == rtxRetrans {
			s.armRTO()
		}
	}
}

// retransmitSeg is tcp_retransmit_skb.
func (s *TCPSocket) retransmitSeg(g *tcpSeg) {
	if s.retransStamp == 0 {
		s.retransStamp = g.sent
	}
	if g.flags&segRetrans == 0 {
		s.retransOut++
	}
	g.flags |= segRetrans | segEverRetrans
	if s.cs.CAState == cc.CARecovery || s.cs.CAState == cc.CACWR {
		s.prrOut++
	}
	s.transmit(g, true)
}
