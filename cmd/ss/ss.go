// Package ss is the ss applet: iproute2's ss 6.1 over a stack.Stack, with the
// same options, output and exit codes, plus --json, and --sim SCENARIO
// [--at T] [--host NAME] to read a host of the reference stack instead of
// the kernel (spelled in full: every abbreviation ss accepts keeps its
// meaning).
package ss

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	report "github.com/stackbox/stackbox/pkg/report/ss"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/filter"
)

// Options holds what the ss command needs from outside: its streams and a
// way to reach the stack for a namespace.
type Options struct {
	IO *cli.IO
	// NewStack returns the stack to inspect: the host kernel in the named
	// network namespace ("" for the current one).
	NewStack func(netns string, warn io.Writer) (Target, error)
}

// Target is the stack ss inspects plus what it needs to resolve names in
// the right namespace.
type Target interface {
	stack.Stack
	// Threads is Processes with every thread (ss -T).
	Threads(ctx context.Context) (stack.ProcessMap, error)
	// Names resolves interface, host, process and cgroup names.
	Names() report.Names
	// Resolver resolves the names a filter holds.
	Resolver() filter.Resolver
	// Do runs fn in the target's network namespace.
	Do(fn func() error) error
}

// NewCmd builds the ss command with the host kernel as its target.
func NewCmd(io *cli.IO) *cobra.Command {
	return NewCmdWith(&Options{IO: io, NewStack: newKernelTarget}, nil)
}

// NewCmdWith builds the ss command; runF, when not nil, replaces the run
// function (tests use it to check flag handling alone).
func NewCmdWith(opts *Options, runF func(*Options, *flags) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:                "ss [OPTIONS] [FILTER]",
		Short:              "investigate sockets",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFlags(args)
			if err != nil {
				return reportError(opts.IO, err)
			}
			if runF != nil {
				return runF(opts, f)
			}
			return reportError(opts.IO, run(opts, f))
		},
		ValidArgsFunction: complete,
	}
	return cmd
}

// reportError turns ss's errors into what ss prints and its exit status.
func reportError(io *cli.IO, err error) error {
	if err == nil {
		return nil
	}
	var ue *usageError
	var pe *plainError
	var ee *cli.ExitError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(io.ErrOut, ue.msg)
		io.ErrOut.Write([]byte(usageText))
		return cli.Exit(255)
	case errors.As(err, &pe):
		if pe.msg != "" {
			fmt.Fprintln(io.ErrOut, pe.msg)
		}
		return cli.Exit(pe.code)
	case errors.As(err, &ee):
		return err
	}
	fmt.Fprintln(io.ErrOut, err)
	return cli.Exit(1)
}

func complete(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if strings.HasPrefix(toComplete, "--") {
		var out []string
		for _, o := range ssOptions {
			if o.Long != "" && strings.HasPrefix("--"+o.Long, toComplete) {
				out = append(out, "--"+o.Long)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	if len(args) > 0 && args[len(args)-1] == "state" || len(args) > 0 && args[len(args)-1] == "exclude" {
		return []string{"all", "connected", "synchronized", "bucket", "big", "established",
			"syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait", "closed",
			"close-wait", "last-ack", "listening", "closing"}, cobra.ShellCompDirectiveNoFileComp
	}
	return []string{"state", "exclude", "sport", "dport", "src", "dst", "dev", "fwmark",
		"cgroup", "autobound", "and", "or", "not"}, cobra.ShellCompDirectiveNoFileComp
}

// signalContext is cancelled by Ctrl-C (for -E).
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}
