//go:build linux

package ssdiff

import (
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestFeatures(t *testing.T) {
	for _, tc := range []struct {
		k    Case
		want []string
	}{
		{c("-tanoeimp"), []string{fAll, fExtended, fInfo, fMemory, fNumeric, fProcess, fTCP, fTimers}},
		{c("-a -A unix,!u_str"), []string{fAll, fQuery, fUnix}},
		{c(""), []string{fAllTabs, fServices}},
		{c("-tn state established ( sport = :22 or ! dst 127.0.0.1 )"), []string{fFAddr, fFLogic, fFPort, fNumeric, fState, fTCP}},
		{c("-f netlink -p"), []string{fFamily, fNetlink, fProcess}},
		{c("--family=inet6 --tcp dst localhost"), []string{fFAddr, fFHost, fFamily, fRaw, fServices, fTCP, fUDP}},
		{Case{Args: []string{"-tn", "-F", "{file}"}, File: "dev lo\n"}, []string{fFDev, fFFile, fNumeric, fTCP}},
		{cn([]string{fErrors}, "-Z"), []string{fAllTabs, fErrors, fSELinux, fServices}},
		{c("-N x -E"), []string{fAllTabs, fEvents, fNetns, fServices}},
	} {
		got := tc.k.features()
		want := slices.Clone(tc.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("features(%q) = %v, want %v", tc.k.Args, got, want)
		}
	}
}

func TestSelected(t *testing.T) {
	feats := []string{fTCP, fNumeric}
	for _, tc := range []struct {
		only, skip string
		want       bool
	}{
		{"", "", true},
		{"tcp,numeric", "", true},
		{"tcp", "", false},
		{"", "udp", true},
		{"", "udp, numeric", false},
		{"tcp,numeric,udp", "numeric", false},
	} {
		if got, why := selected(feats, tc.only, tc.skip); got != tc.want {
			t.Errorf("selected(%v, only %q, skip %q) = %v (%s)", feats, tc.only, tc.skip, got, why)
		}
	}
}

// TestCaseTableCoversHelp checks the table against what the installed
// ss's usage text lists: every -A name, every family, every state name.
func TestCaseTableCoversHelp(t *testing.T) {
	ss, err := exec.LookPath("ss")
	if err != nil {
		t.Skip("needs ss installed to read its usage text")
	}
	out, _ := exec.Command(ss, "-h").CombinedOutput()
	help := string(out)
	list := func(re string) []string {
		re = strings.ReplaceAll(re, `\{([^}]*)\}`, `\{((?:[^{}]|\{[^{}]*\})*)\}`)
		m := regexp.MustCompile(re).FindStringSubmatch(help)
		if m == nil {
			t.Fatalf("usage text lacks %s:\n%s", re, help)
		}
		parts := strings.Split(m[1], "|")
		if len(parts) < 3 {
			t.Fatalf("usage text: %s gives only %q", re, parts)
		}
		return parts
	}
	for _, q := range list(`QUERY := \{([^}]*)\}`) {
		if !slices.Contains(queryNames, q) {
			t.Errorf("-A %s is not in queryNames", q)
		}
	}
	var families []string
	for _, k := range familyCases() {
		if len(k.Args) == 3 && k.Args[0] == "-a" && k.Args[1] == "-f" {
			families = append(families, k.Args[2])
		}
	}
	for _, f := range list(`FAMILY := \{([^}]*)\}`) {
		if f != "help" && !slices.Contains(families, f) {
			t.Errorf("-f %s has no case", f)
		}
	}
	states := list(`STATE-FILTER := \{([^}]*)\}`)
	states = append(states, list(`TCP-STATES := \{([^}]*)\}`)...)
	for _, s := range states {
		switch s {
		case "TCP-STATES":
			continue
		case "fin-wait-{1,2}":
			states = append(states, "fin-wait-1", "fin-wait-2")
			continue
		}
		if !slices.Contains(stateNames, s) {
			t.Errorf("state %s is not in stateNames", s)
		}
	}
	for _, o := range regexp.MustCompile(`(?m)^\s+(-[a-zA-Z0-9]), --([a-z0-9-]+)`).FindAllStringSubmatch(help, -1) {
		if _, ok := shortFeatures[o[1][1]]; !ok {
			t.Errorf("option %s has no feature", o[1])
		}
		if _, ok := longFeatures[o[2]]; !ok {
			t.Errorf("option --%s has no feature", o[2])
		}
	}
}

// TestCaseTable checks every case for unknown placeholders and that the
// features it needs are known names.
func TestCaseTable(t *testing.T) {
	known := map[string]bool{}
	for _, fs := range shortFeatures {
		for _, f := range fs {
			known[f] = true
		}
	}
	for _, fs := range longFeatures {
		for _, f := range fs {
			known[f] = true
		}
	}
	for _, f := range tableFeatures {
		known[f] = true
	}
	for _, f := range filterWords {
		known[f] = true
	}
	for _, f := range []string{fAllTabs, fServices, fFHost, fErrors, fDispatch} {
		known[f] = true
	}
	n := 0
	for _, g := range allCases() {
		for _, k := range g.cases {
			n++
			for _, f := range k.features() {
				if !known[f] {
					t.Errorf("case %q needs unknown feature %q", k.Args, f)
				}
			}
			for _, a := range k.Args {
				if s := regexp.MustCompile(`\{[a-z]+\}`).FindString(a); s != "" && s != "{dir}" && s != "{file}" && s != "{ns}" {
					t.Errorf("case %q uses unknown placeholder %s", k.Args, s)
				}
			}
			if k.File != "" && !strings.Contains(strings.Join(k.Args, " "), "{file}") {
				t.Errorf("case %q: File is set without {file} in the arguments", k.Args)
			}
		}
	}
	if n < 300 {
		t.Errorf("only %d cases", n)
	}
}
