package conntrack

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/stackbox/stackbox/pkg/stack"
)

// JSON (stackbox's --json): one compact object per line, fields in a
// fixed order, the same values the text shows. Field names:
//
//	event, time              events only: "new", "update", "destroy"; RFC 3339
//	family, proto, protonum  "ipv4"/"ipv6", "tcp"..., the number
//	state                    TCP, SCTP or DCCP state name
//	timeout                  seconds left
//	orig, reply              {src, dst, sport, dport | type, code, id |
//	                          srckey, dstkey, zone, packets, bytes}
//	status                   IPS_* flag names ["SEEN_REPLY","ASSURED",...]
//	mark, secmark, secctx, zone, use, id
//	start, stop              RFC 3339 (UTC, nanoseconds), from the table's
//	                         timestamps; delta_time as the text shows it
//	labels                   label names (the bit number for bits without one)
//	helper
//	portid, progname         events a process caused
//
// Expectations: event, time, family, proto, protonum, timeout, tuple,
// mask, master, nat, nat_dir, zone, flags, class, helper, fn, id.

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c == 0x7f:
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return append(b, '"')
}

func appendKey(b []byte, k string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

func appendKeyUint(b []byte, k string, v uint64) []byte {
	return appendUint(appendKey(b, k), v)
}

func appendKeyString(b []byte, k, v string) []byte {
	return appendJSONString(appendKey(b, k), v)
}

func appendJSONTime(b []byte, ns uint64) []byte {
	b = append(b, '"')
	b = time.Unix(0, int64(ns)).UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

func appendTupleJSON(b []byte, fam, proto uint8, t *stack.FlowTuple, c *stack.FlowCounter) []byte {
	b = append(b, '{')
	if fam == afInet || fam == afInet6 {
		b = appendKey(b, "src")
		b = append(b, '"')
		b = appendAddr(b, fam, t.Src)
		b = append(b, '"')
		b = appendKey(b, "dst")
		b = append(b, '"')
		b = appendAddr(b, fam, t.Dst)
		b = append(b, '"')
	}
	switch proto {
	case protoTCP, protoUDP, protoUDPLite, protoSCTP, protoDCCP:
		b = appendKeyUint(b, "sport", uint64(t.SrcPort))
		b = appendKeyUint(b, "dport", uint64(t.DstPort))
	case protoGRE:
		b = appendKeyUint(b, "srckey", uint64(t.SrcPort))
		b = appendKeyUint(b, "dstkey", uint64(t.DstPort))
	case protoICMP, protoICMPv6:
		b = appendKeyUint(b, "type", uint64(t.ICMPType))
		b = appendKeyUint(b, "code", uint64(t.ICMPCode))
		b = appendKeyUint(b, "id", uint64(t.ICMPID))
	}
	if t.HasZone {
		b = appendKeyUint(b, "zone", uint64(t.Zone))
	}
	if c != nil {
		b = appendKeyUint(b, "packets", c.Packets)
		b = appendKeyUint(b, "bytes", c.Bytes)
	}
	return append(b, '}')
}

func appendEventJSON(b []byte, t stack.FlowEventType, ev *stack.FlowEvent) []byte {
	if n := eventName(t); n != "" {
		b = appendKeyString(b, "event", n)
	}
	if ev != nil && !ev.Time.IsZero() {
		b = appendKey(b, "time")
		b = append(b, '"')
		b = ev.Time.UTC().AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
	}
	return b
}

// appendFlowJSON appends f as one JSON object.
func (p *Printer) appendFlowJSON(b []byte, f *stack.Flow, t stack.FlowEventType, _ time.Time, ev *stack.FlowEvent) []byte {
	b = append(b, '{')
	b = appendEventJSON(b, t, ev)
	fam := family(f)
	proto := f.Orig.Proto
	b = appendKeyString(b, "family", FamilyName(fam))
	b = appendKeyString(b, "proto", ProtoName(proto))
	b = appendKeyUint(b, "protonum", uint64(proto))
	if f.Has&stack.FlowHasProtoState != 0 {
		if s := StateName(proto, f.ProtoState); s != "" {
			b = appendKeyString(b, "state", s)
		}
	}
	if f.Has&stack.FlowHasTimeout != 0 {
		b = appendKeyUint(b, "timeout", uint64(f.Timeout))
	}
	hasOrig, hasReply := tuples(f)
	var oc, rc *stack.FlowCounter
	if f.Has&stack.FlowHasCounters != 0 {
		oc, rc = &f.Counters[0], &f.Counters[1]
	}
	if hasOrig {
		b = appendTupleJSON(appendKey(b, "orig"), fam, proto, &f.Orig, oc)
	}
	if hasReply {
		b = appendTupleJSON(appendKey(b, "reply"), fam, tupleProto(&f.Reply, proto), &f.Reply, rc)
	}
	if f.Has&stack.FlowHasStatus != 0 {
		b = appendKey(b, "status")
		b = append(b, '[')
		first := true
		for i := 0; i < 32; i++ {
			if f.Status&(1<<i) == 0 {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			if i < len(statusNames) {
				b = appendJSONString(b, statusNames[i])
			} else {
				b = appendJSONString(b, "BIT"+strconv.Itoa(i))
			}
		}
		b = append(b, ']')
	}
	if f.Has&stack.FlowHasMark != 0 {
		b = appendKeyUint(b, "mark", uint64(f.Mark))
	}
	if f.Has&stack.FlowHasSecmark != 0 {
		b = appendKeyUint(b, "secmark", uint64(f.Secmark))
	}
	if f.Has&stack.FlowHasSecCtx != 0 {
		b = appendKeyString(b, "secctx", f.SecCtx)
	}
	if f.Has&stack.FlowHasZone != 0 {
		b = appendKeyUint(b, "zone", uint64(f.Zone))
	}
	if f.Has&stack.FlowHasUse != 0 {
		b = appendKeyUint(b, "use", uint64(f.Use))
	}
	if f.Has&stack.FlowHasID != 0 {
		b = appendKeyUint(b, "id", uint64(f.ID))
	}
	if f.Has&stack.FlowHasTimestamp != 0 {
		b = appendJSONTime(appendKey(b, "start"), f.Start)
		var stop int64
		if f.Stop != 0 {
			b = appendJSONTime(appendKey(b, "stop"), f.Stop)
			stop = int64(f.Stop / nsPerSec)
		} else {
			stop = p.now().Unix()
		}
		b = appendKeyUint(b, "delta_time", uint64(stop-int64(f.Start/nsPerSec)))
	}
	if f.Has&stack.FlowHasLabels != 0 {
		b = appendKey(b, "labels")
		b = append(b, '[')
		first := true
		for i, by := range f.Labels {
			for j := 0; j < 8; j++ {
				if by&(1<<j) == 0 {
					continue
				}
				if !first {
					b = append(b, ',')
				}
				first = false
				bit := i*8 + j
				if bit < len(p.LabelNames) && p.LabelNames[bit] != "" {
					b = appendJSONString(b, p.LabelNames[bit])
				} else {
					b = append(b, '"')
					b = appendUint(b, uint64(bit))
					b = append(b, '"')
				}
			}
		}
		b = append(b, ']')
	}
	if f.Has&stack.FlowHasHelper != 0 {
		b = appendKeyString(b, "helper", f.Helper)
	}
	if ev != nil && ev.PortID != 0 {
		b = appendKeyUint(b, "portid", uint64(ev.PortID))
		if ev.Program != "" {
			b = appendKeyString(b, "progname", ev.Program)
		}
	}
	return append(b, '}')
}

// appendExpectJSON appends e as one JSON object.
func (p *Printer) appendExpectJSON(b []byte, e *stack.Expectation, t stack.FlowEventType, ev *stack.FlowEvent) []byte {
	b = append(b, '{')
	b = appendEventJSON(b, t, ev)
	fam := expectFamily(e)
	proto := e.Tuple.Proto
	b = appendKeyString(b, "family", FamilyName(fam))
	b = appendKeyString(b, "proto", ProtoName(proto))
	b = appendKeyUint(b, "protonum", uint64(proto))
	if e.Has&stack.ExpectHasTimeout != 0 {
		b = appendKeyUint(b, "timeout", uint64(e.Timeout))
	}
	b = appendTupleJSON(appendKey(b, "tuple"), fam, proto, &e.Tuple, nil)
	b = appendTupleJSON(appendKey(b, "mask"), fam, maskProto(e), &e.Mask, nil)
	b = appendTupleJSON(appendKey(b, "master"), fam, tupleProto(&e.Master, proto), &e.Master, nil)
	if e.HasNAT {
		b = appendTupleJSON(appendKey(b, "nat"), fam, tupleProto(&e.NAT, proto), &e.NAT, nil)
		b = appendKeyUint(b, "nat_dir", uint64(e.NATDir))
	}
	if e.Has&stack.ExpectHasZone != 0 {
		b = appendKeyUint(b, "zone", uint64(e.Zone))
	}
	b = appendKey(b, "flags")
	b = append(b, '[')
	sep := ""
	for _, fl := range [...]struct {
		bit  uint32
		name string
	}{{expectPermanent, "PERMANENT"}, {expectInactive, "INACTIVE"}, {expectUserspace, "USERSPACE"}} {
		if e.Flags&fl.bit != 0 {
			b = append(b, sep...)
			b = appendJSONString(b, fl.name)
			sep = ","
		}
	}
	b = append(b, ']')
	if e.Has&stack.ExpectHasClass != 0 {
		b = appendKeyUint(b, "class", uint64(e.Class))
	}
	if e.Has&stack.ExpectHasHelper != 0 {
		b = appendKeyString(b, "helper", e.Helper)
	}
	if e.Has&stack.ExpectHasFn != 0 {
		b = appendKeyString(b, "fn", e.Fn)
	}
	if e.Has&stack.ExpectHasID != 0 {
		b = appendKeyUint(b, "id", uint64(e.ID))
	}
	return append(b, '}')
}
