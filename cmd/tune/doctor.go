package tune

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/tune"
	"github.com/stackbox/stackbox/pkg/tune/doctor"
)

func init() { subcommands = append(subcommands, newDoctorCmd) }

// ExitFindings is doctor's exit status when a finding is a warning or
// worse.
const ExitFindings = 3

// DoctorOptions are doctor's flags.
type DoctorOptions struct {
	*Options
	// Interval, when not zero, takes two snapshots that far apart and
	// reads the cumulative counters over it (on the simulation: the
	// virtual time before --at).
	Interval time.Duration
	// Sleep waits between the host's two snapshots (tests replace it).
	Sleep func(ctx context.Context, d time.Duration) error
}

func newDoctorCmd(o *Options) *cobra.Command {
	d := &DoctorOptions{Options: o, Sleep: sleep}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "diagnose the stack: drops, overflows, exhaustion and inconsistent settings, each with its fix (exit 3 on a warning)",
		Long: "Run the seed text's systematic checks on the target: softnet drops and time squeezes, NIC ring drops, " +
			"listen queue overflows, the retransmission rate, TIME_WAIT and local ports, the conntrack table, " +
			"TCP memory, file descriptors, and inconsistent buffer and pacing settings. Each finding shows " +
			"its evidence, what it means and the commands that fix it. Counters are read over the uptime " +
			"(the simulation's virtual time), or over --interval. Exit status: 0 without a finding of " +
			"severity warning or worse, 3 with one, 1 when the target cannot be read, 2 for a usage error.",
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			if d.Interval < 0 {
				return usageErrorf(cmd, "--interval: negative duration %s", d.Interval)
			}
			return runDoctor(cmd.Context(), d)
		},
	}
	cmd.Flags().DurationVar(&d.Interval, "interval", 0, "read the counters over this interval between two snapshots (default: over the uptime)")
	return cmd
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runDoctor takes the snapshot(s), diagnoses and prints.
func runDoctor(ctx context.Context, d *DoctorOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	snap, cmds, err := doctorSnapshot(ctx, d)
	if err != nil {
		return err
	}
	r := doctor.Diagnose(snap, cmds)
	if d.JSON {
		err = r.WriteJSON(d.IO.Out)
	} else {
		err = r.WriteText(d.IO.Out)
	}
	if err != nil {
		return err
	}
	if r.Worst() >= doctor.Warning {
		return cli.Exit(ExitFindings)
	}
	return nil
}

// doctorSnapshot gathers the target's snapshot: one, or the delta of two
// taken Interval apart.
func doctorSnapshot(ctx context.Context, d *DoctorOptions) (*doctor.Snapshot, doctor.Commands, error) {
	if err := d.Sim.Check("tune"); err != nil {
		return nil, doctor.Commands{}, cli.Errorf(2, "%v", err)
	}
	if d.Sim.Set() {
		if d.NetNS != "" {
			return nil, doctor.Commands{}, cli.Errorf(2, "tune: --netns and --sim cannot go together")
		}
		s, err := simSnapshot(ctx, d)
		return s, doctor.DefaultCommands, err
	}
	t, err := d.Target()
	if err != nil {
		return nil, doctor.Commands{}, err
	}
	cmds := doctor.DefaultCommands
	if d.NetNS != "" {
		cmds = doctor.NetnsCommands(d.NetNS)
	}
	src := doctor.HostSource(d.NetNS, t)
	a, err := doctor.Gather(ctx, src)
	if err != nil {
		return nil, cmds, failf("doctor: %v", err)
	}
	if d.Interval == 0 {
		return a, cmds, nil
	}
	start := time.Now()
	if err := d.Sleep(ctx, d.Interval); err != nil {
		return nil, cmds, failf("doctor: %v", err)
	}
	b, err := doctor.Gather(ctx, src)
	if err != nil {
		return nil, cmds, failf("doctor: %v", err)
	}
	return doctor.Delta(a, b, time.Since(start).Round(time.Millisecond)), cmds, nil
}

// simSnapshot runs the simulation to --at (or its end) and gathers the
// host's snapshot; with an interval, the delta of snapshots at --at minus
// the interval and at --at (a session's changes logged inside the
// interval are not replayed into the second).
func simSnapshot(ctx context.Context, d *DoctorOptions) (*doctor.Snapshot, error) {
	opened, err := d.Sim.OpenSim()
	if err != nil {
		return nil, failf("%v", err)
	}
	label := d.Sim.Scenario
	if d.Sim.At != "" {
		label += "@" + d.Sim.At
	}
	label += "/" + opened.View.Host.Name
	gather := func(v *ref.HostView) (*doctor.Snapshot, error) {
		s, err := doctor.Gather(ctx, doctor.SimSource(v, tune.NewSim(label, v)))
		if err != nil {
			return nil, failf("doctor: %v", err)
		}
		return s, nil
	}
	if d.Interval == 0 {
		return gather(opened.View)
	}
	iv := sim.FromDuration(d.Interval)
	if iv > opened.At {
		return nil, cli.Errorf(2, "tune doctor: --interval %s is longer than the %s simulated", d.Interval, time.Duration(opened.At))
	}
	early := d.Sim
	early.At, early.HasAt = fmt.Sprintf("%dns", int64(opened.At-iv)), true
	first, err := early.OpenSim()
	if err != nil {
		return nil, failf("%v", err)
	}
	a, err := gather(first.View)
	if err != nil {
		return nil, err
	}
	first.Network.Run(opened.At)
	b, err := gather(first.View)
	if err != nil {
		return nil, err
	}
	return doctor.Delta(a, b, d.Interval), nil
}
