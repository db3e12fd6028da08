package nstat

import report "github.com/stackbox/stackbox/pkg/report/nstat"

// Selection says which counters a dump shows.
type Selection struct {
	// Zeros shows counters whose value and rate are zero (-z).
	Zeros bool
	// Patterns select counters by name.
	Patterns Patterns
}

// Absolute returns the rows nstat prints without deltas (its
// dump_kern_db): every counter of kern that is not zero (unless
// sel.Zeros) and that matches the patterns, with its value and rate.
//
// With toHist, the rows are those of a new history file instead: the
// counters the patterns do not select are kept too, with the value the
// old history hist gave them, so that a run with patterns leaves the
// history of other counters alone. hist is searched as nstat searches it:
// forward from the last counter found, so a counter out of hist's order
// gets its current value.
func Absolute(kern, hist []Entry, toHist bool, sel Selection) []report.Row {
	rows := make([]report.Row, 0, len(kern))
	h := 0
	for _, n := range kern {
		val := n.Value
		if !sel.Zeros && val == 0 && n.Rate == 0 {
			continue
		}
		if !sel.Patterns.Match(n.Name) {
			if !toHist {
				continue
			}
			for k := h; k < len(hist); k++ {
				if hist[k].Name == n.Name {
					val = hist[k].Value
					h = k + 1
					break
				}
			}
		}
		rows = append(rows, report.Row{Name: n.Name, Value: val, Rate: n.Rate})
	}
	return rows
}

// Delta returns the rows nstat prints against a history (its
// dump_incr_db): each counter's increase since hist, and its rate. A
// counter that went down shows 0 and is marked as an overflow; one that
// is not in hist (searching forward from the last one found) shows its
// whole value. Counters whose increase and rate are zero are left out
// unless sel.Zeros, as are those the patterns do not select.
func Delta(kern, hist []Entry, sel Selection) []report.Row {
	rows := make([]report.Row, 0, len(kern))
	h := 0
	for _, n := range kern {
		val := n.Value
		ovfl := false
		for k := h; k < len(hist); k++ {
			if hist[k].Name == n.Name {
				if val < hist[k].Value {
					ovfl = true
					val = hist[k].Value
				}
				val -= hist[k].Value
				h = k + 1
				break
			}
		}
		if !sel.Zeros && val == 0 && n.Rate == 0 {
			continue
		}
		if !sel.Patterns.Match(n.Name) {
			continue
		}
		rows = append(rows, report.Row{Name: n.Name, Value: val, Rate: n.Rate, Overflow: ovfl})
	}
	return rows
}
