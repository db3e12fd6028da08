//go:build linux

package conntrackdiff

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// tolerance is how far apart (in seconds) the timeouts and delta-times of
// two runs made at the same moment may be: a second boundary can fall
// between them, and the kernel rounds. Runs made further apart (on a
// loaded machine, or twins read one after the other) may differ by the
// seconds between their starts on top of that (see allowed).
const tolerance = 2

// allowed is the tolerance for runs a and b: tolerance plus the whole
// seconds between their starts, since the values tick once a second.
func allowed(a, b result) int64 {
	d := a.At.Sub(b.At)
	if d < 0 {
		d = -d
	}
	if a.At.IsZero() || b.At.IsZero() {
		d = 0
	}
	return tolerance + int64(d/time.Second)
}

// norm says how two outputs are compared. The zero norm still compares
// the ticking values (flow timeouts, delta-time) with a tolerance, since
// they move between any two runs; everything else is exact unless a field
// below says otherwise.
type norm struct {
	// sort sorts stdout's lines: two namespaces dump the same flows in
	// different orders (the conntrack hash is seeded per namespace).
	sort bool
	// ids masks the flow ids (the "id=" after "use=", <id> in XML):
	// each namespace's kernel hands out its own.
	ids bool
	// stats compares every value but the CPU number of -S lines by
	// shape: per-CPU counters move with every packet of the machine's
	// other work and differ between any two runs.
	stats bool
	// stamps compares the reception time stamps of -E -o timestamp by
	// shape: the two listeners stamp the same event at different times.
	stamps bool
	// noStdout leaves stdout out of the comparison: conntrack -U prints
	// a subset of the flows it updates that depends on the dump order
	// (it re-reads each flow while the dump runs), so two namespaces,
	// and even conntrack against itself, print different subsets. The
	// twins are read back in full afterwards. For the same reason the
	// number in its summary line is masked: flows that move in the hash
	// while the dump runs are counted twice or not at all, and so stderr
	// is compared as the set of its distinct lines (flows it fails to
	// update, such as those in a zone, are reported once or twice).
	noStdout bool
	// progname drops the " progname=NAME" conntrack appends to an
	// event's [USERSPACE] portid=N when a process with pid N still lives
	// as it prints the event: the process that made the event is usually
	// gone by then, but not always, so the field comes and goes.
	progname bool
	// zonedMarks masks the mark of flows in a zone (zone= or
	// zone-orig=): conntrack 1.4.7's update leaves the zone out of its
	// request, so it cannot change them, and a working update (stackbox)
	// does; see newerUpdate.
	zonedMarks bool
}

// String names the normalisations beyond the tolerance, for reports.
func (n norm) String() string {
	var s []string
	if n.sort {
		s = append(s, "lines sorted")
	}
	if n.ids {
		s = append(s, "flow ids masked")
	}
	if n.stats {
		s = append(s, "statistics by shape")
	}
	if n.stamps {
		s = append(s, "time stamps by shape")
	}
	if n.noStdout {
		s = append(s, "stdout left out")
	}
	if n.zonedMarks {
		s = append(s, "marks of zoned flows masked")
	}
	if len(s) == 0 {
		return ""
	}
	return "with " + strings.Join(s, ", ")
}

var (
	reFlowID   = regexp.MustCompile(`(use=\d+ id=)\d+`)
	reXMLID    = regexp.MustCompile(`<id>\d+</id>`)
	reStat     = regexp.MustCompile(`\b([a-z_]+)=\d+`)
	reStamp    = regexp.MustCompile(`(?m)^\[\d+\.\d+\]`)
	reProgname = regexp.MustCompile(` progname=\S+`)
	reUpdated  = regexp.MustCompile(`\d+ flow entries have been updated`)
	reZoned    = regexp.MustCompile(`(?m)^.*\b(?:zone|zone-orig)=\d+.*$`)
	reMark     = regexp.MustCompile(`\bmark=\d+`)
	reTicking  = []*regexp.Regexp{
		// The timeout column of a text line: after the protocol name
		// and number (and, with -o extended, the family's), and after an
		// event's [TYPE] and a time stamp.
		regexp.MustCompile(`(?m)^[ \t]*(?:\[[^\]\n]*\][ \t]+)*(?:ipv[46] +\d+ +)?[a-z0-9]+ +\d+ +(\d+)[ \n]`),
		regexp.MustCompile(`delta-time=(\d+)`),
		regexp.MustCompile(`<timeout>(\d+)</timeout>`),
		regexp.MustCompile(`<deltatime>(\d+)</deltatime>`),
	}
)

