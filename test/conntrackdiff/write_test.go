//go:build linux

package conntrackdiff

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// WriteCase is one change comparison on twins: Args run by conntrack in
// twin A and by the candidate in twin B (both filled identically), then
// both twins are listed by both tools with each of reads.
type WriteCase struct {
	Args []string
	// Labels runs everything with the label map over /etc, in twins
	// whose ruleset enables labels.
	Labels bool
	// File, when set, is written to a command file whose path replaces
	// "{file}" in Args (for -R).
	File string
	// Want are strings the reference's output of the change must hold.
	Want []string
	// Fail says the reference's change must exit non-zero.
	Fail bool
}

// twinNorm compares two namespaces: dump orders and flow ids differ.
var twinNorm = norm{sort: true, ids: true}

// reads list each twin after a change: every field of every flow (the
// count is implicit in the listing; -o xml and -C have their own cases).
var reads = [][]string{
	{"-L", "-o", "extended,id"},
}

// w is shorthand for a WriteCase with the arguments args.
func w(args ...string) WriteCase { return WriteCase{Args: args} }

func (k WriteCase) want(s ...string) WriteCase { k.Want = append(k.Want, s...); return k }
func (k WriteCase) fails() WriteCase           { k.Fail = true; return k }
func (k WriteCase) labels() WriteCase          { k.Labels = true; return k }

