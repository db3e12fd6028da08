package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// tcpListener is a listening socket's queues.
type tcpListener struct {
	backlog int          // sk_max_ack_backlog: min(backlog, somaxconn)
	acceptQ []*TCPSocket // established children not yet accepted
	reqs    int          // request socks (the SYN queue)
	// lastOverflow is when SYN cookies were last sent
	// (tcp_synq_overflow); 0 means never.
	lastOverflow sim.Time
}

// tcpSyncookieValid is TCP_SYNCOOKIE_VALID: how long after the last cookie
// sent an ACK is checked as one.
const tcpSyncookieValid = 2 * sim.Minute

// synackTimeoutMax bounds a request sock's SYN-ACK timeout (TCP_RTO_MAX).
const synackTimeoutMax = tcpRTOMax

// TCPListen opens a listening socket on local (port 0: an ephemeral port)
// with the given backlog (capped by net.core.somaxconn).
func (h *Host) TCPListen(local netip.AddrPort, backlog int, o TCPOptions, proc *Process) (*TCPSocket, error) {
	port := local.Port()
	free := func(p uint16) bool {
		for _, l := range h.tcp.listeners[p] {
			a, b := l.Local.Addr(), local.Addr()
			if !a.IsValid() || !b.IsValid() || a.IsUnspecified() || b.IsUnspecified() || a == b {
				return false
			}
		}
		return true
	}
	if port == 0 {
		var err error
		if port, err = h.ephemeralPort(free); err != nil {
			return nil, err
		}
	} else if !free(port) {
		return nil, errAddrInUse
	}
	s := h.newTCPSocket(o, proc)
	if err := s.setCongestion(o.Congestion); err != nil {
		return nil, err
	}
	s.Local = netip.AddrPortFrom(local.Addr(), port)
	s.V6 = local.Addr().Is6() && !local.Addr().Is4In6()
	s.lst = &tcpListener{backlog: max(0, min(backlog, int(h.Sysctl.Int(sysctl.CoreSomaxconn))))}
	s.rcvBuf = int(h.Sysctl.Int(sysctl.TCPRmemDefault))
	s.sndBuf = int(h.Sysctl.Int(sysctl.TCPWmemDefault))
	s.open()
	s.setState(stack.StateListen)
	if h.tcp.listeners == nil {
		h.tcp.listeners = map[uint16][]*TCPSocket{}
	}
	h.tcp.listeners[port] = append(h.tcp.listeners[port], s)
	return s, nil
}

// tcpListener finds the listener for a segment to addr:port: one bound to
// the address, else a wildcard one (an IPv6 wildcard takes IPv4 too).
func (h *Host) tcpListener(addr netip.Addr, port uint16) *TCPSocket {
	var wild *TCPSocket
	for _, l := range h.tcp.listeners[port] {
		a := l.Local.Addr()
		if a == addr {
			return l
		}
		if (!a.IsValid() || a.IsUnspecified()) && (a.Is6() || !addr.Is6()) && wild == nil {
			wild = l
		}
	}
	return wild
}

// acceptFull is sk_acceptq_is_full.
func (q *tcpListener) acceptFull() bool { return len(q.acceptQ) > q.backlog }

// remove forgets a request sock or unaccepted child of the listener.
func (q *tcpListener) remove(s *TCPSocket) {
	if s.req {
		q.reqs--
		s.req = false
		return
	}
	for i, c := range q.acceptQ {
		if c == s {
			q.acceptQ = append(q.acceptQ[:i], q.acceptQ[i+1:]...)
			return
		}
	}
}

// Accept takes the next established connection from the accept queue (nil
// when it is empty).
func (s *TCPSocket) Accept() *TCPSocket {
	q := s.lst
	if q == nil || len(q.acceptQ) == 0 {
		return nil
	}
	c := q.acceptQ[0]
	q.acceptQ = q.acceptQ[1:]
	c.parent = nil
	c.Proc, c.UID = s.Proc, s.UID
	c.open()
	return c
}

// AcceptQueue returns the accept queue's length and limit (ss's Recv-Q
// and Send-Q of a listener).
func (s *TCPSocket) AcceptQueue() (n, max int) {
	if s.lst == nil {
		return 0, 0
	}
	return len(s.lst.acceptQ), s.lst.backlog
}

