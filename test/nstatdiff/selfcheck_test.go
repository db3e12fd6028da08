//go:build linux

package nstatdiff

import (
	"fmt"
	"strings"
	"testing"
)

// TestHarnessCatchesDifferences runs scenarios against deliberately wrong
// tools (testdata/wrong-nstat.sh: the real nstat with one thing spoilt,
// chosen by the name of the directory it is linked from) and checks that
// each difference is reported, readably, and that a faithful copy passes.
func TestHarnessCatchesDifferences(t *testing.T) {
	ref := reference(t)
	script := testdataDir(t) + "/wrong-nstat.sh"
	delta := []step{s("-n"), {traffic: true}}
	locked := []step{s("-n"), {lock: true}}
	for _, tc := range []struct {
		mode  string
		steps []step
		want  []string // in the report; none: must pass
	}{
		{"faithful", delta, nil},
		{"faithful", locked, nil},
		{"wrong-line", delta, []string{"- TcpActiveOpens ", "+ TcpActiveOpenz "}},
		{"wrong-padding", []step{s("-as Tcp*")}, []string{"--- nstat stdout", "+ TcpActiveOpens 2 0.0$"}},
		{"wrong-exit", []step{s("-V")}, []string{"exit status: nstat 0, wrong-exit 3"}},
		{"wrong-stderr", delta, []string{"+ nstat: an extra complaint$"}},
		{"history-mode", delta, []string{"- (mode 0600, 1 link(s), owner 0)$", "+ (mode 0644, 1 link(s), owner 0)$"}},
		{"history-extra", delta, []string{"+ BogusCounter 1 0.0$"}},
		{"ignores-history", delta, []string{"--- nstat history file", "+ (no file)$"}},
		{"lock-ignored", locked, []string{"nstat waited true, lock-ignored waited false"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			// The link's directory names the mode; wrong-nstat.sh finds
			// the real nstat after it on PATH.
			bad := &tool{label: tc.mode, dir: linkTool(t, "wrong/"+tc.mode, "nstat", script), argv0: "nstat"}
			rn := newRunner(t, ref, bad)
			refP, candP := rn.newPaths()
			rep := ""
			for i := range tc.steps {
				out, err := rn.do(&tc.steps[i], refP, candP)
				if err != nil {
					t.Fatal(err)
				}
				if out.moved != "" {
					t.Fatalf("counters moved during the self-check: %s", out.moved)
				}
				if rep = out.report; rep != "" {
					break
				}
			}
			switch {
			case tc.want == nil && rep != "":
				t.Errorf("a faithful copy of nstat was reported as different:\n%s", rep)
			case tc.want != nil && rep == "":
				t.Errorf("the harness did not notice the %s tool", tc.mode)
			case rep != "":
				t.Logf("the report, as a failing case shows it:\n%s", rep)
				for _, w := range tc.want {
					if !strings.Contains(rep, w) {
						t.Errorf("the report lacks %q:\n%s", w, rep)
					}
				}
			}
		})
	}
}

