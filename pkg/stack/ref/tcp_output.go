package ref

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/cc"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// tcpSend is a socket's sending half (struct tcp_sock's snd_* fields).
type tcpSend struct {
	iss, sndUna, sndNxt uint32
	// writeSeq is the end of the data the application has written; the
	// FIN, once queued (shutWr), takes sequence number writeSeq.
	writeSeq     uint32
	finSent      bool
	sndWnd       uint32 // the peer's window in bytes
	maxWnd       uint32
	sndWl1       uint32 // segment sequence of the last window update
	sndSml       uint32 // end of the last small segment sent (Minshall's Nagle)
	sndBuf       int    // sk_sndbuf
	sndBufLocked bool

	rtxq                                       segRing
	packetsOut, sackedOut, lostOut, retransOut uint32
	highSeq                                    uint32 // snd_nxt when recovery or loss began
	cwndUsageSeq                               uint32
	reordering                                 uint32
	priorSsthresh                              uint32
	prrDelivered, prrOut                       uint32
	// RACK: the send time and end of the most recently sent segment
	// delivered so far.
	rackSent sim.Time
	rackEnd  uint32
	rackHave bool
	// Delivery-rate state (tcp_rate.c).
	delivered            uint32
	deliveredAt, firstTx sim.Time
	appLimited           uint32
	rateInterval         sim.Time
	rateDelivered        uint32

	mssClamp, advMSS       uint32 // the peer's MSS option, ours
	sndWscale, rcvWscale   uint8
	wscaleOK, sackOK, tsOK bool
	tsOffset               uint32
	tsRecent               uint32
	pmtu                   int
	pacingRate             uint64
}

// Constants of Linux's send side.
const (
	maxTCPHeader    = 320 // MAX_TCP_HEADER (rounded as in a 64-bit build)
	skbSharedInfo   = 320 // SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
	skbStruct       = 256 // SKB_TRUESIZE's sk_buff part
	tcpTSOptionLen  = 12
	tcpMaxWscale    = 14
	tcpDefaultRatio = 128 // TCP_DEFAULT_SCALING_RATIO: window = space/2
)

// mss returns the effective send MSS (mss_cache).
func (s *TCPSocket) mss() uint32 {
	if s.cs.MSS == 0 {
		return cc.DefaultMSS
	}
	return s.cs.MSS
}

// perMSS is what one full segment charges to the send buffer (the per_mss
// of tcp_sndbuf_expand: the payload with headers and skb overhead, its
// data part rounded to a power of two).
func (s *TCPSocket) perMSS() int {
	n := int(max(s.mssClamp, s.mss())) + maxTCPHeader + skbSharedInfo
	p := 1
	for p < n {
		p <<= 1
	}
	return p + skbStruct
}

// wmemQueued is sk_wmem_queued: the memory of the data in the send queue
// (sent and unacked, and unsent).
func (s *TCPSocket) wmemQueued() int {
	b := int(s.writeSeq - s.sndUna)
	if s.state == stack.StateSynSent || s.state == stack.StateSynRecv {
		b = int(s.writeSeq - s.iss - 1)
	}
	if b <= 0 {
		return 0
	}
	return int(int64(b) * int64(s.perMSS()) / int64(s.mss()))
}

// sndbufExpand is tcp_sndbuf_expand: make room for two windows of the
// larger of cwnd and the initial window, within tcp_wmem[2].
func (s *TCPSocket) sndbufExpand() {
	if s.sndBufLocked {
		return
	}
	nr := max(uint32(cc.InitCwnd), s.cs.Cwnd, s.reordering+1)
	sndmem := int64(s.perMSS()) * int64(nr)
	h := s.h
	ratio := h.Sysctl.Int(sysctl.TCPPacingSSRatio)
	if !s.cs.InSlowStart() {
		ratio = h.Sysctl.Int(sysctl.TCPPacingCARatio)
	}
	sndmem = sndmem * max(ratio, 100) / 100
	sndmem = min(sndmem, h.Sysctl.Int(sysctl.TCPWmemMax))
	if int(sndmem) > s.sndBuf {
		s.sndBuf = int(sndmem)
	}
}

