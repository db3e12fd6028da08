package conntrack

import (
	"cmp"
	"io"
	"slices"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Summary counts flows by protocol, protocol state and original
// destination port (stackbox's conntrack -L --summary).
type Summary struct {
	groups map[summaryKey]*SummaryRow
	total  uint64
}

type summaryKey struct {
	family, proto uint8
	state         string
	port          uint16
	hasPort       bool
}

// SummaryRow is one group of a Summary.
type SummaryRow struct {
	Family string // "ipv4", "ipv6"
	Proto  string // "tcp", "udp", ...
	State  string // TCP, SCTP or DCCP state; "" for others
	// Port is the original direction's destination port (TCP, UDP,
	// UDP-Lite, SCTP, DCCP), when HasPort.
	Port    uint16
	HasPort bool
	Flows   uint64
	Packets uint64 // both directions, when the table counts them
	Bytes   uint64
}

// NewSummary returns an empty Summary.
func NewSummary() *Summary {
	return &Summary{groups: map[summaryKey]*SummaryRow{}}
}

// Add counts f.
func (s *Summary) Add(f *stack.Flow) {
	proto := f.Orig.Proto
	k := summaryKey{family: family(f), proto: proto}
	if f.Has&stack.FlowHasProtoState != 0 {
		k.state = StateName(proto, f.ProtoState)
	}
	switch proto {
	case protoTCP, protoUDP, protoUDPLite, protoSCTP, protoDCCP:
		k.port, k.hasPort = f.Orig.DstPort, true
	}
	r := s.groups[k]
	if r == nil {
		r = &SummaryRow{Family: FamilyName(k.family), Proto: ProtoName(proto), State: k.state, Port: k.port, HasPort: k.hasPort}
		s.groups[k] = r
	}
	r.Flows++
	s.total++
	if f.Has&stack.FlowHasCounters != 0 {
		r.Packets += f.Counters[0].Packets + f.Counters[1].Packets
		r.Bytes += f.Counters[0].Bytes + f.Counters[1].Bytes
	}
}

// Rows returns the groups sorted by flow count (descending), then
// protocol, state, port and family.
func (s *Summary) Rows() []SummaryRow {
	rows := make([]SummaryRow, 0, len(s.groups))
	for _, r := range s.groups {
		rows = append(rows, *r)
	}
	slices.SortFunc(rows, func(a, b SummaryRow) int {
		return cmp.Or(
			cmp.Compare(b.Flows, a.Flows),
			cmp.Compare(a.Proto, b.Proto),
			cmp.Compare(a.State, b.State),
			cmp.Compare(portKey(a), portKey(b)),
			cmp.Compare(a.Family, b.Family),
		)
	})
	return rows
}

func portKey(r SummaryRow) int {
	if !r.HasPort {
		return -1
	}
	return int(r.Port)
}

// Write writes the summary: an aligned text table with a total line, or
// with json one JSON object per group and a last {"total":N} line.
func (s *Summary) Write(w io.Writer, json bool) error {
	rows := s.Rows()
	var b []byte
	if json {
		for _, r := range rows {
			b = append(b, '{')
			b = appendKeyString(b, "family", r.Family)
			b = appendKeyString(b, "proto", r.Proto)
			if r.State != "" {
				b = appendKeyString(b, "state", r.State)
			}
			if r.HasPort {
				b = appendKeyUint(b, "dport", uint64(r.Port))
			}
			b = appendKeyUint(b, "flows", r.Flows)
			b = appendKeyUint(b, "packets", r.Packets)
			b = appendKeyUint(b, "bytes", r.Bytes)
			b = append(b, "}\n"...)
		}
		b = append(b, `{"total":`...)
		b = appendUint(b, s.total)
		b = append(b, "}\n"...)
		_, err := w.Write(b)
		return err
	}
	header := [...]string{"FLOWS", "FAMILY", "PROTO", "STATE", "DPORT", "PACKETS", "BYTES"}
	cells := make([][7]string, 0, len(rows)+1)
	for _, r := range rows {
		var c [7]string
		c[0] = string(appendUint(nil, r.Flows))
		c[1] = r.Family
		c[2] = r.Proto
		c[3] = r.State
		if c[3] == "" {
			c[3] = "-"
		}
		c[4] = "-"
		if r.HasPort {
			c[4] = string(appendUint(nil, uint64(r.Port)))
		}
		c[5] = string(appendUint(nil, r.Packets))
		c[6] = string(appendUint(nil, r.Bytes))
		cells = append(cells, c)
	}
	var width [7]int
	for i, h := range header {
		width[i] = len(h)
	}
	for _, c := range cells {
		for i, v := range c {
			width[i] = max(width[i], len(v))
		}
	}
	// Numbers right-aligned, words left-aligned.
	right := [7]bool{true, false, false, false, true, true, true}
	line := func(c [7]string) {
		for i, v := range c {
			if i > 0 {
				b = append(b, "  "...)
			}
			pad := width[i] - len(v)
			if right[i] {
				for ; pad > 0; pad-- {
					b = append(b, ' ')
				}
				b = append(b, v...)
			} else {
				b = append(b, v...)
				if i < len(c)-1 {
					for ; pad > 0; pad-- {
						b = append(b, ' ')
					}
				}
			}
		}
		b = append(b, '\n')
	}
	line(header)
	for _, c := range cells {
		line(c)
	}
	b = append(b, "total: "...)
	b = appendUint(b, s.total)
	b = append(b, " flows\n"...)
	_, err := w.Write(b)
	return err
}
