package conntrack

import (
	"encoding/xml"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/stackbox/stackbox/pkg/stack"
)

// This file turns conntrack's own -o xml output back into stack.Flow
// values, so that tests can drive the renderer with what the real tool
// listed and compare with the real tool's text (the XML lacks the ICMP
// type, code and id: fillICMP takes them from the text, by flow id).

type xDoc struct {
	Flows []xFlow `xml:"flow"`
}

type xFlow struct {
	Type   string  `xml:"type,attr"`
	Metas  []xMeta `xml:"meta"`
	Helper *string `xml:"helper"`
}

type xMeta struct {
	Direction string     `xml:"direction,attr"`
	L3        xL3        `xml:"layer3"`
	L4        xL4        `xml:"layer4"`
	Zone      *uint16    `xml:"zone"`
	Counters  *xCounters `xml:"counters"`
	State     *string    `xml:"state"`
	Timeout   *uint32    `xml:"timeout"`
	Mark      *uint32    `xml:"mark"`
	Secmark   *uint32    `xml:"secmark"`
	Secctx    *string    `xml:"secctx"`
	Use       *uint32    `xml:"use"`
	ID        *uint32    `xml:"id"`
	Assured   *struct{}  `xml:"assured"`
	Unreplied *struct{}  `xml:"unreplied"`
	Timestamp *struct {
		Start *uint64 `xml:"start"`
		Stop  *uint64 `xml:"stop"`
	} `xml:"timestamp"`
	Labels *struct {
		Label []string `xml:"label"`
	} `xml:"labels"`
}

type xL3 struct {
	Protonum uint8  `xml:"protonum,attr"`
	Src      string `xml:"src"`
	Dst      string `xml:"dst"`
}

type xL4 struct {
	Protonum uint8   `xml:"protonum,attr"`
	Sport    *uint16 `xml:"sport"`
	Dport    *uint16 `xml:"dport"`
	Srckey   *string `xml:"srckey"`
	Dstkey   *string `xml:"dstkey"`
}

type xCounters struct {
	Packets uint64 `xml:"packets"`
	Bytes   uint64 `xml:"bytes"`
}

// parseXMLFlows parses conntrack -o xml output (with ktimestamp for the
// start times). labelBits maps label names back to bits.
func parseXMLFlows(doc string, labelBits map[string]int) ([]stack.Flow, error) {
	// Events carry a " [USERSPACE] ..." tail after the element: cut it.
	var lines []string
	for _, l := range strings.Split(doc, "\n") {
		if i := strings.Index(l, "</flow> [USERSPACE]"); i >= 0 {
			l = l[:i+len("</flow>")]
		}
		lines = append(lines, l)
	}
	var d xDoc
	if err := xml.Unmarshal([]byte(strings.Join(lines, "\n")), &d); err != nil {
		return nil, err
	}
	var out []stack.Flow
	for _, xf := range d.Flows {
		var f stack.Flow
		for _, m := range xf.Metas {
			switch m.Direction {
			case "original", "reply":
				t, err := xTuple(&m)
				if err != nil {
					return nil, err
				}
				f.Family = m.L3.Protonum
				if m.Direction == "original" {
					f.Orig = t
					f.Has |= stack.FlowHasOrig
				} else {
					f.Reply = t
					f.Has |= stack.FlowHasReply
				}
				if m.Counters != nil {
					f.Has |= stack.FlowHasCounters
					i := 0
					if m.Direction == "reply" {
						i = 1
					}
					f.Counters[i] = stack.FlowCounter{Packets: m.Counters.Packets, Bytes: m.Counters.Bytes}
				}
			case "independent":
				if m.State != nil {
					// The XML names every state from the TCP table,
					// so the index is the state number.
					n := -1
					for i, s := range tcpStates {
						if s == *m.State {
							n = i
						}
					}
					if n < 0 {
						return nil, fmt.Errorf("unknown state %q", *m.State)
					}
					f.ProtoState = uint8(n)
					f.Has |= stack.FlowHasProtoState
				}
				setU32(&f, m.Timeout, &f.Timeout, stack.FlowHasTimeout)
				setU32(&f, m.Mark, &f.Mark, stack.FlowHasMark)
				setU32(&f, m.Secmark, &f.Secmark, stack.FlowHasSecmark)
				setU32(&f, m.Use, &f.Use, stack.FlowHasUse)
				setU32(&f, m.ID, &f.ID, stack.FlowHasID)
				if m.Secctx != nil {
					f.SecCtx = *m.Secctx
					f.Has |= stack.FlowHasSecCtx
				}
				if m.Zone != nil {
					f.Zone = *m.Zone
					f.Has |= stack.FlowHasZone
				}
				// The kernel always sends the status; XML shows two bits.
				f.Has |= stack.FlowHasStatus
				f.Status = stack.IPSConfirmed
				if m.Unreplied == nil {
					f.Status |= stack.IPSSeenReply
				}
				if m.Assured != nil {
					f.Status |= stack.IPSAssured
				}
				if m.Timestamp != nil && m.Timestamp.Start != nil {
					f.Has |= stack.FlowHasTimestamp
					f.Start = *m.Timestamp.Start
					if m.Timestamp.Stop != nil {
						f.Stop = *m.Timestamp.Stop
					}
				}
				if m.Labels != nil {
					for _, name := range m.Labels.Label {
						bit, ok := labelBits[name]
						if !ok {
							return nil, fmt.Errorf("unknown label %q", name)
						}
						for len(f.Labels) <= bit/8 {
							f.Labels = append(f.Labels, 0)
						}
						f.Labels[bit/8] |= 1 << (bit % 8)
					}
					f.Has |= stack.FlowHasLabels
				}
			}
		}
		if xf.Helper != nil {
			f.Helper = *xf.Helper
			f.Has |= stack.FlowHasHelper
		}
		out = append(out, f)
	}
	return out, nil
}

