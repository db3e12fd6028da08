// Package nstat is the nstat applet: iproute2's nstat 6.1 over a
// stack.CounterStack, with the same options, output, history file, daemon
// protocol and exit codes, plus:
//
//   - --netns NAME reads the counters of a named network namespace (what
//     `ip netns exec NAME nstat` prints; a daemon started with it listens
//     in that namespace, and a client looks for one there);
//   - --json (any long form of nstat's -j) prints each counter with its
//     rate: {"kernel":{"TcpActiveOpens":{"value":33,"rate":0.4}}};
//     -j keeps nstat's layout;
//   - --prometheus prints the counters (absolute values, zeros included,
//     selected by the patterns) in the Prometheus text format with
//     node_exporter's netstat names, without reading or writing the
//     history or asking a daemon;
//   - --softnet prints /proc/net/softnet_stat per CPU with its columns
//     named (-j or --json for JSON, -p to indent it);
//   - --sim SCENARIO [--at T] [--host NAME] reads a host of the reference
//     stack instead of the kernel, with no history file and no daemon:
//     every run prints the counters since the simulation started.
//
// stackbox's options must be spelled in full; every abbreviation nstat
// accepts keeps its nstat meaning.
package nstat

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/nstat"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// Target is the stack nstat reads, and a way to run code in its network
// namespace (where the daemon's abstract socket lives).
type Target interface {
	stack.CounterStack
	// Do runs fn in the target's network namespace.
	Do(fn func() error) error
}

// ServeFunc runs a daemon on a listener until ctx is done.
type ServeFunc func(ctx context.Context, ln net.Listener) error

// Options holds what the nstat command needs from outside.
type Options struct {
	IO *cli.IO
	// NewStack returns the stack to read: the host kernel in the named
	// network namespace ("" for the current one).
	NewStack func(netns string) (Target, error)
	// LookupEnv reads the environment ($NSTAT_HISTORY, $POSIXLY_CORRECT).
	LookupEnv func(string) (string, bool)
	// Getuid is the real user id (the history file's owner, the daemon's
	// socket name).
	Getuid func() int
	// Now is the clock (the history's age, the daemon's intervals).
	Now func() time.Time
	// Uptime is the whole seconds since boot; ok is false when unknown.
	Uptime func() (secs int64, ok bool)
	// SocketName is the daemon socket of uid (nstat's "\0nstat<uid>").
	SocketName func(uid int) string
	// Daemon puts a daemon in the background on the listening socket
	// sock (which it may close) and returns; serve runs a daemon in
	// this process. The default starts this program again, detached,
	// with the socket.
	Daemon func(sock *os.File, serve ServeFunc) error
	// Inherited returns the listening socket when this process is a
	// daemon started by Daemon.
	Inherited func() (*os.File, bool)
}

// NewCmd builds the nstat command with the host kernel as its target.
func NewCmd(io *cli.IO) *cobra.Command {
	return NewCmdWith(&Options{
		IO:         io,
		NewStack:   newKernelTarget,
		LookupEnv:  os.LookupEnv,
		Getuid:     os.Getuid,
		Now:        time.Now,
		Uptime:     func() (int64, bool) { return nstat.ReadUptime("/proc/uptime") },
		SocketName: nstat.SocketName,
		Daemon:     startDaemon,
		Inherited:  inheritedSocket,
	}, nil)
}

// NewCmdWith builds the nstat command; runF, when not nil, replaces the run
// function (tests use it to check flag handling alone).
func NewCmdWith(opts *Options, runF func(*Options, *flags) error) *cobra.Command {
	return &cobra.Command{
		Use:                "nstat [OPTION] [PATTERN...]",
		Short:              "network statistics counters",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFlags(args)
			if err != nil {
				return reportError(opts.IO, err)
			}
			if runF != nil {
				return runF(opts, f)
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return reportError(opts.IO, run(ctx, opts, f))
		},
	}
}

// reportError prints nstat's message for err and returns its exit status.
func reportError(io *cli.IO, err error) error {
	if err == nil {
		return nil
	}
	var (
		ue *usageError
		pe *plainError
		ee *cli.ExitError
		he *nstat.HistoryError
		uh *nstat.UnsafeHistoryError
		te *nstat.ParseError
		se *nstat.SocketError
		ne *kernel.NetNSError
	)
	code := 255
	switch {
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintln(io.ErrOut, ue.msg)
		}
		fmt.Fprint(io.ErrOut, usageText)
	case errors.As(err, &pe):
		if pe.msg != "" {
			fmt.Fprintln(io.ErrOut, pe.msg)
		}
		code = pe.code
	case errors.As(err, &ee):
		return err
	case errors.As(err, &he):
		fmt.Fprintf(io.ErrOut, "nstat: %s history file: %s\n", he.Op, kernel.Strerror(he.Err))
	case errors.As(err, &uh):
		fmt.Fprintln(io.ErrOut, "nstat: something is so wrong with history file, that I prefer not to proceed.")
	case errors.As(err, &te):
		// nstat names its own source line, whatever the table's source.
		fmt.Fprintln(io.ErrOut, "nstat.c:146: error parsing history file")
		code = 254
	case errors.As(err, &se):
		fmt.Fprintf(io.ErrOut, "nstat: %s: %s\n", se.Op, kernel.Strerror(se.Err))
	case errors.As(err, &ne):
		fmt.Fprintln(io.ErrOut, ne.Error()) // as ip netns exec says it
	case errors.Is(err, context.Canceled):
		code = 130
	default:
		fmt.Fprintf(io.ErrOut, "nstat: %s\n", err)
	}
	return cli.Exit(code)
}
