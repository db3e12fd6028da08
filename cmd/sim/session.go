package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/internal/session"
	"github.com/stackbox/stackbox/internal/simtarget"
	"github.com/stackbox/stackbox/pkg/cli"
)

// Simulation sessions (internal/session): a scenario plus a log of
// changes at virtual times, replayed by every read.
//
//	stackbox sim new NAME --scenario SCENARIO   create a session at time 0
//	stackbox sim run NAME DURATION              advance it (or --until T), print its summary
//	stackbox sim set NAME [HOST] KEY=VALUE...   log sysctl changes (also --host HOST)
//	stackbox sim log NAME [--json]              show its scenario, time and log
//	stackbox sim reset NAME                     clear the log, time back to 0
//	stackbox sim rm NAME...                     delete sessions
//	stackbox sim ls [--json]                    list sessions
//
// Changes come from `stackbox ethtool --sim NAME -G|-L|-C|-K|-A ...` and
// `sim set`; reads from any applet with --sim NAME [--at T] [--host H].

// sessionCommands returns the session subcommands.
func sessionCommands(opts *Options) []*cobra.Command {
	return []*cobra.Command{newNewCmd(opts), newSetCmd(opts), newLogCmd(opts), newResetCmd(opts), newRmCmd(opts), newLsCmd(opts)}
}

// store is where sessions live (simtarget's, so that --sim finds them).
func store() *session.Store { return simtarget.Sessions() }

// failf is a failure: exit status 1, one line.
func failf(cmd *cobra.Command, format string, args ...any) error {
	return cli.Errorf(1, cmd.CommandPath()+": "+format, args...)
}

func subcommand(use, short string, run func(cmd *cobra.Command, args []string) error) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, RunE: run}
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageErrorf(c, "%v", err) })
	return cmd
}

func wantArgs(cmd *cobra.Command, args []string, n int, what string) error {
	if len(args) != n {
		return usageErrorf(cmd, "want %s, got %d arguments", what, len(args))
	}
	return nil
}

func newNewCmd(opts *Options) *cobra.Command {
	var scen string
	cmd := subcommand("new NAME --scenario SCENARIO", "create a simulation session",
		func(cmd *cobra.Command, args []string) error {
			if err := wantArgs(cmd, args, 1, "one NAME"); err != nil {
				return err
			}
			if scen == "" {
				return usageErrorf(cmd, "missing --scenario")
			}
			s, err := session.New(args[0], scen)
			if err != nil {
				return failf(cmd, "%s", oneLine(err))
			}
			st := store()
			if err := st.Create(s); err != nil {
				return failf(cmd, "%v", err)
			}
			fmt.Fprintf(opts.IO.Out, "session %s: scenario %s at 0s (in %s)\n", s.Name, s.Scenario, st.Dir)
			return nil
		})
	cmd.Long = "Create session NAME over SCENARIO (a scenario file or a shipped scenario's name; its text is kept\n" +
		"in the session) at virtual time 0 with an empty log. Sessions live in $STACKBOX_SIM_DIR, else\n" +
		"$XDG_STATE_HOME/stackbox/sim, else ~/.local/state/stackbox/sim. A session name cannot be a shipped\n" +
		"scenario's name; --sim NAME finds a session before a scenario file of that name (./NAME is the file)."
	cmd.Flags().StringVar(&scen, "scenario", "", "the `SCENARIO` (file or shipped name)")
	return cmd
}

func newSetCmd(opts *Options) *cobra.Command {
	var host string
	cmd := subcommand("set NAME [HOST] KEY=VALUE...", "change sysctls of a session's host at its current time",
		func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageErrorf(cmd, "want NAME and KEY=VALUE, got %d arguments", len(args))
			}
			name, kvs := args[0], args[1:]
			if !strings.Contains(kvs[0], "=") {
				if cmd.Flags().Changed("host") {
					return usageErrorf(cmd, "a HOST and --host cannot go together")
				}
				host, kvs = kvs[0], kvs[1:]
			}
			if len(kvs) == 0 {
				return usageErrorf(cmd, "no KEY=VALUE")
			}
			st := store()
			s, err := st.Load(name)
			if err != nil {
				return failf(cmd, "%v", err)
			}
			n, err := s.Replay(s.Now)
			if err != nil {
				return failf(cmd, "%v", err)
			}
			v, err := n.HostView(host)
			if err != nil {
				return failf(cmd, "%v", err)
			}
			var out strings.Builder
			for _, kv := range kvs {
				k, val, ok := strings.Cut(kv, "=")
				k = strings.ReplaceAll(strings.TrimSpace(k), "/", ".")
				if !ok || k == "" {
					return usageErrorf(cmd, "%q: want KEY=VALUE", kv)
				}
				c := session.SysctlChange(v.Host.Name, k, val)
				if _, err := session.Apply(n, c); err != nil {
					return failf(cmd, "%s on %s: %v (nothing logged)", k, v.Host.Name, err)
				}
				s.Append(c)
				got, _ := v.Host.Sysctl.Get(k)
				fmt.Fprintf(&out, "%s = %s\n", k, got)
			}
			if err := st.Save(s); err != nil {
				return failf(cmd, "%v", err)
			}
			_, err = fmt.Fprint(opts.IO.Out, out.String())
			return err
		})
	cmd.Long = "Write sysctls (net.core.netdev_budget=600) on a host of session NAME (default: the scenario's\n" +
		"first host) at the session's current time, and log the changes. Prints each as sysctl -w does.\n" +
		"A value the stack refuses logs nothing."
	cmd.Flags().StringVar(&host, "host", "", "the `HOST` to change")
	return cmd
}

