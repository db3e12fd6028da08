package ref

import (
	"fmt"

	"github.com/stackbox/stackbox/pkg/nic/simnic"
	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// nicStack is a host's stack as its NICs see it (simnic.Stack): it reads
// headers for RSS and GRO, merges segments, and takes the packets NAPI
// hands up.
type nicStack struct{ h *Host }

var _ simnic.Stack[*Packet] = nicStack{}

// groFlags are the TCP flags a segment GRO merges may carry.
const groFlags = tcpACK | tcpPSH

// Flow reads p's headers.
func (nicStack) Flow(p *Packet) simnic.Flow {
	f := simnic.Flow{Len: p.Len(), Proto: p.Proto}
	if p.Proto == protoARP {
		return f
	}
	f.V6 = p.V6
	f.Src, f.Dst = p.Src.As16(), p.Dst.As16()
	if (p.Proto == protoTCP || p.Proto == protoUDP) && p.FragOff == 0 && !p.MoreFrags {
		f.Ports, f.SrcPort, f.DstPort = true, p.SrcPort, p.DstPort
	}
	f.Data = p.Proto == protoTCP && f.Ports && p.Payload > 0 && p.TCP.Flags&^groFlags == 0 && p.TCP.NumSACK == 0
	return f
}

// Merge appends p to held when it continues it as tcp_gro_receive
// allows: the next sequence number, the same ACK, timestamps and IP
// header fields, held not pushed, within 64 KB. (Linux also requires
// every merged segment but the last to be of the first one's size; the
// model does not keep the first size.)
func (s nicStack) Merge(held, p *Packet) bool {
	ht, pt := &held.TCP, &p.TCP
	if ht.Flags&tcpPSH != 0 || pt.Seq != ht.Seq+uint32(held.Payload) || pt.Ack != ht.Ack ||
		ht.HasTS != pt.HasTS || ht.TSVal != pt.TSVal || ht.TSEcr != pt.TSEcr ||
		held.TOS != p.TOS || held.TTL != p.TTL || held.DF != p.DF || held.CT != p.CT ||
		held.Len()+p.Payload > 65535 {
		return false
	}
	if held.GSOSize == 0 {
		held.GSOSize = held.Payload
	}
	held.Payload += p.Payload
	ht.Flags |= pt.Flags & tcpPSH
	ht.Window = pt.Window
	s.h.Net.pool.put(p)
	return true
}

// Deliver is the end of netif_receive_skb: the packet goes to ARP or IP.
func (s nicStack) Deliver(p *Packet) {
	if p.Proto == protoARP {
		s.h.arpInput(p.In, p)
		return
	}
	s.h.ipInput(p)
}

// Drop counts a packet the NIC or the backlog dropped and frees it.
func (s nicStack) Drop(p *Packet, rx bool) {
	switch {
	case rx && p.In != nil:
		p.In.Stats.RxDropped++
	case !rx && p.l2src != nil:
		p.l2src.Stats.TxDropped++
	}
	s.h.Net.pool.put(p)
}

// attachNICs gives every linked interface of the scenario's hosts its
// simulated NIC, set up from the interface's nic: block (defaults when
// absent). Interfaces without a link have none.
func (n *Network) attachNICs(sc *scenario.Scenario) error {
	for i := range sc.Hosts {
		sh := &sc.Hosts[i]
		h := n.Host(sh.Name)
		for j := range sh.Interfaces {
			si := &sh.Interfaces[j]
			ifc := h.Interface(si.Name)
			if ifc == nil || ifc.port == nil {
				continue
			}
			if err := ifc.attachNIC(si.NIC); err != nil {
				line := si.Line
				if si.NIC != nil && si.NIC.Line != 0 {
					line = si.NIC.Line
				}
				return fmt.Errorf("%s:%d: hosts: %s: interfaces: %s: %w", sc.File, line, h.Name, ifc.Name, err)
			}
		}
	}
	return nil
}

// attachNIC gives ifc a simulated NIC with settings sn (nil: defaults).
func (ifc *Interface) attachNIC(sn *scenario.NIC) error {
	h := ifc.Host
	if h.cpus == nil {
		h.cpus = simnic.NewCPUs[*Packet](h.Net.Engine, h.Sysctl, nicStack{h}, h.CPUs)
	}
	ifc.nic = simnic.New(simnic.Config[*Packet]{
		Name: ifc.Name, Index: ifc.Index, CPUs: h.cpus, Wire: ifc.wire,
		Speed: ifc.port.Config().Bandwidth, TxQueueLen: ifc.TxQueueLen,
	})
	return ifc.nic.Apply(sn)
}

// wire puts a frame on ifc's link and returns when its last bit leaves
// (the NIC's transmit completion), or false when the link refused it.
func (ifc *Interface) wire(p *Packet) (sim.Time, bool) {
	if ifc.port == nil || !ifc.port.Send(p, p.WireLen()) {
		ifc.Stats.TxDropped++
		ifc.Host.Net.pool.put(p)
		return 0, false
	}
	ifc.Stats.TxPackets++
	ifc.Stats.TxBytes += uint64(p.Len())
	return ifc.port.BusyUntil(), true
}

// NIC returns ifc's simulated NIC, nil for an interface without a link.
func (ifc *Interface) NIC() *simnic.NIC[*Packet] { return ifc.nic }

// NICCPUs returns the host's simulated CPUs as its NICs use them, nil
// before a NIC was attached.
func (h *Host) NICCPUs() *simnic.CPUs[*Packet] { return h.cpus }
