package ref

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// tcpRTT is a socket's RTT estimator and RTO (RFC 6298 as Linux does it).
type tcpRTT struct {
	// srtt_us lives in cs.SRTTUs (<< 3).
	mdevUs, mdevMaxUs, rttvarUs uint32 // mdev_us (<< 2), mdev_max_us, rttvar_us
	rttSeq                      uint32
	rto                         sim.Time // icsk_rto, without backoff
	minRTTUs                    uint32
	minRTTStamp                 sim.Time
}

// Linux's TCP timing constants.
const (
	tcpTimeoutInit           = sim.Second            // TCP_TIMEOUT_INIT
	tcpRTOMin                = 200 * sim.Millisecond // TCP_RTO_MIN
	tcpRTOMax                = 120 * sim.Second      // TCP_RTO_MAX
	tcpTimeWaitLen           = 60 * sim.Second       // TCP_TIMEWAIT_LEN
	tcpResourceProbeInterval = 500 * sim.Millisecond // TCP_RESOURCE_PROBE_INTERVAL
)

// rtoMin and rtoMax are net.ipv4.tcp_rto_min_us and tcp_rto_max_ms.
func (s *TCPSocket) rtoMin() sim.Time {
	return sim.Time(s.h.Sysctl.Int(sysctl.TCPRTOMinUs)) * sim.Microsecond
}

func (s *TCPSocket) rtoMax() sim.Time {
	return sim.Time(s.h.Sysctl.Int(sysctl.TCPRTOMaxMs)) * sim.Millisecond
}

// rttEstimate is tcp_rtt_estimator: Jacobson's estimator, with Linux's
// variance kept at least rto_min and decayed once per window.
func (s *TCPSocket) rttEstimate(sample sim.Time) {
	m := int64(sample / sim.Microsecond)
	srtt := int64(s.cs.SRTTUs)
	rtoMinUs := uint32(s.rtoMin() / sim.Microsecond)
	if srtt != 0 {
		m -= srtt >> 3
		srtt += m
		if m < 0 {
			m = -m
			m -= int64(s.mdevUs >> 2)
			if m > 0 {
				m >>= 3
			}
		} else {
			m -= int64(s.mdevUs >> 2)
		}
		s.mdevUs = uint32(int64(s.mdevUs) + m)
		if s.mdevUs > s.mdevMaxUs {
			s.mdevMaxUs = s.mdevUs
			if s.mdevMaxUs > s.rttvarUs {
				s.rttvarUs = s.mdevMaxUs
			}
		}
		if seqGT(s.sndUna, s.rttSeq) {
			if s.mdevMaxUs < s.rttvarUs {
				s.rttvarUs -= (s.rttvarUs - s.mdevMaxUs) >> 2
			}
			s.rttSeq = s.sndNxt
			s.mdevMaxUs = rtoMinUs
		}
	} else {
		srtt = m << 3
		s.mdevUs = uint32(m << 1)
		s.rttvarUs = max(s.mdevUs, rtoMinUs)
		s.mdevMaxUs = s.rttvarUs
		s.rttSeq = s.sndNxt
	}
	s.cs.SRTTUs = uint32(max(srtt, 1))
}

// updateMinRTT keeps the minimum RTT over tcp_min_rtt_wlen.
func (s *TCPSocket) updateMinRTT(sample sim.Time) {
	if sample < 0 {
		return
	}
	us := uint32(max(sample/sim.Microsecond, 1))
	now := s.h.Now()
	wlen := sim.Time(s.h.Sysctl.Int(sysctl.TCPMinRTTWlen)) * sim.Second
	if s.minRTTUs == 0 || us <= s.minRTTUs || now-s.minRTTStamp > wlen {
		s.minRTTUs, s.minRTTStamp = us, now
	}
}

// setRTO is tcp_set_rto: srtt + rttvar, in whole jiffies, within
// [rto_min, rto_max].
func (s *TCPSocket) setRTO() {
	us := int64(s.cs.SRTTUs>>3) + int64(s.rttvarUs)
	rto := sim.Time((us+999)/1000) * sim.Millisecond
	s.rto = min(rto, s.rtoMax())
}

// curRTO is the RTO with the current backoff.
func (s *TCPSocket) curRTO() sim.Time {
	r := s.rto
	for i := uint8(0); i < s.backoff && r < s.rtoMax(); i++ {
		r <<= 1
	}
	return min(r, s.rtoMax())
}

