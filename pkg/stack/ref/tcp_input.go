package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/cc"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// tcpRecv is a socket's receiving half.
type tcpRecv struct {
	irs, rcvNxt uint32
	// rcvWup and rcvWnd: the window last advertised, from rcvWup.
	rcvWup, rcvWnd uint32
	rcvQueued      int        // in-order bytes not yet read
	ofo            []seqRange // out-of-order ranges, sorted, disjoint
	ofoBytes       int
	lastOfo        seqRange // the range holding the latest out-of-order segment
	rcvBuf         int
	rcvBufLocked   bool
	rcvSsthresh    uint32
	windowClamp    uint32
	rcvMSS         uint32
	scalingRatio   int
	zeroWnd        bool
	drops          uint32

	// ACK scheduling (icsk_ack).
	quick      int
	pingpong   bool
	ato        sim.Time
	ackPending bool
	quickNow   bool // ACK the current segment at once (ICSK_ACK_NOW)

	// Receive-buffer autotuning (rcvq_space, rcv_rtt_est).
	copied       uint32 // bytes read so far
	rcvSpace     int
	rcvSpaceSeq  uint32
	rcvSpaceTime sim.Time
	rcvRTTUs     uint32 // << 3
	rcvRTTSeq    uint32
	rcvRTTTime   sim.Time
	lastTSEcr    uint32 // the current segment's echoed timestamp (0: none)
	rcvRTTTSEcr  uint32 // the echo last used for a receiver RTT sample
}

// Linux's delayed-ACK constants.
const (
	tcpATOMin       = 40 * sim.Millisecond  // TCP_ATO_MIN
	tcpDelackMax    = 200 * sim.Millisecond // TCP_DELACK_MAX
	tcpMaxQuickacks = 16                    // TCP_MAX_QUICKACKS
)

// rmemAlloc is sk_rmem_alloc: the memory of the queued received data.
func (s *TCPSocket) rmemAlloc() int {
	return (s.rcvQueued + s.ofoBytes) << 8 / max(s.scalingRatio, 1)
}

// tcpInput handles a TCP segment for this host.
func (h *Host) tcpInput(p *Packet) {
	h.MIB.Inc(TcpInSegs)
	k := tcpKey{netip.AddrPortFrom(p.Dst, p.DstPort), netip.AddrPortFrom(p.Src, p.SrcPort)}
	if s := h.tcp.conns[k]; s != nil {
		s.input(p)
		h.Net.pool.put(p)
		return
	}
	if l := h.tcpListener(p.Dst, p.DstPort); l != nil {
		l.listenInput(p)
		h.Net.pool.put(p)
		return
	}
	h.tcpSendReset(p)
	h.Net.pool.put(p)
}

// tcpError handles an ICMP error about a TCP segment we sent: soft errors
// are not reported; the retransmission timer does the rest.
func (h *Host) tcpError(p *Packet) {}

// segEnd is the end of p's sequence space.
func segEnd(p *Packet) uint32 {
	e := p.TCP.Seq + uint32(p.Payload)
	if p.TCP.Flags&tcpSYN != 0 {
		e++
	}
	if p.TCP.Flags&tcpFIN != 0 {
		e++
	}
	return e
}

