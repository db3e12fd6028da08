//go:build linux

package ethtooldiff

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/testns"
)

// TestHarnessReportsDifferences runs the comparison against deliberately
// wrong tools (testdata/wrong-ethtool.sh: the installed ethtool with one
// thing spoilt) and checks that each difference is reported, readably,
// and that a faithful copy passes.
func TestHarnessReportsDifferences(t *testing.T) {
	ns := newFixture(t)
	ref := reference(t)
	script, err := filepath.Abs("testdata/wrong-ethtool.sh")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"-i", vethUp}
	for _, tc := range []struct {
		mode string
		want []string // in the report; none: must pass
	}{
		{"faithful", nil},
		{"wrong-line", []string{"- driver: veth$", "+ driver: vet$"}},
		{"wrong-exit", []string{"exit status: ethtool 0, wrong-exit 3"}},
		{"tab-to-spaces", nil}, // -i prints no tab: must pass
		{"trailing-blank", []string{"- version: 1.0$", "+ version: 1.0 $"}},
		{"wrong-stderr", []string{"+ ethtool: an extra complaint$"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			dir, err := linkTool(filepath.Join(work, tc.mode), script)
			if err != nil {
				t.Fatal(err)
			}
			bad := &tool{label: tc.mode, dir: dir}
			_, mm, err := compareRuns(ref.label, bad.label,
				func() (result, error) { return ref.run(ns, args) },
				func() (result, error) { return bad.run(ns, args) },
				t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == nil && mm != "":
				t.Errorf("a faithful copy of ethtool was reported as different:\n%s", mm)
			case tc.want != nil && mm == "":
				t.Errorf("the harness did not notice the %s tool", tc.mode)
			case mm != "":
				t.Logf("the report, as a failing case shows it:\n%s", mm)
				for _, w := range tc.want {
					if !strings.Contains(mm, w) {
						t.Errorf("the report lacks %q:\n%s", w, mm)
					}
				}
			}
		})
	}
	t.Run("tab-to-spaces-on-channels", func(t *testing.T) {
		dir, err := linkTool(filepath.Join(work, "tab-to-spaces"), script)
		if err != nil {
			t.Fatal(err)
		}
		bad := &tool{label: "tab-to-spaces", dir: dir}
		args := []string{"-l", vethUp}
		_, mm, err := compareRuns(ref.label, bad.label,
			func() (result, error) { return ref.run(ns, args) },
			func() (result, error) { return bad.run(ns, args) },
			t.Logf)
		if err != nil {
			t.Fatal(err)
		}
		if mm == "" {
			t.Errorf("the harness did not notice tabs turned into spaces in -l output")
		}
	})
}

// TestHarnessReportsWriteDifferences runs one change with deliberately
// wrong tools and checks that the write comparison notices each: a wrong
// exit status in the change itself, and a tool that claims success but
// changes nothing, which only reading the twins back reveals.
func TestHarnessReportsWriteDifferences(t *testing.T) {
	testns.RequireRoot(t)
	ref := reference(t)
	script, err := filepath.Abs("testdata/wrong-ethtool.sh")
	if err != nil {
		t.Fatal(err)
	}
	w := WriteCase{Args: []string{"-L", "{dev}", "rx", "2", "tx", "2"}, Read: []string{"-l"}}
	for _, tc := range []struct {
		mode string
		want string // in a reported problem; "": none must be reported
	}{
		{"faithful", ""},
		{"wrong-exit", "exit status: ethtool 0, wrong-exit 3"},
		{"no-change", "ethtool -l reads the twins differently after the change"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			dir, err := linkTool(filepath.Join(work, tc.mode), script)
			if err != nil {
				t.Fatal(err)
			}
			ns := newWriteFixture(t)
			_, problems, err := runWriteCase(ns, ref, &tool{label: tc.mode, dir: dir}, w, t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(problems, "\n")
			switch {
			case tc.want == "" && len(problems) > 0:
				t.Errorf("a faithful copy of ethtool was reported as different:\n%s", all)
			case tc.want != "" && !strings.Contains(all, tc.want):
				t.Errorf("the harness did not report %q for the %s tool; it reported:\n%s", tc.want, tc.mode, all)
			case tc.want != "":
				t.Logf("reported, as a failing case shows it:\n%s", all)
			}
		})
	}
}
