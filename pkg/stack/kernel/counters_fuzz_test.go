package kernel

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

// addProcSeeds adds the testdata/proc files named file as seeds.
func addProcSeeds(f *testing.F, file string) {
	paths, _ := filepath.Glob(filepath.Join("testdata/proc/*", file))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// checkCounters checks what holds for any input: named counters, none of
// them a constant, and a bounded number of warnings that name the file.
func checkCounters(t *testing.T, c *stack.Counters) {
	for _, x := range c.List {
		if x.Name == "" || ConstantCounter(x.Name) || strings.ContainsAny(x.Name, " \t\n") {
			t.Fatalf("counter %q", x.Name)
		}
	}
	if len(c.Warnings) > maxWarnings+1 {
		t.Fatalf("%d warnings", len(c.Warnings))
	}
	for _, w := range c.Warnings {
		if !strings.HasPrefix(w, "f:") {
			t.Fatalf("warning %q does not name the file", w)
		}
	}
}

// FuzzParseCounterTables feeds arbitrary text to the parser of
// /proc/net/snmp and /proc/net/netstat.
func FuzzParseCounterTables(f *testing.F) {
	addProcSeeds(f, "snmp")
	addProcSeeds(f, "netstat")
	f.Add([]byte("A: x y\nA: 1 2 3\nB: 1\nC:\nC:\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c stack.Counters
		parseCounterTables(&c, "f", data)
		checkCounters(t, &c)
	})
}

// FuzzParseCounterLines feeds arbitrary text to the parser of
// /proc/net/snmp6 and /proc/net/sctp/snmp.
func FuzzParseCounterLines(f *testing.F) {
	addProcSeeds(f, "snmp6")
	addProcSeeds(f, "sctp_snmp")
	f.Add([]byte("A 1\nB\nC -1 2\n#x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c stack.Counters
		parseCounterLines(&c, "f", data)
		checkCounters(t, &c)
	})
}

// FuzzParseSoftnet feeds arbitrary text to the softnet_stat parser.
func FuzzParseSoftnet(f *testing.F) {
	addProcSeeds(f, "softnet_stat")
	f.Fuzz(func(t *testing.T, data []byte) {
		stats, err := parseSoftnet("f", data)
		var pe *PartialError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error %v", err)
		}
		for _, s := range stats {
			if len(s.Columns) < softnetMinColumns || s.Processed != s.Columns[0] || s.HasBacklogLen != (len(s.Columns) > softnetBacklogLen) {
				t.Fatalf("stat %+v", s)
			}
			if len(s.Columns) != len(stats[0].Columns) {
				t.Fatalf("%d and %d columns", len(s.Columns), len(stats[0].Columns))
			}
		}
	})
}
