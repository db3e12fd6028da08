// Package getopt parses command lines as glibc's getopt_long does, with its
// argument permutation, abbreviated long options and error messages, so that
// applets accept exactly what the original tools accept and reject the rest
// with the same words.
package getopt

import (
	"fmt"
	"strings"
)

// HasArg says whether an option takes an argument.
type HasArg int

// Argument kinds, as getopt_long's no_argument, required_argument and
// optional_argument.
const (
	NoArgument HasArg = iota
	RequiredArgument
	OptionalArgument
)

// Option describes one option. Short is the one-letter form (0 if none),
// Long the long name without dashes ("" if none). ID identifies the option in
// results; it defaults to Short, or must be set for long-only options.
type Option struct {
	Short rune
	Long  string
	Arg   HasArg
	ID    int
}

func (o Option) id() int {
	if o.ID != 0 {
		return o.ID
	}
	return int(o.Short)
}

// Parsed is one option found on the command line.
type Parsed struct {
	ID     int
	Arg    string
	HasArg bool
	Name   string // as written, for messages
}

// Error is a parse error with getopt's message (without the program name).
type Error struct {
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// Parse parses args (without the program name). Options and operands may be
// mixed, as with GNU getopt's default permutation; "--" ends options. It
// returns the options in order and the operands.
func Parse(prog string, args []string, opts []Option) ([]Parsed, []string, error) {
	var out []Parsed
	var operands []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			operands = append(operands, args[i+1:]...)
			return out, operands, nil
		case strings.HasPrefix(a, "--"):
			p, used, err := parseLong(prog, a[2:], args[i+1:], opts)
			if err != nil {
				return out, operands, err
			}
			i += used
			out = append(out, p)
		case len(a) > 1 && a[0] == '-':
			ps, used, err := parseShort(prog, a[1:], args[i+1:], opts)
			out = append(out, ps...)
			if err != nil {
				return out, operands, err
			}
			i += used
		default:
			operands = append(operands, a)
		}
	}
	return out, operands, nil
}

func parseLong(prog, body string, rest []string, opts []Option) (Parsed, int, error) {
	name, val, hasVal := strings.Cut(body, "=")
	var exact *Option
	var matches []*Option
	for i := range opts {
		o := &opts[i]
		if o.Long == "" || !strings.HasPrefix(o.Long, name) {
			continue
		}
		if o.Long == name {
			exact = o
			break
		}
		matches = append(matches, o)
	}
	o := exact
	if o == nil {
		switch {
		case len(matches) == 0:
			return Parsed{}, 0, &Error{fmt.Sprintf("%s: unrecognized option '--%s'", prog, name)}
		case len(matches) > 1 && !sameOption(matches):
			var b strings.Builder
			fmt.Fprintf(&b, "%s: option '--%s' is ambiguous; possibilities:", prog, name)
			for _, m := range matches {
				fmt.Fprintf(&b, " '--%s'", m.Long)
			}
			return Parsed{}, 0, &Error{b.String()}
		}
		o = matches[0]
	}
	p := Parsed{ID: o.id(), Name: "--" + o.Long}
	switch o.Arg {
	case NoArgument:
		if hasVal {
			return p, 0, &Error{fmt.Sprintf("%s: option '--%s' doesn't allow an argument", prog, o.Long)}
		}
	case RequiredArgument:
		if hasVal {
			p.Arg, p.HasArg = val, true
			return p, 0, nil
		}
		if len(rest) == 0 {
			return p, 0, &Error{fmt.Sprintf("%s: option '--%s' requires an argument", prog, o.Long)}
		}
		p.Arg, p.HasArg = rest[0], true
		return p, 1, nil
	case OptionalArgument:
		p.Arg, p.HasArg = val, hasVal
	}
	return p, 0, nil
}

// sameOption reports whether abbreviation matches all name one option (glibc
// does not call that ambiguous).
func sameOption(ms []*Option) bool {
	for _, m := range ms[1:] {
		if m.id() != ms[0].id() || m.Arg != ms[0].Arg {
			return false
		}
	}
	return true
}

func parseShort(prog, body string, rest []string, opts []Option) ([]Parsed, int, error) {
	var out []Parsed
	for j, c := range body {
		o := findShort(opts, c)
		if o == nil {
			return out, 0, &Error{fmt.Sprintf("%s: invalid option -- '%c'", prog, c)}
		}
		p := Parsed{ID: o.id(), Name: "-" + string(c)}
		switch o.Arg {
		case NoArgument:
			out = append(out, p)
			continue
		case OptionalArgument:
			if tail := body[j+len(string(c)):]; tail != "" {
				p.Arg, p.HasArg = tail, true
			}
			return append(out, p), 0, nil
		}
		if tail := body[j+len(string(c)):]; tail != "" {
			p.Arg, p.HasArg = tail, true
			return append(out, p), 0, nil
		}
		if len(rest) == 0 {
			return out, 0, &Error{fmt.Sprintf("%s: option requires an argument -- '%c'", prog, c)}
		}
		p.Arg, p.HasArg = rest[0], true
		return append(out, p), 1, nil
	}
	return out, 0, nil
}

func findShort(opts []Option, c rune) *Option {
	for i := range opts {
		if opts[i].Short == c {
			return &opts[i]
		}
	}
	return nil
}

// Extract returns args without the words take claims, reading args as
// Parse would with opts. take is offered each word that starts with "--"
// (with the words after it) and returns how many it claims, 0 for none;
// claimed words are not options of opts (stackbox's additions to a tool,
// spelled in full). Option arguments are skipped, so that "-F --sim"
// leaves --sim as -F's argument; "--" and every word after the first one
// Parse would reject are kept as they are.
func Extract(args []string, opts []Option, take func(args []string) int) []string {
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		var used int
		var err error
		switch {
		case a == "--":
			return append(rest, args[i:]...)
		case strings.HasPrefix(a, "--"):
			if n := take(args[i:]); n > 0 {
				i += n - 1
				continue
			}
			_, used, err = parseLong("", a[2:], args[i+1:], opts)
		case len(a) > 1 && a[0] == '-':
			_, used, err = parseShort("", a[1:], args[i+1:], opts)
		}
		if err != nil {
			return append(rest, args[i:]...) // getopt stops here
		}
		rest = append(rest, args[i:i+1+used]...)
		i += used
	}
	return rest
}