// inFlight is tcp_packets_in_flight.
func (s *TCPSocket) inFlight() uint32 {
	return s.packetsOut - (s.sackedOut + s.lostOut) + s.retransOut
}

// sendEnd is the end of the send sequence space queued so far: the data
// and, once queued, the FIN.
func (s *TCPSocket) sendEnd() uint32 {
	if s.shutWr {
		return s.writeSeq + 1
	}
	return s.writeSeq
}

// pushPending sends what the windows, Nagle and cork allow
// (tcp_write_xmit); nagleOff sends a final partial segment regardless
// (a FIN being queued, TCP_NODELAY set).
func (s *TCPSocket) pushPending(nagleOff bool) {
	if s.done || s.lst != nil {
		return
	}
	switch s.state {
	case stack.StateEstablished, stack.StateCloseWait, stack.StateFinWait1, stack.StateClosing, stack.StateLastAck:
	default:
		return
	}
	if s.lostOut > s.retransOut {
		s.xmitRetransmitQueue()
	}
	mss := s.mss()
	sent := false
	cwndLimited := false
	// TSO/GSO: with a route device that takes super-packets, consecutive
	// new segments leave as one packet of up to tsoSegs segments
	// (tcp_write_xmit with tcp_tso_segs and tcp_cwnd_test's quota); the
	// retransmission queue keeps one tcpSeg per MSS all the same.
	tsoSegs := uint32(0) // looked up at the first new segment
	var b tsoBatch
	for {
		avail := s.writeSeq - s.sndNxt
		fin := s.shutWr && !s.finSent
		if int32(avail) <= 0 && !fin {
			break
		}
		if int32(avail) < 0 {
			avail = 0
		}
		n := min(avail, mss)
		withFin := fin && n == avail
		if !(withFin && n == 0) && s.inFlight() >= s.cs.Cwnd {
			cwndLimited = true
			break
		}
		wndEnd := s.sndUna + s.sndWnd
		if n > 0 && seqGT(s.sndNxt+n, wndEnd) {
			break
		}
		if n < mss && !withFin && !nagleOff {
			if s.opt.Cork {
				break
			}
			if !s.opt.NoDelay && s.packetsOut > 0 && seqGT(s.sndSml, s.sndUna) {
				break
			}
		}
		if tsoSegs == 0 {
			tsoSegs = s.tsoSegs(mss)
		}
		if tsoSegs > 1 && n > 0 {
			if b.segs == 0 {
				if avail > mss {
					if wait, limited := s.tsoDefer(avail, tsoSegs, mss); wait {
						cwndLimited = cwndLimited || limited
						break
					}
				}
				b.limit = min(tsoSegs, s.cwndQuota())
			}
			b.add(s.queueNew(n, withFin))
			if b.segs >= b.limit {
				b.flush(s, mss)
			}
		} else {
			b.flush(s, mss)
			s.sendNew(n, withFin)
		}
		sent = true
	}
	b.flush(s, mss)
	s.cwndValidate(cwndLimited)
	if sent && !s.rtx.Pending() {
		s.armRTO()
	}
	if s.packetsOut == 0 && s.writeSeq != s.sndNxt && !s.rtx.Pending() {
		s.armProbe()
	}
}

// cwndValidate is tcp_cwnd_validate: remember, per window, whether the
// sender was cwnd-limited and its largest flight.
func (s *TCPSocket) cwndValidate(limited bool) {
	if !seqLT(s.sndUna, s.cwndUsageSeq) || limited || !s.cs.IsCwndLimited && s.packetsOut > s.cs.MaxPacketsOut {
		s.cs.IsCwndLimited = limited
		s.cs.MaxPacketsOut = s.packetsOut
		s.cwndUsageSeq = s.sndNxt
	}
}