// input is tcp_rcv_state_process for a socket of the connection table.
func (s *TCPSocket) input(p *Packet) {
	t := &p.TCP
	now := s.h.Now()
	s.st.segsIn++
	if p.Payload > 0 {
		s.st.dataSegsIn++
	}
	switch s.state {
	case stack.StateSynSent:
		s.synSentInput(p)
		return
	case stack.StateTimeWait:
		s.timeWaitInput(p)
		return
	case stack.StateSynRecv:
		if s.parent != nil {
			s.requestInput(p)
			return
		}
	case stack.StateClose:
		return
	}
	seq, end := t.Seq, segEnd(p)
	if !s.acceptable(seq, end) {
		if t.Flags&tcpRST == 0 {
			if seqLT(end, s.rcvNxt) || end == s.rcvNxt && p.Payload > 0 {
				s.h.MIB.Inc(TcpExtDelayedACKLost)
				s.enterQuickack(tcpMaxQuickacks)
			}
			s.sendAck()
		}
		return
	}
	if t.Flags&tcpRST != 0 {
		if seq == s.rcvNxt {
			s.resetReceived()
		} else {
			s.h.MIB.Inc(TcpExtTCPChallengeACK)
			s.sendAck()
		}
		return
	}
	if t.Flags&tcpSYN != 0 {
		s.h.MIB.Inc(TcpExtTCPSYNChallenge)
		s.h.MIB.Inc(TcpExtTCPChallengeACK)
		s.sendAck()
		return
	}
	if t.Flags&tcpACK == 0 {
		return
	}
	if s.tsOK && t.HasTS && seqLEQ(seq, s.rcvWup) {
		s.tsRecent = t.TSVal
	}
	if s.state == stack.StateSynRecv {
		// Simultaneous open: our SYN-ACK's ACK completes it.
		if seqGT(t.Ack, s.sndUna) && seqLEQ(t.Ack, s.sndNxt) {
			s.sndWnd = uint32(t.Window) << s.sndWscale
			s.sndWl1 = seq
			s.established()
		} else {
			s.h.tcpSendReset(p)
			return
		}
	}
	fastPath := s.state == stack.StateEstablished && seq == s.rcvNxt && t.Flags&^(tcpPSH) == tcpACK && t.NumSACK == 0 && len(s.ofo) == 0
	s.lastTSEcr = 0
	if s.tsOK && t.HasTS {
		s.lastTSEcr = t.TSEcr
	}
	if !s.ackInput(p, fastPath) || s.done {
		return
	}
	s.rcvTstamp = now
	s.dataInput(p, fastPath)
	if s.done {
		return
	}
	if s.state != stack.StateTimeWait {
		s.pushPending(false)
		s.ackSndCheck()
	}
}

// acceptable is tcp_sequence: the segment overlaps the receive window (a
// zero window accepts segments at rcv_nxt).
func (s *TCPSocket) acceptable(seq, end uint32) bool {
	wndEnd := s.rcvWup + s.rcvWnd
	if seqLT(end, s.rcvWup) {
		return false
	}
	if seqGT(seq, wndEnd) || seq == wndEnd && end != seq {
		return seq == s.rcvNxt && s.rcvWnd == 0 && end == seq
	}
	return true
}

// dataInput queues the segment's data and handles its FIN
// (tcp_data_queue, tcp_fin).
func (s *TCPSocket) dataInput(p *Packet, fastPath bool) {
	t := &p.TCP
	n := uint32(p.Payload)
	fin := t.Flags&tcpFIN != 0
	if n == 0 && !fin {
		return
	}
	switch s.state {
	case stack.StateEstablished, stack.StateFinWait1, stack.StateFinWait2:
	default:
		// Data after the peer's FIN, or while closing: ignored.
		return
	}
	if s.finRcvd {
		return
	}
	h := s.h
	seq := t.Seq
	end := seq + n
	if n > 0 {
		s.measureRcvMSS(n)
		s.eventDataRecv()
	}
	switch {
	case seq == s.rcvNxt:
		if n > 0 && s.rcvWnd == 0 && s.rcvWup+s.rcvWnd == s.rcvNxt {
			h.MIB.Inc(TcpExtTCPZeroWindowDrop)
			s.enterQuickack(tcpMaxQuickacks)
			s.ackPending = true
			return
		}
		if n > 0 && s.rmemAlloc()+int(n)<<8/max(s.scalingRatio, 1) > s.rcvBuf+s.rcvBuf/2 {
			h.MIB.Inc(TcpExtTCPRcvQDrop)
			s.drops++
			return
		}
		if fastPath && n > 0 {
			h.MIB.Inc(TcpExtTCPHPHits)
		}
		s.rcvNxt = end
		s.rcvQueued += int(n)
		s.st.bytesReceived += uint64(n)
		if len(s.ofo) > 0 {
			s.ofoDrain(&fin)
			s.ackPending = true
			s.quickNow = true
		}
		s.growWindow(n)
		if fin {
			s.finReceived()
		}
		s.ackPending = true
		s.measureRcvRTT(n)
		if s.OnReadable != nil && (n > 0 || fin) && !s.orphan {
			s.OnReadable(s)
		}
	case seqLEQ(end, s.rcvNxt) && !(fin && end == s.rcvNxt):
		// A duplicate: our ACK was lost.
		h.MIB.Inc(TcpExtDelayedACKLost)
		s.enterQuickack(tcpMaxQuickacks)
		s.quickNow = true
		s.ackPending = true
	case seqLT(seq, s.rcvNxt):
		// Partly new: keep the new part.
		s.rcvNxt, n = end, end-s.rcvNxt
		s.rcvQueued += int(n)
		s.st.bytesReceived += uint64(n)
		if fin {
			s.finReceived()
		}
		s.ackPending = true
		s.quickNow = true
		if s.OnReadable != nil && !s.orphan {
			s.OnReadable(s)
		}
	default:
		// Out of order: remember the range, ACK at once with SACK.
		if n == 0 {
			s.quickNow = true
			s.ackPending = true
			return
		}
		h.MIB.Inc(TcpExtTCPOFOQueue)
		s.st.rcvOOOPack++
		s.ofoInsert(seqRange{seq, end}, fin)
		s.quickNow = true
		s.ackPending = true
	}
}

