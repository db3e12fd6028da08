package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// Neighbour resolution (ARP for IPv4; for IPv6 the same exchange stands in
// for neighbour discovery and is counted as ICMPv6 solicitations and
// advertisements). An unresolved neighbour queues up to unresQLen packets
// and solicits again every retransTime, up to solicitTries times, then
// drops them (as Linux's neigh with its default app_solicit 0,
// mcast_solicit 3, retrans_time 1 s, unres_qlen_bytes ~ 101 packets).
// Entries, once resolved, stay (the topology does not change).
const (
	neighUnresQLen   = 101
	neighRetransTime = sim.Second
	neighSolicit     = 3
)

type neighState uint8

const (
	neighIncomplete neighState = iota
	neighReachable
	neighFailed
)

type neigh struct {
	h       *Host
	addr    netip.Addr
	ifc     *Interface
	l2      *Interface // the neighbour's interface, once resolved
	state   neighState
	tries   int
	pending []*Packet
	timer   sim.Timer
}

// neighTable is a host's neighbour cache.
type neighTable struct {
	m map[netip.Addr]*neigh // looked up, never iterated
}

// output sends p to next hop nh through ifc, resolving nh first if needed.
func (ifc *Interface) output(p *Packet, nh netip.Addr) {
	h := ifc.Host
	if h.neigh.m == nil {
		h.neigh.m = map[netip.Addr]*neigh{}
	}
	n := h.neigh.m[nh]
	if n == nil {
		n = &neigh{h: h, addr: nh, ifc: ifc}
		n.timer.Init(h.Net.Engine, n.retry)
		h.neigh.m[nh] = n
		n.solicit()
	}
	switch n.state {
	case neighReachable:
		ifc.xmit(p, n.l2)
	case neighIncomplete:
		if len(n.pending) >= neighUnresQLen {
			h.Net.pool.put(n.pending[0])
			n.pending = n.pending[1:]
			ifc.Stats.TxDropped++
		}
		n.pending = append(n.pending, p)
	default:
		// A failed neighbour is asked again on the next packet.
		n.state, n.tries = neighIncomplete, 0
		n.pending = append(n.pending, p)
		n.solicit()
	}
}

// solicit broadcasts a request for n's address.
func (n *neigh) solicit() {
	h := n.h
	src, err := h.sourceFor(n.addr, n.ifc)
	if err != nil {
		return
	}
	q := h.Net.pool.get()
	q.Proto, q.V6, q.Src, q.Dst = protoARP, n.addr.Is6(), src, n.addr
	if q.V6 {
		h.MIB.Inc(Icmp6OutMsgs)
		h.MIB.Inc(Icmp6OutNeighborSolicits)
		h.MIB.IcmpMsg(true, true, 135)
	}
	n.tries++
	n.ifc.xmit(q, nil)
	n.timer.ResetAfter(neighRetransTime)
}

// retry solicits again, or gives up and drops the queued packets.
func (n *neigh) retry() {
	if n.state != neighIncomplete {
		return
	}
	if n.tries < neighSolicit {
		n.solicit()
		return
	}
	n.state = neighFailed
	for _, p := range n.pending {
		n.h.MIB.Inc(n.h.ipc(p.V6).OutDiscards)
		n.h.Net.pool.put(p)
	}
	n.pending = nil
}

// arpInput handles a neighbour request or reply that arrived on ifc.
func (h *Host) arpInput(ifc *Interface, p *Packet) {
	defer h.Net.pool.put(p)
	if p.V6 {
		h.MIB.Inc(Icmp6InMsgs)
		if p.ARPReply {
			h.MIB.Inc(Icmp6InNeighborAdvertisements)
			h.MIB.IcmpMsg(true, false, 136)
		} else {
			h.MIB.Inc(Icmp6InNeighborSolicits)
			h.MIB.IcmpMsg(true, false, 135)
		}
	}
	if p.ARPReply {
		if n := h.neigh.m[p.Src]; n != nil && n.state != neighReachable {
			n.state, n.l2 = neighReachable, p.l2src
			n.timer.Stop()
			for _, q := range n.pending {
				n.ifc.xmit(q, n.l2)
			}
			n.pending = nil
		}
		return
	}
	// A request: answer when it asks for one of ifc's addresses, and
	// learn the asker (as Linux does from a request for itself).
	mine := false
	for _, a := range ifc.Addrs {
		if a.Addr() == p.Dst {
			mine = true
			break
		}
	}
	if !mine {
		return
	}
	if h.neigh.m == nil {
		h.neigh.m = map[netip.Addr]*neigh{}
	}
	if n := h.neigh.m[p.Src]; n == nil {
		n = &neigh{h: h, addr: p.Src, ifc: ifc, l2: p.l2src, state: neighReachable}
		n.timer.Init(h.Net.Engine, n.retry)
		h.neigh.m[p.Src] = n
	}
	r := h.Net.pool.get()
	r.Proto, r.V6, r.ARPReply, r.Src, r.Dst = protoARP, p.V6, true, p.Dst, p.Src
	if r.V6 {
		h.MIB.Inc(Icmp6OutMsgs)
		h.MIB.Inc(Icmp6OutNeighborAdvertisements)
		h.MIB.IcmpMsg(true, true, 136)
	}
	ifc.xmit(r, p.l2src)
}

// xmit puts a frame for l2dst (nil: broadcast) on ifc's link, through
// ifc's simulated NIC when it has one (its transmit queue and ring; the
// NIC calls ifc.wire, nic_stack.go).
func (ifc *Interface) xmit(p *Packet, l2dst *Interface) {
	p.l2src, p.l2dst = ifc, l2dst
	if ifc.nic != nil {
		ifc.nic.Transmit(p)
		return
	}
	ifc.wire(p)
}

// receive handles a frame arriving on ifc from its link.
func (ifc *Interface) receive(p *Packet) {
	h := ifc.Host
	if p.l2dst != nil && p.l2dst != ifc {
		h.Net.pool.put(p) // flooded unicast for another interface
		return
	}
	p.In = ifc
	if ifc.nic != nil {
		// The NIC's ring, interrupt and NAPI hand the packet on
		// (nicStack.Deliver); a full ring drops it (nicStack.Drop).
		n := uint64(p.Len())
		if ifc.nic.Receive(p) {
			ifc.Stats.RxPackets++
			ifc.Stats.RxBytes += n
		}
		return
	}
	ifc.Stats.RxPackets++
	ifc.Stats.RxBytes += uint64(p.Len())
	if p.Proto == protoARP {
		h.arpInput(ifc, p)
		return
	}
	h.ipInput(p)
}
