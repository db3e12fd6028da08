package tune

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/tune"
)

func newShowCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "show",
		Short: "every tuning knob with its current value (NICs: current/max)",
		Args:  exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := o.Target()
			if err != nil {
				return err
			}
			st, err := tune.Show(t)
			if err != nil {
				return failf("%v", err)
			}
			if o.JSON {
				return writeJSON(o.IO.Out, st)
			}
			writeShow(o.IO.Out, st)
			return nil
		},
	}
}

func writeJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(v)
}

// writeShow prints the knobs: one line per sysctl under its group, then
// per NIC one line per setting, "current/max" where the NIC has a maximum.
func writeShow(w io.Writer, st *tune.State) {
	fmt.Fprintf(w, "Tuning knobs of %s:\n", st.Target)
	var rows [][]string
	group := ""
	for _, k := range st.Sysctls {
		if k.Group != group {
			group = k.Group
			rows = append(rows, []string{""}, []string{"# " + group})
		}
		v, note := k.Value, ""
		switch {
		case k.Missing:
			v, note = "-", "not on this kernel"
		case k.Error != "":
			v, note = "?", k.Error
		}
		if k.Global && note == "" {
			note = "global"
		}
		rows = append(rows, []string{k.Name, v, note})
	}
	writeTable(w, "", rows)
	if len(st.NICs) == 0 {
		fmt.Fprintf(w, "\nNo NICs.\n")
	}
	for _, n := range st.NICs {
		fmt.Fprintf(w, "\nNIC %s:\n", n.Name)
		rows = rows[:0]
		for _, g := range n.Groups {
			if g.Error != "" {
				rows = append(rows, []string{g.Group, "n/a (" + g.Error + ")"})
				continue
			}
			for _, p := range g.Params {
				v := valueText(p.Value, p.Max)
				if p.Fixed {
					v += " [fixed]"
				}
				rows = append(rows, []string{g.Group + "." + p.Name, v})
			}
		}
		writeTable(w, "  ", rows)
	}
}
