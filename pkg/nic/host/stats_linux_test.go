package host

import (
	"encoding/binary"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackbox/stackbox/pkg/nic"
)

func TestDecodeStats(t *testing.T) {
	names := make([]byte, 3*ethGStringLen)
	copy(names, "tx_packets")
	copy(names[ethGStringLen:], "rx_queue_0_packets_and_more_32ch") // exactly 32 bytes, no NUL
	copy(names[2*ethGStringLen:], "a")
	vals := make([]byte, 3*8)
	binary.NativeEndian.PutUint64(vals, 7)
	binary.NativeEndian.PutUint64(vals[8:], 1<<63)
	want := []nic.Stat{
		{Name: "tx_packets", Value: 7},
		{Name: "rx_queue_0_packets_and_more_32ch", Value: 1 << 63},
		{Name: "a", Value: 0},
	}
	if diff := cmp.Diff(want, decodeStats(names, vals, 3)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// Short buffers: never read past them.
	if got := decodeStats(names[:40], vals, 3); len(got) != 1 {
		t.Errorf("short names: %d stats, want 1", len(got))
	}
}

func FuzzDecodeStats(f *testing.F) {
	f.Add(make([]byte, 64), make([]byte, 16), 2)
	f.Fuzz(func(t *testing.T, names, vals []byte, n int) {
		if n > 1<<16 {
			n = 1 << 16
		}
		_ = decodeStats(names, vals, n)
	})
}
