package ref

import (
	"net/netip"
	"syscall"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/cc"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// TCPOptions are the socket options a TCP socket is opened with.
type TCPOptions struct {
	NoDelay   bool // TCP_NODELAY
	Cork      bool // TCP_CORK
	KeepAlive bool // SO_KEEPALIVE
	// KeepIdle, KeepIntvl and KeepCnt are TCP_KEEPIDLE, TCP_KEEPINTVL and
	// TCP_KEEPCNT; zero means the tcp_keepalive_* sysctls.
	KeepIdle, KeepIntvl sim.Time
	KeepCnt             int
	// SndBuf and RcvBuf are SO_SNDBUF and SO_RCVBUF as asked (the kernel
	// keeps twice the value and stops autotuning); 0 means tcp_wmem[1]
	// and tcp_rmem[1] with autotuning.
	SndBuf, RcvBuf int
	// Congestion is TCP_CONGESTION; "" means
	// net.ipv4.tcp_congestion_control.
	Congestion string
	// MaxSeg is TCP_MAXSEG (0: from the route's MTU).
	MaxSeg int
	// Linger and LingerTime are SO_LINGER; Linger with LingerTime 0 makes
	// Close reset the connection.
	Linger     bool
	LingerTime sim.Time
}

// TCPStats are a socket's tcp_info counters, for workloads and summaries.
type TCPStats struct {
	State                                                  stack.State
	CAState                                                cc.CAState
	BytesAcked, BytesReceived, BytesSent, BytesRetrans     uint64
	SegsOut, SegsIn, DataSegsOut, DataSegsIn, TotalRetrans uint64
	Delivered                                              uint64
	SRTT, RTTVar, RTO, MinRTT                              sim.Time
	Cwnd, Ssthresh, MSS                                    uint32
	DeliveryRate                                           uint64 // bytes per second
}

// Socket errors, as the kernel reports them.
var (
	errTimedOut    error = syscall.ETIMEDOUT
	errRefused     error = syscall.ECONNREFUSED
	errReset       error = syscall.ECONNRESET
	errPipe        error = syscall.EPIPE
	errInvalid     error = syscall.EINVAL
	errAddrNotAvai error = syscall.EADDRNOTAVAIL
)

// TCPSocket is one TCP socket: a listener, a connection (including a
// request sock in SYN_RECV and a TIME_WAIT one), from its creation until
// it is destroyed. Application data is counted, not carried.
type TCPSocket struct {
	h      *Host
	Local  netip.AddrPort
	Remote netip.AddrPort
	Proc   *Process
	Inode  uint32
	UID    uint32
	V6     bool

	// Callbacks, set by the application; the stack calls them
	// synchronously and they may call back into the socket.
	OnConnect  func(s *TCPSocket, err error) // connect finished (err nil: established)
	OnAccept   func(l *TCPSocket)            // a child is waiting in l's accept queue
	OnReadable func(s *TCPSocket)            // data or EOF to read
	OnWritable func(s *TCPSocket)            // send buffer space after a short write
	OnClose    func(s *TCPSocket)            // the connection is gone (Err tells why)

	state  stack.State
	opt    TCPOptions
	err    error
	cookie uint64
	fd     int

	// Table membership: the host's list of sockets (dump order) and the
	// connection hash.
	prev, next *TCPSocket
	listed     bool
	hashed     bool

	lst    *tcpListener // set while listening
	parent *TCPSocket   // the listener of a request sock or unaccepted child
	// reqCookie is set for a child made from a SYN cookie.
	reqCookie bool

	orphan  bool // closed by the application: nobody reads or writes
	shutWr  bool // FIN queued (SHUT_WR or close)
	finRcvd bool // the peer's FIN arrived (rcvNxt counts it)
	eof     bool // the application has read the peer's FIN
	nospace bool // a write found the send buffer full
	done    bool // destroyed
	closed  bool // no OnClose callback wanted
	req     bool // a request sock (SYN_RECV, before the final ACK)
	acked   bool // a request sock whose final ACK met a full accept queue

	tcpSend
	tcpRecv
	tcpRTT

	ca cc.Algorithm
	cs cc.State

	// Timers: retransmit, zero-window probe and SYN(-ACK) retries share
	// rtx (rtxKind says which); delayed ACK; keepalive, FIN_WAIT2,
	// TIME_WAIT and request timeouts share ka (kaKind).
	rtx     sim.Timer
	rtxKind uint8
	dack    sim.Timer
	ka      sim.Timer
	kaKind  uint8

	retransmits  uint8 // icsk_retransmits
	probesOut    uint8 // icsk_probes_out
	backoff      uint8 // icsk_backoff
	totalRTO     uint16
	retransStamp sim.Time // first retransmission of the current episode

	// Times of the last events (tcp_info's last* fields).
	lsndtime, lrcvtime, rcvTstamp sim.Time
	twStart                       sim.Time

	st tcpCounters
}

// tcpCounters are a socket's tcp_info statistics.
type tcpCounters struct {
	bytesAcked, bytesReceived, bytesSent, bytesRetrans uint64
	segsOut, segsIn, dataSegsOut, dataSegsIn           uint64
	totalRetrans, delivered                            uint64
	rcvOOOPack, reordSeen                              uint64
	deliveryRate                                       uint64
	busyStart, busyTime                                sim.Time
}

// Timer kinds of rtx and ka.
const (
	rtxRetrans = 1 // ICSK_TIME_RETRANS
	rtxProbe   = 2 // ICSK_TIME_PROBE0

	kaKeepalive = 1
	kaFinWait2  = 2 // orphaned FIN_WAIT2 (tcp_fin_timeout)
	kaTimeWait  = 3
	kaSynAck    = 4 // a request sock's SYN-ACK retransmission
)

// tcpTable is a host's TCP sockets.
type tcpTable struct {
	conns     map[tcpKey]*TCPSocket   // connections, request socks, TIME_WAIT (looked up, never iterated)
	listeners map[uint16][]*TCPSocket // by local port (looked up, never iterated)
	// head and tail hold every socket in creation order: dumps walk it.
	head, tail *TCPSocket
	fds        map[*Process]int // next fd per process (looked up, never iterated)

	currEstab  int // ESTABLISHED and CLOSE_WAIT sockets (TcpCurrEstab)
	tw         int // TIME_WAIT sockets
	orphans    int
	nextCookie uint64
	cookieKey  uint64 // SYN cookie secret

	// cc receives congestion control's counters; ccSeen is what has
	// been added to the MIB so far.
	cc, ccSeen cc.Counters
}

// tcpKey identifies a connection by its two ends.
type tcpKey struct {
	local, remote netip.AddrPort
}

// TCPCurrEstab returns the number of connections in ESTABLISHED or
// CLOSE_WAIT (the TcpCurrEstab gauge, which nstat leaves out).
func (h *Host) TCPCurrEstab() int { return h.tcp.currEstab }

// TCPSockstat is /proc/net/sockstat's TCP line.
type TCPSockstat struct {
	InUse, Orphan, TW, Alloc int
}

// TCPSockstat returns the host's TCP socket totals: sockets in use (not
// TIME_WAIT, not request socks), orphans, TIME_WAIT.
func (h *Host) TCPSockstat() TCPSockstat {
	n := 0
	for s := h.tcp.head; s != nil; s = s.next {
		if s.state != stack.StateTimeWait && !s.req {
			n++
		}
	}
	return TCPSockstat{InUse: n, Orphan: h.tcp.orphans, TW: h.tcp.tw, Alloc: n}
}

// TCPSockets returns h's TCP sockets in creation order.
func (h *Host) TCPSockets() []*TCPSocket {
	var out []*TCPSocket
	for s := h.tcp.head; s != nil; s = s.next {
		out = append(out, s)
	}
	return out
}

// newTCPSocket returns a socket of h with Linux's initial values.
func (h *Host) newTCPSocket(o TCPOptions, proc *Process) *TCPSocket {
	s := &TCPSocket{h: h, Proc: proc, opt: o, state: stack.StateClose}
	if proc != nil {
		s.UID = proc.UID
	}
	h.tcp.nextCookie++
	s.cookie = h.tcp.nextCookie + 0x1000
	s.cs = cc.NewState()
	s.cs.Counters = &h.tcp.cc
	e := h.Net.Engine
	s.rtx.Init(e, s.onRtxTimer)
	s.dack.Init(e, s.onDelack)
	s.ka.Init(e, s.onKaTimer)
	s.rto = tcpTimeoutInit
	s.reordering = uint32(h.Sysctl.Int(sysctl.TCPReordering))
	return s
}

// open gives s an inode and fd and puts it in the dump list.
func (s *TCPSocket) open() {
	h := s.h
	s.Inode = h.newInode()
	if s.Proc != nil {
		if h.tcp.fds == nil {
			h.tcp.fds = map[*Process]int{}
		}
		fd := h.tcp.fds[s.Proc]
		if fd == 0 {
			fd = 3
		}
		s.fd = fd
		h.tcp.fds[s.Proc] = fd + 1
	}
	s.list()
}

// list appends s to the host's dump list.
func (s *TCPSocket) list() {
	if s.listed {
		return
	}
	t := &s.h.tcp
	s.listed = true
	s.prev, s.next = t.tail, nil
	if t.tail != nil {
		t.tail.next = s
	} else {
		t.head = s
	}
	t.tail = s
}

// unlist removes s from the dump list.
func (s *TCPSocket) unlist() {
	if !s.listed {
		return
	}
	t := &s.h.tcp
	s.listed = false
	if s.prev != nil {
		s.prev.next = s.next
	} else {
		t.head = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	} else {
		t.tail = s.prev
	}
	s.prev, s.next = nil, nil
}

// hash enters s in the connection table.
func (s *TCPSocket) hash() {
	t := &s.h.tcp
	if t.conns == nil {
		t.conns = map[tcpKey]*TCPSocket{}
	}
	t.conns[tcpKey{s.Local, s.Remote}] = s
	s.hashed = true
}

// unhash removes s from the connection table.
func (s *TCPSocket) unhash() {
	if !s.hashed {
		return
	}
	t := &s.h.tcp
	k := tcpKey{s.Local, s.Remote}
	if t.conns[k] == s {
		delete(t.conns, k)
	}
	s.hashed = false
}

// State returns the socket's TCP state.
func (s *TCPSocket) State() stack.State { return s.state }

// Err returns why the connection failed or ended abnormally
// (syscall.ETIMEDOUT, ECONNREFUSED, ECONNRESET), nil otherwise.
func (s *TCPSocket) Err() error { return s.err }

// Host returns the socket's host.
func (s *TCPSocket) Host() *Host { return s.h }

// Readable returns the bytes waiting in the receive queue.
func (s *TCPSocket) Readable() int { return s.rcvQueued }

// EOF reports whether the peer's FIN has been read: the receive queue is
// empty and no more data will come.
func (s *TCPSocket) EOF() bool { return s.finRcvd && s.rcvQueued == 0 }

// Writable returns the send buffer space in bytes.
func (s *TCPSocket) Writable() int {
	if s.shutWr || s.done || !s.canSend() {
		return 0
	}
	free := s.sndBuf - s.wmemQueued()
	if free <= 0 {
		return 0
	}
	return int(int64(free) * int64(s.mss()) / int64(s.perMSS()))
}

// canSend reports whether the state lets the application queue data.
func (s *TCPSocket) canSend() bool {
	switch s.state {
	case stack.StateEstablished, stack.StateCloseWait, stack.StateSynSent, stack.StateSynRecv:
		return s.lst == nil
	}
	return false
}

// Write queues n bytes of application data and returns how many the send
// buffer took (0 when it is full or the socket cannot send).
func (s *TCPSocket) Write(n int) int {
	if n <= 0 {
		return 0
	}
	w := min(n, s.Writable())
	if w < n {
		s.nospace = true
	}
	if w <= 0 {
		return 0
	}
	s.writeSeq += uint32(w)
	if s.state == stack.StateEstablished || s.state == stack.StateCloseWait {
		s.pushPending(false)
	}
	return w
}

// Read takes up to max bytes from the receive queue and returns how many.
func (s *TCPSocket) Read(max int) int {
	n := min(max, s.rcvQueued)
	if n <= 0 {
		if s.finRcvd && s.rcvQueued == 0 {
			s.eof = true
		}
		return 0
	}
	s.consume(n)
	return n
}

// Stats returns the socket's statistics.
func (s *TCPSocket) Stats() TCPStats {
	return TCPStats{
		State: s.state, CAState: s.cs.CAState,
		BytesAcked: s.st.bytesAcked, BytesReceived: s.st.bytesReceived,
		BytesSent: s.st.bytesSent, BytesRetrans: s.st.bytesRetrans,
		SegsOut: s.st.segsOut, SegsIn: s.st.segsIn,
		DataSegsOut: s.st.dataSegsOut, DataSegsIn: s.st.dataSegsIn,
		TotalRetrans: s.st.totalRetrans, Delivered: s.st.delivered,
		SRTT: sim.Time(s.cs.SRTTUs>>3) * sim.Microsecond, RTTVar: sim.Time(s.mdevUs>>2) * sim.Microsecond,
		RTO: s.rto, MinRTT: sim.Time(s.minRTTUs) * sim.Microsecond,
		Cwnd: s.cs.Cwnd, Ssthresh: s.cs.SSThresh, MSS: s.cs.MSS,
		DeliveryRate: s.st.deliveryRate,
	}
}

// Congestion returns the name of the socket's congestion control.
func (s *TCPSocket) Congestion() string {
	if s.ca == nil {
		return ""
	}
	return s.ca.Name()
}
