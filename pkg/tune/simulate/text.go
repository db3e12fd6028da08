package simulate

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteText writes r for people: what was run, the changes the profile
// made, then one line per metric with both runs' values and the change.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "tune simulate: profile %s on scenario %s (seed %d), %s of virtual time\n",
		r.Profile, r.Scenario, r.Seed, time.Duration(r.UntilNS))
	changed := 0
	for _, c := range r.Changes {
		if c.Result == "changed" {
			changed++
		}
	}
	fmt.Fprintf(&b, "applied at 0s to %s: %d changes\n", strings.Join(r.Hosts, ", "), changed)
	for _, c := range r.Changes {
		line := "  " + c.Host + ": " + c.Item.Label()
		if c.Result == "changed" {
			line += " " + orDash(c.Item.Current) + " -> " + c.Item.Want
		} else {
			line += ": " + c.Result
			if c.Error != "" {
				line += " (" + c.Error + ")"
			}
		}
		b.WriteString(line + "\n")
	}
	rows := [][]string{{"METRIC", "WITHOUT", "WITH", "CHANGE"}}
	for _, m := range r.Metrics {
		rows = append(rows, []string{m.Name, formatValue(m.Unit, m.Base), formatValue(m.Unit, m.Tuned), change(m)})
	}
	width := make([]int, 4)
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], len(c))
		}
	}
	b.WriteString("\n")
	for _, row := range rows {
		line := row[0] + strings.Repeat(" ", width[0]-len(row[0]))
		for i := 1; i < 4; i++ {
			line += "  " + strings.Repeat(" ", width[i]-len(row[i])) + row[i]
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	for _, n := range r.Notes {
		b.WriteString("\nnote: " + n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes r as one indented JSON object and a newline.
func (r *Result) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// formatValue writes v in its unit: rates with a decimal prefix, times as
// durations, counts as integers.
func formatValue(unit string, v int64) string {
	switch unit {
	case "bit/s":
		switch {
		case v >= 1e9:
			return strconv.FormatFloat(float64(v)/1e9, 'f', 2, 64) + "Gbit/s"
		case v >= 1e6:
			return strconv.FormatFloat(float64(v)/1e6, 'f', 2, 64) + "Mbit/s"
		case v >= 1e3:
			return strconv.FormatFloat(float64(v)/1e3, 'f', 2, 64) + "Kbit/s"
		}
		return strconv.FormatInt(v, 10) + "bit/s"
	case "ns":
		return strings.Replace(time.Duration(v).String(), "µs", "us", 1)
	}
	return strconv.FormatInt(v, 10)
}

// change says how the second value differs from the first: a percentage,
// "=" for none, "new" from zero; marked "better" or "worse".
func change(m Metric) string {
	if m.Base == m.Tuned {
		return "="
	}
	var s string
	if m.Base == 0 {
		s = "from 0"
	} else {
		p := float64(m.Tuned-m.Base) / float64(m.Base) * 100
		s = strconv.FormatFloat(p, 'f', 1, 64) + "%"
		if p > 0 {
			s = "+" + s
		}
	}
	if (m.Tuned > m.Base) == (m.Better > 0) {
		return s + " better"
	}
	return s + " worse"
}