// text applies n's masks and sorting to s; the ticking values stay, for
// textEqual to compare and for diffs to show.
func (n norm) text(s string) string {
	if n.ids {
		s = reFlowID.ReplaceAllString(s, "${1}ID")
		s = reXMLID.ReplaceAllString(s, "<id>ID</id>")
	}
	if n.stats {
		s = reStat.ReplaceAllStringFunc(s, func(m string) string {
			if strings.HasPrefix(m, "cpu=") {
				return m
			}
			return m[:strings.IndexByte(m, '=')] + "=N"
		})
	}
	if n.stamps {
		s = reStamp.ReplaceAllString(s, "[T]")
	}
	if n.progname {
		s = reProgname.ReplaceAllString(s, "")
	}
	if n.zonedMarks {
		s = reZoned.ReplaceAllStringFunc(s, func(l string) string { return reMark.ReplaceAllString(l, "mark=M") })
	}
	if n.noStdout {
		s = reUpdated.ReplaceAllString(s, "N flow entries have been updated")
		s = uniqLines(s)
	}
	if n.sort {
		s = sortLines(s)
	}
	return s
}

// sortLines sorts the lines of s, keeping a final newline. Lines are
// ordered by their text without the ticking values, so that two runs a
// second apart still pair the same flows.
func sortLines(s string) string {
	trail := strings.HasSuffix(s, "\n")
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	keys := make(map[string]string, len(lines))
	for _, l := range lines {
		keys[l], _ = ticking(l + "\n")
	}
	sort.SliceStable(lines, func(i, j int) bool {
		if keys[lines[i]] != keys[lines[j]] {
			return keys[lines[i]] < keys[lines[j]]
		}
		return lines[i] < lines[j]
	})
	out := strings.Join(lines, "\n")
	if trail {
		out += "\n"
	}
	return out
}

// ticking splits s into its text without the ticking values and those
// values, in order.
func ticking(s string) (string, []int64) {
	type span struct{ from, to int }
	var spans []span
	for _, re := range reTicking {
		for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
			spans = append(spans, span{m[2], m[3]})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var sb strings.Builder
	var nums []int64
	at := 0
	for _, sp := range spans {
		if sp.from < at {
			continue // overlapping matches cannot happen; be safe
		}
		v, err := strconv.ParseInt(s[sp.from:sp.to], 10, 64)
		if err != nil {
			continue
		}
		sb.WriteString(s[at:sp.from])
		sb.WriteString("#")
		nums = append(nums, v)
		at = sp.to
	}
	sb.WriteString(s[at:])
	return sb.String(), nums
}

// textEqual reports whether a and b agree under n: equal after the masks,
// with ticking values at most tol apart.
func (n norm) textEqual(a, b string, tol int64) bool {
	a, b = n.text(a), n.text(b)
	if a == b {
		return true
	}
	sa, na := ticking(a)
	sb, nb := ticking(b)
	if sa != sb || len(na) != len(nb) {
		return false
	}
	for i := range na {
		if d := na[i] - nb[i]; d > tol || d < -tol {
			return false
		}
	}
	return true
}

// equal reports whether two runs agree under n.
func (n norm) equal(a, b result) bool {
	tol := allowed(a, b)
	return a.Code == b.Code && (n.noStdout || n.textEqual(a.Stdout, b.Stdout, tol)) && n.textEqual(a.Stderr, b.Stderr, tol)
}

// uniqLines sorts the lines of s and drops repeated ones.
func uniqLines(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(lines)
	out := lines[:0]
	for i, l := range lines {
		if i == 0 || l != lines[i-1] {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n") + "\n"
}
