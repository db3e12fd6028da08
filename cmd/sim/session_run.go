package sim

import (
	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	vsim "github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// withSessions lets sim run take a session:
//
//	sim run NAME DURATION [--json]   advance the session's clock by DURATION
//	sim run NAME --until T [--json]  advance it to T (not before its time)
//	sim run NAME [--json]            leave it where it is
//
// and print the summary of its workloads at its (new) time, as sim run
// prints a scenario's. A session's name wins over a scenario file of the
// same name (./NAME is the file). Other arguments go to run as before.
func withSessions(run *cobra.Command, opts *Options) {
	inner := run.RunE
	run.Use = "run SCENARIO|SESSION [DURATION] [--until T] [--json]"
	run.Long += "\n\nWith a SESSION (stackbox sim new): advance its clock by DURATION, or to --until T, and print\n" +
		"the summary of its replay (its scenario with each logged change made at its time) at the new time."
	run.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 || !isSession(args[0]) {
			if len(args) == 2 {
				return usageErrorf(cmd, "want one SCENARIO, got 2 arguments (a DURATION needs a session; %s is none)", args[0])
			}
			return inner(cmd, args)
		}
		if len(args) > 2 {
			return usageErrorf(cmd, "want SESSION [DURATION], got %d arguments", len(args))
		}
		asJSON, _ := cmd.Flags().GetBool("json")
		st := store()
		s, err := st.Load(args[0])
		if err != nil {
			return cli.Errorf(1, "sim run: %v", err)
		}
		to := s.Now
		if cmd.Flags().Changed("until") {
			if len(args) == 2 {
				return usageErrorf(cmd, "a DURATION and --until cannot go together")
			}
			text, _ := cmd.Flags().GetString("until")
			t, err := vsim.ParseTime(text)
			if err != nil {
				return usageErrorf(cmd, "bad --until %q (want a virtual time like 2s or 150ms)", text)
			}
			if t < s.Now {
				return cli.Errorf(1, "sim run: session %s is at %s: it cannot go back to %s (look at earlier times with --at, or start again with sim reset)", s.Name, s.Now, t)
			}
			to = t
		} else if len(args) == 2 {
			d, err := vsim.ParseTime(args[1])
			if err != nil || d <= 0 {
				return usageErrorf(cmd, "bad DURATION %q (want a positive virtual time like 5s or 150ms)", args[1])
			}
			if to+d < to {
				return usageErrorf(cmd, "DURATION %q: too long", args[1])
			}
			to += d
		}
		n, err := s.Replay(to)
		if err != nil {
			return cli.Errorf(1, "sim run: %v", err)
		}
		if to != s.Now {
			s.Now = to
			if err := st.Save(s); err != nil {
				return cli.Errorf(1, "sim run: %v", err)
			}
		}
		sum := n.Summary()
		if asJSON {
			_, err = opts.IO.Out.Write(sum.JSON())
		} else {
			err = sum.WriteText(opts.IO.Out)
		}
		if err != nil {
			return cli.Errorf(1, "sim run: write: %v", err)
		}
		return nil
	}
}