// writeCases are the changes: deletions with filters, flushes, updates of
// marks, statuses, timeouts and labels, creations, command files.
var writeCases = []WriteCase{
	w("-D", "-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "443").want("have been deleted"),
	w("-D", "-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "444").fails(),
	w("-D", "-s", "192.0.2.1"),
	w("-D", "-s", "192.0.2.0/30"),
	w("-D", "-d", "2001:db8::53"),
	w("-D", "-p", "tcp", "--state", "ESTABLISHED"),
	w("-D", "-p", "udp"),
	w("-D", "-p", "icmp"),
	w("-D", "-f", "ipv6"),
	w("-D", "-m", "1"),
	w("-D", "-m", "0x10/0xf0"),
	w("-D", "-u", "ASSURED"),
	w("-D", "-w", "7"),
	w("-D", "--orig-zone", "3"),
	w("-D", "-p", "tcp", "-s", "2001:db8::1", "-d", "2001:db8::2", "--sport", "42001", "--dport", "443", "-w", "7"),
	w("-D", "-o", "xml", "-p", "udp", "--dport", "53"),
	w("-D"),
	w("--delete", "-m", "99"),
	w("-F").want("connection tracking table has been emptied"),
	w("--flush"),
	w("-F", "conntrack"),
	w("-F", "expect"),
	w("-U", "-m", "42"),
	w("-U", "-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "443", "-m", "7"),
	w("-U", "-s", "192.0.2.2", "-m", "8"),
	w("-U", "-p", "udp", "-m", "0x20"),
	w("-U", "-p", "tcp", "--state", "ESTABLISHED", "-m", "5"),
	w("-U", "-f", "ipv6", "-m", "6"),
	w("-U", "-s", "192.0.2.3", "-u", "ASSURED"),
	w("-U", "-p", "udp", "-s", "192.0.2.5", "-d", "203.0.113.53", "--sport", "5353", "--dport", "53", "-u", "SEEN_REPLY"),
	w("-U", "-p", "udp", "-s", "192.0.2.5", "-d", "203.0.113.53", "--sport", "5353", "--dport", "53", "-t", "500"),
	w("-U", "-s", "192.0.2.99", "-m", "1").fails(),
	w("-U", "-w", "7", "-m", "77"),
	w("-U", "-m", "1", "-m", "2"),
	w("--update", "-o", "xml", "-s", "192.0.2.1", "-m", "3"),
	w("-I", "-p", "tcp", "-s", "192.0.2.50", "-d", "198.51.100.50", "--sport", "1", "--dport", "2", "--state", "ESTABLISHED", "-t", "5000", "-u", "ASSURED", "-m", "12"),
	w("-I", "-p", "udp", "-s", "2001:db8::50", "-d", "2001:db8::51", "--sport", "1", "--dport", "2", "-t", "5000", "-w", "11"),
	w("-I", "-p", "icmp", "-s", "192.0.2.50", "-d", "198.51.100.50", "--icmp-type", "8", "--icmp-code", "0", "--icmp-id", "9", "-t", "5000"),
	w("-I", "-p", "icmpv6", "-s", "2001:db8::50", "-d", "2001:db8::51", "--icmpv6-type", "128", "--icmpv6-code", "0", "--icmpv6-id", "9", "-t", "5000", "--reply-zone", "2"),
	w("-I", "-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "443", "--state", "ESTABLISHED", "-t", "5000").fails(),
	w("-I", "-p", "udp", "-s", "192.0.2.50", "-d", "198.51.100.50", "-r", "198.51.100.50", "-q", "192.0.2.50", "--sport", "1", "--dport", "2", "-t", "5000", "-o", "xml"),
	w("--create", "-p", "sctp", "-s", "192.0.2.50", "-d", "198.51.100.50", "--sport", "1", "--dport", "2", "--state", "COOKIE_WAIT", "-t", "5000"),
	{Args: []string{"-R", "{file}"}, File: "-I -p udp -s 192.0.2.60 -d 198.51.100.60 --sport 1 --dport 2 -t 5000 -m 4\n" +
		"-I -p tcp -s 192.0.2.61 -d 198.51.100.61 --sport 1 --dport 2 --state ESTABLISHED -t 5000\n" +
		"-D -s 192.0.2.1\n" +
		"-U -p udp -m 9\n"},
	{Args: []string{"-R", "{file}"}, File: "-I -p udp -s 192.0.2.60 -d 198.51.100.60 --sport 1 --dport 2 -t 5000\n" +
		"-I -p udp -s 192.0.2.60 -d 198.51.100.60 --sport 1 --dport 2 -t 5000\n" +
		"-D -s 192.0.2.2\n", Fail: true},
	{Args: []string{"--load-file", "{file}"}, File: "-F\n-I -p udp -s 192.0.2.62 -d 198.51.100.62 --sport 1 --dport 2 -t 5000\n"},
	{Args: []string{"-R", "{file}"}, File: "-L\n", Fail: true},
	{Args: []string{"-R", "{file}"}, File: "-I -p foo\n", Fail: true},
	w("-I", "-p", "tcp", "-s", "192.0.2.70", "-d", "198.51.100.70", "--sport", "1", "--dport", "2", "--state", "ESTABLISHED", "-t", "5000", "--label-add", "one,two").labels(),
	w("-U", "-p", "tcp", "-s", "192.0.2.20", "-d", "198.51.100.20", "--sport", "43001", "--dport", "80", "--label-add", "two").labels(),
	w("-U", "-p", "tcp", "-s", "192.0.2.20", "-d", "198.51.100.20", "--sport", "43001", "--dport", "80", "--label-del", "one").labels(),
	w("-U", "-l", "one", "-m", "31").labels(),
	w("-U", "-p", "udp", "--label-del").labels(),
	w("-D", "-l", "sixtyfour").labels(),
	w("-D", "-l", "nosuchlabel").labels().fails(),
}

// TestWrite makes each change on twins and compares the changes' outputs
// and then every listing of both twins by both tools.
func TestWrite(t *testing.T) {
	ref, cand := reference(t), candidate(t)
	for _, k := range writeCases {
		name := caseName(k.Args)
		if k.File != "" {
			name += " " + caseName(strings.Fields(strings.ReplaceAll(k.File, "\n", " ; ")))
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			problems, err := runWriteCase(t, ref, cand, k)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Error(p)
			}
		})
	}
}

// newTwin creates a fixture for one side of a write case.
func newTwin(t *testing.T, ref *tool, k WriteCase) where {
	ns := newFixture(t, fixtureOpts{labels: k.Labels})
	w := in(ns)
	if k.Labels {
		w.labels = labelEtc(t)
		fillWith(t, ref, w, labelFlows)
	}
	return w
}

// runWriteCase runs k on fresh twins and returns the differences found.
func runWriteCase(t *testing.T, ref, cand *tool, k WriteCase) ([]string, error) {
	a, b := newTwin(t, ref, k), newTwin(t, ref, k)
	args := k.Args
	if k.File != "" {
		file := filepath.Join(t.TempDir(), "commands")
		if err := os.WriteFile(file, []byte(k.File), 0o644); err != nil {
			return nil, err
		}
		args = make([]string, len(k.Args))
		for i, s := range k.Args {
			args[i] = strings.ReplaceAll(s, "{file}", file)
		}
	}
	n := twinNorm
	if isUpdate(args) {
		n.noStdout = true
	}
	var problems []string
	ra, err := ref.run(a, args)
	if err != nil {
		return nil, err
	}
	rb, err := cand.run(b, args)
	if err != nil {
		return nil, err
	}
	if !n.equal(ra, rb) {
		problems = append(problems, "the change's outputs differ\n"+report(ref.label, cand.label, n, ra, rb))
	} else if *flagShow {
		t.Logf("%s\nexit %d\nstdout:\n%sstderr:\n%s", strings.Join(ra.Argv, " "), ra.Code, ra.Stdout, ra.Stderr)
	}
	readNorm := twinNorm
	if fixed, ok, err := newerUpdate(t, ref, k, args, ra); err != nil {
		return nil, err
	} else if ok {
		// conntrack 1.4.7's update failed where a working one succeeds:
		// stackbox must do what that one does.
		if fixed.ns != nil {
			a = fixed
		}
		problems = nil
		readNorm.zonedMarks = true
		// (A command file's commands print no summary lines.)
		summary := k.File != "" || strings.Contains(rb.Stderr, "flow entries have been updated")
		if rb.Code != 0 || !summary || strings.Contains(rb.Stderr, "Operation failed") {
			problems = append(problems, fmt.Sprintf("%s must update as a working conntrack does; got exit %d\nstderr:\n%s",
				cand.label, rb.Code, rb.Stderr))
		}
	}
	if k.Fail && ra.Code == 0 {
		problems = append(problems, fmt.Sprintf("the reference succeeded where the case expects a failure\nstdout:\n%sstderr:\n%s", ra.Stdout, ra.Stderr))
	}
	for _, s := range k.Want {
		if !strings.Contains(ra.Stdout+ra.Stderr, s) {
			problems = append(problems, fmt.Sprintf("the reference's output lacks %q\nstdout:\n%sstderr:\n%s", s, ra.Stdout, ra.Stderr))
		}
	}
	// Read both twins back with both tools: conntrack's reading of twin
	// A is the standard the three others must meet.
	for _, rd := range reads {
		base, err := ref.run(a, rd)
		if err != nil {
			return nil, err
		}
		for _, o := range []struct {
			tl   *tool
			at   where
			what string
		}{
			{ref, b, fmt.Sprintf("%s reads the twins differently after the change (A changed by %s, B by %s)", ref.label, ref.label, cand.label)},
			{cand, a, fmt.Sprintf("%s and %s read twin A (changed by %s) differently", ref.label, cand.label, ref.label)},
			{cand, b, fmt.Sprintf("%s reading twin B (changed by %s) differs from %s reading twin A", cand.label, cand.label, ref.label)},
		} {
			r, err := o.tl.run(o.at, rd)
			if err != nil {
				return nil, err
			}
			if !readNorm.equal(base, r) {
				problems = append(problems, fmt.Sprintf("%s: conntrack %s\n%s", o.what, strings.Join(rd, " "),
					report(ref.label, o.tl.label, readNorm, base, r)))
			}
		}
	}
	return problems, nil
}

// isUpdate reports whether args hold the update command.
func isUpdate(args []string) bool {
	for _, a := range args {
		if a == "-U" || a == "--update" {
			return true
		}
	}
	return false
}

// newerUpdate handles conntrack 1.4.7's broken -U. It sends each update
// with family AF_UNSPEC, which Linux 5.8 and later refuse with EOPNOTSUPP
// ("Operation failed: Operation not supported"), and without the flow's
// zone, so that flows in a zone are not found (ENOENT). When the reference
// failed so, newerUpdate makes the change on a fresh twin one family at a
// time (-f ipv4, then -f ipv6: 1.4.7 then sends the family and the
// updates work, except for the zoned flows) and returns that twin; the
// marks of zoned flows are then left out of the comparison.
func newerUpdate(t *testing.T, ref *tool, k WriteCase, args []string, ra result) (where, bool, error) {
	if !isUpdate(args) && !strings.Contains(k.File, "-U ") {
		return where{}, false, nil
	}
	if !strings.Contains(ra.Stderr, "Operation not supported") {
		// Only the zoned flows failed: the reference's twin is right
		// for every other flow.
		return where{}, strings.Contains(ra.Stderr, "Operation failed: No such file or directory"), nil
	}
	families := [][]string{{"-f", "ipv4"}, {"-f", "ipv6"}}
	at := newTwin(t, ref, k)
	if k.File != "" {
		// A command file: each update line becomes one per family.
		var lines []string
		for _, l := range strings.Split(strings.TrimRight(k.File, "\n"), "\n") {
			if strings.HasPrefix(l, "-U ") {
				for _, f := range families {
					lines = append(lines, l+" "+strings.Join(f, " "))
				}
				continue
			}
			lines = append(lines, l)
		}
		file := filepath.Join(t.TempDir(), "commands")
		if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			return where{}, false, err
		}
		if _, err := ref.run(at, []string{"-R", file}); err != nil {
			return where{}, false, err
		}
		return at, true, nil
	}
	for _, f := range families {
		r, err := ref.run(at, append(append([]string{}, args...), f...))
		if err != nil {
			return where{}, false, err
		}
		if strings.Contains(r.Stderr, "Operation not supported") {
			return where{}, false, fmt.Errorf("conntrack %s %s failed too:\n%s", strings.Join(args, " "), strings.Join(f, " "), r.Stderr)
		}
	}
	return at, true, nil
}
