package conntrack

import (
	"time"

	"github.com/stackbox/stackbox/pkg/stack"
)

// appendXMLAddrs appends <src>..</src><dst>..</dst> for a tuple.
func appendXMLAddrs(b []byte, fam uint8, t *stack.FlowTuple) []byte {
	b = append(b, "<src>"...)
	if fam == afInet || fam == afInet6 {
		b = appendAddr(b, fam, t.Src)
	}
	b = append(b, "</src><dst>"...)
	if fam == afInet || fam == afInet6 {
		b = appendAddr(b, fam, t.Dst)
	}
	return append(b, "</dst>"...)
}

// appendXMLPorts appends the layer 4 elements of a tuple (ports or GRE
// keys; nothing for ICMP and unknown protocols).
func appendXMLPorts(b []byte, proto uint8, t *stack.FlowTuple) []byte {
	switch proto {
	case protoTCP, protoUDP, protoUDPLite, protoSCTP, protoDCCP:
		b = append(b, "<sport>"...)
		b = appendUint(b, uint64(t.SrcPort))
		b = append(b, "</sport><dport>"...)
		b = appendUint(b, uint64(t.DstPort))
		b = append(b, "</dport>"...)
	case protoGRE:
		b = append(b, "<srckey>0x"...)
		b = appendHex(b, uint64(t.SrcPort))
		b = append(b, "</srckey><dstkey>0x"...)
		b = appendHex(b, uint64(t.DstPort))
		b = append(b, "</dstkey>"...)
	}
	return b
}

func appendLayer3Open(b []byte, fam uint8) []byte {
	b = append(b, `<layer3 protonum="`...)
	b = appendUint(b, uint64(fam))
	b = append(b, `" protoname="`...)
	b = append(b, FamilyName(fam)...)
	return append(b, `">`...)
}

func appendLayer4Open(b []byte, proto uint8) []byte {
	b = append(b, `<layer4 protonum="`...)
	b = appendUint(b, uint64(proto))
	b = append(b, `" protoname="`...)
	b = append(b, ProtoName(proto)...)
	return append(b, `">`...)
}

func appendFlowOpen(b []byte, t stack.FlowEventType) []byte {
	if n := eventName(t); n != "" {
		b = append(b, `<flow type="`...)
		b = append(b, n...)
		return append(b, `">`...)
	}
	return append(b, "<flow>"...)
}

func appendXMLTuple(b []byte, f *stack.Flow, dir int, fam uint8, t *stack.FlowTuple, proto uint8) []byte {
	if dir == 0 {
		b = append(b, `<meta direction="original">`...)
	} else {
		b = append(b, `<meta direction="reply">`...)
	}
	b = appendLayer3Open(b, fam)
	b = appendXMLAddrs(b, fam, t)
	b = append(b, "</layer3>"...)
	b = appendLayer4Open(b, proto)
	b = appendXMLPorts(b, proto, t)
	b = append(b, "</layer4>"...)
	if t.HasZone {
		b = appendXMLUint(b, "zone", uint64(t.Zone))
	}
	if f.Has&stack.FlowHasCounters != 0 {
		b = append(b, "<counters><packets>"...)
		b = appendUint(b, f.Counters[dir].Packets)
		b = append(b, "</packets><bytes>"...)
		b = appendUint(b, f.Counters[dir].Bytes)
		b = append(b, "</bytes></counters>"...)
	}
	return append(b, "</meta>"...)
}

// xmlIndependent are the parts that open <meta direction="independent">.
const xmlIndependent = stack.FlowHasProtoState | stack.FlowHasTimeout | stack.FlowHasMark |
	stack.FlowHasSecmark | stack.FlowHasZone | stack.FlowHasUse | stack.FlowHasStatus |
	stack.FlowHasID | stack.FlowHasTimestamp

// appendFlowXML appends f in libnetfilter_conntrack's XML format (one
// <flow> element). when is the time <when> shows, with timed.
func (p *Printer) appendFlowXML(b []byte, f *stack.Flow, t stack.FlowEventType, timed bool, when time.Time) []byte {
	b = appendFlowOpen(b, t)
	fam := family(f)
	proto := f.Orig.Proto
	hasOrig, hasReply := tuples(f)
	if hasOrig {
		b = appendXMLTuple(b, f, 0, fam, &f.Orig, proto)
	}
	if hasReply {
		b = appendXMLTuple(b, f, 1, fam, &f.Reply, tupleProto(&f.Reply, proto))
	}
	indep := f.Has&xmlIndependent != 0
	if indep {
		b = append(b, `<meta direction="independent">`...)
	}
	if f.Has&stack.FlowHasProtoState != 0 {
		if s, ok := xmlState(proto, f.ProtoState); ok {
			b = appendXMLText(b, "state", s)
		}
	}
	if f.Has&stack.FlowHasTimeout != 0 {
		b = appendXMLUint(b, "timeout", uint64(f.Timeout))
	}
	if f.Has&stack.FlowHasMark != 0 {
		b = appendXMLUint(b, "mark", uint64(f.Mark))
	}
	if p.showLabels() && f.Has&stack.FlowHasLabels != 0 {
		b = append(b, "<labels>"...)
		b = p.appendLabelNames(b, f.Labels, "<label>", "</label>")
		b = append(b, "</labels>"...)
	}
	if f.Has&stack.FlowHasSecmark != 0 {
		b = appendXMLUint(b, "secmark", uint64(f.Secmark))
	}
	if f.Has&stack.FlowHasSecCtx != 0 {
		b = appendXMLText(b, "secctx", f.SecCtx)
	}
	if f.Has&stack.FlowHasZone != 0 {
		b = appendXMLUint(b, "zone", uint64(f.Zone))
	}
	if f.Has&stack.FlowHasUse != 0 {
		b = appendXMLUint(b, "use", uint64(f.Use))
	}
	if f.Has&stack.FlowHasID != 0 {
		b = appendXMLUint(b, "id", uint64(f.ID))
	}
	if f.Has&stack.FlowHasStatus != 0 {
		if f.Status&stack.IPSAssured != 0 {
			b = append(b, "<assured/>"...)
		}
		if f.Status&stack.IPSSeenReply == 0 {
			b = append(b, "<unreplied/>"...)
		}
	}
	if f.Has&stack.FlowHasTimestamp != 0 {
		if p.Output&KTimestamp != 0 {
			b = append(b, "<timestamp><start>"...)
			b = appendUint(b, f.Start)
			b = append(b, "</start>"...)
			if f.Stop != 0 {
				b = appendXMLUint(b, "stop", f.Stop)
			}
			b = append(b, "</timestamp>"...)
		}
		var delta uint64
		if f.Stop != 0 {
			delta = (f.Stop - f.Start) / nsPerSec
		} else {
			delta = uint64(p.now().Unix() - int64(f.Start/nsPerSec))
		}
		b = appendXMLUint(b, "deltatime", delta)
	}
	if indep {
		b = append(b, "</meta>"...)
	}
	if timed {
		b = p.appendWhen(b, when)
	}
	if f.Has&stack.FlowHasHelper != 0 {
		b = appendXMLText(b, "helper", f.Helper)
	}
	return append(b, "</flow>"...)
}