// sendNew sends n new bytes (and the FIN) as one segment
// (tcp_transmit_skb and tcp_event_new_data_sent).
func (s *TCPSocket) sendNew(n uint32, fin bool) {
	s.transmit(s.queueNew(n, fin), false)
}

// queueNew puts n new bytes (and the FIN) in the retransmission queue as
// one segment to be sent now, and returns it (tcp_event_new_data_sent).
func (s *TCPSocket) queueNew(n uint32, fin bool) *tcpSeg {
	h := s.h
	now := h.Now()
	if s.packetsOut == 0 {
		s.cs.SetClock(int64(now))
		s.ca.CwndEvent(&s.cs, cc.EventTxStart)
		s.firstTx, s.deliveredAt = now, now
		s.st.busyStart = now
	}
	g := s.rtxq.push()
	g.seq = s.sndNxt
	g.end = s.sndNxt + n
	if fin {
		g.end++
		g.flags |= segFIN
		s.finSent = true
	}
	g.delivered, g.deliveredAt, g.firstTx = s.delivered, s.deliveredAt, s.firstTx
	if s.appLimited != 0 {
		g.flags |= segAppLimited
	}
	s.sndNxt = g.end
	s.packetsOut++
	if n < s.mss() {
		s.sndSml = g.end
	}
	h.MIB.Inc(TcpExtTCPOrigDataSent)
	return g
}

// transmit sends segment g (a retransmission when retrans is set).
func (s *TCPSocket) transmit(g *tcpSeg, retrans bool) {
	flags := s.account(g, retrans)
	s.output(g.seq, int(g.dataLen()), flags, !retrans, g.flags&segSYN != 0)
}

// account counts segment g as sent now and returns its TCP flags.
func (s *TCPSocket) account(g *tcpSeg, retrans bool) uint8 {
	now := s.h.Now()
	g.sent = now
	flags := uint8(tcpACK)
	if g.flags&segSYN != 0 {
		flags = tcpSYN
		if s.state == stack.StateSynRecv {
			flags |= tcpACK
		}
	}
	if g.flags&segFIN != 0 {
		flags |= tcpFIN
	}
	n := g.dataLen()
	if n > 0 {
		if g.end == s.writeSeq || g.flags&segFIN != 0 {
			flags |= tcpPSH // the end of what was written (tcp_mark_push)
		}
		s.lsndtime = now
		s.st.dataSegsOut++
		s.st.bytesSent += uint64(n)
	}
	if retrans {
		s.h.MIB.Inc(TcpRetransSegs)
		s.st.totalRetrans++
		s.st.bytesRetrans += uint64(n)
		if g.flags&segSYN != 0 {
			s.h.MIB.Inc(TcpExtTCPSynRetrans)
		}
	}
	return flags
}

// gsoMaxSize is a device's gso_max_size (GSO_LEGACY_MAX_SIZE); the
// socket's sk_gso_max_size leaves room for the headers.
const (
	gsoMaxSize   = 65536
	skGSOMaxSize = gsoMaxSize - (maxTCPHeader + 1)
	pacingShift  = 10 // sk_pacing_shift
)

// tsoSegs is tcp_tso_segs: how many MSS segments one packet may carry.
// It is 1 when the route's device takes no super-packets (sk_can_gso:
// neither TSO for the socket's family nor GSO on its simulated NIC, a
// device without a NIC, or a local destination, whose loopback MTU
// makes the MSS large already). The NIC's features are read at every
// send rather than cached at connect (sk_setup_caps): a device whose
// offloads went off later segments in software all the same.
func (s *TCPSocket) tsoSegs(mss uint32) uint32 {
	h := s.h
	dst := s.Remote.Addr()
	if h.isLocal(dst) {
		return 1
	}
	r, ok := h.route(dst)
	if !ok || r.Dev == nil || r.Dev.nic == nil {
		return 1
	}
	if tso, gso := r.Dev.nic.TCPSegmentation(s.V6); !tso && !gso {
		return 1
	}
	return s.tsoAutosize(mss)
}

