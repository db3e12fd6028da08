package nic

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpandFeature(t *testing.T) {
	names := []string{"tx-checksum-ipv4", "tx-tcp-segmentation", "", "rx-gro", "tx-tcp6-segmentation", "tx-checksum-sctp"}
	tests := []struct {
		word   string
		idx    []int
		legacy bool
	}{
		{"tso", []int{1, 4}, true},
		{"tcp-segmentation-offload", []int{1, 4}, true},
		{"tx", []int{0, 5}, true},
		{"gro", []int{3}, true},
		{"ufo", nil, true},
		{"rx-gro", nil, false},
		{"nonsense", nil, false},
	}
	for _, tt := range tests {
		idx, legacy := ExpandFeature(tt.word, names)
		if diff := cmp.Diff(tt.idx, idx); diff != "" || legacy != tt.legacy {
			t.Errorf("ExpandFeature(%q): legacy %v, indices (-want +got):\n%s", tt.word, legacy, diff)
		}
	}
}
