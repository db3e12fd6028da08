//go:build linux

package nstatdiff

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Normalisation. Kernel-mode runs are compared exactly: nothing in them
// varies between two tools reading the same quiet namespace. So are the
// outputs of two clients of the same daemon, which print what the daemon
// sent them. Only when two different daemons are compared (compareDumps)
// do two things legitimately differ:
//
//  1. The header "#PID.RANDOM sampling_interval=S time_const=T" names the
//     daemon's process and a random number; PID and RANDOM become <pid>
//     and <random>. S and T are compared.
//  2. The rate column is a moving average updated on each daemon's own
//     sampling ticks. Two daemons started a moment apart tick at different
//     phases, so after the same burst one may have applied one decay step
//     (a factor 1-W, W = 1-10^(-S/T)) more than the other, and each divides
//     by the milliseconds its own tick measured. Rates are therefore
//     compared numerically within rateTolerance, not as text. A daemon
//     with the wrong weight, the wrong unit or no rates at all still
//     fails.
//
// Names, their order and the counter values are compared exactly, and each
// line must be in nstat's format ("%-32s%-16llu%6.1f").

var reDaemonHeader = regexp.MustCompile(`^#(\d+)\.(\d+) sampling_interval=(-?\d+) time_const=(-?\d+)$`)

// dumpEntry is one counter line of a daemon's dump.
type dumpEntry struct {
	name string
	val  uint64
	rate float64
	line string
}

// parsedDump is a daemon's dump: what it sends a client.
type parsedDump struct {
	header  string // without "#"
	entries []dumpEntry
}

// parseDump parses a daemon's dump (or the output of nstat in its text
// format): a "#..." header line, then "NAME VALUE [RATE]" lines.
func parseDump(s string) (parsedDump, error) {
	var d parsedDump
	lines := splitLines(s)
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "#") {
		return d, fmt.Errorf("no \"#\" header line")
	}
	d.header = lines[0][1:]
	for i, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 2 || len(f) > 3 {
			return d, fmt.Errorf("line %d: %q: want NAME VALUE [RATE]", i+2, l)
		}
		e := dumpEntry{name: f[0], line: l}
		var err error
		if e.val, err = strconv.ParseUint(f[1], 10, 64); err != nil {
			return d, fmt.Errorf("line %d: %q: value: %v", i+2, l, err)
		}
		if len(f) == 3 {
			if e.rate, err = strconv.ParseFloat(f[2], 64); err != nil || math.IsNaN(e.rate) || math.IsInf(e.rate, 0) {
				return d, fmt.Errorf("line %d: %q: bad rate", i+2, l)
			}
		}
		d.entries = append(d.entries, e)
	}
	return d, nil
}

// normalizeHeader replaces a daemon header's pid and random number.
func normalizeHeader(h string) string {
	m := reDaemonHeader.FindStringSubmatch("#" + h)
	if m == nil {
		return h
	}
	return fmt.Sprintf("<pid>.<random> sampling_interval=%s time_const=%s", m[3], m[4])
}

// rateTolerance says whether two daemons' rates for the same counter agree:
// within 0.11 (two values printed with one decimal can differ by 0.1 more
// than the values themselves) plus 30% of the larger (one decay step of
// W = 0.206 with -t 10, a ratio of 1.26, times the jitter of the tick
// intervals, leaves room).
func rateTolerance(a, b float64) bool {
	return math.Abs(a-b) <= 0.11+0.3*math.Max(math.Abs(a), math.Abs(b))
}

// compareDumps compares two daemons' dumps as described above; "" when
// they agree.
func compareDumps(refLabel, ref, candLabel, cand string) string {
	rd, err := parseDump(ref)
	if err != nil {
		return fmt.Sprintf("%s's dump does not parse: %v\n%s", refLabel, err, ref)
	}
	cd, err := parseDump(cand)
	if err != nil {
		return fmt.Sprintf("%s's dump does not parse: %v\n%s", candLabel, err, cand)
	}
	var sb strings.Builder
	if !reDaemonHeader.MatchString("#" + cd.header) {
		fmt.Fprintf(&sb, "%s's header %q is not \"#PID.RANDOM sampling_interval=S time_const=T\"\n", candLabel, cd.header)
	} else if rh, ch := normalizeHeader(rd.header), normalizeHeader(cd.header); rh != ch {
		fmt.Fprintf(&sb, "headers differ (normalised): %s %q, %s %q\n", refLabel, rh, candLabel, ch)
	}
	values := func(d parsedDump) string {
		var b strings.Builder
		for _, e := range d.entries {
			fmt.Fprintf(&b, "%s %d\n", e.name, e.val)
		}
		return b.String()
	}
	if diff := lineDiff(refLabel+" names and values", values(rd), candLabel+" names and values", values(cd)); diff != "" {
		sb.WriteString(diff)
	}
	for _, e := range cd.entries {
		if want := fmt.Sprintf("%-32s%-16d%6.1f", e.name, e.val, e.rate); e.line != want {
			fmt.Fprintf(&sb, "%s: line not in nstat's format:\n  got  %q\n  want %q\n", candLabel, e.line, want)
		}
	}
	if len(rd.entries) == len(cd.entries) {
		for i, r := range rd.entries {
			c := cd.entries[i]
			if r.name == c.name && !rateTolerance(r.rate, c.rate) {
				fmt.Fprintf(&sb, "rate of %s: %s %.1f, %s %.1f (beyond what the daemons' tick phases explain)\n", r.name, refLabel, r.rate, candLabel, c.rate)
			}
		}
	}
	if sb.Len() == 0 {
		return ""
	}
	return sb.String() + fmt.Sprintf("==== %s's dump:\n%s==== %s's dump:\n%s", refLabel, ref, candLabel, cand)
}

// maxRate is the largest rate in a dump (0 when it does not parse).
func maxRate(s string) float64 {
	d, _ := parseDump(s)
	m := 0.0
	for _, e := range d.entries {
		m = math.Max(m, e.rate)
	}
	return m
}
