package doctor

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// WriteText writes r for people: a header naming the target, one block per
// finding (severity and title, then its evidence, meaning and fixes),
// then the checks that were skipped, and a last line counting findings.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	b.WriteString("tune doctor: " + r.Target)
	if r.ElapsedNS > 0 {
		if r.Interval {
			b.WriteString(", counters over the last " + r.Elapsed().String())
		} else {
			b.WriteString(", counters over " + r.Elapsed().String() + " of uptime")
		}
	}
	b.WriteString("\n")
	for _, f := range r.Findings {
		b.WriteString("\n" + strings.ToUpper(f.Severity.String()) + "  " + f.Check + ": " + f.Title + "\n")
		if len(f.Evidence) > 0 {
			b.WriteString("  evidence:\n")
			width := 0
			for _, e := range f.Evidence {
				width = max(width, len(e.Name))
			}
			for _, e := range f.Evidence {
				b.WriteString("    " + e.Name + strings.Repeat(" ", width-len(e.Name)) + "  " + e.Value + "\n")
			}
		}
		b.WriteString("  meaning:\n")
		for _, l := range wrap(f.Meaning, 72) {
			b.WriteString("    " + l + "\n")
		}
		if len(f.Fix) > 0 {
			b.WriteString("  fix:\n")
			for _, c := range f.Fix {
				b.WriteString("    " + c + "\n")
			}
		}
	}
	if len(r.Skipped) > 0 {
		b.WriteString("\nskipped:\n")
		for _, s := range r.Skipped {
			b.WriteString("  " + s.Check + ": " + s.Reason + "\n")
		}
	}
	counts := [Critical + 1]int{}
	for _, f := range r.Findings {
		if f.Severity >= Info && f.Severity <= Critical {
			counts[f.Severity]++
		}
	}
	b.WriteString("\n" + strconv.Itoa(len(r.Checks)) + " checks, ")
	if len(r.Findings) == 0 {
		b.WriteString("no findings\n")
	} else {
		b.WriteString(strconv.Itoa(len(r.Findings)) + plural(len(r.Findings), " finding", " findings") + " (" + strconv.Itoa(counts[Critical]) + " critical, " +
			strconv.Itoa(counts[Warning]) + " warning, " + strconv.Itoa(counts[Info]) + " info)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes r as one indented JSON object (the fields of Report,
// Finding, Evidence and Skipped; severities by name) and a newline.
func (r *Report) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// wrap breaks text into lines of at most width bytes at spaces (a longer
// word gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
