package kernel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"

	"github.com/stackbox/stackbox/pkg/stack"
)

// The protocol counters are read from four files, in two formats:
//
//   - /proc/net/snmp and /proc/net/netstat hold two-line tables: a line of
//     field names after a "Proto:" prefix, then a line of values after the
//     same prefix ("Tcp: RtoAlgorithm RtoMin ...", "Tcp: 1 200 ...").
//     IcmpMsg may have several such pairs, or none. A counter is named by
//     the prefix and the field: "TcpActiveOpens", "TcpExtListenOverflows".
//   - /proc/net/snmp6 and /proc/net/sctp/snmp hold a counter a line: its
//     full name, blanks, its value ("Ip6InReceives   \t12").
//
// nstat 6.1 lists the counters of /proc/net/sctp/snmp first, then those of
// snmp, snmp6 and netstat, each file in its own order (it prepends each
// file's list to what it has, reading netstat, snmp6, snmp, then sctp),
// and leaves out the counters ConstantCounter names. Values are unsigned
// 64-bit; a negative one (Tcp MaxConn is -1) wraps around 2^64 as nstat's
// scanf("%llu") does.
//
// nstat aborts on a line it cannot parse; here a garbled line costs only
// what it holds and is reported in Counters.Warnings as "FILE:LINE: what".

// CounterFile is one /proc file of protocol counters for ParseCounters.
type CounterFile struct {
	// Name is the file as warnings name it ("/proc/net/snmp").
	Name string
	// R is the file's content; nil when the file is absent.
	R io.Reader
}

// CounterFiles are the files nstat reads, by format. Any may be absent
// (a nil R).
type CounterFiles struct {
	SNMP    CounterFile // /proc/net/snmp: two-line tables (Ip, Icmp, IcmpMsg, Tcp, Udp, UdpLite)
	SNMP6   CounterFile // /proc/net/snmp6: a counter a line (Ip6, Icmp6, Udp6, UdpLite6)
	Netstat CounterFile // /proc/net/netstat: two-line tables (TcpExt, IpExt, MPTcpExt)
	SCTP    CounterFile // /proc/net/sctp/snmp: a counter a line (Sctp)
}

// Counter file names as warnings and errors show them.
const (
	procSNMP    = "/proc/net/snmp"
	procSNMP6   = "/proc/net/snmp6"
	procNetstat = "/proc/net/netstat"
	procSCTP    = "/proc/net/sctp/snmp"
)

// counterSources are the files Counters reads, by their path under
// /proc/net, in nstat's order. Without /proc/net/snmp there is a warning; snmp6 is
// absent without IPv6, sctp/snmp without SCTP loaded.
var counterSources = []struct {
	proc, name string
	tables     bool // two-line tables, or a counter a line
	required   bool // warn when missing
}{
	{"sctp/snmp", procSCTP, false, false},
	{"snmp", procSNMP, true, true},
	{"snmp6", procSNMP6, false, false},
	{"netstat", procNetstat, true, false},
}

// readCounters parses the counter files, which read returns given their
// path under /proc/net and the name errors give them. An optional file
// whose read fails with fs.ErrNotExist is left out; any other error ends
// the read.
func readCounters(read func(proc, name string) ([]byte, error)) (*stack.Counters, error) {
	c := &stack.Counters{List: make([]stack.Counter, 0, 512)}
	for _, f := range counterSources {
		b, err := read(f.proc, f.name)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				if f.required {
					// nstat goes on without a word; we say it, once.
					c.Warnings = append(c.Warnings, missingFileWarning(err))
				}
				continue
			}
			return nil, err
		}
		if f.tables {
			parseCounterTables(c, f.name, b)
		} else {
			parseCounterLines(c, f.name, b)
		}
	}
	return c, nil
}

// missingFileWarning names a counter file that is not there.
func missingFileWarning(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Path + ": " + Strerror(pe.Err)
	}
	return err.Error()
}

