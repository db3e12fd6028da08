package ref

import (
	"context"
	"net/netip"
	"syscall"

	"github.com/stackbox/stackbox/pkg/stack"
)

var _ stack.Stack = (*HostView)(nil)

// The address families as sock_diag numbers them (Linux's AF_INET and
// AF_INET6, whatever the GOOS).
const (
	viewAFInet  = 2
	viewAFInet6 = 10
)

// viewStatesAll is every state a dump can hold, the request sockets'
// NEW_SYN_RECV included.
const viewStatesAll = stack.StatesAll | 1<<stack.StateNewSynRecv

// Sockets calls fn for every socket of the host q selects, as the kernel's
// sock_diag dumps them: table by table in ss's order (udp, then tcp; the
// host has no raw, unix, packet, netlink, dccp, sctp or mptcp sockets, so
// those tables are empty), AF_INET before AF_INET6 (only ss's preferred
// family when that is one of them), each socket checked against q's
// families, states (none: every state) and filter.
//
// The TCP sockets are copied out of the TCP table before fn sees them,
// so that fn may destroy them (ss -K).
func (v *HostView) Sockets(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	states := q.States
	if states == 0 {
		states = viewStatesAll
	}
	keep := func(s *stack.Socket) bool {
		st := s.State
		if st == stack.StateNewSynRecv {
			st = stack.StateSynRecv // inet_diag reports request sockets so
		}
		return states.Has(st) && (q.Filter == nil || q.Filter.Match(s))
	}
	for _, fam := range viewFamilies(q) {
		if q.Tables.Has(stack.TableUDP) {
			var s stack.Socket
			for _, u := range v.Host.UDPSockets() {
				if u.family() != fam {
					continue
				}
				u.diag(&s, q.Want)
				if !keep(&s) {
					continue
				}
				if err := fn(&s); err != nil {
					return err
				}
			}
		}
	}
	for _, fam := range viewFamilies(q) {
		if q.Tables.Has(stack.TableTCP) {
			fq := q
			fq.Families = 1 << fam
			fq.Preferred = fam
			var socks []stack.Socket
			err := v.Host.tcpDump(fq, func(s *stack.Socket) error {
				if s.Family == fam && keep(s) {
					socks = append(socks, copySocket(s))
				}
				return nil
			})
			if err != nil {
				return err
			}
			for i := range socks {
				if err := fn(&socks[i]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// viewFamilies lists the inet families a dump of q covers, as the kernel
// implementation's: AF_INET then AF_INET6, or ss's preferred one alone.
func viewFamilies(q stack.SocketQuery) []uint8 {
	f := q.Families
	if f == 0 {
		f = 1<<viewAFInet | 1<<viewAFInet6
	}
	var out []uint8
	for _, fam := range [...]uint8{viewAFInet, viewAFInet6} {
		if f&(1<<fam) == 0 {
			continue
		}
		if (q.Preferred == viewAFInet || q.Preferred == viewAFInet6) && fam != q.Preferred {
			continue
		}
		out = append(out, fam)
	}
	return out
}

// tcpDump dumps h's TCP sockets (tcp_diag.go).
func (h *Host) tcpDump(q stack.SocketQuery, fn func(*stack.Socket) error) error {
	return h.dumpTCP(q, fn)
}

// family is the socket's address family.
func (s *UDPSocket) family() uint8 {
	if s.V6 {
		return viewAFInet6
	}
	return viewAFInet
}

// diag fills d with the socket as udp_diag describes it: unconnected
// sockets are UNCONN (TCP_CLOSE), connected ones ESTAB; Recv-Q is the
// receive queue's memory (sk_rmem_alloc), Send-Q 0 (a datagram leaves at
// once).
func (s *UDPSocket) diag(d *stack.Socket, want stack.Want) {
	*d = stack.Socket{
		Table:       stack.TableUDP,
		Family:      s.family(),
		Protocol:    17,
		State:       stack.StateClose,
		RecvQ:       uint32(s.rmem),
		Inode:       s.Inode,
		Cookie:      uint64(s.Inode),
		HasShutdown: true,
	}
	if s.Proc != nil {
		d.UID = s.Proc.UID
	}
	local := s.Local.Addr()
	if !local.IsValid() {
		local = unspecified(s.V6)
	}
	d.Local = stack.Endpoint{Addr: local, Port: s.Local.Port()}
	d.Peer = stack.Endpoint{Addr: unspecified(s.V6)}
	if s.Remote.IsValid() {
		d.State = stack.StateEstablished
		d.Peer = stack.Endpoint{Addr: s.Remote.Addr(), Port: s.Remote.Port()}
		if local.IsUnspecified() {
			// connect() on a wildcard socket binds the route's source
			// address, as ip4_datagram_connect does.
			if r, ok := s.h.route(s.Remote.Addr()); ok {
				if src, err := s.h.sourceFor(s.Remote.Addr(), r.Dev); err == nil {
					d.Local.Addr = src
				}
			}
		}
	}
	if s.V6 {
		d.HasV6Only = true
	}
	if want.Mem {
		d.Mem = &stack.MemInfo{RMem: uint32(s.rmem)}
		d.SkMem = &stack.SkMemInfo{RMemAlloc: uint32(s.rmem), RcvBuf: uint32(s.RcvBuf),
			SndBuf: uint32(s.SndBuf), Drops: uint32(s.Drops), N: 9}
	}
	if want.TOS {
		if s.V6 {
			d.HasTClass = true
		} else {
			d.HasTOS = true
		}
	}
}

func unspecified(v6 bool) netip.Addr {
	if v6 {
		return netip.IPv6Unspecified()
	}
	return netip.IPv4Unspecified()
}

// copySocket copies s and the parts a TCP dump points to, which the dump
// may reuse for the next socket.
func copySocket(s *stack.Socket) stack.Socket {
	c := *s
	if s.TCP != nil {
		t := *s.TCP
		c.TCP = &t
	}
	if s.Mem != nil {
		m := *s.Mem
		c.Mem = &m
	}
	if s.SkMem != nil {
		m := *s.SkMem
		c.SkMem = &m
	}
	if s.Vegas != nil {
		x := *s.Vegas
		c.Vegas = &x
	}
	if s.BBR != nil {
		x := *s.BBR
		c.BBR = &x
	}
	if s.DCTCP != nil {
		x := *s.DCTCP
		c.DCTCP = &x
	}
	c.Users = append([]stack.ProcessFD(nil), s.Users...)
	return c
}

// DestroySocket closes a socket as SOCK_DESTROY does (ss -K): a UDP
// socket is closed, a TCP one aborted (a RST to the peer; the network
// delivers it when the simulation runs on). It returns ENOENT when the
// host has no such socket and EOPNOTSUPP for other tables.
func (v *HostView) DestroySocket(ctx context.Context, s *stack.Socket) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	switch s.Table {
	case stack.TableUDP:
		for _, u := range v.Host.UDPSockets() {
			if u.Inode == s.Inode && u.Local.Port() == s.Local.Port {
				u.Close()
				return nil
			}
		}
		return syscall.ENOENT
	case stack.TableTCP:
		return v.Host.abortTCP(s)
	}
	return syscall.EOPNOTSUPP
}

// SocketEvents returns at once: a simulation stands still while it is
// looked at, so no socket is destroyed while ss -E listens.
func (v *HostView) SocketEvents(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	return ctx.Err()
}