// ofoInsert adds r to the out-of-order ranges (a FIN with it is not kept:
// the peer retransmits it).
func (s *TCPSocket) ofoInsert(r seqRange, fin bool) {
	i := 0
	for i < len(s.ofo) && seqLT(s.ofo[i].end, r.start) {
		i++
	}
	// Merge with every range r touches.
	j := i
	for j < len(s.ofo) && seqLEQ(s.ofo[j].start, r.end) {
		r.start = seqMin(r.start, s.ofo[j].start)
		r.end = seqMax(r.end, s.ofo[j].end)
		j++
	}
	if j > i {
		for k := i; k < j; k++ {
			s.ofoBytes -= int(s.ofo[k].end - s.ofo[k].start)
		}
		s.ofo[i] = r
		s.ofo = append(s.ofo[:i+1], s.ofo[j:]...)
	} else {
		s.ofo = append(s.ofo, seqRange{})
		copy(s.ofo[i+1:], s.ofo[i:])
		s.ofo[i] = r
	}
	s.ofoBytes += int(r.end - r.start)
	s.lastOfo = r
}

// ofoDrain moves the out-of-order ranges that now follow rcv_nxt into the
// receive queue.
func (s *TCPSocket) ofoDrain(fin *bool) {
	k := 0
	for k < len(s.ofo) && seqLEQ(s.ofo[k].start, s.rcvNxt) {
		r := s.ofo[k]
		s.ofoBytes -= int(r.end - r.start)
		if seqGT(r.end, s.rcvNxt) {
			n := r.end - s.rcvNxt
			s.rcvQueued += int(n)
			s.st.bytesReceived += uint64(n)
			s.rcvNxt = r.end
		}
		k++
	}
	s.ofo = append(s.ofo[:0], s.ofo[k:]...)
}

// fillSACK puts the SACK blocks in t: the range of the latest
// out-of-order segment first, then the others from the highest.
func (s *TCPSocket) fillSACK(t *TCPHeader) {
	maxBlocks := 4
	if s.tsOK {
		maxBlocks = 3
	}
	n := 0
	first := -1
	for i, r := range s.ofo {
		if seqLEQ(r.start, s.lastOfo.start) && seqGEQ(r.end, s.lastOfo.end) {
			first = i
			t.SACK[0] = SACKBlock{r.start, r.end}
			n = 1
			break
		}
	}
	for i := len(s.ofo) - 1; i >= 0 && n < maxBlocks; i-- {
		if i == first {
			continue
		}
		t.SACK[n] = SACKBlock{s.ofo[i].start, s.ofo[i].end}
		n++
	}
	t.NumSACK = uint8(n)
}

// finReceived is tcp_fin: the peer has finished sending.
func (s *TCPSocket) finReceived() {
	s.finRcvd = true
	s.rcvNxt++
	switch s.state {
	case stack.StateEstablished:
		s.setState(stack.StateCloseWait)
		s.pingpong = true
	case stack.StateFinWait1:
		// Simultaneous close.
		s.setState(stack.StateClosing)
		s.sendAck()
	case stack.StateFinWait2:
		s.sendAck()
		s.timeWait()
	}
}

// measureRcvMSS is tcp_measure_rcv_mss, with the payload-to-truesize
// ratio of full segments (scaling_ratio).
func (s *TCPSocket) measureRcvMSS(n uint32) {
	if n > s.rcvMSS {
		s.rcvMSS = min(n, s.advMSS)
	}
	if n >= s.rcvMSS && n > 0 {
		s.scalingRatio = int(n) << 8 / udpTruesize(int(n))
	}
}

// eventDataRecv is tcp_event_data_recv: the ato estimate and quick ACKs.
func (s *TCPSocket) eventDataRecv() {
	now := s.h.Now()
	if s.ato == 0 {
		s.enterQuickack(tcpMaxQuickacks)
		s.ato = tcpATOMin
	} else {
		m := now - s.lrcvtime
		switch {
		case m <= tcpATOMin/2:
			s.ato = s.ato/2 + tcpATOMin/2
		case m < s.ato:
			s.ato = min(s.ato/2+m, s.rto)
		case m > s.rto:
			s.enterQuickack(tcpMaxQuickacks)
		}
	}
	s.lrcvtime = now
}

