package ref

import "net/netip"

// Protocol numbers.
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
	// protoARP marks an ARP (or, for IPv6, neighbour discovery) frame:
	// the packet carries no IP header.
	protoARP = 0xfe
)

// Header sizes in bytes.
const (
	ipv4HeaderLen = 20
	ipv6HeaderLen = 40
	udpHeaderLen  = 8
	icmpHeaderLen = 8
	tcpHeaderLen  = 20 // without options
	arpFrameLen   = 28
	// ethOverhead is what a frame costs on the wire beyond its IP packet:
	// Ethernet header (14), FCS (4), preamble and SFD (8), inter-frame
	// gap (12). Links charge it for serialisation.
	ethOverhead = 38
	// ethMinPayload is the smallest Ethernet payload (shorter ones are
	// padded).
	ethMinPayload = 46
)

// TCP flags.
const (
	tcpFIN = 1 << iota
	tcpSYN
	tcpRST
	tcpPSH
	tcpACK
	tcpURG
	tcpECE
	tcpCWR
)

// SACKBlock is one SACK option block: [Start, End).
type SACKBlock struct{ Start, End uint32 }

// TCPHeader is a TCP header with its options, parsed.
type TCPHeader struct {
	Seq, Ack uint32
	Flags    uint8
	Window   uint16 // as sent: scaled down by the sender's window scale
	// Options. MSS is 0 when absent; WScale is -1 when absent.
	MSS           uint16
	WScale        int8
	SACKPermitted bool
	HasTS         bool
	TSVal, TSEcr  uint32
	NumSACK       uint8
	SACK          [4]SACKBlock
}

// OptionsLen is the length of the options as Linux lays them out (padded
// to 4 bytes): MSS 4, timestamps 12 (with NOPs), window scale 4 (with a
// NOP), SACK-permitted 4 alone or 0 when it shares the timestamps' NOPs,
// SACK blocks 4+8n.
func (h *TCPHeader) OptionsLen() int {
	n := 0
	if h.MSS != 0 {
		n += 4
	}
	switch {
	case h.HasTS:
		n += 12 // SACK-permitted, when present, takes the two NOPs
	case h.SACKPermitted:
		n += 4
	}
	if h.WScale >= 0 {
		n += 4
	}
	if h.NumSACK > 0 {
		n += 4 + 8*int(h.NumSACK)
	}
	return n
}

// ICMPHeader is an ICMP or ICMPv6 header. For errors, Inner is a copy of
// the start of the packet that caused it (its IP and transport headers).
type ICMPHeader struct {
	Type, Code uint8
	ID, Seq    uint16
	MTU        uint16 // "fragmentation needed" / "packet too big"
	Inner      *Packet
}

// Packet is one IP packet (or ARP frame) in flight. Payload bytes are
// counted, not carried. Packets come from the Network's free list
// (newPacket) and go back to it when consumed (free).
type Packet struct {
	V6       bool
	Src, Dst netip.Addr
	Proto    uint8
	TTL      uint8
	TOS      uint8
	ID       uint16 // IPv4 identification
	DF       bool
	// FragOff is the fragment's offset in bytes, MoreFrags IP's MF flag.
	FragOff   uint16
	MoreFrags bool

	SrcPort, DstPort uint16
	TCP              TCPHeader
	ICMP             ICMPHeader
	// Payload is the transport payload in bytes (for fragments, the part
	// of the IP payload this fragment carries).
	Payload int
	// GSOSize, for a TCP super-packet, is its segments' payload size: a
	// packet TCP built of several MSS-sized segments for a device with
	// TSO or GSO, or one GRO merged on receive. The NIC (TSO) or the
	// stack just before the driver (GSO) cuts it into segments of that
	// size; 0 for an ordinary packet.
	GSOSize int

	// ARP: the request's or reply's addresses (Src, Dst above are the
	// sender's and target's protocol addresses), Reply for a reply.
	ARPReply bool

	// Mark is the packet mark (skb->mark); CT the conntrack entry the
	// packet belongs to (skb->_nfct) and CTReply whether it travels in
	// the reply direction.
	Mark    uint32
	CT      *Conn
	CTReply bool
	// In is the interface it arrived on (nil for locally generated).
	In *Interface
	// l2src and l2dst stand for the Ethernet addresses: the interface
	// that sent the frame and the one it is for (nil: broadcast).
	l2src, l2dst *Interface

	// Sent is when the packet was handed to the device (for RTT samples
	// of tools; TCP keeps its own).
	Sent int64

	next *Packet // free list
}

// ipHeaderLen is the IP header length of p.
func (p *Packet) ipHeaderLen() int {
	if p.V6 {
		return ipv6HeaderLen
	}
	return ipv4HeaderLen
}

// transportHeaderLen is the length of p's transport header (0 for a
// non-first fragment).
func (p *Packet) transportHeaderLen() int {
	if p.FragOff != 0 {
		return 0
	}
	switch p.Proto {
	case protoTCP:
		return tcpHeaderLen + p.TCP.OptionsLen()
	case protoUDP:
		return udpHeaderLen
	case protoICMP, protoICMPv6:
		n := icmpHeaderLen
		if p.ICMP.Inner != nil {
			n += p.ICMP.Inner.ipHeaderLen() + 8
		}
		return n
	}
	return 0
}

// Len is the IP packet's total length in bytes (an ARP frame's length for
// ARP).
func (p *Packet) Len() int {
	if p.Proto == protoARP {
		return arpFrameLen
	}
	return p.ipHeaderLen() + p.transportHeaderLen() + p.Payload
}

// WireLen is what p costs on an Ethernet link, in bytes.
func (p *Packet) WireLen() int {
	n := p.Len()
	if n < ethMinPayload {
		n = ethMinPayload
	}
	return n + ethOverhead
}

// packetPool is a free list of packets (one simulation, one goroutine).
type packetPool struct {
	free  *Packet
	inUse int
	made  int
}

func (pp *packetPool) get() *Packet {
	pp.inUse++
	if p := pp.free; p != nil {
		pp.free = p.next
		p.next = nil
		return p
	}
	pp.made++
	return &Packet{}
}

// put returns p (and an ICMP error's inner copy) to the free list.
func (pp *packetPool) put(p *Packet) {
	if inner := p.ICMP.Inner; inner != nil {
		pp.put(inner)
	}
	*p = Packet{next: pp.free}
	pp.free = p
	pp.inUse--
}

// clone returns a copy of p from the free list (an ICMP error's inner copy
// cloned too).
func (pp *packetPool) clone(p *Packet) *Packet {
	c := pp.get()
	*c = *p
	c.next = nil
	if p.ICMP.Inner != nil {
		c.ICMP.Inner = pp.clone(p.ICMP.Inner)
	}
	return c
}