func setU32(f *stack.Flow, v *uint32, dst *uint32, bit stack.FlowAttrs) {
	if v != nil {
		*dst = *v
		f.Has |= bit
	}
}

func xTuple(m *xMeta) (stack.FlowTuple, error) {
	var t stack.FlowTuple
	var err error
	if t.Src, err = netip.ParseAddr(m.L3.Src); err != nil {
		return t, err
	}
	if t.Dst, err = netip.ParseAddr(m.L3.Dst); err != nil {
		return t, err
	}
	t.Proto = m.L4.Protonum
	if m.L4.Sport != nil {
		t.SrcPort = *m.L4.Sport
	}
	if m.L4.Dport != nil {
		t.DstPort = *m.L4.Dport
	}
	for _, k := range []struct {
		s   *string
		dst *uint16
	}{{m.L4.Srckey, &t.SrcPort}, {m.L4.Dstkey, &t.DstPort}} {
		if k.s != nil {
			v, err := strconv.ParseUint(strings.TrimPrefix(*k.s, "0x"), 16, 16)
			if err != nil {
				return t, err
			}
			*k.dst = uint16(v)
		}
	}
	if m.Zone != nil {
		t.Zone, t.HasZone = *m.Zone, true
	}
	return t, nil
}

// fillICMP sets the ICMP type, code and id of the ICMP flows from
// conntrack's text output listed with -o id.
func fillICMP(flows []stack.Flow, text string) error {
	byID := map[uint32]string{}
	for _, l := range strings.Split(text, "\n") {
		if i := strings.LastIndex(l, " id="); i >= 0 {
			if v, err := strconv.ParseUint(strings.Fields(l[i+4:])[0], 10, 32); err == nil {
				byID[uint32(v)] = l
			}
		}
	}
	for i := range flows {
		f := &flows[i]
		if f.Orig.Proto != protoICMP && f.Orig.Proto != protoICMPv6 {
			continue
		}
		l, ok := byID[f.ID]
		if !ok {
			return fmt.Errorf("no text line for flow id %d", f.ID)
		}
		tuple := -1
		var cur *stack.FlowTuple
		expectID := false
		for _, tok := range strings.Fields(l) {
			k, v, ok := strings.Cut(tok, "=")
			if !ok {
				continue
			}
			n, _ := strconv.ParseUint(v, 10, 16)
			switch k {
			case "src":
				tuple++
				cur = &f.Orig
				if tuple == 1 {
					cur = &f.Reply
				}
			case "type":
				cur.ICMPType = uint8(n)
			case "code":
				cur.ICMPCode = uint8(n)
				expectID = true
			case "id":
				if expectID {
					cur.ICMPID = uint16(n)
					expectID = false
				}
			}
		}
	}
	return nil
}
