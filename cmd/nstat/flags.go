package nstat

import (
	"fmt"
	"strings"

	"github.com/stackbox/stackbox/internal/simtarget"
	"github.com/stackbox/stackbox/pkg/cli/getopt"
	"github.com/stackbox/stackbox/pkg/nstat"
)

// nstatOptions are nstat 6.1's options: its getopt string
// "h?vVzrnasd:t:jp" and its long options, in the order of its longopts
// table (the order glibc lists ambiguous abbreviations in).
var nstatOptions = []getopt.Option{
	{Short: 'h', Long: "help"},
	{Short: 'a', Long: "ignore"},
	{Short: 'd', Long: "scan", Arg: getopt.RequiredArgument},
	{Short: 'n', Long: "nooutput"},
	{Short: 'j', Long: "json"},
	{Short: 'r', Long: "reset"},
	{Short: 's', Long: "noupdate"},
	{Short: 'p', Long: "pretty"},
	{Short: 't', Long: "interval", Arg: getopt.RequiredArgument},
	{Short: 'V', Long: "version"},
	{Short: 'z', Long: "zeros"},
	{Short: '?'},
	{Short: 'v'},
}

// flags holds nstat's parsed options.
type flags struct {
	zeros, reset, ignore bool // -z -r -a
	noUpdate, noOutput   bool // -s -n
	scanMS               int32
	timeConst            int32 // -t, in seconds; 0 when not given
	json, pretty         bool  // -j -p
	jsonRates            bool  // --json (any long form): with rates
	version, help        bool
	netns                string         // --netns NAME
	sim                  simtarget.Spec // --sim SCENARIO, --at T, --host NAME
	prometheus, softnet  bool           // --prometheus --softnet
	patterns             []string
}

// usageError is a bad command line: its message (if any), then the usage,
// go to stderr, and nstat exits 255.
type usageError struct{ msg string }

func (e *usageError) Error() string {
	if e.msg == "" {
		return "usage"
	}
	return e.msg
}

// plainError is printed as is; nstat exits with code.
type plainError struct {
	msg  string
	code int
}

func (e *plainError) Error() string { return e.msg }

// parseFlags parses nstat's command line as nstat 6.1's main() does, with
// glibc's getopt_long. stackbox's options (--netns NAME, --prometheus,
// --softnet) are taken out first; they must be spelled in full, so that
// every abbreviation nstat accepts means what it means to nstat.
func parseFlags(args []string) (*flags, error) {
	f := &flags{}
	rest, extraErr := f.takeExtras(args)
	opts, operands, err := getopt.Parse("nstat", rest, nstatOptions)
	for _, o := range opts {
		if stop, err := f.apply(o); stop || err != nil {
			return f, err
		}
	}
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	if extraErr != nil {
		return nil, extraErr
	}
	if err := f.sim.Check("nstat"); err != nil {
		return nil, &usageError{err.Error()}
	}
	f.patterns = operands
	return f, nil
}

// apply applies one option; stop is set by the options that end nstat's
// option loop (-V, -h) .
func (f *flags) apply(o getopt.Parsed) (stop bool, err error) {
	switch o.ID {
	case 'z':
		f.zeros = true
	case 'r':
		f.reset = true
	case 'a':
		f.ignore = true
	case 's':
		f.noUpdate = true
	case 'n':
		f.noOutput = true
	case 'd':
		secs, _ := nstat.ScanInt32(o.Arg) // atoi
		f.scanMS = 1000 * secs
	case 't':
		v, ok := nstat.ScanInt32(o.Arg)
		if !ok || v <= 0 {
			return true, &plainError{"nstat: invalid time constant divisor", 255}
		}
		f.timeConst = v
	case 'j':
		f.json = true
		if strings.HasPrefix(o.Name, "--") {
			f.jsonRates = true
		}
	case 'p':
		f.pretty = true
	case 'v', 'V':
		f.version = true
		return true, nil
	case 'h', '?':
		f.help = true
		return true, nil
	}
	return false, nil
}

// takeExtras removes stackbox's options from args, leaving what getopt is
// to see. It follows getopt's reading of args: it stops at "--" and at
// anything getopt would reject, and skips option arguments (-d, -t,
// --scan, --interval), so that "-t --softnet" stays -t's argument.
func (f *flags) takeExtras(args []string) ([]string, error) {
	var firstErr error
	fail := func(format string, a ...any) {
		if firstErr == nil {
			firstErr = &usageError{fmt.Sprintf(format, a...)}
		}
	}
	rest := getopt.Extract(args, nstatOptions, func(args []string) int {
		if n, err := f.sim.Take("nstat", args); n > 0 {
			if err != nil {
				fail("%s", err)
			}
			return n
		}
		name, val, hasVal := strings.Cut(args[0][2:], "=")
		switch name {
		case "netns":
			switch {
			case hasVal:
				f.netns = val
			case len(args) > 1:
				f.netns = args[1]
				return 2
			default:
				fail("nstat: option '--netns' requires an argument")
			}
			return 1
		case "prometheus", "softnet":
			if hasVal {
				fail("nstat: option '--%s' doesn't allow an argument", name)
			}
			if name == "prometheus" {
				f.prometheus = true
			} else {
				f.softnet = true
			}
			return 1
		}
		return 0
	})
	return rest, firstErr
}