// closeListener closes a listening socket: queued children are reset and
// request socks dropped (inet_csk_listen_stop).
func (s *TCPSocket) closeListener() {
	h := s.h
	q := s.lst
	for _, c := range q.acceptQ {
		c.parent = nil
		c.closed = true
		c.sendReset()
		c.destroy()
	}
	q.acceptQ = nil
	for c := h.tcp.head; c != nil; {
		next := c.next
		if c.parent == s && c.req {
			c.destroy()
		}
		c = next
	}
	l := h.tcp.listeners[s.Local.Port()]
	for i, o := range l {
		if o == s {
			h.tcp.listeners[s.Local.Port()] = append(l[:i:i], l[i+1:]...)
			break
		}
	}
	s.lst = nil
	s.closed = true
	s.destroy()
}

// listenInput is a listener's tcp_rcv_state_process: a SYN makes a
// request sock (or a SYN cookie), an ACK may carry a valid cookie.
func (l *TCPSocket) listenInput(p *Packet) {
	t := &p.TCP
	h := l.h
	if t.Flags&tcpRST != 0 {
		return
	}
	if t.Flags&tcpACK != 0 && t.Flags&tcpSYN == 0 {
		if l.cookieCheck(p) {
			return
		}
		h.tcpSendReset(p)
		return
	}
	if t.Flags&tcpSYN == 0 || t.Flags&tcpACK != 0 {
		return
	}
	l.connRequest(p)
}

// connRequest is tcp_conn_request: a SYN for a listener.
func (l *TCPSocket) connRequest(p *Packet) {
	h := l.h
	q := l.lst
	cookies := h.Sysctl.Int(sysctl.TCPSyncookies)
	wantCookie := false
	if cookies == 2 || q.reqs > q.backlog {
		if cookies == 0 {
			h.MIB.Inc(TcpExtTCPReqQFullDrop)
			h.MIB.Inc(TcpExtListenDrops)
			return
		}
		if cookies != 2 {
			h.MIB.Inc(TcpExtTCPReqQFullDoCookies)
		}
		wantCookie = true
	}
	if q.acceptFull() {
		h.MIB.Inc(TcpExtListenOverflows)
		h.MIB.Inc(TcpExtListenDrops)
		return
	}
	if !wantCookie && cookies == 0 {
		maxSyn := int(h.Sysctl.Int(sysctl.TCPMaxSynBacklog))
		if maxSyn-q.reqs < maxSyn>>2 {
			h.MIB.Inc(TcpExtListenDrops)
			return
		}
	}
	src, mtu, err := h.tcpRouteTo(p.Src)
	_ = src
	if err != nil {
		h.MIB.Inc(TcpExtListenDrops)
		return
	}
	r := h.newTCPSocket(l.opt, nil)
	r.ca = l.ca
	if err := r.setCongestion(l.Congestion()); err != nil {
		return
	}
	r.V6 = p.V6
	r.Local = netip.AddrPortFrom(p.Dst, p.DstPort)
	r.Remote = netip.AddrPortFrom(p.Src, p.SrcPort)
	r.initConnection(mtu, true)
	r.irs = p.TCP.Seq
	r.rcvNxt = p.TCP.Seq + 1
	r.rcvWup = r.rcvNxt
	r.negotiate(&p.TCP)
	mss := r.advMSS
	if r.tsOK {
		mss -= tcpTSOptionLen
	}
	r.selectInitialWindow(mss)
	if !r.wscaleOK {
		r.rcvWscale = 0
		r.windowClamp = min(r.windowClamp, 65535)
	}
	r.sndWnd = uint32(p.TCP.Window)
	r.sndWl1 = p.TCP.Seq
	if wantCookie {
		l.sendCookie(r, p)
		return
	}
	r.iss = uint32(h.Net.Engine.Rand().Uint64())
	r.sndUna, r.sndNxt, r.writeSeq = r.iss, r.iss+1, r.iss+1
	r.parent = l
	r.req = true
	q.reqs++
	r.Proc, r.UID = nil, 0
	r.list()
	r.hash()
	r.setState(stack.StateSynRecv)
	g := r.rtxq.push()
	g.seq, g.end, g.flags = r.iss, r.iss+1, segSYN
	r.packetsOut = 1
	r.transmit(g, false)
	r.kaKind = kaSynAck
	r.ka.ResetAfter(tcpTimeoutInit)
}