// enterQuickack is tcp_enter_quickack_mode: ACK the next segments at once.
func (s *TCPSocket) enterQuickack(maxQuick int) {
	mss := max(int(s.rcvMSS), 1)
	q := int(s.rcvWnd) / (2 * mss)
	s.quick = min(max(q, 2), maxQuick)
	s.pingpong = false
	s.ato = tcpATOMin
}

// growWindow is tcp_grow_window: rcv_ssthresh grows by two segments per
// segment received while there is room.
func (s *TCPSocket) growWindow(n uint32) {
	if s.rcvSsthresh >= s.windowClamp {
		return
	}
	free := s.winFromSpace(s.rcvBuf - s.rmemAlloc())
	if int(s.rcvSsthresh) < free {
		s.rcvSsthresh = min(s.rcvSsthresh+2*s.advMSS, s.windowClamp)
	}
}

// ackSndCheck is __tcp_ack_snd_check: ACK now (more than one full segment
// unacknowledged, quick ACK mode, out-of-order data) or later.
func (s *TCPSocket) ackSndCheck() {
	if !s.ackPending {
		return
	}
	if s.quickNow || s.rcvNxt-s.rcvWup > s.rcvMSS && s.chooseWindow() >= s.rcvWnd ||
		s.quick > 0 && !s.pingpong {
		s.quickNow = false
		s.sendAck()
		return
	}
	s.sendDelayedAck()
}

// sendDelayedAck is tcp_send_delayed_ack: arm the delayed-ACK timer.
func (s *TCPSocket) sendDelayedAck() {
	ato := s.ato
	maxATO := tcpDelackMax
	if s.pingpong {
		ato = max(ato, tcpATOMin)
	}
	if s.cs.SRTTUs != 0 {
		rtt := max(sim.Time(s.cs.SRTTUs>>3)*sim.Microsecond, tcpATOMin)
		maxATO = min(maxATO, rtt)
	}
	ato = min(ato, maxATO)
	at := s.h.Now() + ato
	if s.dack.Pending() && s.dack.When() <= at {
		return
	}
	s.dack.Reset(at)
}

// onDelack is the delayed-ACK timer (tcp_delack_timer_handler).
func (s *TCPSocket) onDelack() {
	if s.done || !s.ackPending {
		return
	}
	if s.pingpong {
		s.ato = min(s.ato*2, s.rto)
	} else {
		s.ato = tcpATOMin
	}
	s.h.MIB.Inc(TcpExtDelayedACKs)
	s.sendAck()
}

// consume takes n bytes from the receive queue: the window may open, and
// autotuning measures what the application reads.
func (s *TCPSocket) consume(n int) {
	before := s.chooseWindow()
	s.rcvQueued -= n
	s.copied += uint32(n)
	s.rcvSpaceAdjust()
	// tcp_cleanup_rbuf: announce a window that grew a lot.
	if s.state == stack.StateEstablished || s.state == stack.StateFinWait1 || s.state == stack.StateFinWait2 {
		after := s.chooseWindow()
		if before < s.rcvWnd/2+1 && after >= 2*s.rcvWnd || s.rcvWnd == 0 && after > 0 {
			s.sendAck()
		}
	}
}

// measureRcvRTT estimates the receiver's RTT: from the timestamp echo of
// full segments (tcp_rcv_rtt_measure_ts, a moving average, at least one
// timestamp tick), else once per window (tcp_rcv_rtt_measure, keeping the
// minimum).
func (s *TCPSocket) measureRcvRTT(n uint32) {
	now := s.h.Now()
	if s.tsOK {
		if s.lastTSEcr == 0 || s.lastTSEcr == s.rcvRTTTSEcr || n < s.rcvMSS {
			return
		}
		s.rcvRTTTSEcr = s.lastTSEcr
		d := s.tsNow() - s.lastTSEcr
		if int32(d) < 0 {
			return
		}
		s.rcvRTTUpdate(max(d, 1)*1000, false)
		return
	}
	if s.rcvRTTTime == 0 {
		s.rcvRTTSeq, s.rcvRTTTime = s.rcvNxt+s.rcvWnd, now
		return
	}
	if seqLT(s.rcvNxt, s.rcvRTTSeq) {
		return
	}
	s.rcvRTTUpdate(uint32(max((now-s.rcvRTTTime)/sim.Microsecond, 1)), true)
	s.rcvRTTSeq, s.rcvRTTTime = s.rcvNxt+s.rcvWnd, now
}

