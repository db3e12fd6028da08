//go:build linux

package conntrackdiff

import (
	"testing"
)

// netnsCases are run by the candidate from the test's own namespace with
// --netns NAME and by conntrack inside NAME.
var netnsCases = []Case{
	c("-L"),
	c("-L", "-o", "extended,id"),
	c("-L", "-p", "tcp", "--state", "ESTABLISHED"),
	c("-L", "-f", "ipv6", "-o", "xml"),
	c("-G", "-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "443"),
	c("-G", "-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "444").fails(),
	c("-C"),
	c("-S").with(norm{stats: true}),
	c("-L", "expect"),
	c("-L", "-p", "foo").fails(),
}

// TestNetns compares `conntrack --netns NS ARGS`, run by the candidate
// from the test's own namespace, with conntrack run inside NS. Against
// conntrack itself (which has no --netns) the candidate runs inside NS
// instead, so the harness check still covers the comparison.
func TestNetns(t *testing.T) {
	ns := newFixture(t, fixtureOpts{traffic: true})
	ref, cand := reference(t), candidate(t)
	if cand.self {
		t.Logf("the candidate is conntrack itself, which has no --netns: it runs inside %s instead", ns.Name)
	}
	for _, k := range netnsCases {
		t.Run(caseName(k.Args), func(t *testing.T) {
			candRun := func() (result, error) {
				return cand.run(where{}, append([]string{"--netns", ns.Name}, k.Args...))
			}
			if cand.self {
				candRun = func() (result, error) { return cand.run(in(ns), k.Args) }
			}
			r, mm, err := compareRuns(ref.label, cand.label, k.Norm, func() (result, error) { return ref.run(in(ns), k.Args) }, candRun, t.Logf)
			check(t, k, r, mm, err)
		})
	}
	t.Run("no-such-netns", func(t *testing.T) {
		if cand.self {
			t.Skip("conntrack has no --netns")
		}
		r, err := cand.run(where{}, []string{"--netns", ns.Name + "-none", "-L"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Code == 0 || r.Stderr == "" || r.Stdout != "" {
			t.Errorf("--netns with a namespace that does not exist: want a non-zero exit, a message on stderr and nothing on stdout; got exit %d\nstdout:\n%sstderr:\n%s", r.Code, r.Stdout, r.Stderr)
		}
	})
}