// synAckTimer is reqsk_timer_handler: retransmit the SYN-ACK with
// exponential backoff, up to tcp_synack_retries, then drop the request.
func (r *TCPSocket) synAckTimer() {
	h := r.h
	if int64(r.retransmits) >= h.Sysctl.Int(sysctl.TCPSynackRetries) {
		r.closed = true
		r.destroy()
		return
	}
	h.MIB.Inc(TcpExtTCPTimeouts)
	r.retransmits++
	r.transmit(r.rtxq.at(0), true)
	r.ka.ResetAfter(min(tcpTimeoutInit<<r.retransmits, synackTimeoutMax))
}

// requestInput is tcp_check_req: a segment for a request sock.
func (r *TCPSocket) requestInput(p *Packet) {
	t := &p.TCP
	h := r.h
	if t.Flags&tcpRST != 0 {
		if seqGEQ(t.Seq, r.rcvNxt) && seqLEQ(t.Seq, r.rcvNxt+r.rcvWnd) {
			h.MIB.Inc(TcpExtEmbryonicRsts)
			r.closed = true
			r.destroy()
		}
		return
	}
	if t.Flags&tcpSYN != 0 && t.Flags&tcpACK == 0 {
		if t.Seq == r.irs {
			// The peer retransmitted its SYN: so do we.
			r.transmit(r.rtxq.at(0), true)
		}
		return
	}
	if t.Flags&tcpACK == 0 {
		return
	}
	if t.Ack != r.iss+1 {
		h.tcpSendReset(p)
		return
	}
	l := r.parent
	if l == nil || l.lst == nil {
		return
	}
	if l.lst.acceptFull() {
		// tcp_v4_syn_recv_sock finds the accept queue full: the ACK is
		// dropped and the request stays (tcp_abort_on_overflow off).
		h.MIB.Inc(TcpExtListenOverflows)
		h.MIB.Inc(TcpExtListenDrops)
		r.acked = true
		return
	}
	l.lst.reqs--
	r.req = false
	r.ka.Stop()
	if t.HasTS && r.tsOK {
		r.tsRecent = t.TSVal
	}
	r.promote(t)
	r.dataInput(p, false)
	r.ackSndCheck()
	if l.OnAccept != nil {
		l.OnAccept(l)
	}
}

// promote makes an acknowledged request sock a full connection in the
// listener's accept queue (tcp_create_openreq_child).
func (r *TCPSocket) promote(t *TCPHeader) {
	h := r.h
	l := r.parent
	h.MIB.Inc(TcpPassiveOpens)
	var rs rateSample
	r.cs.SetClock(int64(h.Now()))
	r.cleanRtxQueue(t.Ack, &rs)
	r.sndUna = t.Ack
	r.sndWnd = uint32(t.Window) << r.sndWscale
	r.sndWl1 = t.Seq
	if rs.haveAckt {
		r.rttEstimate(h.Now() - rs.firstAckt)
		r.updateMinRTT(h.Now() - rs.firstAckt)
		r.setRTO()
	}
	r.opt = l.opt
	r.established()
	l.lst.acceptQ = append(l.lst.acceptQ, r)
}

// cookieHash is the SYN cookie of a connection attempt with mss index
// idx.
func (l *TCPSocket) cookieHash(src, dst netip.AddrPort, isn uint32, idx uint32) uint32 {
	h := l.h
	if h.tcp.cookieKey == 0 {
		h.tcp.cookieKey = h.Net.Engine.Rand().Uint64() | 1
	}
	x := h.tcp.cookieKey
	mix := func(v uint64) {
		x ^= v
		x *= 0x9e3779b97f4a7c15
		x ^= x >> 29
	}
	a, b := src.Addr().As16(), dst.Addr().As16()
	for i := 0; i < 16; i += 8 {
		mix(uint64(a[i])<<56 | uint64(a[i+1])<<48 | uint64(a[i+2])<<40 | uint64(a[i+3])<<32 | uint64(a[i+4])<<24 | uint64(a[i+5])<<16 | uint64(a[i+6])<<8 | uint64(a[i+7]))
		mix(uint64(b[i])<<56 | uint64(b[i+1])<<48 | uint64(b[i+2])<<40 | uint64(b[i+3])<<32 | uint64(b[i+4])<<24 | uint64(b[i+5])<<16 | uint64(b[i+6])<<8 | uint64(b[i+7]))
	}
	mix(uint64(src.Port())<<16 | uint64(dst.Port()))
	mix(uint64(isn))
	return uint32(x)&^3 | idx
}