// armRTO (re)starts the retransmission timer (tcp_rearm_rto).
func (s *TCPSocket) armRTO() {
	s.rtxKind = rtxRetrans
	s.rtx.Reset(s.h.Now() + s.curRTO())
}

// armProbe starts the zero-window probe timer (tcp_check_probe_timer).
func (s *TCPSocket) armProbe() {
	if s.rtx.Pending() {
		return
	}
	s.rtxKind = rtxProbe
	s.rtx.Reset(s.h.Now() + s.curRTO())
}

// onRtxTimer is tcp_write_timer_handler.
func (s *TCPSocket) onRtxTimer() {
	if s.done {
		return
	}
	switch s.rtxKind {
	case rtxProbe:
		s.probeTimer()
	default:
		s.retransmitTimer()
	}
}

// modelTimeout is tcp_model_timeout: how long boundary retransmissions
// take with an RTO starting at rtoBase and doubling up to rto_max.
func (s *TCPSocket) modelTimeout(boundary int, rtoBase sim.Time) sim.Time {
	thresh := 0
	for r := s.rtoMax() / rtoBase; r > 1; r >>= 1 {
		thresh++
	}
	if boundary <= thresh {
		return sim.Time((2<<boundary)-1) * rtoBase
	}
	return sim.Time((2<<thresh)-1)*rtoBase + sim.Time(boundary-thresh)*s.rtoMax()
}

// writeTimeout is tcp_write_timeout: true when the connection gives up.
func (s *TCPSocket) writeTimeout() bool {
	h := s.h
	switch s.state {
	case stack.StateSynSent, stack.StateSynRecv:
		retries := int(h.Sysctl.Int(sysctl.TCPSynRetries))
		if s.state == stack.StateSynRecv {
			retries = int(h.Sysctl.Int(sysctl.TCPSynackRetries))
		}
		if int(s.retransmits) >= retries {
			s.writeErr()
			return true
		}
		return false
	}
	boundary := int(h.Sysctl.Int(sysctl.TCPRetries2))
	if s.orphan {
		boundary = int(h.Sysctl.Int(sysctl.TCPOrphanRetries))
		if boundary == 0 {
			boundary = 8
		}
	}
	if s.retransStamp != 0 && h.Now()-s.retransStamp >= s.modelTimeout(boundary, tcpRTOMin) {
		s.writeErr()
		return true
	}
	return false
}

// writeErr is tcp_write_err: the connection timed out.
func (s *TCPSocket) writeErr() {
	s.h.MIB.Inc(TcpExtTCPAbortOnTimeout)
	s.fail(errTimedOut)
}

// retransmitTimer is tcp_retransmit_timer.
func (s *TCPSocket) retransmitTimer() {
	h := s.h
	if s.packetsOut == 0 || s.rtxq.n == 0 {
		return
	}
	h.MIB.Inc(TcpExtTCPTimeouts)
	if s.writeTimeout() {
		return
	}
	if s.retransmits == 0 {
		switch {
		case s.cs.CAState == 3 || s.cs.CAState == 1 || s.sackedOut > 0:
			if s.sackOK {
				h.MIB.Inc(TcpExtTCPSackFailures)
			} else {
				h.MIB.Inc(TcpExtTCPRenoFailures)
			}
		case s.cs.CAState == 4:
			h.MIB.Inc(TcpExtTCPLossFailures)
		}
	}
	if s.state != stack.StateSynSent && s.state != stack.StateSynRecv {
		s.enterLoss()
	}
	s.totalRTO++
	s.retransmits++
	g := s.rtxq.at(0)
	s.retransmitSeg(g)
	if s.state == stack.StateSynSent && int64(s.totalRTO) <= h.Sysctl.Int(sysctl.TCPSynLinearTimeouts) {
		// Linear SYN timeouts (tcp_syn_linear_timeouts): no backoff.
	} else {
		s.backoff++
	}
	s.rtxKind = rtxRetrans
	s.rtx.Reset(h.Now() + s.curRTO())
	if s.state != stack.StateSynSent && s.state != stack.StateSynRecv {
		s.pushPending(false)
	}
}

