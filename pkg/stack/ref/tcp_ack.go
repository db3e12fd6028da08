package ref

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/cc"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// rateSample is one ACK's delivery-rate sample (struct rate_sample).
type rateSample struct {
	priorDelivered uint32
	priorTime      sim.Time
	sendInterval   sim.Time
	appLimited     bool
	have           bool
	// RTT samples: the oldest and newest send times of the newly
	// cumulatively acked never-retransmitted segments, and of the
	// newly SACKed ones.
	firstAckt, lastAckt sim.Time
	sackFirst           sim.Time
	haveAckt, haveSack  bool
	ackedSegs           uint32
	delivered           uint32 // newly acked or SACKed segments
	finAcked            bool
}

// ackInput is tcp_ack. It returns false when the segment is to be
// dropped.
func (s *TCPSocket) ackInput(p *Packet, fastPath bool) bool {
	t := &p.TCP
	h := s.h
	ack := t.Ack
	if seqGT(ack, s.sndNxt) {
		// ACK of something not yet sent.
		h.MIB.Inc(TcpExtTCPACKSkippedSeq)
		s.sendAck()
		return false
	}
	if seqLT(ack, s.sndUna) {
		// An old ACK: only its SACK blocks matter.
		if s.sackOK && t.NumSACK > 0 {
			var rs rateSample
			s.sacktag(t, &rs)
		}
		return true
	}
	now := h.Now()
	s.cs.SetClock(int64(now))
	priorUna := s.sndUna
	priorInFlight := s.inFlight()
	nwin := uint32(t.Window) << s.sndWscale
	if seqGT(ack, s.sndUna) || seqGT(t.Seq, s.sndWl1) || t.Seq == s.sndWl1 && nwin > s.sndWnd {
		s.sndWnd = nwin
		s.sndWl1 = t.Seq
		s.maxWnd = max(s.maxWnd, nwin)
	}
	s.probesOut = 0
	s.rcvTstamp = now

	var rs rateSample
	if s.sackOK && t.NumSACK > 0 {
		s.sacktag(t, &rs)
	}
	dupack := ack == priorUna && p.Payload == 0 && t.Flags&(tcpSYN|tcpFIN) == 0 && s.packetsOut > 0 && nwin == s.sndWnd && rs.delivered == 0
	if ack != priorUna {
		s.cleanRtxQueue(ack, &rs)
		s.st.bytesAcked += uint64(ack - priorUna)
		s.sndUna = ack
		s.cs.SndUna = ack
		s.retransmits = 0
		s.backoff = 0
		if s.lstate() {
			if fastPath && p.Payload == 0 {
				h.MIB.Inc(TcpExtTCPHPAcks)
			}
		}
	} else if p.Payload == 0 && !fastPath {
		h.MIB.Inc(TcpExtTCPPureAcks)
	}
	s.cs.SndNxt = s.sndNxt

	// RTT sample (tcp_ack_update_rtt): from the oldest newly acked
	// segment, else a SACKed one, else the timestamp echo.
	var seqRTT, caRTT sim.Time = -1, -1
	if rs.haveAckt {
		seqRTT = now - rs.firstAckt
		caRTT = now - rs.lastAckt
	} else if rs.haveSack {
		seqRTT = now - rs.sackFirst
		caRTT = seqRTT
	} else if ack != priorUna && s.tsOK && t.HasTS && t.TSEcr != 0 {
		d := s.tsNow() - t.TSEcr
		if int32(d) >= 0 {
			seqRTT = sim.Time(d) * sim.Millisecond
			caRTT = seqRTT
		}
	}
	if seqRTT >= 0 {
		s.rttEstimate(seqRTT)
		s.updateMinRTT(caRTT)
		s.setRTO()
		s.backoff = 0
	}
	if ack != priorUna || rs.delivered > 0 {
		sample := cc.AckSample{PktsAcked: rs.ackedSegs, RTTUs: -1, InFlight: rs.delivered * s.mss()}
		if caRTT >= 0 {
			sample.RTTUs = int32(min(caRTT/sim.Microsecond, 1<<30))
		}
		s.ca.PktsAcked(&s.cs, sample)
	}
	s.rateGenerate(&rs, now)

	s.fastRetransAlert(ack != priorUna, dupack, rs.delivered)
	// tcp_cong_control.
	switch s.cs.CAState {
	case cc.CACWR, cc.CARecovery:
		s.cwndReduction(rs.delivered, ack != priorUna)
	default:
		if ack != priorUna && rs.ackedSegs > 0 || s.reordering > s.sysReordering() && (ack != priorUna || rs.delivered > 0) {
			if s.cs.CwndLimited() {
				s.ca.CongAvoid(&s.cs, ack, rs.delivered)
			}
		}
	}
	s.updatePacingRate()
	h.syncCC()
	_ = priorInFlight

	// Timers: the retransmission timer restarts on forward progress.
	if ack != priorUna {
		if s.packetsOut > 0 {
			s.armRTO()
		} else {
			s.rtx.Stop()
			s.st.busyTime += now - s.st.busyStart
		}
	}
	if s.rtxKind == rtxProbe && s.rtx.Pending() && (s.sndWnd > 0 || s.packetsOut > 0) {
		s.rtx.Stop()
		s.backoff = 0
	}
	// Send buffer: room freed (tcp_check_space).
	if ack != priorUna {
		// tcp_should_expand_sndbuf: grow while cwnd is not filled.
		if s.inFlight() < s.cs.Cwnd {
			s.sndbufExpand()
		}
		if s.nospace && s.OnWritable != nil && !s.orphan {
			if w := s.Writable(); w > 0 && s.sndBuf-s.wmemQueued() >= s.wmemQueued()/2 {
				s.nospace = false
				s.OnWritable(s)
			}
		}
	}
	if rs.finAcked {
		s.ourFinAcked()
	}
	return true
}

