package ref

import (
	"syscall"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// The address families as sock_diag numbers them.
const (
	tcpAFInet  = 2
	tcpAFInet6 = 10
)

// tcpInfoLen is sizeof(struct tcp_info) in Linux 6.18.
const tcpInfoLen = 248

// dumpTCP calls fn for every TCP socket of the host as sock_diag gives
// them: listeners, connections, request socks (SYN-RECV) and TIME_WAIT
// socks, in creation order, restricted to q's families (states and
// filters are the caller's). fn's socket and what it points to are reused
// for the next socket.
func (h *Host) dumpTCP(q stack.SocketQuery, fn func(*stack.Socket) error) error {
	var (
		d    stack.Socket
		info stack.TCPInfo
		mem  stack.MemInfo
		sk   stack.SkMemInfo
	)
	users := make([]stack.ProcessFD, 0, 1)
	for s := h.tcp.head; s != nil; s = s.next {
		fam := uint8(tcpAFInet)
		if s.V6 {
			fam = tcpAFInet6
		}
		if q.Families != 0 && q.Families&(1<<fam) == 0 {
			continue
		}
		s.diag(&d, &info, &mem, &sk, users[:0])
		if err := fn(&d); err != nil {
			return err
		}
	}
	return nil
}

// diag fills d as inet_diag describes the socket.
func (s *TCPSocket) diag(d *stack.Socket, info *stack.TCPInfo, mem *stack.MemInfo, sk *stack.SkMemInfo, users []stack.ProcessFD) {
	h := s.h
	now := h.Now()
	fam := uint8(tcpAFInet)
	if s.V6 {
		fam = tcpAFInet6
	}
	*d = stack.Socket{
		Table:    stack.TableTCP,
		Family:   fam,
		Protocol: 6,
		State:    s.state,
		Cookie:   s.cookie,
	}
	local := s.Local.Addr()
	if !local.IsValid() {
		local = unspecified(s.V6)
	}
	d.Local = stack.Endpoint{Addr: local, Port: s.Local.Port()}
	if s.Remote.IsValid() {
		d.Peer = stack.Endpoint{Addr: s.Remote.Addr(), Port: s.Remote.Port()}
	} else {
		d.Peer = stack.Endpoint{Addr: unspecified(s.V6)}
	}
	switch {
	case s.state == stack.StateTimeWait:
		// inet_twsk_diag_fill: the timer, nothing else.
		d.Timer = stack.Timer{Kind: 3, Expires: remainingMs(s.ka.When(), now)}
		return
	case s.req:
		// inet_req_diag_fill.
		d.State = stack.StateSynRecv
		d.Timer = stack.Timer{Kind: 1, Expires: remainingMs(s.ka.When(), now), Retrans: s.retransmits}
		return
	}
	if !s.orphan {
		d.Inode = s.Inode
		d.UID = s.UID
		if s.Proc != nil && s.Inode != 0 {
			d.Users = append(users, stack.ProcessFD{Name: s.Proc.Name, PID: s.Proc.PID, FD: s.fd})
		}
	}
	if s.lst != nil {
		d.RecvQ = uint32(len(s.lst.acceptQ))
		d.SendQ = uint32(s.lst.backlog)
	} else if s.state != stack.StateSynSent {
		d.RecvQ = uint32(s.rcvQueued)
		d.SendQ = s.writeSeq - s.sndUna
		if s.state == stack.StateSynRecv {
			d.SendQ = 0
		}
	}
	// Timers (inet_sk_diag_fill's precedence).
	switch {
	case s.rtx.Pending() && s.rtxKind == rtxRetrans:
		d.Timer = stack.Timer{Kind: 1, Expires: remainingMs(s.rtx.When(), now), Retrans: s.retransmits}
	case s.rtx.Pending() && s.rtxKind == rtxProbe:
		d.Timer = stack.Timer{Kind: 4, Expires: remainingMs(s.rtx.When(), now), Retrans: s.probesOut}
	case s.ka.Pending():
		d.Timer = stack.Timer{Kind: 2, Expires: remainingMs(s.ka.When(), now), Retrans: s.probesOut}
	}
	d.HasShutdown = true
	if s.finRcvd {
		d.Shutdown |= 1
	}
	if s.shutWr {
		d.Shutdown |= 2
	}
	if s.V6 {
		d.HasV6Only = true
	}
	// Memory.
	rmem, wq := s.rmemAlloc(), s.wmemQueued()
	fwd := (rmem+wq+4095)&^4095 - rmem - wq
	*mem = stack.MemInfo{RMem: uint32(rmem), WMem: 0, FMem: uint32(fwd), TMem: uint32(wq)}
	*sk = stack.SkMemInfo{RMemAlloc: uint32(rmem), RcvBuf: uint32(s.rcvBuf), SndBuf: uint32(s.sndBuf),
		FwdAlloc: uint32(fwd), WMemQueued: uint32(wq), Drops: s.drops, N: 9}
	d.Mem, d.SkMem = mem, sk
	d.Cong = s.Congestion()
	s.tcpInfo(info, now)
	d.TCP = info
}

// remainingMs is the time left until at, in milliseconds (0 when past).
func remainingMs(at, now sim.Time) uint32 {
	if at <= now {
		return 0
	}
	return uint32((at - now + sim.Millisecond - 1) / sim.Millisecond)
}

// msAgo is how long ago t was, in milliseconds (tcp_info's last* fields).
func msAgo(t, now sim.Time) uint32 {
	if t == 0 || t > now {
		return uint32(now / sim.Millisecond)
	}
	return uint32((now - t) / sim.Millisecond)
}

// tcpInfo fills info as tcp_get_info does.
func (s *TCPSocket) tcpInfo(info *stack.TCPInfo, now sim.Time) {
	*info = stack.TCPInfo{Len: tcpInfoLen, State: uint8(s.state)}
	info.PacingRate = ^uint64(0)
	info.MaxPacingRate = ^uint64(0)
	info.Reordering = s.reordering
	info.SndCwnd = s.cs.Cwnd
	if s.lst != nil {
		info.Unacked = uint32(len(s.lst.acceptQ))
		info.Sacked = uint32(s.lst.backlog)
		return
	}
	info.CAState = uint8(s.cs.CAState)
	info.Retransmits = s.retransmits
	info.Probes = s.probesOut
	info.Backoff = s.backoff
	if s.tsOK {
		info.Options |= stack.TCPOptTimestamps
	}
	if s.sackOK {
		info.Options |= stack.TCPOptSACK
	}
	if s.wscaleOK {
		info.Options |= stack.TCPOptWscale
		info.SndWscale, info.RcvWscale = s.sndWscale, s.rcvWscale
	}
	info.DeliveryRateAppLimited = s.appLimited != 0
	info.RTO = uint32(s.curRTO() / sim.Microsecond)
	info.ATO = uint32(s.ato / sim.Microsecond)
	info.SndMSS = s.mss()
	info.RcvMSS = s.rcvMSS
	info.Unacked = s.packetsOut
	info.Sacked = s.sackedOut
	info.Lost = s.lostOut
	info.Retrans = s.retransOut
	info.LastDataSent = msAgo(s.lsndtime, now)
	info.LastDataRecv = msAgo(s.lrcvtime, now)
	info.LastAckRecv = msAgo(s.rcvTstamp, now)
	info.PMTU = uint32(s.pmtu)
	info.RcvSsthresh = s.rcvSsthresh
	info.RTT = s.cs.SRTTUs >> 3
	info.RTTVar = s.mdevUs >> 2
	info.SndSsthresh = s.cs.SSThresh
	info.AdvMSS = s.advMSS
	info.RcvRTT = s.rcvRTTUs >> 3
	info.RcvSpace = uint32(s.rcvSpace)
	info.TotalRetrans = uint32(s.st.totalRetrans)
	if s.pacingRate != 0 {
		info.PacingRate = s.pacingRate
	}
	info.BytesAcked = s.st.bytesAcked
	info.BytesReceived = s.st.bytesReceived
	info.SegsOut = uint32(s.st.segsOut)
	info.SegsIn = uint32(s.st.segsIn)
	if s.state != stack.StateSynSent && s.state != stack.StateSynRecv {
		info.NotsentBytes = s.writeSeq - s.sndNxt
	}
	info.MinRTT = s.minRTTUs
	if s.minRTTUs == 0 {
		info.MinRTT = ^uint32(0)
	}
	info.DataSegsIn = uint32(s.st.dataSegsIn)
	info.DataSegsOut = uint32(s.st.dataSegsOut)
	info.DeliveryRate = s.st.deliveryRate
	busy := s.st.busyTime
	if s.packetsOut > 0 {
		busy += now - s.st.busyStart
	}
	info.BusyTime = uint64(busy / sim.Microsecond)
	info.Delivered = uint32(s.st.delivered)
	info.BytesSent = s.st.bytesSent
	info.BytesRetrans = s.st.bytesRetrans
	info.RcvOOOPack = uint32(s.st.rcvOOOPack)
	info.SndWnd = s.sndWnd
	info.RcvWnd = s.rcvWnd
	info.TotalRTO = s.totalRTO
}

// abortTCP aborts the socket a dump described (SOCK_DESTROY): ENOENT when
// there is none.
func (h *Host) abortTCP(d *stack.Socket) error {
	for s := h.tcp.head; s != nil; s = s.next {
		if s.cookie == d.Cookie && s.Local.Port() == d.Local.Port {
			if s.state == stack.StateTimeWait || s.req {
				s.closed = true
				s.destroy()
				return nil
			}
			s.Abort()
			return nil
		}
	}
	return syscall.ENOENT
}
