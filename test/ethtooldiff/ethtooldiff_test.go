//go:build linux

// Package ethtooldiff compares stackbox's ethtool applet with the
// installed ethtool 6.1: both run with the same arguments in the same
// network namespace (lo, a veth pair with one end up and one down, and a
// tun device) and must print the same stdout and stderr and exit with the
// same status, byte for byte. The change options (-K, -L, -G, -C, -A) run
// once by ethtool on one device and once by the candidate on an identical
// twin, and both twins are then read back and compared (write_test.go).
//
// The tests need root, ip and ethtool; they skip without them. Run them
// against ethtool itself to check the harness:
//
//	go test ./test/ethtooldiff -ethtooldiff.candidate=/usr/sbin/ethtool
package ethtooldiff

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/testns"
)

// caseName names a subtest after its arguments.
func caseName(args []string) string {
	s := strings.Join(args, " ")
	if s == "" {
		return "(none)"
	}
	return strings.ReplaceAll(s, "/", "∕")
}

// TestEthtool runs every read option on every device of the fixture, the
// long option spellings and the error cases, with both tools inside the
// namespace.
func TestEthtool(t *testing.T) {
	ns := newFixture(t)
	ref, cand := reference(t), candidate(t)
	groups := []struct {
		name  string
		cases []Case
	}{
		{"fixture", fixtureChecks},
		{"read", deviceCases()},
		{"long", longOptions},
		{"error", errorCases},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, k := range g.cases {
				t.Run(caseName(k.Args), func(t *testing.T) {
					r, mm, err := compareRuns(ref.label, cand.label,
						func() (result, error) { return ref.run(ns, k.Args) },
						func() (result, error) { return cand.run(ns, k.Args) },
						t.Logf)
					check(t, k, r, mm, err)
				})
			}
		})
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

// TestNetns compares `ethtool --netns NS ARGS`, run by the candidate from
// the test's own namespace, with ethtool run inside NS. Against ethtool
// itself (which has no --netns) the candidate runs inside NS instead, so
// the harness check still covers the comparison.
func TestNetns(t *testing.T) {
	ns := newFixture(t)
	ref, cand := reference(t), candidate(t)
	if cand.self {
		t.Logf("the candidate is ethtool itself, which has no --netns: it runs inside %s instead", ns.Name)
	}
	cases := append(deviceCases(), Case{Args: []string{"-i", missing}, Fail: true}, Case{Args: []string{"-g", tunDev}, Fail: true})
	for _, k := range cases {
		t.Run(caseName(k.Args), func(t *testing.T) {
			candRun := func() (result, error) {
				return cand.run(nil, append([]string{"--netns", ns.Name}, k.Args...))
			}
			if cand.self {
				candRun = func() (result, error) { return cand.run(ns, k.Args) }
			}
			r, mm, err := compareRuns(ref.label, cand.label, func() (result, error) { return ref.run(ns, k.Args) }, candRun, t.Logf)
			check(t, k, r, mm, err)
		})
	}
	t.Run("no-such-netns", func(t *testing.T) {
		if cand.self {
			t.Skip("ethtool has no --netns")
		}
		r, err := cand.run(nil, []string{"--netns", ns.Name + "-none", "-i", "lo"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Code == 0 || r.Stderr == "" || r.Stdout != "" {
			t.Errorf("--netns with a namespace that does not exist: want a non-zero exit, a message on stderr and nothing on stdout; got exit %d\nstdout:\n%sstderr:\n%s", r.Code, r.Stdout, r.Stderr)
		}
	})
}

// TestHostEth0 reads eth0 from the test's own namespace with both tools
// (reading only: eth0 is never changed).
func TestHostEth0(t *testing.T) {
	testns.RequireRoot(t)
	if _, err := os.Stat("/sys/class/net/eth0"); err != nil {
		t.Skip("needs a host device eth0")
	}
	ref, cand := reference(t), candidate(t)
	for _, k := range hostCases {
		t.Run(caseName(k.Args), func(t *testing.T) {
			r, mm, err := compareRuns(ref.label, cand.label,
				func() (result, error) { return ref.run(nil, k.Args) },
				func() (result, error) { return cand.run(nil, k.Args) },
				t.Logf)
			check(t, k, r, mm, err)
		})
	}
}

// TestJSONExtensions checks the --json forms stackbox adds beyond ethtool
// 6.1: one valid JSON document on stdout, nothing on stderr, exit 0.
func TestJSONExtensions(t *testing.T) {
	ns := newFixture(t)
	cand := candidate(t)
	if cand.self {
		t.Skip("stackbox extensions: ethtool 6.1 rejects these")
	}
	for _, k := range jsonExtensions {
		t.Run(caseName(k.Args), func(t *testing.T) {
			r, err := cand.run(ns, k.Args)
			if err != nil {
				t.Fatal(err)
			}
			if r.Code != 0 || r.Stderr != "" || !json.Valid([]byte(r.Stdout)) {
				t.Errorf("%s: want one JSON document, exit 0 and no stderr; got exit %d\nstdout:\n%sstderr:\n%s",
					strings.Join(r.Argv, " "), r.Code, r.Stdout, r.Stderr)
			}
		})
	}
}
