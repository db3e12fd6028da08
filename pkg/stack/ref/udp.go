package ref

import (
	"errors"
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// UDPSocket is a UDP socket. Datagrams are counted, not carried: the
// receive queue holds their sizes.
type UDPSocket struct {
	h      *Host
	Local  netip.AddrPort
	Remote netip.AddrPort // valid once connected
	Proc   *Process
	Inode  uint32
	V6     bool

	// RcvBuf and SndBuf are SO_RCVBUF and SO_SNDBUF as the kernel keeps
	// them (twice what was asked).
	RcvBuf, SndBuf int
	// rmem is the receive queue's memory (sk_rmem_alloc: the datagrams'
	// truesize), queue their sizes in order.
	rmem  int
	queue []int // from head on
	head  int
	// Drops counts datagrams dropped for a full receive queue.
	Drops uint64

	// OnReadable, when set, is called after a datagram is queued.
	OnReadable func(s *UDPSocket)
	closed     bool
}

// udpTable is a host's bound UDP sockets, by local port.
type udpTable struct {
	ports map[uint16][]*UDPSocket // looked up, never iterated
	all   []*UDPSocket            // in creation order, for dumps
}

var errAddrInUse = errors.New("address already in use") // EADDRINUSE

// udpTruesize approximates the memory a received datagram of n payload
// bytes charges to the socket (skb->truesize: the data rounded up plus
// the sk_buff and shared info, about 768 bytes for small datagrams).
func udpTruesize(n int) int { return (n+63)&^63 + 768 }

// UDPSocket opens a UDP socket bound to local (port 0: an ephemeral port)
// for process proc.
func (h *Host) UDPSocket(local netip.AddrPort, proc *Process) (*UDPSocket, error) {
	port := local.Port()
	if port == 0 {
		var err error
		if port, err = h.ephemeralPort(func(p uint16) bool { return len(h.udp.ports[p]) == 0 }); err != nil {
			return nil, err
		}
	} else {
		for _, o := range h.udp.ports[port] {
			if o.Local.Addr() == local.Addr() || !o.Local.Addr().IsValid() || !local.Addr().IsValid() ||
				o.Local.Addr().IsUnspecified() || local.Addr().IsUnspecified() {
				return nil, errAddrInUse
			}
		}
	}
	s := &UDPSocket{h: h, Local: netip.AddrPortFrom(local.Addr(), port), Proc: proc, Inode: h.newInode(),
		V6: local.Addr().Is6() && !local.Addr().Is4In6()}
	s.RcvBuf = int(h.Sysctl.Int(sysctl.CoreRmemDefault))
	s.SndBuf = int(h.Sysctl.Int(sysctl.CoreWmemDefault))
	if h.udp.ports == nil {
		h.udp.ports = map[uint16][]*UDPSocket{}
	}
	h.udp.ports[port] = append(h.udp.ports[port], s)
	h.udp.all = append(h.udp.all, s)
	return s, nil
}

// UDPSockets returns h's open UDP sockets in the order they were opened.
func (h *Host) UDPSockets() []*UDPSocket { return h.udp.all }

// ephemeralPort finds a free port in net.ipv4.ip_local_port_range.
func (h *Host) ephemeralPort(free func(uint16) bool) (uint16, error) {
	lo := uint16(h.Sysctl.Int(sysctl.IPLocalPortRangeLow))
	hi := uint16(h.Sysctl.Int(sysctl.IPLocalPortRangeHigh))
	n := int(hi-lo) + 1
	if h.portHint < lo || h.portHint > hi {
		h.portHint = lo + uint16(h.Net.Engine.Rand().IntN(n))
	}
	for i := 0; i < n; i++ {
		p := h.portHint
		h.portHint++
		if h.portHint > hi {
			h.portHint = lo
		}
		if free(p) {
			return p, nil
		}
	}
	return 0, errAddrInUse
}

// Connect sets the socket's peer.
func (s *UDPSocket) Connect(remote netip.AddrPort) { s.Remote = remote }

// SendTo sends a datagram of n payload bytes to dst (the peer when dst is
// not valid). It returns ipOutput's error (no route, message too long).
func (s *UDPSocket) SendTo(dst netip.AddrPort, n int) error {
	h := s.h
	if !dst.IsValid() {
		dst = s.Remote
	}
	v6 := dst.Addr().Is6()
	if n+udpHeaderLen > 65535-ipv4HeaderLen {
		return errMsgSize
	}
	p := h.Net.pool.get()
	p.V6, p.Proto, p.Dst, p.DstPort, p.SrcPort, p.Payload = v6, protoUDP, dst.Addr(), dst.Port(), s.Local.Port(), n
	if a := s.Local.Addr(); a.IsValid() && !a.IsUnspecified() {
		p.Src = a
	}
	c := Counter(UdpOutDatagrams)
	if v6 {
		c = Udp6OutDatagrams
	}
	if err := h.ipOutput(p); err != nil {
		return err
	}
	h.MIB.Inc(c)
	return nil
}

// Read takes the next datagram from the receive queue and returns its
// size, or -1 when the queue is empty.
func (s *UDPSocket) Read() int {
	if s.head == len(s.queue) {
		return -1
	}
	n := s.queue[s.head]
	s.head++
	if s.head == len(s.queue) {
		s.queue, s.head = s.queue[:0], 0 // empty: reuse the array
	}
	s.rmem -= udpTruesize(n)
	return n
}

// Queued returns the bytes waiting in the receive queue (ss's Recv-Q).
func (s *UDPSocket) Queued() int {
	t := 0
	for _, n := range s.queue[s.head:] {
		t += n
	}
	return t
}

// Close closes the socket.
func (s *UDPSocket) Close() {
	if s.closed {
		return
	}
	s.closed = true
	h := s.h
	port := s.Local.Port()
	l := h.udp.ports[port]
	for i, o := range l {
		if o == s {
			h.udp.ports[port] = append(l[:i:i], l[i+1:]...)
			break
		}
	}
	for i, o := range h.udp.all {
		if o == s {
			h.udp.all = append(h.udp.all[:i:i], h.udp.all[i+1:]...)
			break
		}
	}
}

// udpLookup finds the socket for a datagram: a connected one matching
// both ends first, then one bound to the destination address, then a
// wildcard one.
func (h *Host) udpLookup(p *Packet) *UDPSocket {
	var best *UDPSocket
	score := -1
	for _, s := range h.udp.ports[p.DstPort] {
		sc := 0
		if a := s.Local.Addr(); a.IsValid() && !a.IsUnspecified() {
			if a != p.Dst {
				continue
			}
			sc += 2
		} else if s.V6 != p.V6 && !s.V6 {
			continue // an IPv4 socket sees no IPv6 datagrams
		}
		if s.Remote.IsValid() {
			if s.Remote.Addr() != p.Src || s.Remote.Port() != p.SrcPort {
				continue
			}
			sc += 4
		}
		if sc > score {
			best, score = s, sc
		}
	}
	return best
}

// udpInput delivers a datagram to its socket.
func (h *Host) udpInput(p *Packet) {
	defer h.Net.pool.put(p)
	in, noPorts, inErrs, rcvbuf := Counter(UdpInDatagrams), Counter(UdpNoPorts), Counter(UdpInErrors), Counter(UdpRcvbufErrors)
	if p.V6 {
		in, noPorts, inErrs, rcvbuf = Udp6InDatagrams, Udp6NoPorts, Udp6InErrors, Udp6RcvbufErrors
	}
	s := h.udpLookup(p)
	if s == nil {
		h.MIB.Inc(noPorts)
		h.icmpError(p, icmpPortUnreach, 0)
		return
	}
	ts := udpTruesize(p.Payload)
	if s.rmem+ts > s.RcvBuf {
		h.MIB.Inc(rcvbuf)
		h.MIB.Inc(inErrs)
		s.Drops++
		return
	}
	h.MIB.Inc(in)
	s.rmem += ts
	s.queue = append(s.queue, p.Payload)
	if s.OnReadable != nil {
		s.OnReadable(s)
	}
}

// udpError handles an ICMP error about a datagram we sent (counted; UDP
// sockets here do not report errors to applications).
func (h *Host) udpError(p *Packet) {}
