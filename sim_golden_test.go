package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// simAt is the virtual time each shipped scenario is looked at in the
// golden tests: short, to keep the tests quick, and inside the part of
// the scenario worth seeing. A scenario missing here is looked at after
// one second.
var simAt = map[string]string{
	"bulk":     "1s",
	"burst":    "200ms",
	"rss":      "200ms",
	"storm":    "2s",
	"synflood": "2s",
	"web":      "1s",
}

// simApplets are the applet command lines run on every shipped scenario;
// server says whether they look at the scenario's last host (where the
// servers are) rather than its first.
var simApplets = []struct {
	name   string // the golden file's name
	args   []string
	server bool
}{
	{"ss-tanoi", []string{"ss", "-tanoi"}, true},
	{"ss-tuanoi-first", []string{"ss", "-tuanoi"}, false},
	{"ss-s", []string{"ss", "-s"}, true},
	{"nstat-az", []string{"nstat", "-az"}, true},
	{"conntrack-L", []string{"conntrack", "-L"}, true},
}

// runCLI runs stackbox with args (after the program name) as main does,
// and returns what it wrote and its exit status, in one text.
func runCLI(args []string) []byte {
	var out, errOut bytes.Buffer
	io := &cli.IO{Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}
	err := run(io, append([]string{"stackbox"}, args...))
	code, print := cli.ExitCode(err)
	if print {
		fmt.Fprintln(&errOut, err)
	}
	if errOut.Len() > 0 {
		out.WriteString("--- stderr\n")
		out.Write(errOut.Bytes())
	}
	if code != 0 {
		fmt.Fprintf(&out, "--- exit %d\n", code)
	}
	return out.Bytes()
}

// TestSimGolden runs every applet on every shipped scenario through the
// command line, under GOMAXPROCS 1 and 2, and compares the outputs with
// each other and with the golden files (-update rewrites them).
func TestSimGolden(t *testing.T) {
	for _, name := range scenario.Shipped() {
		sc, err := scenario.LoadShipped(name)
		if err != nil {
			t.Fatal(err)
		}
		at := simAt[name]
		if at == "" {
			at = "1s"
		}
		for _, a := range simApplets {
			host := sc.Hosts[0].Name
			if a.server {
				host = sc.Hosts[len(sc.Hosts)-1].Name
			}
			t.Run(name+"/"+a.name, func(t *testing.T) {
				args := append(append([]string(nil), a.args...), "--sim", name, "--at", at, "--host", host)
				cmdline := "# stackbox " + strings.Join(args, " ") + "\n"
				prev := runtime.GOMAXPROCS(1)
				one := runCLI(args)
				runtime.GOMAXPROCS(2)
				two := runCLI(args)
				runtime.GOMAXPROCS(prev)
				if !bytes.Equal(one, two) {
					t.Fatalf("GOMAXPROCS 1 and 2 differ:\n%s\n----\n%s", one, two)
				}
				got := append([]byte(cmdline), one...)
				golden := filepath.Join("testdata", "golden", "sim", name, a.name+".txt")
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
			})
		}
	}
}

// TestSimDefaultTime checks that --at defaults to the scenario's end.
func TestSimDefaultTime(t *testing.T) {
	sc, err := scenario.LoadShipped("synflood")
	if err != nil {
		t.Fatal(err)
	}
	end := sc.Duration.String()
	a := runCLI([]string{"nstat", "-az", "--sim", "synflood"})
	b := runCLI([]string{"nstat", "-az", "--sim", "synflood", "--at", end})
	if !bytes.Equal(a, b) {
		t.Errorf("--at by default differs from --at %s:\n%s\n----\n%s", end, a, b)
	}
}

// TestSimErrors checks the one-line errors of a bad --sim, --at or
// --host.
func TestSimErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"ss", "-tan", "--sim", "web", "--host", "nosuch"},
			"--- stderr\nss: --host: scenario web has no host \"nosuch\" (hosts: client1, client2, client3, router, server)\n--- exit 1\n"},
		{[]string{"nstat", "--sim", "nosuch"},
			"--- stderr\nnstat: scenario \"nosuch\": no such file and no shipped scenario of that name (shipped: bulk, burst, ctfull, rss, storm, synflood, timewait, web)\n--- exit 255\n"},
		{[]string{"nstat", "--sim", "web", "--at", "soon"},
			"--- stderr\nnstat: --at: bad duration \"soon\" (want a number and a unit: ns, us, ms, s, m, h)\n--- exit 255\n"},
		{[]string{"conntrack", "-L", "--host", "server"},
			"--- stderr\nconntrack v1.4.7 (conntrack-tools): option '--host' needs --sim\n--- exit 1\n"},
		{[]string{"ethtool", "--sim", "web", "--host", "server", "-i", "eth7"}, // issue 7: the NIC is modelled
			"--- stderr\nethtool: host server of scenario web has no device eth7\n--- exit 1\n"},
	} {
		if got := string(runCLI(tt.args)); got != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.args, got, tt.want)
		}
	}
}
