// Package diff is the diff applet: one view of two stacks side by side.
//
//	stackbox diff [-a] [--json] [--netns NAME] counters|sockets A B
//
// A and B are targets: "host" (the kernel, in the network namespace
// --netns names, or "host:NETNS") or "sim:SCENARIO[@T][/HOST]" (a host of
// the reference stack running SCENARIO, a file or a shipped name, until
// virtual time T, by default the scenario's end; HOST by default its
// first). Two times of one scenario, two scenarios or the kernel and a
// scenario can be compared.
//
// The counters view is a table of each protocol counter that differs (all
// of them with -a): its name, its value in A and in B, and B-A. The
// sockets view is the histogram of socket states (by table: tcp, udp) of
// both, then the sockets only one side has, matched by table, local and
// peer address and port. --json prints the same values as JSON.
//
// The exit status is diff(1)'s: 0 when the view shows no difference, 1
// when it does, 2 on trouble.
package diff

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/stack"
)

// Target is a stack diff reads: its sockets and its counters.
type Target interface {
	stack.Stack
	stack.CounterStack
}

// Options holds what the diff command needs from outside.
type Options struct {
	IO *cli.IO
	// Open opens a parsed target (nil: openTarget, the kernel or the
	// reference stack).
	Open func(t *TargetSpec) (Target, error)

	All   bool   // -a: every counter, every state
	JSON  bool   // --json
	NetNS string // --netns: the namespace of "host"
}

// NewCmd builds the diff command.
func NewCmd(io *cli.IO) *cobra.Command {
	return NewCmdWith(&Options{IO: io}, nil)
}

// NewCmdWith builds the diff command; runF, when not nil, replaces the run
// function (tests use it to check flag handling alone).
func NewCmdWith(opts *Options, runF func(opts *Options, view string, a, b *TargetSpec) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "diff [-a] [--json] [--netns NAME] counters|sockets A B",
		Short: "one view of two stacks side by side",
		Long: "diff shows one view (counters or sockets) of two targets side by side.\n" +
			"A target is \"host\" (the kernel; host:NETNS for a named network namespace)\n" +
			"or \"sim:SCENARIO[@T][/HOST]\" (a host of the reference stack at virtual time T).\n" +
			"Exit status: 0 no difference, 1 differences, 2 trouble.",
		Example:       "  stackbox diff counters host sim:web/server\n  stackbox diff sockets sim:storm@1s sim:storm@3s",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 3 {
				return cli.Errorf(2, "diff: want a view and two targets, got %d arguments (see stackbox diff --help)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			view := args[0]
			if view != "counters" && view != "sockets" {
				return cli.Errorf(2, "diff: unknown view %q (want counters or sockets)", view)
			}
			a, err := ParseTarget(args[1], opts.NetNS)
			if err != nil {
				return cli.Errorf(2, "diff: %v", err)
			}
			b, err := ParseTarget(args[2], opts.NetNS)
			if err != nil {
				return cli.Errorf(2, "diff: %v", err)
			}
			if runF != nil {
				return runF(opts, view, a, b)
			}
			return Run(context.Background(), opts, view, a, b)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.All, "all", "a", false, "show every counter and state, not only those that differ")
	fl.BoolVar(&opts.JSON, "json", false, "print JSON")
	fl.StringVar(&opts.NetNS, "netns", "", "the network namespace of the target \"host\"")
	return cmd
}

// Run shows view of a and b.
func Run(ctx context.Context, opts *Options, view string, a, b *TargetSpec) error {
	open := opts.Open
	if open == nil {
		open = openTarget
	}
	ta, err := open(a)
	if err != nil {
		return cli.Errorf(2, "diff: %s: %v", a, err)
	}
	tb, err := open(b)
	if err != nil {
		return cli.Errorf(2, "diff: %s: %v", b, err)
	}
	var differ bool
	switch view {
	case "counters":
		differ, err = showCounters(ctx, opts, a, b, ta, tb)
	case "sockets":
		differ, err = showSockets(ctx, opts, a, b, ta, tb)
	default:
		err = fmt.Errorf("unknown view %q", view)
	}
	if err != nil {
		return cli.Errorf(2, "diff: %v", err)
	}
	if differ {
		return cli.Exit(1)
	}
	return nil
}
