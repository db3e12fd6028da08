package ref

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// JSON returns s as indented JSON with a final newline.
func (s *Summary) JSON() []byte {
	b, _ := json.MarshalIndent(s, "", "  ") // plain values: cannot fail
	return append(b, '\n')
}

// WriteText writes s as aligned tables: a header line, the workloads,
// then (when there are any) the requests' latencies, the bulk flows, the
// UDP streams, the SYN floods, the errors, the links and the interfaces
// that dropped packets, each in scenario order.
func (s *Summary) WriteText(w io.Writer) error {
	_, err := io.WriteString(w, s.Text())
	return err
}

// Text returns the text form of s (see WriteText).
func (s *Summary) Text() string {
	var b strings.Builder
	b.WriteString("scenario " + s.Scenario + ", seed " + strconv.FormatUint(s.Seed, 10) +
		", at " + sim.Time(s.TimeNS).String() + " of virtual time, " +
		strconv.FormatUint(s.Events, 10) + " events\n")

	wl := table{head: []string{"WORKLOAD", "KIND", "STATE", "CLIENT", "TARGET", "CONNS", "ERRORS", "SENT", "RECEIVED", "GOODPUT", "RETRANS"},
		right: []bool{false, false, false, false, false, true, true, true, true, true, true}}
	for _, w := range s.Workloads {
		conns, errs := "-", "0"
		if c := w.Connections; c != nil {
			conns = strconv.FormatUint(c.Established, 10) + "/" + strconv.FormatUint(c.Connects, 10)
		}
		var ne uint64
		for _, e := range w.Errors {
			ne += e.Count
		}
		errs = strconv.FormatUint(ne, 10)
		wl.add(w.Name, w.Kind, w.State, w.Client, w.Target, conns, errs,
			fmtBytes(w.BytesSent), fmtBytes(w.BytesReceived), fmtRate(w.GoodputBPS), strconv.FormatUint(w.Retransmits, 10))
	}
	section(&b, "workloads", &wl)

	req := table{head: []string{"WORKLOAD", "DONE", "SKIPPED", "MIN", "P50", "P90", "P99", "MAX", "MEAN"},
		right: []bool{false, true, true, true, true, true, true, true, true}}
	for _, w := range s.Workloads {
		if r := w.Requests; r != nil {
			l := r.Latency
			req.add(w.Name, strconv.FormatUint(r.Completed, 10), strconv.FormatUint(r.Skipped, 10),
				fmtLatency(l.Count, l.MinNS), fmtLatency(l.Count, l.P50NS), fmtLatency(l.Count, l.P90NS),
				fmtLatency(l.Count, l.P99NS), fmtLatency(l.Count, l.MaxNS), fmtLatency(l.Count, l.MeanNS))
		}
	}
	section(&b, "requests (latency: first request byte written to last response byte read)", &req)

	fl := table{head: []string{"WORKLOAD", "FLOW", "LOCAL", "REMOTE", "BYTES", "GOODPUT", "RETRANS", "SRTT", "CWND", "ERROR"},
		right: []bool{false, true, false, false, true, true, true, true, true, false}}
	for _, w := range s.Workloads {
		for _, f := range w.Flows {
			fl.add(w.Name, strconv.Itoa(f.ID), f.Local, f.Remote, fmtBytes(f.Bytes), fmtRate(f.GoodputBPS),
				strconv.FormatUint(f.Retransmits, 10), fmtLatency(1, f.SRTTNS), strconv.FormatUint(uint64(f.Cwnd), 10), f.Error)
		}
	}
	section(&b, "flows (seen from the sender)", &fl)

	ud := table{head: []string{"WORKLOAD", "SENT", "SEND_ERRORS", "RECEIVED", "LOST", "LOSS", "RCVBUF_ERRORS"},
		right: []bool{false, true, true, true, true, true, true}}
	for _, w := range s.Workloads {
		if u := w.UDP; u != nil {
			ud.add(w.Name, strconv.FormatUint(u.Sent, 10), strconv.FormatUint(u.SendErrors, 10),
				strconv.FormatUint(u.Received, 10), strconv.FormatUint(u.Lost, 10), fmtRatio(u.Lost, u.Sent),
				strconv.FormatUint(u.RcvbufErrors, 10))
		}
	}
	section(&b, "udp (datagrams; lost: sent and not received, in flight included)", &ud)

	sy := table{head: []string{"WORKLOAD", "SENT", "SEND_ERRORS"}, right: []bool{false, true, true}}
	for _, w := range s.Workloads {
		if f := w.SYNs; f != nil {
			sy.add(w.Name, strconv.FormatUint(f.Sent, 10), strconv.FormatUint(f.SendErrors, 10))
		}
	}
	section(&b, "syn floods", &sy)

	var errLines []string
	for _, w := range s.Workloads {
		if len(w.Errors) == 0 {
			continue
		}
		parts := make([]string, len(w.Errors))
		for i, e := range w.Errors {
			parts[i] = e.Error + " " + strconv.FormatUint(e.Count, 10)
		}
		errLines = append(errLines, "  "+w.Name+": "+strings.Join(parts, ", "))
	}
	if len(errLines) > 0 {
		b.WriteString("\nerrors\n" + strings.Join(errLines, "\n") + "\n")
	}

	li := table{head: []string{"LINK", "FROM", "TO", "FRAMES", "BYTES", "DROPPED", "LOST", "MAXQ"},
		right: []bool{false, false, false, true, true, true, true, true}}
	for _, l := range s.Links {
		li.add(l.Name, l.From, l.To, strconv.FormatUint(l.Frames, 10), fmtBytes(l.Bytes),
			strconv.FormatUint(l.Dropped, 10), strconv.FormatUint(l.Lost, 10), strconv.Itoa(l.MaxQueue))
	}
	section(&b, "links (drops: queue full; lost: on the wire)", &li)

	ifs := table{head: []string{"HOST", "INTERFACE", "TX_DROPPED", "RX_DROPPED"}, right: []bool{false, false, true, true}}
	for _, i := range s.Interfaces {
		ifs.add(i.Host, i.Name, strconv.FormatUint(i.TxDropped, 10), strconv.FormatUint(i.RxDropped, 10))
	}
	section(&b, "interface drops (link queue full, neighbour unresolved)", &ifs)
	return b.String()
}

