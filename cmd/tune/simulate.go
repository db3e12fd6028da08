package tune

import (
	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/tune"
	"github.com/stackbox/stackbox/pkg/tune/simulate"
)

func init() { subcommands = append(subcommands, newSimulateCmd) }

// SimulateOptions are simulate's flags.
type SimulateOptions struct {
	*Options
	Profile  string
	Scenario string
	Until    string
	Hosts    []string
}

func newSimulateCmd(o *Options) *cobra.Command {
	s := &SimulateOptions{Options: o}
	cmd := &cobra.Command{
		Use:   "simulate PROFILE --scenario SCENARIO [--until T] [--apply-to HOST]...",
		Short: "run a scenario on the reference stack without and with PROFILE, side by side",
		Long: "Run SCENARIO (a scenario file, or a shipped scenario's name) on the reference stack twice: " +
			"as it is, and with PROFILE applied to its hosts (every host, or those --apply-to names) at " +
			"virtual time 0, until T (default: the scenario's duration). Prints what changed: throughput, " +
			"request latency percentiles, drops (NIC ring, softnet, listen queue, conntrack, links), " +
			"retransmissions and CPU where the NIC model accounts it. Deterministic: the same arguments " +
			"print the same bytes.",
		Args: exactArgs(1, "one PROFILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s.Profile = args[0]
			if s.Scenario == "" {
				return usageErrorf(cmd, "--scenario is required")
			}
			if s.Sim.Set() || s.NetNS != "" {
				return usageErrorf(cmd, "--sim and --netns do not apply: simulate runs --scenario")
			}
			return runSimulate(s)
		},
	}
	f := cmd.Flags()
	f.StringVar(&s.Scenario, "scenario", "", "the scenario to run (a file or a shipped scenario)")
	f.StringVar(&s.Until, "until", "", "the virtual time to run to (default: the scenario's duration)")
	f.StringArrayVar(&s.Hosts, "apply-to", nil, "a host to apply the profile to (repeatable; default: every host)")
	return cmd
}

func runSimulate(s *SimulateOptions) error {
	sc, err := scenario.Resolve(s.Scenario)
	if err != nil {
		return failf("%v", err)
	}
	var until sim.Time
	if s.Until != "" {
		d, err := scenario.ParseDuration(s.Until)
		if err != nil {
			return failf("--until: %v", err)
		}
		until = sim.FromDuration(d)
	}
	// A profile's "defaults" is sized for the reference machine, as the
	// simulated hosts are.
	p, err := s.Options.Profile(s.Profile, &tune.Sim{Label: sc.Name})
	if err != nil {
		return err
	}
	r, err := simulate.Run(simulate.Options{Scenario: sc, Profile: p, Until: until, Hosts: s.Hosts})
	if err != nil {
		return failf("simulate: %v", err)
	}
	if s.JSON {
		return r.WriteJSON(s.IO.Out)
	}
	return r.WriteText(s.IO.Out)
}
