// Package conntrack is the conntrack applet: conntrack-tools 1.4.7's
// conntrack over a stack.FlowStack, with its options, legality checks,
// messages and exit statuses:
//
//	conntrack -L|-G|-D|-I|-A|-U|-E|-F|-C|-S [conntrack|expect] [options]
//	conntrack -R|--load-file FILE   (commands, one per line; - for stdin)
//	conntrack -h|-V
//
// and stackbox's additions, which must be spelled in full (every
// abbreviation conntrack accepts keeps its meaning):
//
//   - --netns NAME acts in a named network namespace (what
//     `ip netns exec NAME conntrack` does);
//   - --json prints flows, expectations and events of -L, -G and -E as
//     JSON Lines;
//   - --summary with -L prints a summary of the matching flows (by
//     protocol, state and status) instead of the flows;
//   - --sim SCENARIO [--at T] [--host NAME] acts on a host of the
//     reference stack running a scenario instead of the kernel.
package conntrack

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/internal/simtarget"
	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

const version = "1.4.7"

// Options holds what the conntrack command needs from outside.
type Options struct {
	IO *cli.IO
	// NewStack returns the stack to act on in network namespace netns
	// ("" for the current one).
	NewStack func(netns string) (stack.FlowStack, error)
	// Open opens a file of -R (nil: os.Open).
	Open func(name string) (io.ReadCloser, error)
	// LabelFile opens connlabel.conf (nil: /etc/xtables/connlabel.conf).
	LabelFile func() (io.ReadCloser, error)
	// Signals, when set, is the context -E listens under (tests cancel
	// it); nil is SIGINT and SIGTERM.
	Signals func() (context.Context, context.CancelFunc)
}

// NewCmd builds the conntrack command over the host kernel.
func NewCmd(io *cli.IO) *cobra.Command {
	return NewCmdWith(&Options{IO: io, NewStack: newKernelTarget})
}

// NewCmdWith builds the conntrack command with opts.
func NewCmdWith(opts *Options) *cobra.Command {
	return &cobra.Command{
		Use:                "conntrack [commands] [options]",
		Short:              "command line interface for netfilter connection tracking",
		DisableFlagParsing: true,
		SilenceUsage:       true,
		SilenceErrors:      true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return Run(opts, args)
		},
	}
}

// extras are stackbox's own options.
type extras struct {
	netns        string
	json         bool
	summary      bool
	hasNetns     bool
	netnsMissing bool
	sim          simtarget.Spec // --sim, --at, --host
	simErr       error
}

// takeExtras removes stackbox's options (spelled in full) from args.
func takeExtras(args []string) ([]string, extras) {
	var x extras
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(out, args[i:]...), x
		case a == "--sim" || a == "--at" || a == "--host" ||
			strings.HasPrefix(a, "--sim=") || strings.HasPrefix(a, "--at=") || strings.HasPrefix(a, "--host="):
			n, err := x.sim.Take("", args[i:])
			if err != nil && x.simErr == nil {
				x.simErr = err
			}
			i += n - 1
		case a == "--json":
			x.json = true
		case a == "--summary":
			x.summary = true
		case a == "--netns":
			x.hasNetns = true
			if i+1 >= len(args) {
				x.netnsMissing = true
			} else {
				x.netns = args[i+1]
				i++
			}
		case len(a) > 8 && a[:8] == "--netns=":
			x.hasNetns, x.netns = true, a[8:]
		default:
			out = append(out, a)
		}
	}
	if err := x.sim.Check(""); err != nil && x.simErr == nil {
		x.simErr = err
	}
	return out, x
}

// Run runs conntrack with args (without the program name) and returns its
// exit status as a *cli.ExitError (nil for 0).
func Run(opts *Options, args []string) error {
	args, x := takeExtras(args)
	stdout := bufio.NewWriterSize(opts.IO.Out, 64<<10)
	r := &runner{opts: opts, out: stdout, errOut: opts.IO.ErrOut, x: x}
	err := r.main(args)
	if ferr := stdout.Flush(); err == nil && ferr != nil {
		err = ferr
	}
	return r.report(err)
}

// report prints err as conntrack does and maps it to an exit status.
func (r *runner) report(err error) error {
	if err == nil {
		return nil
	}
	var (
		ce *ctError
		es exitStatus
		ne *kernel.NetNSError
	)
	switch {
	case errors.As(err, &ce):
		r.syncOut()
		fmt.Fprintf(r.errOut, "%s v%s (conntrack-tools): %s\n", progName, version, ce.msg)
		if ce.code == parameterProblem {
			fmt.Fprintf(r.errOut, "Try `%s -h' or '%s --help' for more information.\n", progName, progName)
		}
		return cli.Exit(ce.code)
	case errors.As(err, &es):
		return cli.Exit(int(es))
	case errors.As(err, &ne):
		fmt.Fprintf(r.errOut, "conntrack: %s\n", ne.Error())
		return cli.Exit(otherProblem)
	}
	fmt.Fprintf(r.errOut, "conntrack: %s\n", err)
	return cli.Exit(otherProblem)
}

// signalContext is the context -E listens under.
func (r *runner) signalContext() (context.Context, context.CancelFunc) {
	if r.opts.Signals != nil {
		return r.opts.Signals()
	}
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