// tsoAutosize is tcp_tso_autosize: about 1 ms of data at the pacing
// rate (sk_pacing_rate >> sk_pacing_shift), plus, for short minimum
// RTTs, a share of sk_gso_max_size (tcp_tso_rtt_log), within
// sk_gso_max_size and at least tcp_min_tso_segs segments.
func (s *TCPSocket) tsoAutosize(mss uint32) uint32 {
	h := s.h
	rate := s.pacingRate
	if rate == 0 {
		rate = ^uint64(0) // sk_pacing_rate starts unlimited
	}
	bytes := rate >> pacingShift
	if s.minRTTUs != 0 { // tcp_min_rtt is ~0 before a sample
		if r := uint64(s.minRTTUs) >> uint(h.Sysctl.Int(sysctl.TCPTSORTTLog)); r < 32 {
			bytes += skGSOMaxSize >> r
		}
	}
	bytes = min(bytes, skGSOMaxSize)
	return max(uint32(bytes)/max(mss, 1), uint32(h.Sysctl.Int(sysctl.TCPMinTSOSegs)))
}

// cwndQuota is tcp_cwnd_test's quota: what cwnd leaves, at most half of
// it, so that at least two super-packets are in flight.
func (s *TCPSocket) cwndQuota() uint32 {
	in, cwnd := s.inFlight(), s.cs.Cwnd
	if in >= cwnd {
		return 1
	}
	return min(max(cwnd>>1, 1), cwnd-in)
}

// tsoDefer is tcp_tso_should_defer: whether to hold the next super-packet
// (avail unsent bytes) back until an ACK opens more of cwnd, so that
// super-packets stay large, and whether that is for cwnd. It sends now
// in recovery or loss, when nothing was sent for 1 ms, when a full
// super-packet fits cwnd and the window, when a tcp_tso_win_divisor share
// of the window fits (with the divisor 0: more than 3 segments), when
// no ACK is due within half an RTT, and when the data ends with the FIN.
func (s *TCPSocket) tsoDefer(avail, segs, mss uint32) (wait, cwndLimited bool) {
	h := s.h
	now := h.Now()
	if s.cs.CAState >= cc.CARecovery || now-s.lsndtime > sim.Millisecond || s.rtxq.n == 0 {
		return false, false
	}
	in, cwnd := s.inFlight(), s.cs.Cwnd
	if in >= cwnd {
		return false, false
	}
	sendWin := int64(s.sndUna+s.sndWnd) - int64(s.sndNxt)
	if int32(s.sndUna+s.sndWnd-s.sndNxt) < 0 {
		sendWin = 0
	}
	congWin := int64(cwnd-in) * int64(mss)
	limit := min(sendWin, congWin)
	if limit >= int64(segs)*int64(mss) {
		return false, false
	}
	skbLen := min(int64(avail), int64(segs)*int64(mss)) // the next skb of the write queue
	if int64(avail) > skbLen && limit >= skbLen {
		return false, false // not the tail: it gets no more data
	}
	if div := h.Sysctl.Int(sysctl.TCPTSOWinDivisor); div > 0 {
		chunk := min(int64(s.sndWnd), int64(cwnd)*int64(mss)) / div
		if limit >= chunk {
			return false, false
		}
	} else if limit > 3*int64(mss) { // tcp_max_tso_deferred_mss
		return false, false
	}
	if now-s.rtxq.at(0).sent < sim.Time(s.cs.SRTTUs>>4)*sim.Microsecond {
		return false, false // the next ACK may come too late
	}
	if congWin < sendWin {
		if congWin <= skbLen {
			return true, true
		}
	} else if sendWin <= skbLen {
		return true, false
	}
	if s.shutWr && int64(avail) == skbLen {
		return false, false // the FIN: no more data comes
	}
	return true, false
}

// tsoBatch gathers consecutive new segments into one super-packet. It
// keeps sequence numbers, not pointers: the queue may grow meanwhile.
type tsoBatch struct {
	seq         uint32 // the first segment's
	segs, limit uint32
	bytes       int
}

