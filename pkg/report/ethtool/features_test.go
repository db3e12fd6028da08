package ethtool

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackbox/stackbox/pkg/nic"
)

// TestFeaturesCaptured renders features read from real devices
// (testdata/features-*.json) and compares with what ethtool 6.1 printed
// for them at the same moment (the .txt beside each).
func TestFeaturesCaptured(t *testing.T) {
	files, err := filepath.Glob("testdata/features-*[a-z].json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no feature fixtures: %v", err)
	}
	devs := map[string]string{"virtio": "eth0", "tun": "tun0", "veth": "a"}
	for _, file := range files {
		kind := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "features-"), ".json")
		t.Run(kind, func(t *testing.T) {
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var fs []nic.Feature
			if err := json.Unmarshal(b, &fs); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(file, ".json") + ".txt")
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := Features(&got, devs[kind], fs); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(want), got.String()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// ethtool --json -k, where captured.
			wantJSON, err := os.ReadFile(file + ".txt")
			if os.IsNotExist(err) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.Reset()
			if err := FeaturesJSON(&got, devs[kind], fs); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(string(wantJSON), got.String()); diff != "" {
				t.Errorf("json (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFeaturesMarkers(t *testing.T) {
	fs := []nic.Feature{
		{Name: "rx-checksum", Active: true, Wanted: false}, // single match: legacy name
		{Name: ""}, // unnamed bit: skipped
		{Name: "rx-gro", Active: false, Wanted: true},
		{Name: "tx-udp-fragmentation", Active: true}, // UFO: never shown
		{Name: "highdma", Active: true, Fixed: true},
	}
	want := "Features for x:\n" +
		"rx-checksumming: on [requested off]\n" +
		"tx-checksumming: off\n" +
		"scatter-gather: off\n" +
		"tcp-segmentation-offload: off\n" +
		"generic-segmentation-offload: off\n" +
		"generic-receive-offload: off [requested on]\n" +
		"large-receive-offload: off\n" +
		"rx-vlan-offload: off\n" +
		"tx-vlan-offload: off\n" +
		"ntuple-filters: off\n" +
		"receive-hashing: off\n" +
		"highdma: on [fixed]\n"
	var got bytes.Buffer
	if err := Features(&got, "x", fs); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPatternMatch(t *testing.T) {
	for _, tt := range []struct {
		name, pattern string
		want          bool
	}{
		{"tx-tcp-segmentation", "tx-tcp*-segmentation", true},
		{"tx-tcp6-segmentation", "tx-tcp*-segmentation", true},
		{"tx-tcp-segmentatio", "tx-tcp*-segmentation", false},
		{"tx-scatter-gather", "tx-scatter-gather*", true},
		{"rx-gro", "rx-gro", true},
		{"rx-gro-hw", "rx-gro", false},
		{"tx-checksum-", "tx-checksum-*", true},
	} {
		if got := (nic.LegacyFlag{Pattern: tt.pattern}).Matches(tt.name); got != tt.want {
			t.Errorf("LegacyFlag{Pattern: %q}.Matches(%q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}
