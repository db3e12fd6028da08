// Package tune is the tune applet: a network stack's tuning knobs shown,
// changed through profiles, verified and rolled back, on the host kernel
// (the current network namespace, or --netns NAME) or on a host of the
// reference stack (--sim SCENARIO [--at T] [--host NAME]).
//
//	stackbox tune show [--json]            every knob with its value (NICs: current/max)
//	stackbox tune profiles [--json]        the built-in profiles and those in $STACKBOX_TUNE_DIR/profiles
//	stackbox tune diff PROFILE [--json]    what applying would change (old -> new), and what is already there
//	stackbox tune apply PROFILE [--dry-run] changes, journalled first (see pkg/tune)
//	stackbox tune verify PROFILE [--json]  every setting: pass or fail with the value found
//	stackbox tune rollback [--all]         restores the values the latest apply changed
//
// PROFILE is a built-in profile's name (defaults, latency, throughput,
// web), a file, or NAME for $STACKBOX_TUNE_DIR/profiles/NAME.conf; the
// format is pkg/tune's. Journals live under /var/lib/stackbox/tune, or
// $STACKBOX_TUNE_DIR.
//
// Exit status: 0 on success, 1 when something failed (an apply rolled
// back, a verify with a failing setting, no root, nothing to roll back),
// 2 for a usage error.
//
// Other files of this package add subcommands (doctor, simulate) by
// appending to subcommands from their init functions.
package tune

import (
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/internal/session"
	"github.com/stackbox/stackbox/internal/simtarget"
	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/tune"
)

// subcommands are the constructors of subcommands defined in other files
// (doctor, simulate); each init appends its own.
var subcommands []func(*Options) *cobra.Command

// Options holds what every tune subcommand needs: the streams, the
// target the flags name, and output settings.
type Options struct {
	IO *cli.IO
	// NetNS is --netns: a named network namespace of the host.
	NetNS string
	// Sim is --sim/--at/--host: a host of the reference stack.
	Sim simtarget.Spec
	// JSON is --json.
	JSON bool
	// OpenTarget opens the target the options name; nil is OpenTarget's
	// default (tests replace it).
	OpenTarget func(*Options) (tune.Target, error)
	// StepDelay stretches each change of an apply (tests kill an apply in
	// the middle with it); $STACKBOX_TUNE_TEST_STEP_DELAY sets it.
	StepDelay time.Duration
}

// Target opens the target the options name.
func (o *Options) Target() (tune.Target, error) {
	if o.OpenTarget != nil {
		return o.OpenTarget(o)
	}
	return OpenTarget(o)
}

// OpenTarget opens the host (namespace) or the simulated host.
func OpenTarget(o *Options) (tune.Target, error) {
	if err := o.Sim.Check("tune"); err != nil {
		return nil, cli.Errorf(2, "%v", err)
	}
	if o.Sim.Set() {
		if o.NetNS != "" {
			return nil, cli.Errorf(2, "tune: --netns and --sim cannot go together")
		}
		opened, err := o.Sim.OpenSim()
		if err != nil {
			return nil, cli.Errorf(1, "tune: %v", err)
		}
		v := opened.View
		label := o.Sim.Scenario
		if o.Sim.At != "" {
			label += "@" + o.Sim.At
		}
		label += "/" + v.Host.Name
		t := tune.NewSim(label, v)
		if sess := opened.Session; sess != nil && o.Sim.At == "" {
			// On a session, changes are logged at its current time, so
			// that every later read replays them.
			t.Record = func(c tune.SimChange) error {
				sess.Append(sessionChange(v.Host.Name, c))
				return opened.Store.Save(sess)
			}
		}
		return t, nil
	}
	h, err := tune.NewHost(o.NetNS)
	if err != nil {
		return nil, cli.Errorf(1, "tune: %v", err)
	}
	return h, nil
}

// Dir is the journal and profile directory.
func (o *Options) Dir() string { return tune.Dir(o.IO.Getenv) }

// Profile resolves a profile name for the target.
func (o *Options) Profile(name string, t tune.Target) (*tune.Profile, error) {
	p, err := tune.Resolve(name, filepath.Join(o.Dir(), "profiles"), t)
	if err != nil {
		return nil, cli.Errorf(1, "tune: %v", err)
	}
	return p, nil
}

// NewCmd builds the tune command.
func NewCmd(io *cli.IO) *cobra.Command {
	o := &Options{IO: io}
	if io.Getenv != nil {
		if d, err := time.ParseDuration(io.Getenv("STACKBOX_TUNE_TEST_STEP_DELAY")); err == nil {
			o.StepDelay = d
		}
	}
	return NewCmdWith(o)
}

// NewCmdWith builds the tune command over the given options.
func NewCmdWith(o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tune COMMAND",
		Short: "show, apply, verify and roll back network tuning profiles",
		Long: "Show the network stack's tuning knobs, apply profiles of sysctl and NIC settings safely " +
			"(journalled, rolled back on failure), verify them and roll them back, on the host " +
			"(--netns NAME for a namespace) or on the reference stack (--sim SCENARIO).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf(cmd, "missing command (want show, profiles, diff, apply, verify or rollback)")
		},
	}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErrorf(c, "%v", err) })
	f := cmd.PersistentFlags()
	f.StringVar(&o.NetNS, "netns", "", "a named network namespace (as ip netns names them)")
	f.StringVar(&o.Sim.Scenario, "sim", "", "a host of the reference stack running SCENARIO")
	f.StringVar(&o.Sim.At, "at", "", "with --sim: the virtual time to look at")
	f.StringVar(&o.Sim.Host, "host", "", "with --sim: the host to look at")
	f.BoolVar(&o.JSON, "json", false, "print JSON")
	cmd.PersistentPreRun = func(c *cobra.Command, args []string) {
		o.Sim.HasAt = c.Flags().Changed("at")
		o.Sim.HasHost = c.Flags().Changed("host")
	}
	cmd.AddCommand(newShowCmd(o), newProfilesCmd(o), newDiffCmd(o), newApplyCmd(o), newVerifyCmd(o), newRollbackCmd(o))
	for _, sub := range subcommands {
		cmd.AddCommand(sub(o))
	}
	return cmd
}

// usageErrorf is a usage error: exit status 2, one line.
func usageErrorf(cmd *cobra.Command, format string, args ...any) error {
	return cli.Errorf(2, cmd.CommandPath()+": "+format+" (see --help)", args...)
}

// exactArgs wants n arguments, as a usage error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			if n == 0 {
				return usageErrorf(cmd, "unexpected argument %q", args[0])
			}
			return usageErrorf(cmd, "want %s", what)
		}
		return nil
	}
}

func failf(format string, args ...any) error {
	return cli.Errorf(1, "tune: "+format, args...)
}

// sessionChange is a change tune made, as a session logs it.
func sessionChange(host string, c tune.SimChange) session.Change {
	if c.Kind == "sysctl" {
		ch := session.SysctlChange(host, c.Sysctl, c.Value)
		ch.Origin = "tune"
		return ch
	}
	ch := session.Change{Kind: session.Kind(c.Kind), Host: host, Target: c.Device, Origin: "tune"}
	for _, p := range c.Params {
		ch.Params = append(ch.Params, session.Param{Name: p.Name, Value: strconv.FormatUint(uint64(p.Value), 10)})
	}
	for _, f := range c.Features {
		v := "off"
		if f.On {
			v = "on"
		}
		ch.Params = append(ch.Params, session.Param{Name: f.Name, Value: v})
	}
	return ch
}
