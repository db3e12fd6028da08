//go:build linux

// Package nstatdiff compares stackbox's nstat applet with iproute2's nstat
// 6.1: both run with the same arguments inside the same network namespace
// (one that has seen loopback TCP, UDP and ICMP traffic and is quiet
// again), each with its own history file, and must print the same stdout
// and stderr, exit with the same status and leave the same history file.
// Daemon mode (-d) is compared in TestDaemon: each tool as the other's
// client, the two daemons side by side, and both tools as clients of a
// fake daemon.
//
// The tests need root, ip, nstat, sh and mount, and skip without them.
// Every run happens in a sandbox with its own /tmp (see sandbox in
// harness_test.go), so nothing touches the machine's /tmp/.nstat.u0.
// Run them against nstat itself to check the harness:
//
//	go test ./test/nstatdiff -nstatdiff.candidate=/usr/bin/nstat
//
// Select groups with -run, e.g. -run 'TestNstat/history' or
// -run 'TestDaemon', leave some out with -skip (-skip 'TestNstat/proc':
// counter files given through PROC_ROOT and PROC_NET_*); -nstatdiff.show
// logs every step's output.
package nstatdiff

import (
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/testns"
)

// newRunner makes a namespace, gives it a round of traffic and waits for it
// to be quiet.
func newRunner(t *testing.T, ref, cand *tool) *runner {
	t.Helper()
	ns := testns.New(t)
	if err := makeTraffic(ns); err != nil {
		t.Fatalf("traffic in %s: %v", ns.Name, err)
	}
	if _, err := waitQuiet(ns); err != nil {
		t.Fatal(err)
	}
	return &runner{t: t, ns: ns, ref: ref, cand: cand, testdata: testdataDir(t), checkQuiet: true}
}

// TestNstat runs every scenario of allGroups on both tools.
func TestNstat(t *testing.T) {
	ref, cand := reference(t), candidate(t)
	rn := newRunner(t, ref, cand)
	for _, g := range allGroups() {
		t.Run(g.name, func(t *testing.T) {
			for _, sc := range g.scenarios {
				name := sc.name
				if name == "" {
					name = "(none)"
				}
				t.Run(strings.ReplaceAll(name, "/", "∕"), func(t *testing.T) {
					sub := *rn
					sub.t = t
					sub.runScenario(sc)
				})
			}
		})
	}
}

// TestDispatch reaches the applet the other way, "stackbox nstat ARGS".
func TestDispatch(t *testing.T) {
	if *flagCandidate != "" {
		t.Skip("-nstatdiff.candidate is set: there is no stackbox binary to reach the applet through")
	}
	ref := reference(t)
	bin := goBuild(t, "stackbox", ".")
	sb := &tool{label: "stackbox nstat", dir: linkTool(t, "dispatch", "stackbox", bin), argv0: "stackbox", pre: []string{"nstat"}}
	rn := newRunner(t, ref, sb)
	for _, sc := range []scenario{
		one("-asz", wTCP),
		one("-asj Tcp*", `"TcpActiveOpens"`),
		one("-V"),
		one("-x"),
		{"delta after -n", []step{s("-n"), {traffic: true, want: []string{wTCP}}}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			sub := *rn
			sub.t = t
			sub.runScenario(sc)
		})
	}
}

// TestNetns checks stackbox's --netns NAME (not in nstat): stackbox run
// from another namespace (with no traffic, so its own counters differ)
// with --netns must show what nstat shows inside the named one.
func TestNetns(t *testing.T) {
	if *flagCandidate != "" {
		t.Skip("-nstatdiff.candidate is set: --netns is stackbox's own option")
	}
	ref, cand := reference(t), candidate(t)
	rn := newRunner(t, ref, cand)
	rn.candNS = testns.New(t)
	for _, form := range []struct {
		name string
		args []string
	}{{"--netns NAME", []string{"--netns", rn.ns.Name}}, {"--netns=NAME", []string{"--netns=" + rn.ns.Name}}} {
		rn.candArgs = form.args
		for _, sc := range []scenario{
			one("-asz", wTCP, wICMP6),
			one("-asj Tcp*", `"TcpActiveOpens"`),
			{"delta after -n", []step{s("-n"), {traffic: true, want: []string{wTCP}}, s("", wNothing)}},
		} {
			t.Run(form.name+" "+sc.name, func(t *testing.T) {
				sub := *rn
				sub.t = t
				sub.runScenario(sc)
			})
		}
	}
}