// add appends new segment g (the newest in the queue) to the batch.
func (b *tsoBatch) add(g *tcpSeg) {
	if b.segs == 0 {
		b.seq = g.seq
	}
	b.segs++
	b.bytes += int(g.dataLen())
}

// flush sends the batch as one packet: Payload the segments' bytes,
// GSOSize the MSS when it holds more than one segment, the flags of its
// last segment (PSH, FIN).
func (b *tsoBatch) flush(s *TCPSocket, mss uint32) {
	if b.segs == 0 {
		return
	}
	flags := uint8(0)
	for i := uint32(0); i < b.segs; i++ {
		// The segments are the last b.segs of the queue; each is
		// accounted as sent, the last one's flags are the packet's.
		flags = s.account(s.rtxq.at(s.rtxq.n-int(b.segs)+int(i)), false)
	}
	gso := 0
	if b.segs > 1 {
		gso = int(mss)
	}
	s.outputGSO(b.seq, b.bytes, flags, true, false, gso, b.segs)
	*b = tsoBatch{}
}

// output builds and sends one segment from the socket: seq, payload n,
// flags, options for a SYN when syn is set. count says whether TcpOutSegs
// counts it (Linux leaves out retransmissions).
func (s *TCPSocket) output(seq uint32, n int, flags uint8, count, syn bool) {
	s.outputGSO(seq, n, flags, count, syn, 0, 1)
}

// outputGSO is output for a packet of segs segments of gso bytes each
// (the last may be shorter; gso 0 for one segment): TcpOutSegs and
// segs_out count its segments (tcp_skb_pcount), IP its packet once.
func (s *TCPSocket) outputGSO(seq uint32, n int, flags uint8, count, syn bool, gso int, segs uint32) {
	h := s.h
	p := h.Net.pool.get()
	p.V6 = s.V6
	p.Proto = protoTCP
	p.Src, p.Dst = s.Local.Addr(), s.Remote.Addr()
	p.SrcPort, p.DstPort = s.Local.Port(), s.Remote.Port()
	p.DF = true
	p.Payload = n
	p.GSOSize = gso
	t := &p.TCP
	t.Seq = seq
	t.Flags = flags
	t.WScale = -1
	if flags&tcpACK != 0 {
		t.Ack = s.rcvNxt
	}
	if syn {
		t.MSS = uint16(s.advMSS)
		t.Window = uint16(min(s.rcvWnd, 65535))
		if s.wscaleOK {
			t.WScale = int8(s.rcvWscale)
		}
		t.SACKPermitted = s.sackOK
	} else if flags&tcpRST == 0 {
		t.Window = s.selectWindow()
	}
	if s.tsOK {
		t.HasTS = true
		t.TSVal = s.tsNow()
		t.TSEcr = s.tsRecent
	}
	if !syn && s.sackOK && len(s.ofo) > 0 && flags&tcpRST == 0 {
		s.fillSACK(t)
	}
	if count {
		h.MIB.Add(TcpOutSegs, uint64(segs))
	}
	s.st.segsOut += uint64(segs)
	if flags&tcpACK != 0 {
		s.ackSent()
	}
	_ = h.ipOutput(p)
}

// tsNow is the socket's TCP timestamp clock (milliseconds plus a random
// per-connection offset).
func (s *TCPSocket) tsNow() uint32 {
	return uint32(s.h.Now()/sim.Millisecond) + s.tsOffset
}

// ackSent is tcp_event_ack_sent: an ACK went out, so none is pending.
func (s *TCPSocket) ackSent() {
	if s.quick > 0 {
		s.quick--
	}
	s.ackPending = false
	s.dack.Stop()
	s.rcvWup = s.rcvNxt
}

// sendAck sends a pure ACK now (tcp_send_ack).
func (s *TCPSocket) sendAck() {
	if s.done {
		return
	}
	s.output(s.sndNxt, 0, tcpACK, true, false)
}

