package ref

import (
	"net/netip"
	"strings"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Target is what a rule does with a matching packet (iptables' -j).
type Target uint8

// Targets. MARK and CONNMARK change a mark and go on to the next rule;
// RETURN ends the chain with its policy; a rule without a target only
// counts.
const (
	TargetNone Target = iota
	TargetAccept
	TargetDrop
	TargetReject
	TargetReturn
	TargetMark
	TargetConnmark
)

var targetNames = [...]string{"", "ACCEPT", "DROP", "REJECT", "RETURN", "MARK", "CONNMARK"}

// String returns the target's iptables name.
func (t Target) String() string {
	if int(t) < len(targetNames) {
		return targetNames[t]
	}
	return "?"
}

// CTState is a set of conntrack states (-m conntrack --ctstate).
type CTState uint8

// Conntrack states a rule can match.
const (
	CTNew CTState = 1 << iota
	CTEstablished
	CTRelated
	CTInvalid
	CTUntracked
)

var ctStateNames = [...]string{"NEW", "ESTABLISHED", "RELATED", "INVALID", "UNTRACKED"}

// String returns the states as iptables lists them, comma-separated.
func (s CTState) String() string {
	var parts []string
	for i, n := range ctStateNames {
		if s&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ",")
}

// RejectWith is the answer of a REJECT rule.
type RejectWith uint8

// REJECT answers (--reject-with).
const (
	RejectPortUnreach  RejectWith = iota // icmp-port-unreachable (the default)
	RejectNetUnreach                     // icmp-net-unreachable
	RejectProtoUnreach                   // icmp-proto-unreachable
	RejectTCPReset                       // tcp-reset
)

var rejectNames = [...]string{"icmp-port-unreachable", "icmp-net-unreachable", "icmp-proto-unreachable", "tcp-reset"}

// PortRange is an inclusive range of ports.
type PortRange struct{ Lo, Hi uint16 }

// ConnmarkOp is what a CONNMARK rule does.
type ConnmarkOp uint8

// CONNMARK operations.
const (
	ConnmarkSet     ConnmarkOp = iota // --set-xmark / --set-mark: the entry's mark
	ConnmarkSave                      // --save-mark: packet mark to the entry
	ConnmarkRestore                   // --restore-mark: entry mark to the packet
)

// Rule is one rule of a chain: matches (all must hold; each may be
// negated) and a target, with its packet and byte counters.
type Rule struct {
	// Proto matches the IP protocol when HasProto.
	Proto    uint8
	HasProto bool
	// Src and Dst match the addresses when valid.
	Src, Dst netip.Prefix
	// SPort and DPort match TCP or UDP ports when Hi > 0.
	SPort, DPort PortRange
	// In and Out match the input and output interface names ("eth+"
	// matches every name starting with "eth"; loopback traffic is "lo").
	In, Out string
	// ICMPType (and ICMPCode unless AnyCode) match ICMP, when HasICMP.
	ICMPType, ICMPCode uint8
	HasICMP, AnyCode   bool
	// SYN matches TCP segments with SYN set and ACK, RST and FIN clear.
	SYN bool
	// State matches the conntrack state, when not 0.
	State CTState
	// Mark and MarkMask match the packet mark (mark&MarkMask == Mark) when
	// HasMark; Connmark likewise the entry's mark.
	Mark, MarkMask         uint32
	HasMark                bool
	Connmark, ConnmarkMask uint32
	HasConnmark            bool
	// Not negates the matches it names (a set of the Neg* bits).
	Not Negation

	Target Target
	// RejectWith is REJECT's answer.
	RejectWith RejectWith
	// SetMask and SetXor change a mark as MARK/CONNMARK --set-xmark
	// does: mark = (mark &^ SetMask) ^ SetXor.
	SetMask, SetXor uint32
	// Connmark is CONNMARK's operation.
	ConnmarkOp ConnmarkOp

	// Packets and Bytes count the packets that matched.
	Packets, Bytes uint64
}

// Negation is a set of negated matches.
type Negation uint16

// Negatable matches.
const (
	NegProto Negation = 1 << iota
	NegSrc
	NegDst
	NegSPort
	NegDPort
	NegIn
	NegOut
	NegICMP
	NegState
	NegMark
	NegConnmark
	NegSYN
)

// matchIface reports whether name matches an iptables interface pattern.
func matchIface(pattern, name string) bool {
	if p, ok := strings.CutSuffix(pattern, "+"); ok {
		return strings.HasPrefix(name, p)
	}
	return pattern == name
}

// ctState returns the conntrack state of a packet as the conntrack match
// sees it.
func ctState(p *Packet) CTState {
	c := p.CT
	switch {
	case c == nil || c == ctInvalid:
		return CTInvalid
	case (p.Proto == protoICMP || p.Proto == protoICMPv6) && icmpIsError(p.Proto, p.ICMP.Type):
		return CTRelated
	case p.CTReply || c.status&stack.IPSSeenReply != 0:
		return CTEstablished
	}
	return CTNew
}

// outIface returns the name of the interface p leaves by ("lo" for a
// local destination, "" when there is no route).
func (h *Host) outIface(p *Packet) string {
	if h.isLocal(p.Dst) {
		return "lo"
	}
	if r, ok := h.route(p.Dst); ok && r.Dev != nil {
		return r.Dev.Name
	}
	return ""
}

// match reports whether p matches every match of r at hook hk.
func (r *Rule) match(h *Host, hk hook, p *Packet) bool {
	neg := func(n Negation, ok bool) bool { return ok != (r.Not&n != 0) }
	if r.HasProto && !neg(NegProto, p.Proto == r.Proto) {
		return false
	}
	if r.Src.IsValid() && !neg(NegSrc, r.Src.Contains(p.Src)) {
		return false
	}
	if r.Dst.IsValid() && !neg(NegDst, r.Dst.Contains(p.Dst)) {
		return false
	}
	if r.SPort.Hi > 0 || r.DPort.Hi > 0 || r.SYN {
		// Port matches never match a non-first fragment.
		if p.FragOff != 0 || p.Proto != protoTCP && p.Proto != protoUDP {
			return false
		}
		if r.SPort.Hi > 0 && !neg(NegSPort, p.SrcPort >= r.SPort.Lo && p.SrcPort <= r.SPort.Hi) {
			return false
		}
		if r.DPort.Hi > 0 && !neg(NegDPort, p.DstPort >= r.DPort.Lo && p.DstPort <= r.DPort.Hi) {
			return false
		}
		if r.SYN && !neg(NegSYN, p.Proto == protoTCP && p.TCP.Flags&(tcpSYN|tcpACK|tcpRST|tcpFIN) == tcpSYN) {
			return false
		}
	}
	if r.HasICMP {
		if p.FragOff != 0 || p.Proto != protoICMP && p.Proto != protoICMPv6 {
			return false
		}
		if !neg(NegICMP, p.ICMP.Type == r.ICMPType && (r.AnyCode || p.ICMP.Code == r.ICMPCode)) {
			return false
		}
	}
	if r.In != "" {
		name := "lo"
		if p.In != nil {
			name = p.In.Name
		}
		if !neg(NegIn, matchIface(r.In, name)) {
			return false
		}
	}
	if r.Out != "" && !neg(NegOut, matchIface(r.Out, h.outIface(p))) {
		return false
	}
	if r.State != 0 && !neg(NegState, ctState(p)&r.State != 0) {
		return false
	}
	if r.HasMark && !neg(NegMark, p.Mark&r.MarkMask == r.Mark) {
		return false
	}
	if r.HasConnmark {
		var m uint32
		if p.CT != nil && p.CT != ctInvalid {
			m = p.CT.mark
		}
		if !neg(NegConnmark, m&r.ConnmarkMask == r.Connmark) {
			return false
		}
	}
	return true
}

// usesConntrack reports whether r needs connection tracking (a state or
// connmark match, a CONNMARK target), as such a rule loads nf_conntrack.
func (r *Rule) usesConntrack() bool {
	return r.State != 0 || r.HasConnmark || r.Target == TargetConnmark
}
