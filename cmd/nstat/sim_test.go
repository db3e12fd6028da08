package nstat

import (
	"os"
	"strings"
	"testing"
)

func TestSimFlags(t *testing.T) {
	f, err := parseFlags([]string{"-az", "--sim", "web", "--at=2s", "--host", "server", "Tcp*"})
	if err != nil {
		t.Fatal(err)
	}
	if f.sim.Scenario != "web" || f.sim.At != "2s" || f.sim.Host != "server" || !f.zeros || !f.ignore ||
		len(f.patterns) != 1 || f.patterns[0] != "Tcp*" {
		t.Errorf("flags %+v", f)
	}
	// -t's argument stays -t's.
	if _, err := parseFlags([]string{"-t", "--sim"}); err == nil || !strings.Contains(err.Error(), "invalid time constant") {
		t.Errorf("-t --sim: %v", err)
	}
	for args, want := range map[string]string{
		"--sim":      "nstat: option '--sim' requires an argument",
		"--host x":   "nstat: option '--host' needs --sim",
		"--at 1s -a": "nstat: option '--at' needs --sim",
	} {
		_, err := parseFlags(strings.Fields(args))
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}

// TestSimKeepsNoHistory checks that nstat on the reference stack prints
// the counters since the simulation started and neither reads, writes
// nor removes the history file.
func TestSimKeepsNoHistory(t *testing.T) {
	e := newEnv(t)
	if err := os.WriteFile(e.hist, []byte("#kernel\nIpExtInOctets 5 0.0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(e.hist)
	for _, args := range [][]string{
		{"--sim", "burst", "--at", "1ms", "-z", "IpExtInOctets"},
		{"--sim", "burst", "--at", "1ms", "-r", "-z", "IpExtInOctets"},
	} {
		out, errOut, code := e.run(args...)
		if code != 0 || errOut != "" {
			t.Fatalf("%q: exit %d, stderr %q", args, code, errOut)
		}
		if out != "#kernel\nIpExtInOctets                   0                  0.0\n" {
			t.Errorf("%q: %q", args, out)
		}
		after, err := os.ReadFile(e.hist)
		if err != nil || string(after) != string(before) {
			t.Errorf("%q: history changed: %q, %v", args, after, err)
		}
	}
	_, errOut, code := e.run("-d", "5", "--sim", "burst")
	if code != 255 || errOut != "nstat: no daemon (-d) on the reference stack\n" {
		t.Errorf("-d: exit %d, %q", code, errOut)
	}
	_, errOut, code = e.run("--netns", "x", "--sim", "burst")
	if code != 255 || errOut != "nstat: --netns and --sim cannot go together\n" {
		t.Errorf("--netns: exit %d, %q", code, errOut)
	}
}
