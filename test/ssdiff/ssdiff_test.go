//go:build linux

// Package ssdiff compares stackbox's ss applet with iproute2's ss: both
// run with the same arguments against the same network namespace (one
// holding the socket mix of internal/sockmix) and must print the same
// stdout and stderr and exit with the same status, after the minimal
// normalisation of normalize_test.go.
//
// The tests need root, ip and ss; they skip without them. Run them against
// ss itself to check the harness:
//
//	go test ./test/ssdiff -ssdiff.candidate=/usr/bin/ss
//
// Select cases by group (-run 'TestSS/filter') or by feature
// (-ssdiff.only=tcp,numeric,all / -ssdiff.skip=info,process).
package ssdiff

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSS runs every case of the table against both tools.
func TestSS(t *testing.T) {
	top := t
	fx := newFixture(t, nil, true)
	ref, cand := reference(t), candidate(t)
	t.Logf("sockmix in %s:\n%s", fx.target.Name, fx.desc)
	for _, g := range allCases() {
		t.Run(g.name, func(t *testing.T) {
			for i := range g.cases {
				k := &g.cases[i]
				name := k.Name
				if name == "" {
					name = strings.Join(k.Args, " ")
					if name == "" {
						name = "(none)"
					}
				}
				t.Run(strings.ReplaceAll(name, "/", "∕"), func(t *testing.T) {
					feats := k.features()
					if ok, why := selected(feats, *flagOnly, *flagSkip); !ok {
						t.Skip(why)
					}
					if fx.old() {
						fx.close()
						fx = newFixture(t, top, true)
					}
					runCase(t, fx, ref, cand, k, feats)
				})
			}
		})
	}
}

// runCase compares one case and reports a mismatch or a failed sanity
// check.
func runCase(t *testing.T, fx *fixture, ref, cand *tool, k *Case, feats []string) {
	t.Helper()
	file := ""
	if strings.Contains(strings.Join(k.Args, " "), "{file}") {
		file = filepath.Join(t.TempDir(), "filter")
		if err := os.WriteFile(file, []byte(k.File), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := expand(k.Args, fx.dir, file, fx.target.Name)
	if !k.NoNS && !strings.Contains(strings.Join(k.Args, " "), "{ns}") {
		args = append(fx.nsArgs(), args...)
	}
	r, mm, err := compare(fx, ref, cand, k, args, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	if mm != nil {
		t.Errorf("outputs differ (case needs: %s)\n%s", strings.Join(feats, ", "), mm.report)
	} else if *flagShow {
		t.Logf("%s\nexit %d\nstdout:\n%sstderr:\n%s", strings.Join(r.Argv, " "), r.Code, r.Stdout, r.Stderr)
	}
	for _, w := range k.Want {
		w = strings.ReplaceAll(w, "{dir}", fx.dir)
		if !strings.Contains(r.Stdout, w) && !strings.Contains(r.Stderr, w) {
			t.Errorf("the reference's output lacks %q: the fixture does not exercise this case as intended\nstdout:\n%sstderr:\n%s", w, r.Stdout, r.Stderr)
		}
	}
}
