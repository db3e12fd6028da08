package ref

import (
	"fmt"
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/cc"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// TCPConnect opens a connection to remote (connect(2)): the source address
// comes from the route, the port from ip_local_port_range. The SYN leaves
// at once; OnConnect tells the outcome.
func (h *Host) TCPConnect(remote netip.AddrPort, o TCPOptions, proc *Process) (*TCPSocket, error) {
	dst := remote.Addr()
	if !dst.IsValid() || dst.IsUnspecified() || remote.Port() == 0 {
		return nil, errInvalid
	}
	src, mtu, err := h.tcpRouteTo(dst)
	if err != nil {
		return nil, err
	}
	s := h.newTCPSocket(o, proc)
	if err := s.setCongestion(o.Congestion); err != nil {
		return nil, err
	}
	s.V6 = dst.Is6() && !dst.Is4In6()
	port, err := h.ephemeralPort(func(p uint16) bool { return h.tcpPortFree(src, p, remote) })
	if err != nil {
		return nil, errAddrNotAvai
	}
	s.Local = netip.AddrPortFrom(src, port)
	s.Remote = remote
	s.initConnection(mtu, false)
	s.iss = uint32(h.Net.Engine.Rand().Uint64())
	s.sndUna, s.sndNxt, s.writeSeq = s.iss, s.iss, s.iss+1
	s.cs.SndUna, s.cs.SndNxt = s.iss, s.iss
	s.open()
	s.hash()
	s.setState(stack.StateSynSent)
	h.MIB.Inc(TcpActiveOpens)
	g := s.rtxq.push()
	g.seq, g.end, g.flags = s.iss, s.iss+1, segSYN
	s.sndNxt = s.iss + 1
	s.packetsOut = 1
	s.transmit(g, false)
	s.rto = tcpTimeoutInit
	s.armRTO()
	return s, nil
}

// tcpRouteTo returns the source address and path MTU towards dst.
func (h *Host) tcpRouteTo(dst netip.Addr) (netip.Addr, int, error) {
	if h.isLocal(dst) {
		return dst, 65536, nil
	}
	r, ok := h.route(dst)
	if !ok {
		return netip.Addr{}, 0, errNoRoute
	}
	src, err := h.sourceFor(dst, r.Dev)
	if err != nil {
		return netip.Addr{}, 0, errNoRoute
	}
	return src, r.Dev.MTU, nil
}

// tcpPortFree reports whether local port p of src may connect to remote:
// no listener holds it and the four-tuple is unused, or only a TIME_WAIT
// sock that tcp_tw_reuse lets go holds it.
func (h *Host) tcpPortFree(src netip.Addr, p uint16, remote netip.AddrPort) bool {
	if len(h.tcp.listeners[p]) > 0 {
		return false
	}
	o := h.tcp.conns[tcpKey{netip.AddrPortFrom(src, p), remote}]
	if o == nil {
		return true
	}
	if o.state != stack.StateTimeWait || !o.tsOK {
		return false
	}
	reuse := h.Sysctl.Int(sysctl.TCPTwReuse)
	if reuse == 0 || reuse == 2 && !(src.IsLoopback() && remote.Addr().IsLoopback()) {
		return false
	}
	delay := sim1ms(h.Sysctl.Int(sysctl.TCPTwReuseDelay))
	if h.Now()-o.twStart < delay {
		return false
	}
	h.MIB.Inc(TcpExtTWRecycled)
	o.destroy()
	return true
}

// setCongestion picks the congestion control (TCP_CONGESTION; ""
// means net.ipv4.tcp_congestion_control).
func (s *TCPSocket) setCongestion(name string) error {
	explicit := name != ""
	if !explicit {
		name = s.h.Sysctl.CongestionControl()
	}
	a, err := cc.New(name)
	if err != nil {
		if explicit {
			return fmt.Errorf("tcp: %w", err)
		}
		a, _ = cc.New("cubic")
	}
	s.ca = a
	return nil
}

// initConnection sets a new connection's MSS, buffers and the options it
// offers (tcp_connect_init, tcp_openreq_init_rwin).
func (s *TCPSocket) initConnection(mtu int, passive bool) {
	h := s.h
	hdr := ipv4HeaderLen + tcpHeaderLen
	if s.V6 {
		hdr = ipv6HeaderLen + tcpHeaderLen
	}
	s.pmtu = mtu
	s.advMSS = uint32(max(mtu-hdr, 88))
	if s.opt.MaxSeg > 0 {
		s.advMSS = min(s.advMSS, uint32(max(s.opt.MaxSeg, 88)))
	}
	s.cs.MSS = min(s.advMSS, cc.DefaultMSS)
	s.scalingRatio = tcpDefaultRatio
	if s.opt.RcvBuf > 0 {
		s.rcvBufLocked = true
		s.rcvBuf = max(2*min(s.opt.RcvBuf, int(h.Sysctl.Int(sysctl.CoreRmemMax))), 2304)
	} else {
		s.rcvBuf = int(h.Sysctl.Int(sysctl.TCPRmemDefault))
	}
	if s.opt.SndBuf > 0 {
		s.sndBufLocked = true
		s.sndBuf = max(2*min(s.opt.SndBuf, int(h.Sysctl.Int(sysctl.CoreWmemMax))), 4608)
	} else {
		s.sndBuf = int(h.Sysctl.Int(sysctl.TCPWmemDefault))
	}
	s.wscaleOK = h.Sysctl.Bool(sysctl.TCPWindowScaling)
	s.sackOK = h.Sysctl.Bool(sysctl.TCPSACK)
	s.tsOK = h.Sysctl.Bool(sysctl.TCPTimestamps)
	s.tsOffset = uint32(h.Net.Engine.Rand().Uint64())
	s.reordering = s.sysReordering()
	if !passive {
		s.selectInitialWindow(s.advMSS)
	}
}

// selectInitialWindow is tcp_select_initial_window: the first window (a
// multiple of mss) and the window scale that lets the largest buffer be
// offered.
func (s *TCPSocket) selectInitialWindow(mss uint32) {
	h := s.h
	space := s.winFromSpace(s.rcvBuf)
	clamp := int64(65535) << tcpMaxWscale
	if int(mss) > 0 && space > int(mss) {
		space = space / int(mss) * int(mss)
	}
	s.rcvWnd = uint32(space)
	s.rcvWscale = 0
	if s.wscaleOK {
		sp := max(int64(space), h.Sysctl.Int(sysctl.TCPRmemMax), h.Sysctl.Int(sysctl.CoreRmemMax))
		if s.rcvBufLocked {
			sp = int64(space)
		}
		sp = min(sp, clamp)
		for sp > 65535 && s.rcvWscale < tcpMaxWscale {
			sp >>= 1
			s.rcvWscale++
		}
	}
	s.windowClamp = uint32(min(int64(65535)<<s.rcvWscale, clamp))
	s.rcvSsthresh = s.rcvWnd
}

// negotiate takes the peer's SYN options (tcp_parse_options and the
// clamp of mss_cache, tcp_sync_mss).
func (s *TCPSocket) negotiate(t *TCPHeader) {
	s.mssClamp = uint32(t.MSS)
	if s.mssClamp == 0 {
		s.mssClamp = cc.DefaultMSS
	}
	s.wscaleOK = s.wscaleOK && t.WScale >= 0
	if s.wscaleOK {
		s.sndWscale = uint8(min(t.WScale, tcpMaxWscale))
	} else {
		s.sndWscale, s.rcvWscale = 0, 0
		s.windowClamp = min(s.windowClamp, 65535)
	}
	s.sackOK = s.sackOK && t.SACKPermitted
	s.tsOK = s.tsOK && t.HasTS
	if s.tsOK {
		s.tsRecent = t.TSVal
	}
	s.syncMSS()
}

// syncMSS sets mss_cache from the path MTU and the peer's MSS, less the
// timestamp option.
func (s *TCPSocket) syncMSS() {
	hdr := ipv4HeaderLen + tcpHeaderLen
	if s.V6 {
		hdr = ipv6HeaderLen + tcpHeaderLen
	}
	mss := min(uint32(s.pmtu-hdr), s.mssClamp)
	if s.opt.MaxSeg > 0 {
		mss = min(mss, uint32(s.opt.MaxSeg))
	}
	if s.tsOK {
		mss -= tcpTSOptionLen
	}
	s.cs.MSS = max(mss, 48)
	// tcp_initialize_rcv_mss.
	hint := min(s.advMSS, s.cs.MSS, max(s.rcvWnd/2, 1))
	s.rcvMSS = max(hint, 88)
}

// synSentInput is tcp_rcv_synsent_state_process.
func (s *TCPSocket) synSentInput(p *Packet) {
	t := &p.TCP
	h := s.h
	if t.Flags&tcpACK != 0 && (seqLEQ(t.Ack, s.iss) || seqGT(t.Ack, s.sndNxt)) {
		h.tcpSendReset(p)
		return
	}
	if t.Flags&tcpRST != 0 {
		if t.Flags&tcpACK != 0 {
			s.resetReceived()
		}
		return
	}
	if t.Flags&tcpSYN == 0 {
		return
	}
	s.irs = t.Seq
	s.rcvNxt = t.Seq + 1
	s.rcvWup = s.rcvNxt
	s.negotiate(t)
	s.sndWl1 = t.Seq
	s.sndWnd = uint32(t.Window)
	s.maxWnd = s.sndWnd
	if t.Flags&tcpACK == 0 {
		// Simultaneous open: both sent a SYN. Answer with SYN-ACK.
		s.setState(stack.StateSynRecv)
		g := s.rtxq.at(0)
		s.output(g.seq, 0, tcpSYN|tcpACK, true, true)
		return
	}
	var rs rateSample
	s.cs.SetClock(int64(h.Now()))
	s.cleanRtxQueue(t.Ack, &rs)
	s.sndUna = t.Ack
	if rs.haveAckt {
		s.rttEstimate(h.Now() - rs.firstAckt)
		s.updateMinRTT(h.Now() - rs.firstAckt)
		s.setRTO()
	}
	s.established()
	if s.OnConnect != nil && !s.orphan {
		s.OnConnect(s, nil)
	}
	if s.done {
		return
	}
	s.sendAck()
	s.pushPending(false)
}

// sim1ms converts milliseconds to virtual time.
func sim1ms(ms int64) sim.Time { return sim.Time(ms) * sim.Millisecond }
