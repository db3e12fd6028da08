// Package sim is the sim applet: scenario runs on the reference stack,
// and simulation sessions (session.go).
//
//	stackbox sim run SCENARIO [--until T] [--json]
//
// runs SCENARIO (a scenario file, or the name of a shipped scenario) in
// virtual time until T ("2s", "150ms"; default the scenario's duration)
// and prints a summary of what its workloads measured: per workload
// connections, bytes, goodput, retransmissions and errors, request
// latency percentiles, bulk flows, UDP loss, SYNs sent, and per link
// direction frames and drops. --json prints the same values as JSON.
//
// Exit status: 0 on success, 1 when the scenario cannot be loaded or run
// (one line on stderr: the file, line and field of a bad scenario), 2 for
// a usage error.
package sim

import (
	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/scenario"
)

// Options holds what the sim command needs from outside.
type Options struct {
	IO *cli.IO
	// Resolve loads a scenario from a file name or a shipped scenario's
	// name.
	Resolve func(arg string) (*scenario.Scenario, error)
}

// NewCmd builds the sim command.
func NewCmd(io *cli.IO) *cobra.Command {
	return NewCmdWith(&Options{IO: io, Resolve: scenario.Resolve}, nil)
}

// NewCmdWith builds the sim command; runF, when not nil, replaces the run
// subcommand's run function (tests use it to check flag handling alone).
func NewCmdWith(opts *Options, runF func(*RunOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim COMMAND",
		Short: "run scenarios on the reference stack",
		Long:  "Run scenarios on the reference stack, a deterministic simulation of a Linux-like TCP/IP stack.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf(cmd, "missing command (want: sim run SCENARIO, or sim new|run|set|log|reset|rm|ls for sessions)")
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErrorf(c, "%v", err) })
	run := newRunCmd(opts, runF)
	withSessions(run, opts) // session_run.go: sim run SESSION [DURATION]
	cmd.AddCommand(run)
	cmd.AddCommand(sessionCommands(opts)...) // session.go: sim new, set, log, reset, rm, ls
	return cmd
}

// usageErrorf is a usage error: exit status 2, one line.
func usageErrorf(cmd *cobra.Command, format string, args ...any) error {
	return cli.Errorf(2, cmd.CommandPath()+": "+format+" (see --help)", args...)
}
