package diff

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// counterRow is one counter of the counters view. A value missing on one
// side (a counter that stack does not have) is nil.
type counterRow struct {
	Name string  `json:"name"`
	A    *uint64 `json:"a"`
	B    *uint64 `json:"b"`
	Diff int64   `json:"diff"` // B-A, a missing value counting as 0
}

// diffCounters pairs a's and b's counters by name, in a's order and then
// the names only b has in b's order, and keeps those that differ (all
// with all).
func diffCounters(a, b *stack.Counters, all bool) []counterRow {
	var rows []counterRow
	inA := make(map[string]uint64, len(a.List))
	for _, c := range a.List {
		inA[c.Name] = c.Value
	}
	inB := make(map[string]uint64, len(b.List))
	for _, c := range b.List {
		inB[c.Name] = c.Value
	}
	add := func(name string) {
		r := counterRow{Name: name}
		var va, vb uint64
		if v, ok := inA[name]; ok {
			va, r.A = v, &v
		}
		if v, ok := inB[name]; ok {
			vb, r.B = v, &v
		}
		r.Diff = int64(vb - va)
		if all || va != vb || (r.A == nil) != (r.B == nil) {
			rows = append(rows, r)
		}
	}
	seen := make(map[string]bool, len(a.List))
	for _, c := range a.List {
		if !seen[c.Name] {
			seen[c.Name] = true
			add(c.Name)
		}
	}
	for _, c := range b.List {
		if !seen[c.Name] {
			seen[c.Name] = true
			add(c.Name)
		}
	}
	return rows
}

// showCounters prints the counters view and reports whether a and b
// differ.
func showCounters(ctx context.Context, opts *Options, a, b *TargetSpec, ta, tb Target) (bool, error) {
	ca, err := ta.Counters(ctx)
	if err != nil {
		return false, fmt.Errorf("%s: %w", a, err)
	}
	cb, err := tb.Counters(ctx)
	if err != nil {
		return false, fmt.Errorf("%s: %w", b, err)
	}
	rows := diffCounters(ca, cb, opts.All)
	differ := false
	for _, r := range rows {
		if r.Diff != 0 || (r.A == nil) != (r.B == nil) {
			differ = true
		}
	}
	w := bufio.NewWriter(opts.IO.Out)
	if opts.JSON {
		if rows == nil {
			rows = []counterRow{}
		}
		err = json.NewEncoder(w).Encode(struct {
			View     string       `json:"view"`
			A        string       `json:"a"`
			B        string       `json:"b"`
			Counters []counterRow `json:"counters"`
		}{"counters", a.Text, b.Text, rows})
	} else {
		cells := make([][]string, len(rows))
		for i, r := range rows {
			cells[i] = []string{r.Name, value(r.A), value(r.B), signed(r.Diff)}
		}
		err = writeTable(w, []string{"counter", a.Text, b.Text, "B-A"}, cells, []bool{false, true, true, true})
	}
	if err != nil {
		return differ, err
	}
	return differ, w.Flush()
}

func value(v *uint64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatUint(*v, 10)
}

// signed writes d with its sign ("+3", "-2", "0").
func signed(d int64) string {
	if d > 0 {
		return "+" + strconv.FormatInt(d, 10)
	}
	return strconv.FormatInt(d, 10)
}
