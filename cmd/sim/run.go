package sim

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	vsim "github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// RunOptions are the options of sim run.
type RunOptions struct {
	*Options
	// Scenario is the file or shipped scenario to run.
	Scenario string
	// Until is the virtual time to stop at; 0 means the scenario's
	// duration.
	Until vsim.Time
	// JSON prints the summary as JSON.
	JSON bool
}

func newRunCmd(opts *Options, runF func(*RunOptions) error) *cobra.Command {
	o := &RunOptions{Options: opts}
	var until string
	cmd := &cobra.Command{
		Use:   "run SCENARIO [--until T] [--json]",
		Short: "run a scenario and print a summary of its workloads",
		Long: "Run SCENARIO (a scenario file, or the name of a shipped scenario: " +
			joinNames(scenario.Shipped()) + ") until virtual time T (default: the scenario's duration)\n" +
			"and print per workload goodput, retransmissions, request latency percentiles, errors and drops.",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf(cmd, "want one SCENARIO, got %d arguments", len(args))
			}
			o.Scenario = args[0]
			if cmd.Flags().Changed("until") {
				t, err := vsim.ParseTime(until)
				if err != nil || t <= 0 {
					return usageErrorf(cmd, "bad --until %q (want a positive virtual time like 2s or 150ms)", until)
				}
				o.Until = t
			}
			if runF != nil {
				return runF(o)
			}
			return runScenario(o)
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErrorf(c, "%v", err) })
	cmd.Flags().StringVar(&until, "until", "", "stop at virtual time `T` (default: the scenario's duration)")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print the summary as JSON")
	return cmd
}

func joinNames(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += n
	}
	return s
}

// runScenario loads, builds, starts and runs the scenario, then prints
// its summary.
func runScenario(o *RunOptions) error {
	sc, err := o.Resolve(o.Scenario)
	if err != nil {
		return cli.Errorf(1, "sim run: %s", oneLine(err))
	}
	n, err := ref.Build(sc)
	if err != nil {
		return cli.Errorf(1, "sim run: %s", oneLine(err))
	}
	if err := n.Start(); err != nil {
		return cli.Errorf(1, "sim run: %s", oneLine(err))
	}
	until := o.Until
	if until == 0 {
		until = vsim.FromDuration(sc.Duration)
	}
	n.Run(until)
	s := n.Summary()
	if o.JSON {
		_, err = o.IO.Out.Write(s.JSON())
	} else {
		err = s.WriteText(o.IO.Out)
	}
	if err != nil {
		return cli.Errorf(1, "sim run: write: %v", err)
	}
	return nil
}

// oneLine is err's first problem on one line, saying how many more a
// scenario file has.
func oneLine(err error) string {
	var list scenario.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		msg := list[0].Error()
		if len(list) > 1 {
			msg += fmt.Sprintf(" (and %d more problems)", len(list)-1)
		}
		return msg
	}
	return err.Error()
}
