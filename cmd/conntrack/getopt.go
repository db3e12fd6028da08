package conntrack

import "strings"

// argKind says whether an option takes an argument (getopt's has_arg).
type argKind uint8

const (
	noArg argKind = iota
	reqArg
	optArg
)

// longOpt is one entry of getopt_long's option table.
type longOpt struct {
	name string
	arg  argKind
	val  int
}

// Option values of the long-only options (conntrack uses punctuation).
const (
	valTupleSrc  = '['
	valTupleDst  = ']'
	valMaskSrc   = '{'
	valMaskDst   = '}'
	valLabelAdd  = '<'
	valLabelDel  = '>'
	valOrigZone  = '('
	valReplZone  = ')'
	valProtoBase = 256 // proto options: valProtoBase*n + their own value
)

// ctLongOpts is conntrack 1.4.7's option table, in its order.
var ctLongOpts = []longOpt{
	{"dump", optArg, 'L'}, {"create", optArg, 'I'}, {"add", optArg, 'A'},
	{"delete", optArg, 'D'}, {"update", optArg, 'U'}, {"get", optArg, 'G'},
	{"flush", optArg, 'F'}, {"event", optArg, 'E'}, {"counter", optArg, 'C'},
	{"stats", noArg, 'S'}, {"version", noArg, 'V'}, {"help", noArg, 'h'},
	{"orig-src", reqArg, 's'}, {"src", reqArg, 's'}, {"orig-dst", reqArg, 'd'},
	{"dst", reqArg, 'd'}, {"reply-src", reqArg, 'r'}, {"reply-dst", reqArg, 'q'},
	{"protonum", reqArg, 'p'}, {"timeout", reqArg, 't'}, {"status", reqArg, 'u'},
	{"zero", noArg, 'z'}, {"event-mask", reqArg, 'e'},
	{"tuple-src", reqArg, valTupleSrc}, {"tuple-dst", reqArg, valTupleDst},
	{"mask-src", reqArg, valMaskSrc}, {"mask-dst", reqArg, valMaskDst},
	{"nat-range", reqArg, 'a'}, {"mark", reqArg, 'm'}, {"secmark", reqArg, 'c'},
	{"id", optArg, 'i'}, {"family", reqArg, 'f'}, {"src-nat", optArg, 'n'},
	{"dst-nat", optArg, 'g'}, {"output", reqArg, 'o'}, {"buffer-size", reqArg, 'b'},
	{"any-nat", optArg, 'j'}, {"zone", reqArg, 'w'}, {"label", reqArg, 'l'},
	{"label-add", reqArg, valLabelAdd}, {"label-del", optArg, valLabelDel},
	{"orig-zone", reqArg, valOrigZone}, {"reply-zone", reqArg, valReplZone},
}

// ctShortOpts is conntrack 1.4.7's getopt string.
const ctShortOpts = ":L::I::U::D::G::E::F::A::hVs:d:r:q:p:t:u:e:a:z[:]:{:}:m:i:f:o:n::g::c:b:C::Sj::w:l:<:>::(:):"

// Results of getopt besides option values.
const (
	goEnd     = -1
	goUnknown = '?'
	goMissing = ':'
)

// getopt is glibc's getopt_long with opterr off and a leading ':' in the
// option string, over one argument vector (without the program name), with
// its argument permutation: operands are skipped, and the index of the
// next element stays readable (conntrack consumes optional arguments from
// it).
type getopt struct {
	args  []string
	opts  []longOpt
	next  int // index of the next element (optind - 1)
	sub   int // position within a cluster of short options (0: none)
	done  bool
	arg   string // optarg
	has   bool   // optarg != NULL
	shown string // argv[optind-1] after the call, for messages
}

// shortKind looks c up in the option string.
func shortKind(c byte) (argKind, bool) {
	if c == ':' {
		return 0, false
	}
	i := strings.IndexByte(ctShortOpts[1:], c)
	if i < 0 {
		return 0, false
	}
	s := ctShortOpts[1+i+1:]
	switch {
	case strings.HasPrefix(s, "::"):
		return optArg, true
	case strings.HasPrefix(s, ":"):
		return reqArg, true
	}
	return noArg, true
}

// nextOpt returns the next option's value, goUnknown, goMissing or goEnd.
func (g *getopt) nextOpt() int {
	g.arg, g.has = "", false
	if g.sub > 0 {
		return g.short()
	}
	for !g.done && g.next < len(g.args) {
		a := g.args[g.next]
		switch {
		case a == "--":
			g.done = true
			return goEnd
		case strings.HasPrefix(a, "--"):
			return g.long(a[2:])
		case len(a) > 1 && a[0] == '-':
			g.sub = 1
			return g.short()
		}
		g.next++ // an operand: permuted to the end
	}
	return goEnd
}

func (g *getopt) short() int {
	a := g.args[g.next]
	c := a[g.sub]
	g.sub++
	last := g.sub >= len(a)
	end := func() {
		g.shown = a
		g.next++
		g.sub = 0
	}
	kind, ok := shortKind(c)
	if !ok {
		if last {
			end()
		} else if g.next > 0 {
			g.shown = g.args[g.next-1]
		} else {
			g.shown = ""
		}
		return goUnknown
	}
	switch kind {
	case noArg:
		if last {
			end()
		}
	case optArg:
		if !last {
			g.arg, g.has = a[g.sub:], true
		}
		end()
	case reqArg:
		if !last {
			g.arg, g.has = a[g.sub:], true
			end()
			return int(c)
		}
		end()
		if g.next >= len(g.args) {
			return goMissing
		}
		g.arg, g.has = g.args[g.next], true
		g.shown = g.args[g.next]
		g.next++
	}
	return int(c)
}

func (g *getopt) long(body string) int {
	a := g.args[g.next]
	g.next++
	g.shown = a
	name, val, hasVal := strings.Cut(body, "=")
	var found *longOpt
	ambiguous := false
	for i := range g.opts {
		o := &g.opts[i]
		if !strings.HasPrefix(o.name, name) {
			continue
		}
		if len(o.name) == len(name) {
			found, ambiguous = o, false
			break
		}
		if found == nil {
			found = o
		} else if found.arg != o.arg || found.val != o.val {
			ambiguous = true
		}
	}
	if found == nil || ambiguous {
		return goUnknown
	}
	switch found.arg {
	case noArg:
		if hasVal {
			return goUnknown
		}
	case reqArg:
		if hasVal {
			g.arg, g.has = val, true
		} else if g.next < len(g.args) {
			g.arg, g.has = g.args[g.next], true
			g.shown = g.args[g.next]
			g.next++
		} else {
			return goMissing
		}
	case optArg:
		if hasVal {
			g.arg, g.has = val, true
		}
	}
	return found.val
}

// optional is conntrack's get_optional_arg: when the option had no
// attached argument, the next element is taken if it does not start with
// '-' or '!'.
func (g *getopt) optional() (string, bool) {
	if g.has {
		return "", false
	}
	if g.sub == 0 && g.next < len(g.args) {
		s := g.args[g.next]
		if s == "" || (s[0] != '-' && s[0] != '!') {
			g.next++
			g.shown = s
			return s, true
		}
	}
	return "", false
}

// longName is conntrack's get_long_opt: the first long name of val.
func (g *getopt) longName(val int) string {
	for _, o := range g.opts {
		if o.val == val {
			return o.name
		}
	}
	return "unknown"
}
