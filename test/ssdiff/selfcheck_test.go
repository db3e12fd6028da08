//go:build linux

package ssdiff

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestHarnessReportsDifferences runs the comparison against deliberately
// wrong tools (testdata/wrong-ss.sh: the real ss with one thing spoilt)
// and checks that each difference is reported, readably, and that a
// faithful copy passes.
func TestHarnessReportsDifferences(t *testing.T) {
	fx := newFixture(t, nil, true)
	ref := reference(t)
	script, err := filepath.Abs("testdata/wrong-ss.sh")
	if err != nil {
		t.Fatal(err)
	}
	k := &Case{Args: []string{"-tan"}}
	args := append(fx.nsArgs(), k.Args...)
	for _, tc := range []struct {
		mode string
		want []string // in the report; none: must pass
	}{
		{"faithful", nil},
		{"wrong-line", []string{"- LISTEN ", "+ LISTEM "}},
		{"wrong-exit", []string{"exit status: ss 0, wrong-exit 3"}},
		{"no-padding", []string{"--- ss stdout (normalised)", "$\n+ "}},
		{"wrong-stderr", []string{"+ ss: an extra complaint$"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			dir, err := linkTool(filepath.Join(work, tc.mode), script)
			if err != nil {
				t.Fatal(err)
			}
			bad := &tool{label: tc.mode, dir: dir, argv0: "ss"}
			_, mm, err := compare(fx, ref, bad, k, args, t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == nil && mm != nil:
				t.Errorf("a faithful copy of ss was reported as different:\n%s", mm.report)
			case tc.want != nil && mm == nil:
				t.Errorf("the harness did not notice the %s tool", tc.mode)
			case mm != nil:
				t.Logf("the report, as a failing case shows it:\n%s", mm.report)
				for _, w := range tc.want {
					if !strings.Contains(mm.report, w) {
						t.Errorf("the report lacks %q:\n%s", w, mm.report)
					}
				}
			}
		})
	}
}
