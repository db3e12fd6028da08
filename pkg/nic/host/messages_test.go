package host

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

func attrs(t *testing.T, fn func(ae *netlink.AttributeEncoder)) []byte {
	t.Helper()
	ae := netlink.NewAttributeEncoder()
	fn(ae)
	b, err := ae.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCoalesce(t *testing.T) {
	// A NIC with adaptive RX and the usecs/frames pairs (as the kernel
	// sends only the parameters the driver supports).
	b := attrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Uint32(2, 50)  // rx-usecs
		ae.Uint32(3, 0)   // rx-frames
		ae.Uint32(6, 50)  // tx-usecs
		ae.Uint32(7, 128) // tx-frames
		ae.Uint8(11, 1)   // adaptive rx
		ae.Uint8(12, 0)   // adaptive tx
		ae.Uint32(23, 0)  // sample interval
		ae.Uint8(25, 1)   // cqe mode rx
		ae.Uint32(99, 7)  // unknown: ignored
	})
	got, err := parseCoalesce(b)
	if err != nil {
		t.Fatal(err)
	}
	on, off := true, false
	want := nic.Coalesce{RXUsecs: nic.U32(50), RXFrames: nic.U32(0), TXUsecs: nic.U32(50), TXFrames: nic.U32(128),
		AdaptiveRX: &on, AdaptiveTX: &off, RateSampleInterval: nic.U32(0), CQEModeRX: &on}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParsePause(t *testing.T) {
	b := attrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Uint8(2, 0)
		ae.Uint8(3, 1)
		ae.Uint8(4, 1)
	})
	got, err := parsePause(b)
	if err != nil {
		t.Fatal(err)
	}
	on, off := true, false
	if diff := cmp.Diff(nic.Pause{Autoneg: &off, RX: &on, TX: &on}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseTruncated(t *testing.T) {
	bad := []byte{8, 0, 2, 0, 1} // attribute longer than the buffer
	if _, err := parseRings(bad); err == nil {
		t.Error("parseRings accepted a truncated attribute")
	}
	if _, err := parseChannels(bad); err == nil {
		t.Error("parseChannels accepted a truncated attribute")
	}
	if _, err := parseCoalesce(bad); err == nil {
		t.Error("parseCoalesce accepted a truncated attribute")
	}
}