// lstate reports whether the socket is in a synchronized data state.
func (s *TCPSocket) lstate() bool {
	return s.state == stack.StateEstablished || s.state == stack.StateCloseWait
}

// cleanRtxQueue is tcp_clean_rtx_queue: drop the segments ack covers.
func (s *TCPSocket) cleanRtxQueue(ack uint32, rs *rateSample) {
	h := s.h
	for s.rtxq.n > 0 {
		g := s.rtxq.at(0)
		if seqGT(g.end, ack) {
			if seqGT(ack, g.seq) && g.flags&segSYN == 0 {
				// A partial ACK: the segment shrinks (tcp_trim_head).
				g.seq = ack
			}
			break
		}
		if g.flags&segEverRetrans != 0 {
			if g.flags&segRetrans != 0 {
				s.retransOut--
			}
		} else if g.flags&segSacked == 0 {
			if !rs.haveAckt {
				rs.firstAckt, rs.haveAckt = g.sent, true
			}
			rs.lastAckt = g.sent
		}
		if g.flags&segSacked != 0 {
			s.sackedOut--
		} else {
			s.skbDelivered(g, rs)
			h.MIB.Inc(TcpExtTCPDelivered)
		}
		if g.flags&segLost != 0 {
			s.lostOut--
		}
		if g.flags&segFIN != 0 {
			rs.finAcked = true
		}
		s.packetsOut--
		rs.ackedSegs++
		s.rtxq.pop()
	}
	if s.packetsOut == 0 {
		s.sackedOut, s.lostOut, s.retransOut = 0, 0, 0
	}
	if !s.sackOK && s.sackedOut > 0 {
		// Reno: acked segments take away the dupacks counted as SACKs
		// (tcp_remove_reno_sacks).
		s.sackedOut -= min(s.sackedOut, max(rs.ackedSegs, 1)-1)
		if s.sackedOut+1 > s.packetsOut {
			s.sackedOut = max(s.packetsOut, 1) - 1
		}
	}
}

// skbDelivered is tcp_rate_skb_delivered: g has been delivered (acked or
// SACKed) for the first time.
func (s *TCPSocket) skbDelivered(g *tcpSeg, rs *rateSample) {
	s.delivered++
	s.st.delivered++
	rs.delivered++
	if !rs.have || seqGT(g.delivered, rs.priorDelivered) || g.delivered == rs.priorDelivered && g.sent > s.firstTx {
		rs.have = true
		rs.priorDelivered = g.delivered
		rs.priorTime = g.deliveredAt
		rs.sendInterval = g.sent - g.firstTx
		rs.appLimited = g.flags&segAppLimited != 0
		s.firstTx = g.sent
	}
	if !s.rackHave || g.sent > s.rackSent || g.sent == s.rackSent && seqGT(g.end, s.rackEnd) {
		s.rackSent, s.rackEnd, s.rackHave = g.sent, g.end, true
	}
}

// rateGenerate is tcp_rate_gen: the delivery rate of this ACK's sample.
func (s *TCPSocket) rateGenerate(rs *rateSample, now sim.Time) {
	if rs.delivered > 0 {
		s.deliveredAt = now
	}
	if !rs.have {
		return
	}
	delivered := s.delivered - rs.priorDelivered
	interval := max(rs.sendInterval, now-rs.priorTime)
	if interval < sim.Time(s.minRTTUs)*sim.Microsecond || interval <= 0 {
		return
	}
	rate := uint64(delivered) * uint64(s.mss()) * uint64(sim.Second) / uint64(interval)
	if !rs.appLimited || rate >= s.st.deliveryRate {
		s.st.deliveryRate = rate
		s.rateDelivered, s.rateInterval = delivered, interval
	}
}

// updatePacingRate is tcp_update_pacing_rate: cwnd*mss/srtt, times 200%
// in slow start and 120% in congestion avoidance.
func (s *TCPSocket) updatePacingRate() {
	srtt := uint64(s.cs.SRTTUs)
	if srtt == 0 {
		return
	}
	rate := uint64(s.mss()) * 1000000 << 3
	rate *= uint64(max(s.cs.Cwnd, s.packetsOut))
	ratio := uint64(200)
	if !(s.cs.Cwnd < s.cs.SSThresh/2) {
		ratio = 120
	}
	rate = rate * ratio / 100
	s.pacingRate = rate / srtt
	s.cs.PacingRate = s.pacingRate
}

// ourFinAcked moves a closing socket on once its FIN is acknowledged.
func (s *TCPSocket) ourFinAcked() {
	switch s.state {
	case stack.StateFinWait1:
		s.setState(stack.StateFinWait2)
		if s.orphan {
			s.finWait2Timeout()
		}
	case stack.StateClosing:
		s.timeWait()
	case stack.StateLastAck:
		s.destroy()
	}
}

// syncCC adds congestion control's counters to the MIB.
func (h *Host) syncCC() {
	c, seen := &h.tcp.cc, &h.tcp.ccSeen
	if *c == *seen {
		return
	}
	h.MIB.Add(TcpExtTCPHystartTrainDetect, c.HystartTrainDetect-seen.HystartTrainDetect)
	h.MIB.Add(TcpExtTCPHystartTrainCwnd, c.HystartTrainCwnd-seen.HystartTrainCwnd)
	h.MIB.Add(TcpExtTCPHystartDelayDetect, c.HystartDelayDetect-seen.HystartDelayDetect)
	h.MIB.Add(TcpExtTCPHystartDelayCwnd, c.HystartDelayCwnd-seen.HystartDelayCwnd)
	*seen = *c
}