// section writes a titled table when it has rows.
func section(b *strings.Builder, title string, t *table) {
	if len(t.rows) == 0 {
		return
	}
	b.WriteString("\n" + title + "\n")
	t.write(b, "  ")
}

// table is a text table with aligned columns.
type table struct {
	head  []string
	right []bool // right-align column i
	rows  [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// write writes the header and rows, columns two spaces apart, each line
// after indent and without trailing blanks.
func (t *table) write(b *strings.Builder, indent string) {
	width := make([]int, len(t.head))
	for i, h := range t.head {
		width[i] = len(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			width[i] = max(width[i], len(c))
		}
	}
	line := func(cells []string) {
		var l strings.Builder
		l.WriteString(indent)
		for i, c := range cells {
			if i > 0 {
				l.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-len(c))
			if t.right[i] {
				l.WriteString(pad + c)
			} else {
				l.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	line(t.head)
	for _, r := range t.rows {
		line(r)
	}
}

// fmtScaled writes v/unit with two decimals, by integer arithmetic.
func fmtScaled(v, unit uint64, suffix string) string {
	whole := v / unit
	frac := (v % unit) * 100 / unit
	f := strconv.FormatUint(frac, 10)
	if frac < 10 {
		f = "0" + f
	}
	return strconv.FormatUint(whole, 10) + "." + f + suffix
}

// fmtBytes formats a byte count in decimal units: "999B", "1.50KB",
// "585.30MB".
func fmtBytes(n uint64) string {
	switch {
	case n >= 1e12:
		return fmtScaled(n, 1e12, "TB")
	case n >= 1e9:
		return fmtScaled(n, 1e9, "GB")
	case n >= 1e6:
		return fmtScaled(n, 1e6, "MB")
	case n >= 1e3:
		return fmtScaled(n, 1e3, "KB")
	}
	return strconv.FormatUint(n, 10) + "B"
}

// fmtRate formats bits per second: "936.53Mbit/s".
func fmtRate(bps int64) string {
	if bps <= 0 {
		return "0bit/s"
	}
	n := uint64(bps)
	switch {
	case n >= 1e9:
		return fmtScaled(n, 1e9, "Gbit/s")
	case n >= 1e6:
		return fmtScaled(n, 1e6, "Mbit/s")
	case n >= 1e3:
		return fmtScaled(n, 1e3, "Kbit/s")
	}
	return strconv.FormatUint(n, 10) + "bit/s"
}

// fmtLatency formats a latency with three decimals of its unit ("4.123ms",
// "850.000us"), or "-" when there are no samples.
func fmtLatency(count uint64, ns int64) string {
	if count == 0 {
		return "-"
	}
	if ns < 0 {
		ns = 0
	}
	v := uint64(ns)
	var unit uint64
	var suffix string
	switch {
	case v >= 1e9:
		unit, suffix = 1e9, "s"
	case v >= 1e6:
		unit, suffix = 1e6, "ms"
	case v >= 1e3:
		unit, suffix = 1e3, "us"
	default:
		return strconv.FormatUint(v, 10) + "ns"
	}
	whole := v / unit
	frac := (v % unit) * 1000 / unit
	f := strconv.FormatUint(frac, 10)
	for len(f) < 3 {
		f = "0" + f
	}
	return strconv.FormatUint(whole, 10) + "." + f + suffix
}

// fmtRatio formats part/whole as a percentage with two decimals.
func fmtRatio(part, whole uint64) string {
	if whole == 0 {
		return "-"
	}
	if part > whole {
		part = whole
	}
	// part*10000 may overflow for huge counts: scale down first.
	for part > 1<<40 {
		part >>= 1
		whole >>= 1
	}
	return fmtScaled(part*10000/whole, 100, "%")
}
