package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// nicGoldens are the simulated NIC's views on the host each NIC
// scenario is about, at the time simAt gives: ethtool's driver
// statistics, rings, channels, coalescing and offloads, and the softnet
// counters.
var nicGoldens = []struct {
	scenario, host string
}{
	{"burst", "sink"},
	{"rss", "server"},
}

var nicApplets = []struct {
	name string
	args []string
}{
	{"ethtool-S", []string{"ethtool", "-S", "eth0"}},
	{"ethtool-g", []string{"ethtool", "-g", "eth0"}},
	{"ethtool-l", []string{"ethtool", "-l", "eth0"}},
	{"ethtool-c", []string{"ethtool", "-c", "eth0"}},
	{"ethtool-k", []string{"ethtool", "-k", "eth0"}},
	{"nstat-softnet", []string{"nstat", "--softnet"}},
}

// checkGolden runs args under GOMAXPROCS 1 and 2, checks both give the
// same, and compares that with testdata/golden/sim/NAME (-update
// rewrites it).
func checkGolden(t *testing.T, name string, args []string) {
	t.Helper()
	cmdline := "# stackbox " + strings.Join(args, " ") + "\n"
	prev := runtime.GOMAXPROCS(1)
	one := runCLI(args)
	runtime.GOMAXPROCS(2)
	two := runCLI(args)
	runtime.GOMAXPROCS(prev)
	if !bytes.Equal(one, two) {
		t.Fatalf("%s: GOMAXPROCS 1 and 2 differ:\n%s\n----\n%s", cmdline, one, two)
	}
	got := append([]byte(cmdline), one...)
	golden := filepath.Join("testdata", "golden", "sim", name+".txt")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", cmdline, golden, got, want)
	}
}

// TestSimNICGolden checks the NIC scenarios' ethtool and softnet views.
func TestSimNICGolden(t *testing.T) {
	for _, g := range nicGoldens {
		for _, a := range nicApplets {
			t.Run(g.scenario+"/"+a.name, func(t *testing.T) {
				args := append(append([]string(nil), a.args...), "--sim", g.scenario, "--at", simAt[g.scenario], "--host", g.host)
				if a.args[0] == "ethtool" {
					// ethtool takes its stackbox options before the option.
					args = append([]string{"ethtool", "--sim", g.scenario, "--at", simAt[g.scenario], "--host", g.host}, a.args[1:]...)
				}
				checkGolden(t, g.scenario+"/"+a.name, args)
			})
		}
	}
}

// TestSimSessionGolden drives a session of the burst scenario through
// the command line: a larger ring at time 0, then the same views as the
// plain scenario's at the same time, where the ring drops are gone.
func TestSimSessionGolden(t *testing.T) {
	t.Setenv("STACKBOX_SIM_DIR", t.TempDir())
	for _, args := range [][]string{
		{"sim", "new", "big-ring", "--scenario", "burst"},
		{"ethtool", "--sim", "big-ring", "--host", "sink", "-G", "eth0", "rx", "4096"},
		{"sim", "set", "big-ring", "sink", "net.core.netdev_budget=600"},
	} {
		if out := runCLI(args); bytes.Contains(out, []byte("--- ")) {
			t.Fatalf("stackbox %s:\n%s", strings.Join(args, " "), out)
		}
	}
	if out := runCLI([]string{"sim", "run", "big-ring", simAt["burst"]}); bytes.Contains(out, []byte("--- ")) {
		t.Fatalf("sim run:\n%s", out)
	}
	checkGolden(t, "burst/session-log", []string{"sim", "log", "big-ring"})
	for _, a := range []struct {
		name string
		args []string
	}{
		{"session-ethtool-S", []string{"ethtool", "--sim", "big-ring", "--host", "sink", "-S", "eth0"}},
		{"session-ethtool-g", []string{"ethtool", "--sim", "big-ring", "--host", "sink", "-g", "eth0"}},
		{"session-nstat-softnet", []string{"nstat", "--softnet", "--sim", "big-ring", "--host", "sink"}},
	} {
		t.Run(a.name, func(t *testing.T) { checkGolden(t, "burst/"+a.name, a.args) })
	}
}