// sendReset sends a RST from the socket (tcp_send_active_reset).
func (s *TCPSocket) sendReset() {
	s.h.MIB.Inc(TcpOutRsts)
	s.output(s.sndNxt, 0, tcpRST|tcpACK, true, false)
}

// tcpSendReset answers segment p, which no socket wants, with a RST
// (tcp_v4_send_reset).
func (h *Host) tcpSendReset(p *Packet) {
	if p.TCP.Flags&tcpRST != 0 {
		return
	}
	r := h.resetFor(p)
	h.MIB.Inc(TcpOutSegs)
	h.MIB.Inc(TcpOutRsts)
	_ = h.ipOutput(r)
}

// resetFor builds the RST answering segment p: its sequence number is
// p's ACK when p has one; otherwise the RST acknowledges p's segment.
func (h *Host) resetFor(p *Packet) *Packet {
	r := h.Net.pool.get()
	r.V6, r.Proto = p.V6, protoTCP
	r.Src, r.Dst = p.Dst, p.Src
	r.SrcPort, r.DstPort = p.DstPort, p.SrcPort
	r.TCP.WScale = -1
	if p.TCP.Flags&tcpACK != 0 {
		r.TCP.Seq = p.TCP.Ack
		r.TCP.Flags = tcpRST
	} else {
		r.TCP.Ack = segEnd(p)
		r.TCP.Flags = tcpRST | tcpACK
	}
	return r
}

// winFromSpace is tcp_win_from_space: the window a buffer of space bytes
// can offer, by the measured payload-to-truesize ratio.
func (s *TCPSocket) winFromSpace(space int) int {
	if space <= 0 {
		return 0
	}
	return int(int64(space) * int64(s.scalingRatio) >> 8)
}

// spaceFromWin is tcp_space_from_win, the inverse of winFromSpace.
func (s *TCPSocket) spaceFromWin(win int) int {
	return int(int64(win) << 8 / int64(max(s.scalingRatio, 1)))
}

// selectWindow is tcp_select_window: the window to advertise, scaled, and
// never shrinking what was offered before.
func (s *TCPSocket) selectWindow() uint16 {
	cur := int64(s.rcvWup+s.rcvWnd) - int64(s.rcvNxt)
	if int32(s.rcvWup+s.rcvWnd-s.rcvNxt) < 0 {
		cur = 0
	}
	nw := int64(s.chooseWindow())
	if nw < cur {
		// Never shrink the offered window: keep its right edge.
		nw = (cur + (1 << s.rcvWscale) - 1) &^ ((1 << s.rcvWscale) - 1)
	}
	s.rcvWnd = uint32(nw)
	s.rcvWup = s.rcvNxt
	if nw == 0 {
		if !s.zeroWnd {
			s.h.MIB.Inc(TcpExtTCPToZeroWindowAdv)
		}
		s.zeroWnd = true
	} else if s.zeroWnd {
		s.zeroWnd = false
		s.h.MIB.Inc(TcpExtTCPFromZeroWindowAdv)
	}
	return uint16(nw >> s.rcvWscale)
}

// chooseWindow is __tcp_select_window: the free receive space, within
// rcv_ssthresh and the clamp, rounded to the window scale.
func (s *TCPSocket) chooseWindow() uint32 {
	mss := int(s.rcvMSS)
	full := min(s.winFromSpace(s.rcvBuf), int(s.windowClamp))
	free := s.winFromSpace(s.rcvBuf - s.rmemAlloc())
	if mss > full {
		mss = max(full, 1)
	}
	if free < full/2 {
		if free < mss {
			return 0
		}
	}
	free = min(free, int(s.rcvSsthresh))
	if free < 0 {
		free = 0
	}
	w := free
	if s.rcvWscale > 0 {
		w = free &^ ((1 << s.rcvWscale) - 1)
	} else if w > mss {
		w = w / mss * mss
	}
	return uint32(min(w, 65535<<s.rcvWscale))
}
