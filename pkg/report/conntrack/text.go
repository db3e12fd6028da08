package conntrack

import (
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

func appendUint(b []byte, v uint64) []byte { return strconv.AppendUint(b, v, 10) }

// tuples reports which tuples f has: those its Has bits name, or both
// when it names neither (a Flow built by hand).
func tuples(f *stack.Flow) (orig, reply bool) {
	if f.Has&(stack.FlowHasOrig|stack.FlowHasReply) == 0 {
		return true, true
	}
	return f.Has&stack.FlowHasOrig != 0, f.Has&stack.FlowHasReply != 0
}

// family returns f's address family, from its addresses when unset.
func family(f *stack.Flow) uint8 {
	if f.Family != 0 {
		return f.Family
	}
	return addrFamily(f.Orig)
}

func addrFamily(t stack.FlowTuple) uint8 {
	switch {
	case t.Src.Is4() || t.Src.Is4In6():
		return afInet
	case t.Src.Is6():
		return afInet6
	}
	return 0
}

// tupleProto returns t's layer 4 protocol, or fallback when unset.
func tupleProto(t *stack.FlowTuple, fallback uint8) uint8 {
	if t.Proto != 0 {
		return t.Proto
	}
	return fallback
}

// appendTupleText appends a tuple's addresses and layer 4 part, each
// field followed by a space.
func appendTupleText(b []byte, fam, proto uint8, t *stack.FlowTuple, srcTag, dstTag string) []byte {
	if fam == afInet || fam == afInet6 {
		b = append(b, srcTag...)
		b = append(b, '=')
		b = appendAddr(b, fam, t.Src)
		b = append(b, ' ')
		b = append(b, dstTag...)
		b = append(b, '=')
		b = appendAddr(b, fam, t.Dst)
		b = append(b, ' ')
	}
	return appendL4Text(b, proto, t)
}

func appendL4Text(b []byte, proto uint8, t *stack.FlowTuple) []byte {
	switch proto {
	case protoTCP, protoUDP, protoUDPLite, protoSCTP, protoDCCP:
		b = append(b, "sport="...)
		b = appendUint(b, uint64(t.SrcPort))
		b = append(b, " dport="...)
		b = appendUint(b, uint64(t.DstPort))
		b = append(b, ' ')
	case protoGRE:
		b = append(b, "srckey=0x"...)
		b = appendHex(b, uint64(t.SrcPort))
		b = append(b, " dstkey=0x"...)
		b = appendHex(b, uint64(t.DstPort))
		b = append(b, ' ')
	case protoICMP, protoICMPv6:
		b = append(b, "type="...)
		b = appendUint(b, uint64(t.ICMPType))
		b = append(b, " code="...)
		b = appendUint(b, uint64(t.ICMPCode))
		b = append(b, " id="...)
		b = appendUint(b, uint64(t.ICMPID))
		b = append(b, ' ')
	}
	return b
}

func appendCounters(b []byte, c *stack.FlowCounter) []byte {
	b = append(b, "packets="...)
	b = appendUint(b, c.Packets)
	b = append(b, " bytes="...)
	b = appendUint(b, c.Bytes)
	return append(b, ' ')
}

// appendEventPrefix appends the "%9s " event type column.
func appendEventPrefix(b []byte, t stack.FlowEventType) []byte {
	switch t {
	case stack.FlowEventNew:
		b = append(b, "    [NEW] "...)
	case stack.FlowEventUpdate:
		b = append(b, " [UPDATE] "...)
	case stack.FlowEventDestroy:
		b = append(b, "[DESTROY] "...)
	}
	return b
}

const nsPerSec = 1e9

// appendFlowText appends f in libnetfilter_conntrack's default format
// (nfct_snprintf_labels with NFCT_O_DEFAULT), without a newline.
func (p *Printer) appendFlowText(b []byte, f *stack.Flow, t stack.FlowEventType) []byte {
	start := len(b)
	b = appendEventPrefix(b, t)
	fam := family(f)
	proto := f.Orig.Proto
	if p.Output&Extended != 0 {
		b = appendPadRight(b, FamilyName(fam), 8)
		b = append(b, ' ')
		b = appendUint(b, uint64(fam))
		b = append(b, ' ')
	}
	b = appendPadRight(b, ProtoName(proto), 8)
	b = append(b, ' ')
	b = appendUint(b, uint64(proto))
	b = append(b, ' ')
	if f.Has&stack.FlowHasTimeout != 0 {
		b = appendUint(b, uint64(f.Timeout))
		b = append(b, ' ')
	}
	if f.Has&stack.FlowHasProtoState != 0 {
		if s, ok := textState(proto, f.ProtoState); ok {
			b = append(b, s...)
			b = append(b, ' ')
		}
	}
	hasOrig, hasReply := tuples(f)
	if hasOrig {
		b = appendTupleText(b, fam, proto, &f.Orig, "src", "dst")
		if f.Orig.HasZone {
			b = append(b, "zone-orig="...)
			b = appendUint(b, uint64(f.Orig.Zone))
			b = append(b, ' ')
		}
	}
	if f.Has&stack.FlowHasCounters != 0 {
		b = appendCounters(b, &f.Counters[0])
	}
	status := f.Has&stack.FlowHasStatus != 0
	if status && f.Status&stack.IPSSeenReply == 0 {
		b = append(b, "[UNREPLIED] "...)
	}
	if hasReply {
		b = appendTupleText(b, fam, tupleProto(&f.Reply, proto), &f.Reply, "src", "dst")
		if f.Reply.HasZone {
			b = append(b, "zone-reply="...)
			b = appendUint(b, uint64(f.Reply.Zone))
			b = append(b, ' ')
		}
	}
	if f.Has&stack.FlowHasCounters != 0 {
		b = appendCounters(b, &f.Counters[1])
	}
	if status {
		switch {
		case f.Status&stack.IPSHWOffload != 0:
			b = append(b, "[HW_OFFLOAD] "...)
		case f.Status&stack.IPSOffload != 0:
			b = append(b, "[OFFLOAD] "...)
		case f.Status&stack.IPSAssured != 0:
			b = append(b, "[ASSURED] "...)
		}
	}
	if f.Has&stack.FlowHasMark != 0 {
		b = append(b, "mark="...)
		b = appendUint(b, uint64(f.Mark))
		b = append(b, ' ')
	}
	if f.Has&stack.FlowHasSecmark != 0 {
		b = append(b, "secmark="...)
		b = appendUint(b, uint64(f.Secmark))
		b = append(b, ' ')
	}
	if f.Has&stack.FlowHasSecCtx != 0 {
		b = append(b, "secctx="...)
		b = append(b, f.SecCtx...)
		b = append(b, ' ')
	}
	if f.Has&stack.FlowHasZone != 0 {
		b = append(b, "zone="...)
		b = appendUint(b, uint64(f.Zone))
		b = append(b, ' ')
	}
	if f.Has&stack.FlowHasTimestamp != 0 {
		// delta-time: whole seconds of stop (or now) less whole
		// seconds of start, printed unsigned.
		var stop int64
		if f.Stop == 0 {
			stop = p.now().Unix()
		} else {
			stop = int64(f.Stop / nsPerSec)
		}
		b = append(b, "delta-time="...)
		b = appendUint(b, uint64(stop-int64(f.Start/nsPerSec)))
		b = append(b, ' ')
		if p.Output&KTimestamp != 0 {
			b = append(b, "[start="...)
			b = appendCtime(b, int64(f.Start/nsPerSec), p.Location)
			b = append(b, "] "...)
			if f.Stop != 0 {
				b = append(b, "[stop="...)
				b = appendCtime(b, int64(f.Stop/nsPerSec), p.Location)
				b = append(b, "] "...)
			}
		}
	}
	if f.Has&stack.FlowHasHelper != 0 {
		b = append(b, "helper="...)
		b = append(b, f.Helper...)
		b = append(b, ' ')
	}
	if f.Has&stack.FlowHasUse != 0 {
		b = append(b, "use="...)
		b = appendUint(b, uint64(f.Use))
		b = append(b, ' ')
	}
	if p.Output&ShowID != 0 && f.Has&stack.FlowHasID != 0 {
		b = append(b, "id="...)
		b = appendUint(b, uint64(f.ID))
		b = append(b, ' ')
	}
	if p.showLabels() && f.Has&stack.FlowHasLabels != 0 {
		b = append(b, "labels="...)
		b = p.appendLabelNames(b, f.Labels, "", ",")
		// libnetfilter_conntrack drops the last character (the last
		// comma, or the '=' when no bit has a name) and adds a space.
		b = append(b[:len(b)-1], ' ')
	}
	// Delete the last blank space.
	if len(b) > start && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

func (p *Printer) showLabels() bool {
	return p.Output&Labels != 0 && p.LabelNames != nil
}

// appendLabelNames appends pre+name+post for every bit set in labels
// that has a non-empty name.
func (p *Printer) appendLabelNames(b []byte, labels []byte, pre, post string) []byte {
	for i, by := range labels {
		if by == 0 {
			continue
		}
		for j := 0; j < 8; j++ {
			if by&(1<<j) == 0 {
				continue
			}
			bit := i*8 + j
			if bit < len(p.LabelNames) && p.LabelNames[bit] != "" {
				b = append(b, pre...)
				b = append(b, p.LabelNames[bit]...)
				b = append(b, post...)
			}
		}
	}
	return b
}

// maskProto is the layer 4 protocol of an expectation's mask tuple.
func maskProto(e *stack.Expectation) uint8 { return tupleProto(&e.Mask, e.Tuple.Proto) }

func expectFamily(e *stack.Expectation) uint8 {
	if e.Family != 0 {
		return e.Family
	}
	return addrFamily(e.Tuple)
}

// appendExpectText appends e in libnetfilter_conntrack's default
// expectation format, without a newline.
func appendExpectText(b []byte, e *stack.Expectation, t stack.FlowEventType) []byte {
	start := len(b)
	b = appendEventPrefix(b, t)
	fam := expectFamily(e)
	proto := e.Tuple.Proto
	if e.Has&stack.ExpectHasTimeout != 0 {
		b = appendUint(b, uint64(e.Timeout))
		b = append(b, ' ')
	}
	b = append(b, "proto="...)
	b = appendUint(b, uint64(proto))
	b = append(b, ' ')
	b = appendTupleText(b, fam, proto, &e.Tuple, "src", "dst")
	b = appendTupleText(b, fam, maskProto(e), &e.Mask, "mask-src", "mask-dst")
	b = appendTupleText(b, fam, tupleProto(&e.Master, proto), &e.Master, "master-src", "master-dst")
	if e.Has&stack.ExpectHasZone != 0 {
		b = append(b, "zone="...)
		b = appendUint(b, uint64(e.Zone))
		b = append(b, ' ')
	}
	delim := ""
	if e.Flags&expectPermanent != 0 {
		b = append(b, "PERMANENT"...)
		delim = ","
	}
	if e.Flags&expectInactive != 0 {
		b = append(b, delim...)
		b = append(b, "INACTIVE"...)
		delim = ","
	}
	if e.Flags&expectUserspace != 0 {
		b = append(b, delim...)
		b = append(b, "USERSPACE"...)
	}
	if e.Flags != 0 {
		b = append(b, ' ')
	}
	if e.Has&stack.ExpectHasClass != 0 {
		b = append(b, "class="...)
		b = appendUint(b, uint64(e.Class))
		b = append(b, ' ')
	}
	if e.Has&stack.ExpectHasHelper != 0 {
		b = append(b, "helper="...)
		b = append(b, e.Helper...)
	}
	if len(b) > start && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}
