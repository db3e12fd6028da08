package tune

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/tune"
)

func newRollbackCmd(o *Options) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "rollback",
		Short: "restore the values the latest apply changed (also after a crash in the middle of one)",
		Args:  exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := o.Target()
			if err != nil {
				return err
			}
			res, err := tune.Rollback(t, o.Dir(), all)
			if o.JSON {
				out := struct {
					Target   string                `json:"target"`
					Journals []tune.RollbackResult `json:"journals"`
					Error    string                `json:"error,omitempty"`
				}{Target: t.Name(), Journals: res}
				if out.Journals == nil {
					out.Journals = []tune.RollbackResult{}
				}
				if err != nil {
					out.Error = err.Error()
				}
				if jerr := writeJSON(o.IO.Out, out); jerr != nil {
					return jerr
				}
			} else {
				for _, r := range res {
					fmt.Fprintf(o.IO.Out, "Journal %s (profile %s):\n", r.Journal, r.Profile)
					for _, rs := range r.Restored {
						if rs.Error != "" {
							fmt.Fprintf(o.IO.Out, "  failed    %s -> %s: %s\n", rs.Entry.Label(), rs.Entry.Old, rs.Error)
						} else {
							fmt.Fprintf(o.IO.Out, "  restored  %s = %s\n", rs.Entry.Label(), rs.Entry.Old)
						}
					}
				}
			}
			if err != nil {
				if errors.Is(err, tune.ErrNoJournal) {
					return failf("%v", err)
				}
				return failf("rollback on %s: %v", t.Name(), err)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "undo every journalled apply, latest first")
	return cmd
}
