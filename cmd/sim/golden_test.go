package sim

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenUntil is how long each shipped scenario runs in the golden tests:
// short, to keep the tests fast, and long enough for every workload to
// have started.
var goldenUntil = map[string]string{
	"bulk":     "300ms",
	"burst":    "10ms",
	"rss":      "100ms",
	"storm":    "300ms",
	"ctfull":   "300ms",
	"timewait": "300ms",
	"synflood": "1100ms",
	"web":      "400ms",
}

// runGolden runs sim run with args and compares stdout with the golden
// file name.
func runGolden(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	opts, out, _ := testOptions()
	if code, msg := execute(opts, nil, args...); code != 0 {
		t.Fatalf("sim %q: exit %d: %s", args, code, msg)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("sim %q differs from %s:\n--- got\n%s\n--- want\n%s", args, path, out.Bytes(), want)
	}
	return out.Bytes()
}

// TestShippedGolden runs every shipped scenario (for a short time) and
// compares its summary with the golden file; a second run must print the
// same bytes.
func TestShippedGolden(t *testing.T) {
	for _, name := range scenario.Shipped() {
		until, ok := goldenUntil[name]
		if !ok {
			t.Errorf("shipped scenario %s has no golden run time", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			first := runGolden(t, name+".txt", "run", name, "--until", until)
			opts, out, _ := testOptions()
			execute(opts, nil, "run", name, "--until", until)
			if !bytes.Equal(first, out.Bytes()) {
				t.Errorf("two runs of %s differ", name)
			}
		})
	}
}

func TestJSONGolden(t *testing.T) {
	runGolden(t, "udp.json", "run", filepath.Join("testdata", "udp.yaml"), "--json")
}

func TestTextGoldenFile(t *testing.T) {
	runGolden(t, "udp.txt", "run", filepath.Join("testdata", "udp.yaml"))
}

// TestShippedToTheEnd runs every shipped scenario to its end and wants
// no workload to report an error (-short runs the cheaper ones only).
func TestShippedToTheEnd(t *testing.T) {
	for _, name := range scenario.Shipped() {
		if testing.Short() && (name == "rss" || name == "burst") {
			continue
		}
		opts, out, _ := testOptions()
		if code, msg := execute(opts, nil, "run", name, "--json"); code != 0 {
			t.Errorf("%s: exit %d: %s", name, code, msg)
			continue
		}
		var s ref.Summary
		if err := json.Unmarshal(out.Bytes(), &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		sc, err := scenario.LoadShipped(name)
		if err != nil {
			t.Fatal(err)
		}
		if s.TimeNS != int64(sc.Duration) || len(s.Workloads) != len(sc.Workloads) {
			t.Errorf("%s: ran to %d ns with %d workloads, want %v and %d", name, s.TimeNS, len(s.Workloads), sc.Duration, len(sc.Workloads))
		}
		for _, w := range s.Workloads {
			if len(w.Errors) > 0 || w.BytesSent == 0 && w.SYNs == nil {
				t.Errorf("%s: workload %s: errors %v, %d bytes sent", name, w.Name, w.Errors, w.BytesSent)
			}
		}
	}
}