// ParseCounters reads the counters of files in nstat's order (SCTP, SNMP,
// SNMP6, Netstat) and without the constants nstat drops. A file without a
// Name is named as in /proc/net. Garbled lines become warnings; the error
// is a failure to read a file.
func ParseCounters(files CounterFiles) (*stack.Counters, error) {
	c := &stack.Counters{List: make([]stack.Counter, 0, 512)}
	for _, src := range counterSources {
		var f CounterFile
		switch src.proc {
		case "snmp":
			f = files.SNMP
		case "snmp6":
			f = files.SNMP6
		case "netstat":
			f = files.Netstat
		case "sctp/snmp":
			f = files.SCTP
		}
		if f.R == nil {
			continue
		}
		if f.Name == "" {
			f.Name = src.name
		}
		var err error
		if src.tables {
			err = ParseCounterTables(c, f.Name, f.R)
		} else {
			err = ParseCounterLines(c, f.Name, f.R)
		}
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// ParseCounterTables appends to c the counters of a file of two-line
// tables (/proc/net/snmp, /proc/net/netstat) named name, in the file's
// order, leaving out the constants. Problems become warnings in c; the
// error is a failure to read r.
func ParseCounterTables(c *stack.Counters, name string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	parseCounterTables(c, name, b)
	return nil
}

// ParseCounterLines appends to c the counters of a file of "name value"
// lines (/proc/net/snmp6, /proc/net/sctp/snmp) named name, in the file's
// order, leaving out the constants. Problems become warnings in c; the
// error is a failure to read r.
func ParseCounterLines(c *stack.Counters, name string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	parseCounterLines(c, name, b)
	return nil
}

// ConstantCounter reports whether nstat leaves the counter out of its
// lists (its "useless numbers"): settings and a gauge rather than
// counters. These are IpForwarding, IpDefaultTTL, TcpRtoAlgorithm,
// TcpRtoMin, TcpRtoMax, TcpMaxConn and TcpCurrEstab.
func ConstantCounter(name string) bool {
	switch name {
	case "IpForwarding", "IpDefaultTTL",
		"TcpRtoAlgorithm", "TcpRtoMin", "TcpRtoMax", "TcpMaxConn", "TcpCurrEstab":
		return true
	}
	return false
}

// maxWarnings is how many warnings one file gives before the rest are
// counted in a last one.
const maxWarnings = 20

// counterSink collects the counters of one file. Their names are built in
// one buffer and become one string at the end, which saves an allocation
// a counter.
type counterSink struct {
	c        *stack.Counters
	file     string
	names    []byte
	ents     []counterEnt
	warnings int
}

type counterEnt struct {
	end int // of the name in names
	val uint64
}

func newCounterSink(c *stack.Counters, file string, size int) *counterSink {
	return &counterSink{c: c, file: file, names: make([]byte, 0, size), ents: make([]counterEnt, 0, size/16)}
}

// add records the counter named by the concatenation of prefix and field.
func (s *counterSink) add(prefix, field []byte, v uint64) {
	start := len(s.names)
	s.names = append(s.names, prefix...)
	s.names = append(s.names, field...)
	if ConstantCounter(string(s.names[start:])) { // no allocation
		s.names = s.names[:start]
		return
	}
	s.ents = append(s.ents, counterEnt{end: len(s.names), val: v})
}

// warn records a problem at line of the file.
func (s *counterSink) warn(line int, format string, args ...any) {
	s.warnings++
	if s.warnings <= maxWarnings {
		s.c.Warnings = append(s.c.Warnings, fmt.Sprintf("%s:%d: ", s.file, line)+fmt.Sprintf(format, args...))
	}
}

// flush appends the collected counters to c.
func (s *counterSink) flush() {
	if s.warnings > maxWarnings {
		s.c.Warnings = append(s.c.Warnings, fmt.Sprintf("%s: %d more problems not shown", s.file, s.warnings-maxWarnings))
	}
	all := string(s.names)
	start := 0
	for _, e := range s.ents {
		s.c.List = append(s.c.List, stack.Counter{Name: all[start:e.end], Value: e.val})
		start = e.end
	}
}

// tableLine is one line of a two-line table, split at its prefix.
type tableLine struct {
	num    int
	prefix []byte // without the colon
	rest   []byte // the fields
}

// values reports whether the line holds values rather than names: one
// of its fields is a number (names never are).
func (l *tableLine) values() bool {
	for rest := l.rest; ; {
		var f []byte
		f, rest = nextField(rest)
		if len(f) == 0 {
			return false
		}
		if _, ok := parseCounterValue(f); ok {
			return true
		}
	}
}

func parseCounterTables(c *stack.Counters, file string, b []byte) {
	s := newCounterSink(c, file, len(b)/2)
	var (
		hdr     tableLine
		pending bool // hdr waits for its values line
	)
	orphan := func() {
		if pending {
			s.warn(hdr.num, "%s: header line without a values line; its counters are left out", hdr.prefix)
			pending = false
		}
	}
	num := 0
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		num++
		if isBlank(line) {
			continue
		}
		l, ok := splitTableLine(num, line)
		if !ok {
			orphan()
			s.warn(num, "no %q prefix naming the table; line ignored", "Name:")
			continue
		}
		isValues := l.values()
		if !pending {
			if isValues {
				s.warn(num, "%s: values line without a header line; line ignored", l.prefix)
				continue
			}
			hdr, pending = l, true
			continue
		}
		if string(l.prefix) != string(hdr.prefix) || !isValues && !isBlank(l.rest) {
			orphan()
			if isValues {
				s.warn(num, "%s: values line without a header line; line ignored", l.prefix)
			} else {
				hdr, pending = l, true
			}
			continue
		}
		pairTable(s, &hdr, &l)
		pending = false
	}
	orphan()
	s.flush()
}

// pairTable adds the counters of a header line and its values line.
// Names and values are paired from the left: when there are more values
// than names the extra ones are ignored (nstat does the same, for the
// trailing dummy Icmp value of Linux 2.4), when there are fewer the last
// names are left out (nstat pairs from the right then, which gives the
// first names values that are not theirs).
func pairTable(s *counterSink, hdr, val *tableLine) {
	names, values := hdr.rest, val.rest
	nn, nv := 0, 0
	for {
		var n, v []byte
		n, names = nextField(names)
		if len(n) == 0 {
			break
		}
		nn++
		v, values = nextField(values)
		if len(v) == 0 {
			continue
		}
		nv++
		x, ok := parseCounterValue(v)
		if !ok {
			s.warn(val.num, "%s%s: bad value %q; counter left out", hdr.prefix, n, v)
			continue
		}
		s.add(hdr.prefix, n, x)
	}
	for {
		var v []byte
		v, values = nextField(values)
		if len(v) == 0 {
			break
		}
		nv++
	}
	switch {
	case nv < nn:
		s.warn(val.num, "%s: header and values differ in length (%d names, %d values); the last %d counters are left out",
			hdr.prefix, nn, nv, nn-nv)
	case nv > nn:
		s.warn(val.num, "%s: header and values differ in length (%d names, %d values); the last %d values are ignored",
			hdr.prefix, nn, nv, nv-nn)
	}
}

// splitTableLine splits "Prefix: fields" at the colon. The prefix must
// be one word.
func splitTableLine(num int, line []byte) (tableLine, bool) {
	i := 0
	for i < len(line) && line[i] != ':' {
		if isSpace(line[i]) {
			return tableLine{}, false
		}
		i++
	}
	if i == 0 || i == len(line) {
		return tableLine{}, false
	}
	return tableLine{num: num, prefix: line[:i], rest: line[i+1:]}, true
}

func parseCounterLines(c *stack.Counters, file string, b []byte) {
	s := newCounterSink(c, file, len(b)/2)
	num := 0
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		num++
		name, rest := nextField(line)
		if len(name) == 0 || name[0] == '#' {
			continue // blank; nstat takes "#" lines as a note on the source
		}
		v, rest := nextField(rest)
		if len(v) == 0 {
			s.warn(num, "%s: no value; counter left out", name)
			continue
		}
		x, ok := parseCounterValue(v)
		if !ok {
			s.warn(num, "%s: bad value %q; counter left out", name, v)
			continue
		}
		if extra, _ := nextField(rest); len(extra) > 0 {
			s.warn(num, "%s: unexpected %q after the value", name, extra)
		}
		s.add(nil, name, x)
	}
	s.flush()
}

// parseCounterValue reads a decimal counter as nstat's scanf("%llu")
// does: an optional sign, a negative number wrapping around 2^64. Digits
// beyond 2^64-1, or anything else than digits, are refused.
func parseCounterValue(b []byte) (uint64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, true
}

// cutLine returns the first line of b without its newline, and the rest.
func cutLine(b []byte) (line, rest []byte) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// nextField returns the first blank-separated field of b and what
// follows it; an empty field when there is none.
func nextField(b []byte) (field, rest []byte) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	j := i
	for j < len(b) && !isSpace(b[j]) {
		j++
	}
	return b[i:j], b[j:]
}

func isSpace(c byte) bool { return spaces[c] }

// spaces are the bytes that separate fields.
var spaces = [256]bool{' ': true, '\t': true, '\r': true, '\v': true, '\f': true}

func isBlank(b []byte) bool {
	f, _ := nextField(b)
	return len(f) == 0
}
