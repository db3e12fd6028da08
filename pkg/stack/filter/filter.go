package filter

import (
	"io"
	"strings"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Linux address family numbers, as ss's Options.Family and Filter.Family
// use them.
const (
	afUnspec  = 0
	afUnix    = 1
	afInet    = 2
	afIPX     = 4
	afInet6   = 10
	afDECnet  = 12
	afNetlink = 16
	afPacket  = 17
	afMPLS    = 28
	afVsock   = 40
)

// Options holds the parts of ss's state that change how a filter parses.
type Options struct {
	// Family is ss's preferred address family (AF_* number): the family
	// of the last of -4, -6, -0, -x, -f FAMILY, --vsock, --tipc and --xdp
	// given, or 0 (AF_UNSPEC). Addresses are then read in that family:
	// with -x every address is a unix path pattern, with -0 a link
	// address, with -6 an IPv4 address is an error.
	Family uint8
	// TCP and UDP say whether the tcp and udp tables are selected (after
	// ss's defaults are applied): a service name is looked up for those
	// protocols only ("sport = :ssh" fails with -u).
	TCP, UDP bool
	// File is the filter file of -F (nil: none). Like ss, its tokens are
	// read after those of the command-line words, a line at a time; a line
	// holds at most 1021 bytes before its newline, and lines starting
	// with '#' or '0' are skipped.
	File io.Reader
	// Resolver resolves host, service, interface and cgroup names; nil
	// means a SystemResolver.
	Resolver Resolver
}

// Error is a filter error as ss reports it.
type Error struct {
	// Msg is the exact text ss writes to stderr, one or more lines each
	// ending in a newline.
	Msg string
	// Code is ss's exit status (1 or 255).
	Code int
	// Usage is set when ss follows Msg with its usage text (on stderr).
	Usage bool
}

func (e *Error) Error() string { return strings.TrimRight(e.Msg, "\n") }

// Filter is a parsed ss filter: the leading state words and the
// expression. A nil *Filter matches every socket.
type Filter struct {
	// States is the set the leading state/exclude words select; it is
	// meaningful only when HasStates is set. Like ss, a set that ends up
	// empty (e.g. "exclude all") leaves the states as they would be
	// without the words.
	States    stack.StateSet
	HasStates bool
	// Family is not zero when an address of the expression was read in a
	// family: a "unix:", "link:", "netlink:", "vsock:", "inet:" or
	// "inet6:" prefix, or any address while Options.Family was set. ss
	// then shows sockets of that family only (the last such address
	// wins).
	Family uint8

	expr *node

	// The kernel form, compiled once by Parse.
	prog    []byte
	progOK  bool
	progBad bool // prog holds AUTO, which Match cannot evaluate

	// Autobound's port range, read when the expression uses it.
	ephLo, ephHi int
}

// Empty reports whether f has no expression (it may still have states).
func (f *Filter) Empty() bool { return f == nil || f.expr == nil }

// Parse parses ss's filter words: the words left on the command line
// after the options, then the filter file of opts.File if any. Leading
// "state NAME" and "exclude NAME" (or "excl NAME") words, each a separate
// word, set the state filter; the rest is the expression, whose words ss
// splits again at spaces and tabs (a backslash escapes the next
// character). On failure the error is an *Error with ss's message and
// exit status.
func Parse(args []string, opts Options) (*Filter, error) {
	f := &Filter{}
	rest, err := scanStates(args, f)
	if err != nil {
		return nil, err
	}
	p := newParser(rest, opts, f)
	expr, err := p.parse()
	if err != nil {
		return nil, err
	}
	f.expr = expr
	if expr != nil {
		f.prog, f.progOK = compile(expr)
		f.progBad = f.progOK && hasAuto(expr)
		if hasAuto(expr) {
			f.ephLo, f.ephHi = p.res.EphemeralPorts()
		}
	}
	return f, nil
}

// ParseReader parses a filter file alone, as "ss -F FILE" with no filter
// words does.
func ParseReader(r io.Reader, opts Options) (*Filter, error) {
	opts.File = r
	return Parse(nil, opts)
}

// String renders the expression in a fully parenthesised form, for tests
// and debugging; it is "" for an empty filter.
func (f *Filter) String() string {
	if f.Empty() {
		return ""
	}
	var b strings.Builder
	f.expr.format(&b)
	return b.String()
}