// rcvRTTUpdate is tcp_rcv_rtt_update (m in microseconds).
func (s *TCPSocket) rcvRTTUpdate(m uint32, winDep bool) {
	if s.rcvRTTUs == 0 {
		s.rcvRTTUs = m << 3
		return
	}
	if winDep {
		s.rcvRTTUs = min(s.rcvRTTUs, m<<3)
		return
	}
	v := int64(s.rcvRTTUs) + int64(m) - int64(s.rcvRTTUs>>3)
	s.rcvRTTUs = uint32(max(v, 1))
}

// rcvSpaceAdjust is tcp_rcv_space_adjust: once per RTT, grow the receive
// buffer to twice what the application read in the last RTT, within
// tcp_rmem[2].
func (s *TCPSocket) rcvSpaceAdjust() {
	now := s.h.Now()
	rtt := sim.Time(s.rcvRTTUs>>3) * sim.Microsecond
	if s.rcvRTTUs == 0 || now-s.rcvSpaceTime < rtt {
		return
	}
	copied := int(s.copied - s.rcvSpaceSeq)
	if copied > s.rcvSpace {
		if s.h.Sysctl.Bool(sysctl.TCPModerateRcvbuf) && !s.rcvBufLocked {
			rcvwin := int64(copied)<<1 + 16*int64(s.advMSS)
			grow := rcvwin * int64(copied-s.rcvSpace) / int64(max(s.rcvSpace, 1))
			rcvwin += grow << 1
			rcvbuf := min(int64(s.spaceFromWin(int(min(rcvwin, 1<<40)))), s.h.Sysctl.Int(sysctl.TCPRmemMax))
			if int(rcvbuf) > s.rcvBuf {
				s.rcvBuf = int(rcvbuf)
				s.windowClamp = uint32(min(s.winFromSpace(s.rcvBuf), 65535<<s.rcvWscale))
			}
		}
		s.rcvSpace = copied
	}
	s.rcvSpaceSeq = s.copied
	s.rcvSpaceTime = now
}

// timeWaitInput is tcp_timewait_state_process.
func (s *TCPSocket) timeWaitInput(p *Packet) {
	t := &p.TCP
	if t.Flags&tcpRST != 0 {
		return // RFC 1337 off: ... Linux kills the TIME_WAIT on an in-window RST
	}
	if t.Flags&tcpSYN != 0 && t.Flags&tcpACK == 0 && seqGT(t.Seq, s.rcvNxt) {
		// A new connection reusing the pair: the TIME_WAIT gives way to
		// the listener.
		h := s.h
		s.destroy()
		if l := h.tcpListener(p.Dst, p.DstPort); l != nil {
			l.listenInput(p)
		}
		return
	}
	if t.Flags&tcpFIN != 0 || segEnd(p) != t.Seq {
		// A retransmitted FIN: ACK it again and restart the 60 s.
		s.output(s.sndNxt, 0, tcpACK, true, false)
		s.ka.ResetAfter(tcpTimeWaitLen)
		return
	}
}

// established moves a connecting socket to ESTABLISHED
// (tcp_finish_connect, tcp_init_transfer).
func (s *TCPSocket) established() {
	s.setState(stack.StateEstablished)
	s.rtx.Stop()
	s.retransmits, s.backoff = 0, 0
	if s.rto < tcpRTOMin {
		s.setRTO()
	}
	now := s.h.Now()
	s.rcvTstamp, s.lrcvtime = now, now
	s.cs.SetClock(int64(now))
	s.cs.SndNxt, s.cs.SndUna = s.sndNxt, s.sndUna
	if s.st.totalRetrans > 1 {
		// A retransmitted SYN or SYN-ACK: the initial window is 1
		// (tcp_init_transfer, RFC 6298 5.7).
		s.cs.Cwnd = 1
	}
	s.ca.Init(&s.cs)
	s.initBuffers()
	if s.opt.KeepAlive {
		s.armKeepalive()
	}
}

// initBuffers is tcp_init_buffer_space.
func (s *TCPSocket) initBuffers() {
	s.sndbufExpand()
	maxwin := uint32(s.winFromSpace(s.rcvBuf))
	if s.windowClamp == 0 || s.windowClamp >= maxwin {
		s.windowClamp = maxwin
	}
	s.rcvSsthresh = min(s.rcvSsthresh, s.windowClamp)
	s.rcvSpace = int(min(s.rcvWnd, cc.InitCwnd*s.advMSS))
	s.rcvSpaceTime = s.h.Now()
	s.rcvSpaceSeq = s.copied
}
