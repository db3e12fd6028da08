package conntrack

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files (the kernel capture needs root and conntrack)")

// TestKernelCapture re-renders the flows of testdata/kernel-capture.json
// and compares with the real conntrack 1.4.7 output stored beside them.
//
// How it was captured: TestRealConntrackSelfCheck -update (as root, with
// conntrack-tools 1.4.7 installed, TZ=UTC) fills a fresh namespace with
// conntrack -I flows and real loopback traffic tracked by nftables, then
// within one second of wall clock runs conntrack -L -o xml,ktimestamp
// (decoded into the Flow values stored), conntrack -L -o id (for ICMP
// type/code/id, which the XML lacks) and conntrack -L with each of the
// output options; "now" is the second of the capture (for delta-time).
func TestKernelCapture(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "kernel-capture.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Flows) == 0 || len(s.Text) == 0 {
		t.Fatal("empty capture")
	}
	for name, want := range s.Text {
		got := renderIn(s.Flows, s.Opts[name], s.Now, time.UTC)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", name, diff)
		}
	}
}
