package host

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

// verboseBitset encodes a verbose bitset: every listed bit is supported
// (in the mask), those with set=true have a value.
func verboseBitset(ae *netlink.AttributeEncoder, typ uint16, nomask bool, bits ...verboseBit) {
	ae.Nested(typ, func(ae *netlink.AttributeEncoder) error {
		if nomask {
			ae.Flag(bitsetNoMask, true)
		}
		ae.Uint32(bitsetSize, 100)
		ae.Nested(bitsetBits, func(ae *netlink.AttributeEncoder) error {
			for _, b := range bits {
				ae.Nested(bitsetBitsBit, func(ae *netlink.AttributeEncoder) error {
					ae.Uint32(bitsetBitIndex, b.index)
					ae.String(bitsetBitName, b.name)
					if b.value {
						ae.Flag(bitsetBitValue, true)
					}
					return nil
				})
			}
			return nil
		})
		return nil
	})
}

func TestParseLinkModes(t *testing.T) {
	b := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Uint8(2, 1) // autoneg
		verboseBitset(ae, 3, false,
			verboseBit{1, "10baseT/Full", false}, verboseBit{5, "1000baseT/Full", true}, verboseBit{6, "Autoneg", true})
		verboseBitset(ae, 4, true, verboseBit{5, "1000baseT/Full", false})
		ae.Uint32(5, 1000)
		ae.Uint8(6, 1)
	})
	got, err := parseLinkModes(b)
	if err != nil {
		t.Fatal(err)
	}
	want := nic.LinkModes{
		HasOurs:    true,
		Supported:  []nic.LinkMode{{Index: 1, Name: "10baseT/Full"}, {Index: 5, Name: "1000baseT/Full"}, {Index: 6, Name: "Autoneg"}},
		Advertised: []nic.LinkMode{{Index: 5, Name: "1000baseT/Full"}, {Index: 6, Name: "Autoneg"}},
		HasPeer:    true,
		Peer:       []nic.LinkMode{{Index: 5, Name: "1000baseT/Full"}},
		Speed:      nic.U32(1000), Duplex: ptr(uint8(1)), Autoneg: ptr(uint8(1)),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseWoLAndDebug(t *testing.T) {
	b := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		verboseBitset(ae, 2, false, verboseBit{0, "phy", false}, verboseBit{5, "magic", true})
		ae.Bytes(3, []byte{1, 2, 3, 4, 5, 6})
	})
	w, err := parseWoL(b)
	if err != nil {
		t.Fatal(err)
	}
	if w.Supported != 0b100001 || w.Enabled != 0b100000 || len(w.SecureOn) != 6 {
		t.Errorf("wol %+v", w)
	}
	b = encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		verboseBitset(ae, 2, false, verboseBit{0, "drv", true}, verboseBit{1, "probe", false}, verboseBit{2, "link", true})
	})
	d, ok, err := parseDebug(b)
	if err != nil || !ok {
		t.Fatalf("ok %v err %v", ok, err)
	}
	if diff := cmp.Diff(nic.Debug{MsgMask: 5, Names: []string{"drv", "link"}}, d); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func ptr[T any](v T) *T { return &v }

func TestNegotiatePause(t *testing.T) {
	mode := func(idx ...uint32) []nic.LinkMode {
		var ms []nic.LinkMode
		for _, i := range idx {
			ms = append(ms, nic.LinkMode{Index: i})
		}
		return ms
	}
	for _, tt := range []struct {
		ours, peer []nic.LinkMode
		rx, tx     bool
	}{
		{mode(13), mode(13), true, true},
		{mode(13, 14), mode(14), true, false},
		{mode(14), mode(13, 14), false, true},
		{mode(14), mode(14), false, false},
		{mode(), mode(13), false, false},
	} {
		var p nic.Pause
		negotiatePause(&p, nic.LinkModes{HasOurs: true, HasPeer: true, Advertised: tt.ours, Peer: tt.peer})
		if p.NegotiatedRX == nil || *p.NegotiatedRX != tt.rx || *p.NegotiatedTX != tt.tx {
			t.Errorf("ours %v peer %v: got %v/%v, want %v/%v", tt.ours, tt.peer, p.NegotiatedRX, p.NegotiatedTX, tt.rx, tt.tx)
		}
	}
	var p nic.Pause
	negotiatePause(&p, nic.LinkModes{HasOurs: true})
	if p.NegotiatedRX != nil {
		t.Error("negotiated without the partner's modes")
	}
}
