package ethtool

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The simulated NIC prints through the same renderers as a host NIC;
// this test checks that what it reports gives the same lines, field
// names and order as ethtool 6.1 prints for real NICs: the fixtures of
// pkg/report/ethtool (captured from ethtool 6.1 on virtio_net, and a
// multi-queue server NIC's channels and coalescing). Values may differ;
// the line structure may not.

// fieldShape is a line's structure: its text up to the first ':' (the
// field name with its indentation), or the whole line when it has none,
// with the device name in headers replaced by DEV.
func fieldShape(line string) string {
	if i := strings.Index(line, " for "); i >= 0 && strings.HasSuffix(line, ":") &&
		!strings.HasPrefix(line, "\t") && strings.Count(line, ":") == 1 {
		return line[:i] + " for DEV:"
	}
	if i := strings.IndexByte(line, ':'); i >= 0 {
		return line[:i+1]
	}
	return line
}

func shapes(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		out = append(out, fieldShape(l))
	}
	return out
}

// simNICOutput runs stackbox's ethtool on the burst scenario's sink NIC
// (a four-queue NIC with per-queue statistics) at 50 ms.
func simNICOutput(t *testing.T, opt string) string {
	t.Helper()
	t.Setenv("STACKBOX_SIM_DIR", t.TempDir())
	out, errOut, code := runSim("--sim", "burst", "--at", "50ms", "--host", "sink", opt, "eth0")
	if code != 0 || errOut != "" {
		t.Fatalf("ethtool --sim burst %s eth0: exit %d: %s", opt, code, errOut)
	}
	return out
}

func TestSimNICFormat(t *testing.T) {
	for _, tt := range []struct {
		opt, fixture string
	}{
		{"-i", "driver-virtio.txt"},
		{"-g", "rings-virtio.txt"},
		{"-l", "synthetic-channels-multiqueue.txt"},
		{"-c", "synthetic-coalesce-multiqueue.txt"},
		{"-k", "features-virtio.txt"},
	} {
		t.Run(tt.opt, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("..", "..", "pkg", "report", "ethtool", "testdata", tt.fixture))
			if err != nil {
				t.Fatal(err)
			}
			got := simNICOutput(t, tt.opt)
			g, w := shapes(got), shapes(string(want))
			if strings.Join(g, "\n") != strings.Join(w, "\n") {
				t.Errorf("ethtool %s on the simulated NIC has not the lines of %s:\n--- got\n%s\n--- want\n%s", tt.opt, tt.fixture, got, want)
			}
		})
	}
}

// statLine is a line of ethtool -S: five spaces, a name, a count.
var statLine = regexp.MustCompile(`^     [A-Za-z0-9_.\-\[\]]+: [0-9]+$`)

// TestSimNICStatsFormat checks -S: ethtool's header and lines, names
// unique, and per-queue counters for every queue in queue order, as a
// common multi-queue driver prints them.
func TestSimNICStatsFormat(t *testing.T) {
	out := simNICOutput(t, "-S")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if lines[0] != "NIC statistics:" || len(lines) < 10 {
		t.Fatalf("ethtool -S:\n%s", out)
	}
	seen := map[string]bool{}
	queueOrder := []string{}
	queueName := regexp.MustCompile(`^(rx|tx)_queue_([0-9]+)_`)
	for _, l := range lines[1:] {
		if !statLine.MatchString(l) {
			t.Errorf("not an ethtool -S line: %q", l)
			continue
		}
		name := strings.TrimSpace(l[:strings.IndexByte(l, ':')])
		if seen[name] {
			t.Errorf("%s twice", name)
		}
		seen[name] = true
		if m := queueName.FindStringSubmatch(name); m != nil {
			q := m[1] + m[2]
			if len(queueOrder) == 0 || queueOrder[len(queueOrder)-1] != q {
				queueOrder = append(queueOrder, q)
			}
		}
	}
	// burst's sink has four combined channels.
	for _, q := range []string{"rx0", "rx1", "rx2", "rx3", "tx0", "tx1", "tx2", "tx3"} {
		found := false
		for _, o := range queueOrder {
			found = found || o == q
		}
		if !found {
			t.Errorf("no counters for queue %s (queues seen in order: %q)", q, queueOrder)
		}
	}
}
