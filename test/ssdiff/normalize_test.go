//go:build linux

package ssdiff

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Normalisation: the few fields that legitimately change between two runs
// of the same tool on an unchanged namespace are replaced by placeholders
// before outputs are compared. Every rule is listed here; nothing else is
// touched. Counters that change only when a packet arrives (retransmits,
// zero-window probes, segs_in, ...) are not normalised: the retry in
// compare handles them, because they cannot change twice back to the same
// value.
//
// Rules (applied to stdout of both tools alike):
//
//  1. timer:(NAME,TIME,N)      TIME, the time left, becomes <T>.
//  2. lastsnd: lastrcv: lastack: (ms since the last event) become <T>.
//  3. busy:Nms, rwnd_limited:Nms(P%), sndbuf_limited:Nms(P%): times that
//     grow while a socket is blocked become <T> and <P>.
//  4. The tool's own sockets (its netlink dump socket appears in netlink
//     listings): its pid becomes <SELF>, and on that record the queue
//     sizes, users:(...) and skmem:(...) (the dump in flight, the tool's
//     own threads and fds) become <SELF>; the record's columns are
//     collapsed to single spaces and the record moves to the end, since
//     its place in the kernel's listing follows the pid.
//  5. -s: "Total: N" and the TCP total and closed counts come from
//     host-wide counters (/proc/net/sockstat "sockets: used", TCP "alloc")
//     that every process on the machine changes; they become <N>.
//  6. When any rule above changed stdout, trailing blanks are stripped from
//     every line: ss pads each line to the width of its widest column,
//     which then depends on the replaced values.
//
// stderr and the exit status are compared exactly. Inode numbers, socket
// cookies (sk:), ephemeral ports, sockmix's pid and fds are not normalised:
// both tools look at the same sockets, so these agree.

// normRule is one rewrite of one volatile field.
type normRule struct {
	name string
	re   *regexp.Regexp
	repl string
}

var normRules = []normRule{
	{"timer", regexp.MustCompile(`timer:\(([a-z_]+),[^,()]*,(\d+)\)`), "timer:($1,<T>,$2)"},
	{"tcp_info times", regexp.MustCompile(`(lastsnd|lastrcv|lastack):\d+`), "$1:<T>"},
	{"busy time", regexp.MustCompile(`busy:\d+ms`), "busy:<T>ms"},
	{"limited time", regexp.MustCompile(`(rwnd_limited|sndbuf_limited):\d+ms\([0-9.]+%\)`), "$1:<T>ms(<P>%)"},
	{"summary total", regexp.MustCompile(`(?m)^Total: \d+`), "Total: <N>"},
	{"summary tcp", regexp.MustCompile(`(?m)^TCP:(\s+)\d+ \(estab (\d+), closed \d+,`), "TCP:${1}<N> (estab $2, closed <N>,"},
}

var (
	reUsers = regexp.MustCompile(`users:\(\(.*?\)\)`)
	reSkmem = regexp.MustCompile(`skmem:\([^)]*\)`)
)

// normalized is one run's output after normalisation.
type normalized struct {
	Stdout, Stderr string
	Code           int
	// Notes says which rules fired (for failure reports).
	Notes []string
}

func (n normalized) equal(o normalized) bool {
	return n.Stdout == o.Stdout && n.Stderr == o.Stderr && n.Code == o.Code
}

// normalize applies the rules to one run whose process had pid selfPid
// (0: unknown, rule 4 is skipped).
func normalize(stdout, stderr string, code, selfPid int) normalized {
	n := normalized{Stderr: stderr, Code: code}
	out := stdout
	for _, r := range normRules {
		if c := len(r.re.FindAllStringIndex(out, -1)); c > 0 {
			out = r.re.ReplaceAllString(out, r.repl)
			n.Notes = append(n.Notes, fmt.Sprintf("%s (%d)", r.name, c))
		}
	}
	if selfPid > 0 {
		var c int
		out, c = normalizeSelf(out, selfPid)
		if c > 0 {
			n.Notes = append(n.Notes, fmt.Sprintf("own sockets (%d)", c))
		}
	}
	if len(n.Notes) > 0 {
		lines := strings.Split(out, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " \t")
		}
		out = strings.Join(lines, "\n")
	}
	n.Stdout = out
	return n
}

// normalizeSelf rewrites the records (a line and its tab-indented
// continuation lines) that mention pid, the tool's own process, and moves
// them to the end of the output: the kernel lists netlink sockets in the
// hash order of their port ids, so the place of the tool's own socket
// changes with its pid.
func normalizeSelf(out string, pid int) (string, int) {
	p := strconv.Itoa(pid)
	// "proto:pid" (numeric, with -n), "proto:name/pid", "pid=pid".
	mark := regexp.MustCompile(`((?:^|\s)[A-Za-z0-9_-]+:|/|pid=)` + p + `\b`)
	lines := strings.Split(out, "\n")
	var kept, self []string
	count := 0
	for i := 0; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "\t") || !mark.MatchString(lines[i]) {
			kept = append(kept, lines[i])
			continue
		}
		count++
		l := mark.ReplaceAllString(lines[i], "${1}<SELF>")
		l = reUsers.ReplaceAllString(l, "users:(<SELF>)")
		l = reSkmem.ReplaceAllString(l, "skmem:(<SELF>)")
		f := strings.Fields(l)
		// Recv-Q and Send-Q are the two numbers before the local
		// address, the first field holding <SELF>.
		for j := range f {
			if strings.Contains(f[j], "<SELF>") {
				if j >= 2 && isNumber(f[j-1]) && isNumber(f[j-2]) {
					f[j-1], f[j-2] = "<SELF>", "<SELF>"
				}
				break
			}
		}
		self = append(self, "(own socket, moved here) "+strings.Join(f, " "))
		for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "\t") {
			i++
			self = append(self, reSkmem.ReplaceAllString(lines[i], "skmem:(<SELF>)"))
		}
	}
	if count == 0 {
		return out, 0
	}
	// Keep the final newline last.
	tail := ""
	if n := len(kept); n > 0 && kept[n-1] == "" {
		kept, tail = kept[:n-1], "\n"
	}
	return strings.Join(append(kept, self...), "\n") + tail, count
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}
