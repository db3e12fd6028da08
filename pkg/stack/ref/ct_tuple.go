package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack"
)

// ctTuple is one direction of a tracked flow (nf_conntrack_tuple): the
// addresses, the protocol and its two 16-bit fields. For TCP and UDP they
// are the ports; for ICMP sport is the echo ID and dport the type and
// code (type<<8 | code), as Linux keeps them.
type ctTuple struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
}

// invert returns the tuple of the other direction. ok is false for an
// ICMP type that has no reply type.
func (t ctTuple) invert() (r ctTuple, ok bool) {
	r = ctTuple{src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport}
	switch t.proto {
	case protoICMP, protoICMPv6:
		typ, code := uint8(t.dport>>8), uint8(t.dport)
		inv, ok := icmpInverse(t.proto, typ)
		if !ok {
			return r, false
		}
		r.sport, r.dport = t.sport, uint16(inv)<<8|uint16(code)
	}
	return r, true
}

// icmpInverse is the reply type of an ICMP query type (invmap in
// nf_conntrack_proto_icmp.c and icmpv6).
func icmpInverse(proto, typ uint8) (uint8, bool) {
	if proto == protoICMP {
		switch typ {
		case 8, 0: // echo, echo reply
			return 8 - typ, true
		case 13, 14: // timestamp
			return 27 - typ, true
		case 15, 16: // information
			return 31 - typ, true
		case 17, 18: // address mask
			return 35 - typ, true
		}
		return 0, false
	}
	switch typ {
	case 128, 129: // echo
		return uint8(257 - int(typ)), true
	case 139, 140: // node information
		return uint8(279 - int(typ)), true
	}
	return 0, false
}

// icmpNewOK reports whether an ICMP type may start a new entry (the query
// types; valid_new in the kernel).
func icmpNewOK(proto, typ uint8) bool {
	if proto == protoICMP {
		return typ == 8 || typ == 13 || typ == 15 || typ == 17
	}
	return typ == 128 || typ == 139
}

// icmpIsError reports whether an ICMP type is an error (one that quotes
// the packet that caused it).
func icmpIsError(proto, typ uint8) bool {
	if proto == protoICMP {
		switch typ {
		case 3, 4, 5, 11, 12:
			return true
		}
		return false
	}
	return typ < 128
}

// tupleOf returns the tuple of a packet as sent.
func tupleOf(p *Packet) ctTuple {
	t := ctTuple{src: p.Src, dst: p.Dst, proto: p.Proto}
	switch p.Proto {
	case protoTCP, protoUDP:
		t.sport, t.dport = p.SrcPort, p.DstPort
	case protoICMP, protoICMPv6:
		t.sport, t.dport = p.ICMP.ID, uint16(p.ICMP.Type)<<8|uint16(p.ICMP.Code)
	}
	return t
}

// flowTuple converts t to the seam's form.
func (t *ctTuple) flowTuple() stack.FlowTuple {
	ft := stack.FlowTuple{Src: t.src, Dst: t.dst, Proto: t.proto}
	switch t.proto {
	case protoICMP, protoICMPv6:
		ft.ICMPID, ft.ICMPType, ft.ICMPCode = t.sport, uint8(t.dport>>8), uint8(t.dport)
	default:
		ft.SrcPort, ft.DstPort = t.sport, t.dport
	}
	return ft
}

// ctTupleFrom converts a seam tuple to the table's form.
func ctTupleFrom(ft *stack.FlowTuple) ctTuple {
	t := ctTuple{src: ft.Src.Unmap(), dst: ft.Dst.Unmap(), proto: ft.Proto}
	switch ft.Proto {
	case protoICMP, protoICMPv6:
		t.sport, t.dport = ft.ICMPID, uint16(ft.ICMPType)<<8|uint16(ft.ICMPCode)
	default:
		t.sport, t.dport = ft.SrcPort, ft.DstPort
	}
	return t
}

// hash is a deterministic hash of t (FNV-1a over its fields), used to pick
// the CPU an entry's statistics count on.
func (t *ctTuple) hash() uint64 {
	h := uint64(14695981039346656037)
	mix := func(b byte) { h = (h ^ uint64(b)) * 1099511628211 }
	for _, a := range [2]netip.Addr{t.src, t.dst} {
		b := a.As16()
		for _, x := range b {
			mix(x)
		}
	}
	mix(byte(t.sport >> 8))
	mix(byte(t.sport))
	mix(byte(t.dport >> 8))
	mix(byte(t.dport))
	mix(t.proto)
	return h
}
