package ref

import (
	"errors"
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// ipCounters are the IPv4 or IPv6 counters the IP layer increments.
type ipCounters struct {
	InReceives, InHdrErrors, InAddrErrors, ForwDatagrams, InUnknownProtos,
	InDiscards, InDelivers, OutRequests, OutDiscards, OutNoRoutes,
	ReasmTimeout, ReasmReqds, ReasmOKs, ReasmFails, FragOKs, FragFails,
	FragCreates, OutTransmits, InOctets, OutOctets Counter
}

var ipCountersByFamily = [2]ipCounters{
	{IpInReceives, IpInHdrErrors, IpInAddrErrors, IpForwDatagrams, IpInUnknownProtos,
		IpInDiscards, IpInDelivers, IpOutRequests, IpOutDiscards, IpOutNoRoutes,
		IpReasmTimeout, IpReasmReqds, IpReasmOKs, IpReasmFails, IpFragOKs, IpFragFails,
		IpFragCreates, IpOutTransmits, IpExtInOctets, IpExtOutOctets},
	{Ip6InReceives, Ip6InHdrErrors, Ip6InAddrErrors, Ip6OutForwDatagrams, Ip6InUnknownProtos,
		Ip6InDiscards, Ip6InDelivers, Ip6OutRequests, Ip6OutDiscards, Ip6OutNoRoutes,
		Ip6ReasmTimeout, Ip6ReasmReqds, Ip6ReasmOKs, Ip6ReasmFails, Ip6FragOKs, Ip6FragFails,
		Ip6FragCreates, Ip6OutTransmits, Ip6InOctets, Ip6OutOctets},
}

// ipc returns the IP counters of a family.
func (h *Host) ipc(v6 bool) *ipCounters {
	if v6 {
		return &ipCountersByFamily[1]
	}
	return &ipCountersByFamily[0]
}

// Errors of ipOutput, as the socket layer reports them.
var (
	errNoRoute  = errors.New("network is unreachable")  // ENETUNREACH
	errMsgSize  = errors.New("message too long")        // EMSGSIZE
	errFiltered = errors.New("operation not permitted") // EPERM (netfilter drop)
)

// nextIPID returns the IPv4 identification for a new packet.
func (h *Host) nextIPID() uint16 {
	h.ipID++
	return h.ipID
}

// ipOutput sends a locally generated packet: route, source address,
// netfilter OUTPUT and POSTROUTING, fragmentation, neighbour. p's Dst,
// Proto and transport fields are set; an unset Src is chosen. On error p
// has been freed.
func (h *Host) ipOutput(p *Packet) error {
	c := h.ipc(p.V6)
	if h.isLocal(p.Dst) {
		if !p.Src.IsValid() {
			p.Src = p.Dst
		}
		h.MIB.Inc(c.OutRequests)
		if p.TTL == 0 {
			p.TTL = h.defaultTTL(p.V6)
		}
		if !h.nfHook(hookOutput, p) || !h.nfHook(hookPostrouting, p) {
			h.Net.pool.put(p)
			return errFiltered
		}
		// Loopback: delivered after the current event, as a softirq
		// would.
		h.loopback(p)
		return nil
	}
	r, ok := h.route(p.Dst)
	if !ok {
		h.MIB.Inc(c.OutNoRoutes)
		h.Net.pool.put(p)
		return errNoRoute
	}
	if !p.Src.IsValid() {
		src, err := h.sourceFor(p.Dst, r.Dev)
		if err != nil {
			h.MIB.Inc(c.OutNoRoutes)
			h.Net.pool.put(p)
			return errNoRoute
		}
		p.Src = src
	}
	if p.TTL == 0 {
		p.TTL = h.defaultTTL(p.V6)
	}
	if !p.V6 && p.ID == 0 {
		p.ID = h.nextIPID()
		// A super-packet takes one identification per segment
		// (ip_select_ident_segs); its segments number up from p.ID.
		h.ipID += uint16(gsoSegs(p) - 1)
	}
	h.MIB.Inc(c.OutRequests)
	if !h.nfHook(hookOutput, p) {
		h.MIB.Inc(c.OutDiscards)
		h.Net.pool.put(p)
		return errFiltered
	}
	return h.ipFinish(p, r)
}

// ipFinish runs POSTROUTING and hands p to the device (fragmenting it to
// the route's MTU when it may).
func (h *Host) ipFinish(p *Packet, r *Route) error {
	c := h.ipc(p.V6)
	if !h.nfHook(hookPostrouting, p) {
		h.MIB.Inc(c.OutDiscards)
		h.Net.pool.put(p)
		return errFiltered
	}
	nh := p.Dst
	if r.Via.IsValid() {
		nh = r.Via
	}
	mtu := r.Dev.MTU
	if gsoSegs(p) > 1 {
		// A super-packet: TCP's under TSO/GSO, or a forwarded GRO one
		// (ip_finish_output_gso). When its segments fit the MTU it goes
		// to the device whole, which segments it (TSO in the NIC, or
		// software GSO before the driver: simnic's transmit path);
		// a device without a NIC has it segmented here. Segments too
		// big go on below: refused with DF, else segmented here and
		// fragmented.
		if p.ipHeaderLen()+p.transportHeaderLen()+p.GSOSize <= mtu {
			if r.Dev.nic != nil {
				h.transmit(p, r.Dev, nh)
			} else {
				h.gsoSegment(p, r.Dev, nh, mtu)
			}
			return nil
		}
		if !p.DF && !p.V6 {
			h.gsoSegment(p, r.Dev, nh, mtu)
			return nil
		}
	} else if p.Len() <= mtu {
		h.transmit(p, r.Dev, nh)
		return nil
	}
	if p.DF || p.V6 && p.In != nil {
		// Too big and not to be fragmented here: the sender hears of it.
		h.MIB.Inc(c.FragFails)
		if p.In != nil {
			h.icmpError(p, icmpFragNeeded, mtu)
		}
		h.Net.pool.put(p)
		return errMsgSize
	}
	h.fragment(p, r.Dev, nh, mtu)
	return nil
}

// transmit counts p out and puts it on ifc towards next hop nh.
func (h *Host) transmit(p *Packet, ifc *Interface, nh netip.Addr) {
	c := h.ipc(p.V6)
	h.MIB.Inc(c.OutTransmits)
	h.MIB.Add(c.OutOctets, uint64(p.Len()))
	ifc.output(p, nh)
}

// fragment splits p into fragments that fit mtu (payload multiples of 8
// bytes) and transmits them.
func (h *Host) fragment(p *Packet, ifc *Interface, nh netip.Addr, mtu int) {
	c := h.ipc(p.V6)
	hdr := p.ipHeaderLen()
	if p.V6 {
		hdr += 8 // the fragment header
	}
	data := p.transportHeaderLen() + p.Payload // this packet's IP payload
	per := (mtu - hdr) &^ 7
	if per <= 0 {
		h.MIB.Inc(c.FragFails)
		h.Net.pool.put(p)
		return
	}
	if p.V6 && p.ID == 0 {
		p.ID = h.nextIPID()
	}
	// p may itself be a fragment (forwarded over a smaller MTU): the
	// pieces keep its offset, and the last keeps its MF flag.
	base, more := int(p.FragOff), p.MoreFrags
	off := 0
	for off < data {
		n := min(per, data-off)
		f := h.Net.pool.clone(p)
		f.FragOff = uint16(base + off)
		f.MoreFrags = off+n < data || more
		if off == 0 && base == 0 {
			f.Payload = n - p.transportHeaderLen()
		} else {
			f.Payload = n
		}
		h.MIB.Inc(c.FragCreates)
		h.transmit(f, ifc, nh)
		off += n
	}
	h.MIB.Inc(c.FragOKs)
	h.Net.pool.put(p)
}

// defaultTTL is net.ipv4.ip_default_ttl (or IPv6's hop limit).
func (h *Host) defaultTTL(v6 bool) uint8 {
	if v6 {
		return uint8(h.Sysctl.Int(sysctl.IPv6AllHopLimit))
	}
	return uint8(h.Sysctl.Int(sysctl.IPDefaultTTL))
}

// loopback delivers a local packet after the current event.
func (h *Host) loopback(p *Packet) {
	h.Net.Engine.After(0, func() { h.ipInput(p) })
}

// ipInput handles an IP packet received (or looped back, In nil).
func (h *Host) ipInput(p *Packet) {
	c := h.ipc(p.V6)
	h.MIB.Inc(c.InReceives)
	h.MIB.Add(c.InOctets, uint64(p.Len()))
	if !h.nfHook(hookPrerouting, p) {
		h.Net.pool.put(p)
		return
	}
	if !h.isLocal(p.Dst) {
		h.forward(p)
		return
	}
	if p.FragOff != 0 || p.MoreFrags {
		if p = h.reassemble(p); p == nil {
			return
		}
	}
	if !h.nfHook(hookInput, p) {
		h.Net.pool.put(p)
		return
	}
	h.MIB.Inc(c.InDelivers)
	switch p.Proto {
	case protoTCP:
		h.tcpInput(p)
	case protoUDP:
		h.udpInput(p)
	case protoICMP, protoICMPv6:
		h.icmpInput(p)
	default:
		h.MIB.Inc(c.InUnknownProtos)
		h.icmpError(p, icmpProtoUnreach, 0)
		h.Net.pool.put(p)
	}
}

// forward routes a packet for another host, when the host forwards.
func (h *Host) forward(p *Packet) {
	c := h.ipc(p.V6)
	if !h.forwarding(p.V6) || p.In == nil {
		h.MIB.Inc(c.InAddrErrors)
		h.Net.pool.put(p)
		return
	}
	if p.TTL <= 1 {
		h.MIB.Inc(c.InHdrErrors)
		h.icmpError(p, icmpTimeExceeded, 0)
		h.Net.pool.put(p)
		return
	}
	r, ok := h.route(p.Dst)
	if !ok {
		h.MIB.Inc(c.OutNoRoutes)
		h.icmpError(p, icmpNetUnreach, 0)
		h.Net.pool.put(p)
		return
	}
	if !h.nfHook(hookForward, p) {
		h.Net.pool.put(p)
		return
	}
	p.TTL--
	h.MIB.Inc(c.ForwDatagrams)
	_ = h.ipFinish(p, r)
}

// forwarding reports whether the host routes packets. (The sysctl tree has
// no net.ipv6.conf.all.forwarding yet: net.ipv4.ip_forward governs both.)
func (h *Host) forwarding(v6 bool) bool {
	return h.Sysctl.Int(sysctl.IPForward) != 0
}

// fragKey identifies the fragments of one datagram.
type fragKey struct {
	src, dst netip.Addr
	id       uint16
	proto    uint8
}

// fragQueue collects one datagram's fragments.
type fragQueue struct {
	first    *Packet // the fragment at offset 0, once here
	have     int     // IP payload bytes received
	total    int     // the datagram's IP payload, once the last fragment is here
	n        int
	deadline sim.Timer
}

// reassemble adds fragment p to its datagram and returns the whole
// datagram when complete (nil until then). Overlaps are not modelled:
// each fragment is taken to be new.
func (h *Host) reassemble(p *Packet) *Packet {
	c := h.ipc(p.V6)
	h.MIB.Inc(c.ReasmReqds)
	if h.frags == nil {
		h.frags = map[fragKey]*fragQueue{}
	}
	k := fragKey{p.Src, p.Dst, p.ID, p.Proto}
	q := h.frags[k]
	if q == nil {
		q = &fragQueue{}
		h.frags[k] = q
		v6 := p.V6
		q.deadline.Init(h.Net.Engine, func() {
			if h.frags[k] != q {
				return
			}
			delete(h.frags, k)
			h.MIB.Inc(h.ipc(v6).ReasmTimeout)
			h.MIB.Inc(h.ipc(v6).ReasmFails)
			if q.first != nil {
				h.icmpError(q.first, icmpReasmTimeout, 0)
				h.Net.pool.put(q.first)
			}
		})
		q.deadline.ResetAfter(sim.Time(h.Sysctl.Int(sysctl.IPFragTime)) * sim.Second)
	}
	size := p.Payload
	if p.FragOff == 0 {
		size += p.transportHeaderLen()
	}
	q.have += size
	q.n++
	if !p.MoreFrags {
		q.total = int(p.FragOff) + size
	}
	if p.FragOff == 0 {
		q.first = p
	} else {
		h.Net.pool.put(p)
	}
	if q.total == 0 || q.have < q.total || q.first == nil {
		return nil
	}
	delete(h.frags, k)
	q.deadline.Stop()
	whole := q.first
	whole.Payload = q.total - whole.transportHeaderLen()
	whole.MoreFrags = false
	h.MIB.Inc(c.ReasmOKs)
	return whole
}

// gsoSegs returns how many segments p carries: more than 1 for a TCP
// super-packet (GSOSize set, built by TCP under TSO/GSO or merged by
// GRO), 1 otherwise.
func gsoSegs(p *Packet) int {
	if p.GSOSize <= 0 || p.Proto != protoTCP || p.Payload <= p.GSOSize {
		return 1
	}
	return (p.Payload + p.GSOSize - 1) / p.GSOSize
}

// gsoCut cuts super-packet p into segments of its GSOSize, appends them
// to out and frees p (tcp_gso_segment with inet_gso_segment, as software
// GSO and a NIC's TSO do alike): each segment has p's headers and
// options with its own sequence number and, for IPv4, p's identification
// plus its index; PSH and FIN stay on the last segment, CWR on the first.
func (h *Host) gsoCut(p *Packet, out []*Packet) []*Packet {
	last := p.TCP.Flags & (tcpPSH | tcpFIN)
	seq, left := p.TCP.Seq, p.Payload
	for i := 0; left > 0; i++ {
		n := min(p.GSOSize, left)
		s := h.Net.pool.clone(p)
		s.GSOSize = 0
		s.Payload = n
		s.TCP.Seq = seq
		s.TCP.Flags &^= tcpPSH | tcpFIN
		if n == left {
			s.TCP.Flags |= last
		}
		if i > 0 {
			s.TCP.Flags &^= tcpCWR
			if !s.V6 {
				s.ID = p.ID + uint16(i)
			}
		}
		out = append(out, s)
		seq += uint32(n)
		left -= n
	}
	h.Net.pool.put(p)
	return out
}

// gsoSegment segments super-packet p in software (skb_gso_segment)
// and transmits the segments on ifc towards nh, fragmenting those that
// do not fit mtu: the path of a forwarded GRO packet whose segments are
// too big for the egress MTU, or of a device without a NIC.
func (h *Host) gsoSegment(p *Packet, ifc *Interface, nh netip.Addr, mtu int) {
	var buf [48]*Packet
	for _, s := range h.gsoCut(p, buf[:0]) {
		if s.Len() <= mtu {
			h.transmit(s, ifc, nh)
		} else {
			h.fragment(s, ifc, nh, mtu)
		}
	}
}

// GSOSegs is simnic.Segmenter's: how many segments p carries.
func (nicStack) GSOSegs(p *Packet) int { return gsoSegs(p) }

// Segment is simnic.Segmenter's: p cut into its segments (TSO in the NIC
// or software GSO before the driver, by the NIC's features).
func (s nicStack) Segment(p *Packet, out []*Packet) []*Packet { return s.h.gsoCut(p, out) }

// Len is simnic.Segmenter's: p's IP length.
func (nicStack) Len(p *Packet) int { return p.Len() }