// probeTimer is tcp_probe_timer: a zero-window probe.
func (s *TCPSocket) probeTimer() {
	h := s.h
	if s.packetsOut > 0 || s.writeSeq == s.sndNxt && !(s.shutWr && !s.finSent) {
		s.probesOut, s.backoff = 0, 0
		return
	}
	maxProbes := int(h.Sysctl.Int(sysctl.TCPRetries2))
	if s.orphan {
		maxProbes = int(h.Sysctl.Int(sysctl.TCPOrphanRetries))
		if maxProbes == 0 {
			maxProbes = 8
		}
	}
	if int(s.probesOut) >= maxProbes {
		s.writeErr()
		return
	}
	// tcp_write_wakeup: send what the window takes, else a probe with
	// an old sequence number.
	if s.sndWnd > 0 {
		s.pushPending(true)
	} else {
		h.MIB.Inc(TcpExtTCPWinProbe)
		s.output(s.sndUna-1, 0, tcpACK, true, false)
	}
	s.probesOut++
	s.backoff++
	if s.packetsOut == 0 {
		s.rtxKind = rtxProbe
		s.rtx.Reset(h.Now() + s.curRTO())
	}
}

// onKaTimer is the socket timer: keepalive, FIN_WAIT2 and TIME_WAIT
// timeouts, a request sock's SYN-ACK retransmissions.
func (s *TCPSocket) onKaTimer() {
	if s.done {
		return
	}
	switch s.kaKind {
	case kaKeepalive:
		s.keepaliveTimer()
	case kaFinWait2, kaTimeWait:
		if s.state == stack.StateTimeWait {
			s.h.MIB.Inc(TcpExtTW)
		}
		s.destroy()
	case kaSynAck:
		s.synAckTimer()
	}
}

// keepIdle, keepIntvl and keepCnt are the socket's keepalive settings.
func (s *TCPSocket) keepIdle() sim.Time {
	if s.opt.KeepIdle > 0 {
		return s.opt.KeepIdle
	}
	return sim.Time(s.h.Sysctl.Int(sysctl.TCPKeepaliveTime)) * sim.Second
}

func (s *TCPSocket) keepIntvl() sim.Time {
	if s.opt.KeepIntvl > 0 {
		return s.opt.KeepIntvl
	}
	return sim.Time(s.h.Sysctl.Int(sysctl.TCPKeepaliveIntvl)) * sim.Second
}

func (s *TCPSocket) keepCnt() int {
	if s.opt.KeepCnt > 0 {
		return s.opt.KeepCnt
	}
	return int(s.h.Sysctl.Int(sysctl.TCPKeepaliveProbes))
}

// armKeepalive starts the keepalive timer.
func (s *TCPSocket) armKeepalive() {
	s.kaKind = kaKeepalive
	s.ka.ResetAfter(s.keepIdle())
}

// keepaliveTimer is tcp_keepalive_timer.
func (s *TCPSocket) keepaliveTimer() {
	h := s.h
	if !s.opt.KeepAlive || s.state != stack.StateEstablished && s.state != stack.StateCloseWait {
		return
	}
	if s.packetsOut > 0 || s.writeSeq != s.sndNxt {
		s.ka.ResetAfter(s.keepIdle())
		return
	}
	now := h.Now()
	elapsed := min(now-s.lrcvtime, now-s.rcvTstamp)
	if elapsed < s.keepIdle() {
		s.ka.ResetAfter(s.keepIdle() - elapsed)
		return
	}
	if int(s.probesOut) >= s.keepCnt() {
		s.sendReset()
		s.writeErr()
		return
	}
	h.MIB.Inc(TcpExtTCPKeepAlive)
	s.output(s.sndUna-1, 0, tcpACK, true, false)
	s.probesOut++
	s.ka.ResetAfter(s.keepIntvl())
}

// finWait2Timeout starts an orphan's FIN_WAIT2 timer (tcp_fin_timeout).
func (s *TCPSocket) finWait2Timeout() {
	s.kaKind = kaFinWait2
	s.ka.ResetAfter(sim.Time(s.h.Sysctl.Int(sysctl.TCPFinTimeout)) * sim.Second)
}

// timeWait is tcp_time_wait: the socket becomes a TIME_WAIT one for 60 s
// (or goes away when tcp_max_tw_buckets are in use).
func (s *TCPSocket) timeWait() {
	h := s.h
	if int64(h.tcp.tw) >= h.Sysctl.Int(sysctl.TCPMaxTwBuckets) {
		h.MIB.Inc(TcpExtTCPTimeWaitOverflow)
		s.destroy()
		return
	}
	s.rtx.Stop()
	s.dack.Stop()
	s.setState(stack.StateTimeWait)
	s.twStart = h.Now()
	s.kaKind = kaTimeWait
	s.ka.ResetAfter(tcpTimeWaitLen)
	s.releaseBuffers()
	wasOrphan := s.orphan
	s.setOrphan(false)
	s.orphan = true // a TIME_WAIT sock has no owner
	if !wasOrphan {
		s.notifyClose()
	}
}