// TestCompareDumps checks the comparison of two daemons' tables: what is
// normalised passes, everything else is reported.
func TestCompareDumps(t *testing.T) {
	const ref = "#4242.1804289383 sampling_interval=1 time_const=10\n" +
		"IpInReceives                    38                 2.5\n" +
		"IpExtInOctets                   9832             637.3\n" +
		"TcpActiveOpens                  4                  0.0\n"
	line := func(name string, val int, rate float64) string {
		return fmt.Sprintf("%-32s%-16d%6.1f\n", name, val, rate)
	}
	for _, tc := range []struct {
		name, cand string
		want       []string // in the report; none: must agree
	}{
		{"other pid and random number", "#77.12 sampling_interval=1 time_const=10\n" + strings.SplitN(ref, "\n", 2)[1], nil},
		{"rates one tick apart", "#77.12 sampling_interval=1 time_const=10\n" +
			line("IpInReceives", 38, 3.1) + line("IpExtInOctets", 9832, 506.0) + line("TcpActiveOpens", 4, 0.0), nil},
		{"rounding near zero", "#77.12 sampling_interval=1 time_const=10\n" +
			line("IpInReceives", 38, 2.5) + line("IpExtInOctets", 9832, 637.3) + line("TcpActiveOpens", 4, 0.1), nil},
		{"time constant", "#77.12 sampling_interval=1 time_const=60\n" + strings.SplitN(ref, "\n", 2)[1],
			[]string{"headers differ", "time_const=60"}},
		{"header format", "#kernel\n" + strings.SplitN(ref, "\n", 2)[1], []string{`header "kernel" is not`}},
		{"value", "#77.12 sampling_interval=1 time_const=10\n" +
			line("IpInReceives", 39, 2.5) + line("IpExtInOctets", 9832, 637.3) + line("TcpActiveOpens", 4, 0.0),
			[]string{"- IpInReceives 38$", "+ IpInReceives 39$"}},
		{"missing counter", "#77.12 sampling_interval=1 time_const=10\n" +
			line("IpInReceives", 38, 2.5) + line("TcpActiveOpens", 4, 0.0), []string{"- IpExtInOctets 9832$"}},
		{"rate with the wrong weight", "#77.12 sampling_interval=1 time_const=10\n" +
			line("IpInReceives", 38, 0.4) + line("IpExtInOctets", 9832, 115.0) + line("TcpActiveOpens", 4, 0.0),
			[]string{"rate of IpInReceives", "rate of IpExtInOctets"}},
		{"no rates", "#77.12 sampling_interval=1 time_const=10\n" +
			line("IpInReceives", 38, 0) + line("IpExtInOctets", 9832, 0) + line("TcpActiveOpens", 4, 0),
			[]string{"rate of IpInReceives"}},
		{"format", "#77.12 sampling_interval=1 time_const=10\nIpInReceives 38 2.5\n" +
			line("IpExtInOctets", 9832, 637.3) + line("TcpActiveOpens", 4, 0.0), []string{"not in nstat's format"}},
		{"garbage", "#77.12 sampling_interval=1 time_const=10\nIpInReceives\n", []string{"does not parse"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := compareDumps("nstat", ref, "stackbox", tc.cand)
			switch {
			case tc.want == nil && rep != "":
				t.Errorf("reported as different:\n%s", rep)
			case tc.want != nil && rep == "":
				t.Errorf("not reported")
			}
			for _, w := range tc.want {
				if !strings.Contains(rep, w) {
					t.Errorf("the report lacks %q:\n%s", w, rep)
				}
			}
		})
	}
}

// TestLineDiff checks the diff used in every report.
func TestLineDiff(t *testing.T) {
	if d := lineDiff("a", "x\ny\n", "b", "x\ny\n"); d != "" {
		t.Errorf("equal texts gave a diff:\n%s", d)
	}
	d := lineDiff("a", "1\n2\n3\n4\n5\n6\n7\nkeep \n", "b", "1\n2\n3\n4\nfive\n6\n7\nkeep\n")
	for _, w := range []string{"--- a\n+++ b\n", "- 5$\n+ five$\n", "- keep $\n+ keep$\n", "  ...\n"} {
		if !strings.Contains(d, w) {
			t.Errorf("diff lacks %q:\n%s", w, d)
		}
	}
	if d := lineDiff("a", "x", "b", "x\n"); !strings.Contains(d, "final newline") {
		t.Errorf("a missing final newline is not shown:\n%s", d)
	}
}

// FuzzParseDump: parseDump reads what a daemon under test sends; it must
// not panic on anything.
func FuzzParseDump(f *testing.F) {
	f.Add("#1.2 sampling_interval=1 time_const=60\nIpInReceives                    38                 2.5\n")
	f.Add("#kernel\nX 1\n")
	f.Add("")
	f.Add("#\n\n \nA 1 NaN\nB -1 1\nC 18446744073709551616 0\n")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseDump(s)
		if err == nil {
			normalizeHeader(d.header)
			compareDumps("a", s, "b", s)
		}
	})
}
