package conntrack

import (
	"io"
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

var saveStatus = []struct {
	bit  uint32
	name string
}{{stack.IPSExpected, "EXPECTED"}, {stack.IPSSeenReply, "SEEN_REPLY"}, {stack.IPSAssured, "ASSURED"}, {stack.IPSFixedTimeout, "FIXED_TIMEOUT"}}

var saveProto = map[uint8]string{6: "tcp", 17: "udp", 136: "udplite", 132: "sctp", 33: "dccp", 1: "icmp", 58: "icmpv6", 47: "gre"}

// writeSave prints f as -o save does: a command line that recreates it.
func writeSave(w io.Writer, f *stack.Flow, verb string) error {
	b := append([]byte(verb), ' ')
	if f.Has&stack.FlowHasTimeout != 0 {
		b = append(b, "-t "...)
		b = strconv.AppendUint(b, uint64(f.Timeout), 10)
		b = append(b, ' ')
	}
	if f.Has&stack.FlowHasStatus != 0 {
		b = append(b, "-u "...)
		n := 0
		for _, s := range saveStatus {
			if f.Status&s.bit != 0 {
				if n > 0 {
					b = append(b, ',')
				}
				b = append(b, s.name...)
				n++
			}
		}
		if n == 0 {
			b = append(b, "UNSET"...)
		}
		b = append(b, ' ')
	}
	if f.Has&stack.FlowHasSecmark != 0 {
		b = append(b, "-c "...)
		b = strconv.AppendUint(b, uint64(f.Secmark), 10)
		b = append(b, ' ')
	}
	if f.Has&stack.FlowHasZone != 0 {
		b = append(b, "-w "...)
		b = strconv.AppendUint(b, uint64(f.Zone), 10)
		b = append(b, ' ')
	}
	if f.Orig.HasZone {
		b = append(b, "--orig-zone "...)
		b = strconv.AppendUint(b, uint64(f.Orig.Zone), 10)
		b = append(b, ' ')
	}
	if f.Reply.HasZone {
		b = append(b, "--reply-zone "...)
		b = strconv.AppendUint(b, uint64(f.Reply.Zone), 10)
		b = append(b, ' ')
	}
	rs, rq := "-r ", "-q "
	if isDNAT(f) {
		rs = "-g "
	}
	if isSNAT(f) {
		rq = "-n "
	}
	for _, a := range []struct {
		tag string
		v   string
	}{{"-s ", f.Orig.Src.String()}, {"-d ", f.Orig.Dst.String()}, {rs, f.Reply.Src.String()}, {rq, f.Reply.Dst.String()}} {
		b = append(b, a.tag...)
		b = append(b, a.v...)
		b = append(b, ' ')
	}
	p := f.Orig.Proto
	name, ok := saveProto[p]
	b = append(b, "-p "...)
	if !ok {
		b = strconv.AppendUint(b, uint64(p), 10)
	} else {
		b = append(b, name...)
		num := func(tag string, v uint64) {
			b = append(b, ' ')
			b = append(b, tag...)
			b = append(b, ' ')
			b = strconv.AppendUint(b, v, 10)
		}
		switch p {
		case 1, 58:
			pre := "--icmp"
			if p == 58 {
				pre = "--icmpv6"
			}
			num(pre+"-type", uint64(f.Orig.ICMPType))
			num(pre+"-code", uint64(f.Orig.ICMPCode))
			num(pre+"-id", uint64(f.Orig.ICMPID))
		case 47:
			num("--srckey", uint64(f.Orig.SrcPort))
			num("--dstkey", uint64(f.Orig.DstPort))
			num("--reply-key-src", uint64(f.Reply.SrcPort))
			num("--reply-key-dst", uint64(f.Reply.DstPort))
		default:
			num("--sport", uint64(f.Orig.SrcPort))
			num("--dport", uint64(f.Orig.DstPort))
			num("--reply-port-src", uint64(f.Reply.SrcPort))
			num("--reply-port-dst", uint64(f.Reply.DstPort))
			if p == 6 && f.Has&stack.FlowHasProtoState != 0 && int(f.ProtoState) < len(tcpStates) {
				b = append(b, " --state "...)
				b = append(b, tcpStates[f.ProtoState]...)
			}
		}
	}
	b = append(b, '\n')
	_, err := w.Write(b)
	return err
}
