package tune

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/tune"
)

func newApplyCmd(o *Options) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "apply PROFILE",
		Short: "apply PROFILE: journal the original values, change in order, roll back on a failure",
		Args:  exactArgs(1, "one PROFILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, p, items, err := o.plan(args[0])
			if err != nil {
				return err
			}
			if dryRun {
				if o.JSON {
					return writeJSON(o.IO.Out, planOutput{t.Name(), p.Name, nonNil(items)})
				}
				writePlan(o.IO.Out, t, p, items)
				fmt.Fprintln(o.IO.Out, "Dry run: nothing changed.")
				return nil
			}
			return o.apply(t, p, items)
		},
	}
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "show what would change, change nothing")
	return cmd
}

func (o *Options) apply(t tune.Target, p *tune.Profile, items []tune.Item) error {
	for _, it := range items {
		switch it.Status {
		case tune.StatusInvalid:
			return failf("%s: %s: %s (nothing changed)", p.Name, it.Label(), it.Note)
		}
	}
	opts := tune.ApplyOptions{Dir: o.Dir(), Profile: p.Name}
	if o.StepDelay > 0 {
		opts.BeforeChange = func(int) { time.Sleep(o.StepDelay) }
	}
	res, err := tune.Apply(t, items, opts)
	if errors.Is(err, tune.ErrNotRoot) {
		return failf("apply %s on %s: %v", p.Name, t.Name(), err)
	}
	if o.JSON {
		out := struct {
			Target  string `json:"target"`
			Profile string `json:"profile"`
			*tune.ApplyResult
			Items []tune.Item `json:"items"`
			Error string      `json:"error,omitempty"`
		}{t.Name(), p.Name, res, nonNil(items), ""}
		if err != nil {
			out.Error = err.Error()
		}
		if jerr := writeJSON(o.IO.Out, out); jerr != nil {
			return jerr
		}
		if err != nil {
			return cli.Exit(1)
		}
		return nil
	}
	w := o.IO.Out
	for _, it := range items {
		if it.Status != tune.StatusChange && it.Status != tune.StatusOK {
			fmt.Fprintf(w, "%-13s %s: %s\n", it.Status, it.Label(), it.Note)
		}
	}
	for _, oc := range res.Outcomes {
		line := fmt.Sprintf("%-13s %s: %s -> %s", oc.Result, oc.Item.Label(), oc.Item.Current, oc.Item.Want)
		if oc.Error != "" {
			line += ": " + oc.Error
		}
		fmt.Fprintln(w, line)
	}
	if err != nil {
		var ae *tune.ApplyError
		if errors.As(err, &ae) {
			if len(ae.RollbackErrs) == 0 {
				return failf("apply %s on %s failed at %s; every change was rolled back", p.Name, t.Name(), ae)
			}
			return failf("apply %s on %s failed at %s", p.Name, t.Name(), ae)
		}
		return failf("apply %s on %s: %v", p.Name, t.Name(), err)
	}
	n := len(res.Outcomes)
	switch {
	case n == 0:
		fmt.Fprintf(w, "Profile %s: nothing to change on %s.\n", p.Name, t.Name())
	case res.Journal != "":
		fmt.Fprintf(w, "Applied %d changes of profile %s to %s (journal %s; undo with: stackbox tune%s rollback).\n",
			n, p.Name, t.Name(), res.Journal, o.targetFlags())
	case isSession(t):
		fmt.Fprintf(w, "Applied %d changes of profile %s to %s (logged in the session: stackbox sim log %s).\n",
			n, p.Name, t.Name(), o.Sim.Scenario)
	default:
		fmt.Fprintf(w, "Applied %d changes of profile %s to %s (for this run only).\n", n, p.Name, t.Name())
	}
	return nil
}

// targetFlags repeats the target's flags for a suggested command.
func (o *Options) targetFlags() string {
	if o.NetNS != "" {
		return " --netns " + o.NetNS
	}
	return ""
}

// isSession reports whether t is a simulated host whose changes a session
// logs.
func isSession(t tune.Target) bool {
	s, ok := t.(*tune.Sim)
	return ok && s.Record != nil
}
