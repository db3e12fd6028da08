package tune

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/tune"
)

type profileInfo struct {
	Name     string `json:"name"`
	Source   string `json:"source"`
	Summary  string `json:"summary,omitempty"`
	Settings int    `json:"settings"`
	Error    string `json:"error,omitempty"`
}

func newProfilesCmd(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "profiles",
		Short: "list the built-in profiles and the user's ($STACKBOX_TUNE_DIR/profiles/*.conf)",
		Args:  exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, args []string) error {
			var list []profileInfo
			for _, p := range tune.Builtins() {
				list = append(list, profileInfo{p.Name, p.Source, p.Summary, len(p.Set), ""})
			}
			dir := filepath.Join(o.Dir(), "profiles")
			files, _ := filepath.Glob(filepath.Join(dir, "*.conf"))
			sort.Strings(files)
			for _, f := range files {
				name := strings.TrimSuffix(filepath.Base(f), ".conf")
				p, err := tune.Load(f, "")
				if err != nil {
					list = append(list, profileInfo{Name: name, Source: f, Error: err.Error()})
					continue
				}
				list = append(list, profileInfo{name, f, p.Summary, len(p.Set), ""})
			}
			if o.JSON {
				return writeJSON(o.IO.Out, list)
			}
			rows := [][]string{{"PROFILE", "SOURCE", "SETTINGS", "SUMMARY"}}
			for _, p := range list {
				s := p.Summary
				if p.Error != "" {
					s = "error: " + p.Error
				}
				rows = append(rows, []string{p.Name, p.Source, strconv.Itoa(p.Settings), s})
			}
			writeTable(o.IO.Out, "", rows)
			if _, err := os.Stat(dir); err != nil {
				fmt.Fprintf(o.IO.Out, "\n(user profiles: %s/NAME.conf)\n", dir)
			}
			return nil
		},
	}
}