// logJSON is sim log --json.
type logJSON struct {
	Name     string       `json:"name"`
	Scenario string       `json:"scenario"`
	Now      string       `json:"now"`
	Changes  []changeJSON `json:"changes"`
}

type changeJSON struct {
	At      string          `json:"at"`
	Host    string          `json:"host"`
	Kind    session.Kind    `json:"kind"`
	Target  string          `json:"target"`
	Params  []session.Param `json:"params"`
	Command string          `json:"command"`
	Origin  string          `json:"origin,omitempty"`
}

func newLogCmd(opts *Options) *cobra.Command {
	var asJSON bool
	cmd := subcommand("log NAME [--json]", "show a session's scenario, time and log of changes",
		func(cmd *cobra.Command, args []string) error {
			if err := wantArgs(cmd, args, 1, "one NAME"); err != nil {
				return err
			}
			s, err := store().Load(args[0])
			if err != nil {
				return failf(cmd, "%v", err)
			}
			if asJSON {
				lj := logJSON{Name: s.Name, Scenario: s.Scenario, Now: s.Now.String(), Changes: []changeJSON{}}
				for _, c := range s.Changes {
					lj.Changes = append(lj.Changes, changeJSON{At: c.At.String(), Host: c.Host, Kind: c.Kind,
						Target: c.Target, Params: c.Params, Command: c.Command(), Origin: c.Origin})
				}
				b, _ := json.MarshalIndent(lj, "", "  ")
				_, err := opts.IO.Out.Write(append(b, '\n'))
				return err
			}
			return writeLog(opts, s)
		})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the log as JSON")
	return cmd
}

// writeLog prints a session's log: a header, then a line per change
// (time, host, command, origin).
func writeLog(opts *Options, s *session.Session) error {
	fmt.Fprintf(opts.IO.Out, "session %s: scenario %s, now %s, %d changes\n", s.Name, s.Scenario, s.Now, len(s.Changes))
	tw := tabwriter.NewWriter(opts.IO.Out, 0, 8, 2, ' ', 0)
	for _, c := range s.Changes {
		line := fmt.Sprintf("  %s\t%s\t%s", c.At, c.Host, c.Command())
		if c.Origin != "" {
			line += "\t(" + c.Origin + ")"
		}
		fmt.Fprintln(tw, line)
	}
	return tw.Flush()
}

func newResetCmd(opts *Options) *cobra.Command {
	return subcommand("reset NAME", "clear a session's log and set its time back to 0",
		func(cmd *cobra.Command, args []string) error {
			if err := wantArgs(cmd, args, 1, "one NAME"); err != nil {
				return err
			}
			st := store()
			s, err := st.Load(args[0])
			if err != nil {
				return failf(cmd, "%v", err)
			}
			n := len(s.Changes)
			s.Reset()
			if err := st.Save(s); err != nil {
				return failf(cmd, "%v", err)
			}
			fmt.Fprintf(opts.IO.Out, "session %s: %d changes cleared, time 0s\n", s.Name, n)
			return nil
		})
}

func newRmCmd(opts *Options) *cobra.Command {
	return subcommand("rm NAME...", "delete sessions",
		func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf(cmd, "want at least one NAME")
			}
			st := store()
			var failed error
			for _, name := range args {
				if err := st.Remove(name); err != nil {
					fmt.Fprintf(opts.IO.ErrOut, "%s: %v\n", cmd.CommandPath(), err)
					failed = cli.Exit(1)
				}
			}
			return failed
		})
}

// lsJSON is one session in sim ls --json.
type lsJSON struct {
	Name     string `json:"name"`
	Scenario string `json:"scenario,omitempty"`
	Now      string `json:"now,omitempty"`
	Changes  int    `json:"changes"`
	Error    string `json:"error,omitempty"`
}

func newLsCmd(opts *Options) *cobra.Command {
	var asJSON bool
	cmd := subcommand("ls [--json]", "list sessions",
		func(cmd *cobra.Command, args []string) error {
			if err := wantArgs(cmd, args, 0, "no arguments"); err != nil {
				return err
			}
			st := store()
			names, err := st.List()
			if err != nil {
				return failf(cmd, "%v", err)
			}
			list := []lsJSON{}
			for _, name := range names {
				s, err := st.Load(name)
				if err != nil {
					list = append(list, lsJSON{Name: name, Error: err.Error()})
					continue
				}
				list = append(list, lsJSON{Name: name, Scenario: s.Scenario, Now: s.Now.String(), Changes: len(s.Changes)})
			}
			if asJSON {
				b, _ := json.MarshalIndent(list, "", "  ")
				_, err := opts.IO.Out.Write(append(b, '\n'))
				return err
			}
			tw := tabwriter.NewWriter(opts.IO.Out, 0, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSCENARIO\tNOW\tCHANGES")
			bad := false
			for _, e := range list {
				if e.Error != "" {
					fmt.Fprintf(opts.IO.ErrOut, "%s: %s\n", cmd.CommandPath(), e.Error)
					bad = true
					continue
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", e.Name, e.Scenario, e.Now, e.Changes)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if bad {
				return cli.Exit(1)
			}
			return nil
		})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the list as JSON")
	return cmd
}

// isSession reports whether name is an existing session.
func isSession(name string) bool { return store().Exists(name) }
