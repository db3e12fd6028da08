//go:build linux

package conntrackdiff

import (
	"strings"
	"testing"
)

// TestList runs every listing option, filter and output format, -G, -C,
// -S and the expectation table with both tools in a fixture holding
// created flows and flows of real traffic.
func TestList(t *testing.T) {
	ns := newFixture(t, fixtureOpts{traffic: true})
	ref, cand := reference(t), candidate(t)
	runCases(t, ref, cand, in(ns), listCases)
}

// TestLabels runs the listings that name labels, with the label map laid
// over /etc for both tools.
func TestLabels(t *testing.T) {
	ns := newFixture(t, fixtureOpts{labels: true})
	ref, cand := reference(t), candidate(t)
	w := where{ns: ns, labels: labelEtc(t)}
	fillWith(t, ref, w, labelFlows)
	runCases(t, ref, cand, w, labelCases)
}

// TestErrors runs the bad command lines in a fixture of their own.
func TestErrors(t *testing.T) {
	ns := newFixture(t, fixtureOpts{})
	ref, cand := reference(t), candidate(t)
	runCases(t, ref, cand, in(ns), errorCases)
}

// runCases compares both tools on each case at w, one subtest a case.
func runCases(t *testing.T, ref, cand *tool, w where, cases []Case) {
	t.Helper()
	for _, k := range cases {
		t.Run(caseName(k.Args), func(t *testing.T) {
			r, mm, err := compareRuns(ref.label, cand.label, k.Norm,
				func() (result, error) { return ref.run(w, k.Args) },
				func() (result, error) { return cand.run(w, k.Args) },
				t.Logf)
			check(t, k, r, mm, err)
		})
	}
}

// fillWith creates flows at w with the tool tl (one -I each), failing t
// when one is refused.
func fillWith(t *testing.T, tl *tool, w where, fl [][]string) {
	t.Helper()
	for _, f := range fl {
		args := append([]string{"-I"}, f...)
		args = append(args, "-t", flowTimeout)
		r, err := tl.run(w, args)
		if err != nil {
			t.Fatal(err)
		}
		if r.Code != 0 {
			t.Fatalf("%s: exit %d\n%s", strings.Join(r.Argv, " "), r.Code, r.Stderr)
		}
	}
}

// check reports a mismatch and the sanity checks of case k on the
// reference's run r.
func check(t *testing.T, k Case, r result, mm string, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if mm != "" {
		t.Errorf("outputs differ\n%s", mm)
	} else if *flagShow {
		t.Logf("%s\nexit %d\nstdout:\n%sstderr:\n%s", strings.Join(r.Argv, " "), r.Code, r.Stdout, r.Stderr)
	}
	if k.Fail && r.Code == 0 {
		t.Errorf("the reference succeeded where the case expects a failure: the fixture does not exercise it\nstdout:\n%sstderr:\n%s", r.Stdout, r.Stderr)
	}
	for _, w := range k.Want {
		if !strings.Contains(r.Stdout, w) && !strings.Contains(r.Stderr, w) {
			t.Errorf("the reference's output lacks %q: the fixture does not exercise this case as intended\nstdout:\n%sstderr:\n%s", w, r.Stdout, r.Stderr)
		}
	}
}