// appendWhen appends the <when> element (local time, -o xml,timestamp).
func (p *Printer) appendWhen(b []byte, when time.Time) []byte {
	if when.IsZero() {
		when = p.now()
	}
	loc := p.Location
	if loc == nil {
		loc = time.Local
	}
	tm := when.In(loc)
	b = append(b, "<when><hour>"...)
	b = appendUint(b, uint64(tm.Hour()))
	b = append(b, "</hour><min>"...)
	b = appendZeroPad(b, int64(tm.Minute()), 2)
	b = append(b, "</min><sec>"...)
	b = appendZeroPad(b, int64(tm.Second()), 2)
	b = append(b, "</sec><wday>"...)
	b = appendUint(b, uint64(tm.Weekday())+1)
	b = append(b, "</wday><day>"...)
	b = appendUint(b, uint64(tm.Day()))
	b = append(b, "</day><month>"...)
	b = appendUint(b, uint64(tm.Month()))
	b = append(b, "</month><year>"...)
	b = appendZeroPad(b, int64(tm.Year()), 1)
	return append(b, "</year></when>"...)
}

// appendExpectXML appends e in libnetfilter_conntrack's expectation XML
// format.
func (p *Printer) appendExpectXML(b []byte, e *stack.Expectation, t stack.FlowEventType, timed bool, when time.Time) []byte {
	b = appendFlowOpen(b, t)
	fam := expectFamily(e)
	proto := e.Tuple.Proto
	b = appendLayer3Open(b, fam)
	b = append(b, "<expected>"...)
	b = appendXMLAddrs(b, fam, &e.Tuple)
	b = append(b, "</expected><mask>"...)
	b = appendXMLAddrs(b, fam, &e.Mask)
	b = append(b, "</mask><master>"...)
	b = appendXMLAddrs(b, fam, &e.Master)
	b = append(b, "</master></layer3>"...)
	b = appendLayer4Open(b, proto)
	b = append(b, "<expected>"...)
	b = appendXMLPorts(b, proto, &e.Tuple)
	b = append(b, "</expected><mask>"...)
	b = appendXMLPorts(b, maskProto(e), &e.Mask)
	b = append(b, "</mask><master>"...)
	b = appendXMLPorts(b, tupleProto(&e.Master, proto), &e.Master)
	b = append(b, "</master></layer4><meta>"...)
	if e.Has&stack.ExpectHasHelper != 0 {
		b = appendXMLText(b, "helper-name", e.Helper)
	}
	if e.Has&stack.ExpectHasTimeout != 0 {
		b = appendXMLUint(b, "timeout", uint64(e.Timeout))
	}
	if e.Has&stack.ExpectHasClass != 0 {
		b = appendXMLUint(b, "class", uint64(e.Class))
	}
	if e.Has&stack.ExpectHasZone != 0 {
		b = appendXMLUint(b, "zone", uint64(e.Zone))
	}
	if timed {
		b = p.appendWhen(b, when)
	}
	if e.Flags&expectPermanent != 0 {
		b = append(b, "<permanent/>"...)
	}
	if e.Flags&expectInactive != 0 {
		b = append(b, "<inactive/>"...)
	}
	if e.Flags&expectUserspace != 0 {
		b = append(b, "<userspace/>"...)
	}
	return append(b, "</meta></flow>"...)
}

func appendHex(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	var tmp [16]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = digits[v&15]
		v >>= 4
		if v == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// appendXMLUint appends <tag>v</tag>.
func appendXMLUint(b []byte, tag string, v uint64) []byte {
	b = appendXMLOpen(b, tag)
	b = appendUint(b, v)
	return appendXMLClose(b, tag)
}

// appendXMLText appends <tag>text</tag> (conntrack escapes nothing).
func appendXMLText(b []byte, tag, text string) []byte {
	b = appendXMLOpen(b, tag)
	b = append(b, text...)
	return appendXMLClose(b, tag)
}

func appendXMLOpen(b []byte, tag string) []byte {
	b = append(b, '<')
	b = append(b, tag...)
	return append(b, '>')
}

func appendXMLClose(b []byte, tag string) []byte {
	b = append(b, "</"...)
	b = append(b, tag...)
	return append(b, '>')
}