// cookieMSS is Linux's msstab for IPv4 SYN cookies.
var cookieMSS = [4]uint32{536, 1300, 1440, 1460}

// sendCookie answers a SYN with a SYN cookie: no request sock is kept.
func (l *TCPSocket) sendCookie(r *TCPSocket, p *Packet) {
	h := l.h
	idx := uint32(0)
	for i := len(cookieMSS) - 1; i >= 0; i-- {
		if r.mssClamp >= cookieMSS[i] {
			idx = uint32(i)
			break
		}
	}
	r.iss = l.cookieHash(r.Remote, r.Local, p.TCP.Seq, idx)
	r.sndUna, r.sndNxt = r.iss, r.iss+1
	l.lst.lastOverflow = max(h.Now(), 1)
	h.MIB.Inc(TcpExtSyncookiesSent)
	if r.tsOK {
		// The options ride in the timestamp's low bits
		// (cookie_init_timestamp).
		opts := uint32(r.sndWscale & 0xf)
		if !r.wscaleOK {
			opts = 0xf
		}
		if r.sackOK {
			opts |= 1 << 4
		}
		r.tsOffset = 0
		base := r.tsNow()
		r.tsOffset = (base&^63 | opts) - base
	}
	r.state = stack.StateSynRecv
	r.output(r.iss, 0, tcpSYN|tcpACK, true, true)
	r.state = stack.StateClose
	r.done = true
}

// cookieCheck is cookie_v4_check: an ACK for a listener that may answer
// a SYN cookie. It returns true when the ACK was consumed.
func (l *TCPSocket) cookieCheck(p *Packet) bool {
	h := l.h
	q := l.lst
	if h.Sysctl.Int(sysctl.TCPSyncookies) == 0 || q.lastOverflow == 0 || h.Now()-q.lastOverflow > tcpSyncookieValid {
		return false
	}
	t := &p.TCP
	src := netip.AddrPortFrom(p.Src, p.SrcPort)
	dst := netip.AddrPortFrom(p.Dst, p.DstPort)
	cookie := t.Ack - 1
	idx := cookie & 3
	if l.cookieHash(src, dst, t.Seq-1, idx) != cookie {
		h.MIB.Inc(TcpExtSyncookiesFailed)
		return false
	}
	h.MIB.Inc(TcpExtSyncookiesRecv)
	if q.acceptFull() {
		h.MIB.Inc(TcpExtListenOverflows)
		h.MIB.Inc(TcpExtListenDrops)
		return true
	}
	_, mtu, err := h.tcpRouteTo(p.Src)
	if err != nil {
		return true
	}
	c := h.newTCPSocket(l.opt, nil)
	if err := c.setCongestion(l.Congestion()); err != nil {
		return true
	}
	c.V6 = p.V6
	c.Local, c.Remote = dst, src
	c.initConnection(mtu, true)
	c.irs = t.Seq - 1
	c.rcvNxt, c.rcvWup = t.Seq, t.Seq
	c.iss = cookie
	c.sndUna, c.sndNxt, c.writeSeq = t.Ack, t.Ack, t.Ack
	// The SYN's options, as far as the cookie kept them.
	syn := TCPHeader{MSS: uint16(cookieMSS[idx]), WScale: -1}
	if t.HasTS && c.tsOK {
		opts := t.TSEcr & 63
		syn.HasTS = true
		syn.TSVal = t.TSVal
		if opts&0xf != 0xf {
			syn.WScale = int8(opts & 0xf)
		}
		syn.SACKPermitted = opts&(1<<4) != 0
	}
	c.negotiate(&syn)
	mss := c.advMSS
	if c.tsOK {
		mss -= tcpTSOptionLen
	}
	c.selectInitialWindow(mss)
	if !c.wscaleOK {
		c.rcvWscale = 0
	}
	c.parent = l
	c.reqCookie = true
	c.list()
	c.hash()
	c.setState(stack.StateSynRecv)
	c.promote(t)
	c.dataInput(p, false)
	c.ackSndCheck()
	if l.OnAccept != nil {
		l.OnAccept(l)
	}
	return true
}
