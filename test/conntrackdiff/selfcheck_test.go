//go:build linux

package conntrackdiff

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/testns"
)

// wrongTool returns the tool that runs testdata/wrong-conntrack.sh in mode.
func wrongTool(t *testing.T, mode string) *tool {
	t.Helper()
	script, err := filepath.Abs("testdata/wrong-conntrack.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := linkTool(filepath.Join(work, "wrong", mode), script)
	if err != nil {
		t.Fatal(err)
	}
	return &tool{label: mode, dir: dir}
}

// TestHarnessReportsDifferences runs a listing against deliberately wrong
// tools (testdata/wrong-conntrack.sh: the installed conntrack with one
// thing spoilt) and checks that each difference is reported, readably, and
// that a faithful copy, and one whose timeouts are a second off, pass.
func TestHarnessReportsDifferences(t *testing.T) {
	testns.RequireTool(t, "sed")
	ns := newFixture(t, fixtureOpts{})
	ref := reference(t)
	args := []string{"-L", "-p", "tcp"}
	for _, tc := range []struct {
		mode string
		want []string // in the report; none: must pass
	}{
		{"faithful", nil},
		{"timeout-near", nil}, // within the tolerance for ticking values
		{"timeout-far", []string{" 99990 "}},
		{"wrong-state", []string{" ESTABLISHD "}},
		{"wrong-mark", []string{"mark=10 "}},
		{"wrong-exit", []string{"exit status: conntrack 0, wrong-exit 3"}},
		{"trailing-blank", []string{" $"}},
		{"wrong-stderr", []string{"flow entries shown.$"}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			bad := wrongTool(t, tc.mode)
			_, mm, err := compareRuns(ref.label, bad.label, norm{},
				func() (result, error) { return ref.run(in(ns), args) },
				func() (result, error) { return bad.run(in(ns), args) },
				t.Logf)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == nil && mm != "":
				t.Errorf("a faithful copy of conntrack was reported as different:\n%s", mm)
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
}

// TestHarnessReportsWriteDifferences runs one change with deliberately
// wrong tools and checks that the twin comparison notices each: a wrong
// exit status in the change itself, and a tool that claims success but
// changes nothing, which only reading the twins back reveals.
func TestHarnessReportsWriteDifferences(t *testing.T) {
	testns.RequireTool(t, "sed")
	ref := reference(t)
	k := w("-D", "-m", "1")
	for _, tc := range []struct {
		mode string
		want string // in a reported problem; "": none must be reported
	}{
		{"faithful", ""},
		{"wrong-exit", "exit status: conntrack 0, wrong-exit 3"},
		{"no-change", "reading twin B (changed by no-change) differs from conntrack reading twin A"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			problems, err := runWriteCase(t, ref, wrongTool(t, tc.mode), k)
			if err != nil {
				t.Fatal(err)
			}
			all := strings.Join(problems, "\n")
			switch {
			case tc.want == "" && len(problems) > 0:
				t.Errorf("a faithful copy of conntrack was reported as different:\n%s", all)
			case tc.want != "" && !strings.Contains(all, tc.want):
				t.Errorf("the harness did not report %q for the %s tool; it reported:\n%s", tc.want, tc.mode, all)
			case tc.want != "":
				t.Logf("reported, as a failing case shows it:\n%.3000s", all)
			}
		})
	}
}

// TestNormalize checks the comparison rules without a kernel: ticking
// values within the tolerance pass, anything else is a difference.
func TestNormalize(t *testing.T) {
	line := "tcp      6 %s ESTABLISHED src=1.2.3.4 dst=5.6.7.8 sport=1 dport=2 mark=%s delta-time=%s use=1 id=%s\n"
	f := func(timeout, mark, delta, id string) string {
		s := line
		for _, v := range []string{timeout, mark, delta, id} {
			s = strings.Replace(s, "%s", v, 1)
		}
		return s
	}
	base := f("99999", "1", "5", "123456")
	for _, tc := range []struct {
		name  string
		n     norm
		other string
		equal bool
	}{
		{"same", norm{}, base, true},
		{"timeout-2", norm{}, f("99997", "1", "5", "123456"), true},
		{"timeout-3", norm{}, f("99996", "1", "5", "123456"), false},
		{"delta+1", norm{}, f("99999", "1", "6", "123456"), true},
		{"delta+9", norm{}, f("99999", "1", "14", "123456"), false},
		{"mark", norm{}, f("99999", "2", "5", "123456"), false},
		{"id", norm{}, f("99999", "1", "5", "654321"), false},
		{"id-masked", norm{ids: true}, f("99999", "1", "5", "654321"), true},
		{"extended", norm{}, "ipv4     2 " + base, false},
	} {
		if got := tc.n.textEqual(base, tc.other, tolerance); got != tc.equal {
			t.Errorf("%s: textEqual(%q, %q) = %v, want %v", tc.name, base, tc.other, got, tc.equal)
		}
	}
	x := "<flow><meta direction=\"independent\"><timeout>100</timeout><id>77</id><deltatime>3</deltatime></meta></flow>\n"
	y := "<flow><meta direction=\"independent\"><timeout>99</timeout><id>78</id><deltatime>4</deltatime></meta></flow>\n"
	if (norm{}).textEqual(x, y, tolerance) {
		t.Errorf("XML with different ids compared equal")
	}
	if !(norm{ids: true}).textEqual(x, y, tolerance) {
		t.Errorf("XML with ticking values 1 apart and masked ids compared different")
	}
	icmp := "icmp     1 29 src=127.0.0.1 dst=127.0.0.1 type=8 code=0 id=4660 packets=1 bytes=84 src=127.0.0.1 dst=127.0.0.1 type=0 code=0 id=4660 packets=1 bytes=84 mark=0 use=1 id=99\n"
	icmp2 := strings.Replace(icmp, "id=4660 packets=1", "id=4661 packets=1", 1)
	if (norm{ids: true}).textEqual(icmp, icmp2, tolerance) {
		t.Errorf("masking flow ids hid an ICMP id")
	}
	stats := "cpu=0   \tfound=3 invalid=10 insert=0\n"
	stats2 := "cpu=0   \tfound=4 invalid=11 insert=0\n"
	if !(norm{stats: true}).textEqual(stats, stats2, tolerance) || (norm{stats: true}).textEqual(stats, "cpu=1   \tfound=3 invalid=10 insert=0\n", tolerance) {
		t.Errorf("statistics by shape: values must not count, CPU numbers must")
	}
	if got := sortLines("b 1\na 2\n"); got != "a 2\nb 1\n" {
		t.Errorf("sortLines = %q", got)
	}
}
