package tune

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/tune"
)

func newVerifyCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "verify PROFILE",
		Short: "check every setting of PROFILE: pass or fail with the value found (exit 1 on a failure)",
		Args:  exactArgs(1, "one PROFILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := o.Target()
			if err != nil {
				return err
			}
			p, err := o.Profile(args[0], t)
			if err != nil {
				return err
			}
			checks, ok, err := tune.Verify(t, p)
			if err != nil {
				return failf("%v", err)
			}
			if o.JSON {
				if checks == nil {
					checks = []tune.Check{}
				}
				if err := writeJSON(o.IO.Out, struct {
					Target  string       `json:"target"`
					Profile string       `json:"profile"`
					Pass    bool         `json:"pass"`
					Checks  []tune.Check `json:"checks"`
				}{t.Name(), p.Name, ok, checks}); err != nil {
					return err
				}
			} else {
				var rows [][]string
				fails := 0
				for _, c := range checks {
					found := valueText(c.Current, c.Max)
					switch c.Result {
					case "skip":
						found = c.Note
					case "fail":
						fails++
					}
					rows = append(rows, []string{c.Result, c.Label(), found, "want " + wantText(c.Spec, c.Want)})
				}
				writeTable(o.IO.Out, "", rows)
				if ok {
					fmt.Fprintf(o.IO.Out, "Profile %s verified on %s.\n", p.Name, t.Name())
				} else {
					fmt.Fprintf(o.IO.Out, "Profile %s: %d of %d settings fail on %s.\n", p.Name, fails, len(checks), t.Name())
				}
			}
			if !ok {
				return cli.Exit(1)
			}
			return nil
		},
	}
}

// wantText says what a setting wants: ">= 65535" for an only-raise.
func wantText(spec, want string) string {
	switch {
	case len(spec) > 0 && spec[0] == '>':
		return ">= " + spec[1:]
	case len(spec) > 0 && spec[0] == '<':
		return "<= " + spec[1:]
	case spec != want && want != "":
		return want + " (" + spec + ")"
	}
	return want
}
