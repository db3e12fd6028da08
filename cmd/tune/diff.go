package tune

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/tune"
)

type planOutput struct {
	Target  string      `json:"target"`
	Profile string      `json:"profile"`
	Items   []tune.Item `json:"items"`
}

func newDiffCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "diff PROFILE",
		Short: "what applying PROFILE would change (old -> new), and what is already there",
		Args:  exactArgs(1, "one PROFILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, p, items, err := o.plan(args[0])
			if err != nil {
				return err
			}
			if o.JSON {
				return writeJSON(o.IO.Out, planOutput{t.Name(), p.Name, nonNil(items)})
			}
			writePlan(o.IO.Out, t, p, items)
			return nil
		},
	}
}

func nonNil(items []tune.Item) []tune.Item {
	if items == nil {
		return []tune.Item{}
	}
	return items
}

// plan opens the target, loads the profile and plans it.
func (o *Options) plan(name string) (tune.Target, *tune.Profile, []tune.Item, error) {
	t, err := o.Target()
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := o.Profile(name, t)
	if err != nil {
		return nil, nil, nil, err
	}
	items, err := tune.Plan(t, p)
	if err != nil {
		return nil, nil, nil, failf("%v", err)
	}
	return t, p, items, nil
}

// writePlan prints a plan: one line per setting, with its status, the
// value found and the value wanted.
func writePlan(w io.Writer, t tune.Target, p *tune.Profile, items []tune.Item) {
	fmt.Fprintf(w, "Profile %s on %s:\n", p.Name, t.Name())
	var rows [][]string
	n := 0
	for _, it := range items {
		var what string
		switch it.Status {
		case tune.StatusChange:
			what = valueText(it.Current, it.Max) + " -> " + it.Want
			n++
		case tune.StatusOK:
			what = valueText(it.Current, it.Max) + " (already)"
		default:
			what = it.Note
			if it.Current != "" {
				what = valueText(it.Current, it.Max) + ": " + it.Note
			}
		}
		rows = append(rows, []string{string(it.Status), it.Label(), what})
	}
	writeTable(w, "  ", rows)
	fmt.Fprintf(w, "%d to change, %d settings in all.\n", n, len(items))
}

func valueText(v, max string) string {
	if max != "" {
		return v + "/" + max
	}
	return v
}
