package host

import (
	"encoding/binary"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/genetlink/genltest"
	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

func compactBitset(ae *netlink.AttributeEncoder, typ uint16, size uint32, words ...uint32) {
	ae.Nested(typ, func(nae *netlink.AttributeEncoder) error {
		nae.Flag(1, true) // NOMASK
		nae.Uint32(bitsetSize, size)
		b := make([]byte, 4*len(words))
		for i, w := range words {
			binary.NativeEndian.PutUint32(b[4*i:], w)
		}
		nae.Bytes(bitsetValue, b)
		return nil
	})
}

func TestGetFeatures(t *testing.T) {
	names := []string{"tx-scatter-gather", "tx-checksum-ipv4", "", "rx-gro"}
	// hw (changeable): bits 0, 3; wanted: 0, 1, 3; active: 0, 1; nochange: 1.
	features := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		compactBitset(ae, featuresHW, 4, 0b1001)
		compactBitset(ae, featuresWanted, 4, 0b1011)
		compactBitset(ae, featuresActive, 4, 0b0011)
		compactBitset(ae, featuresNoChange, 4, 0b0010)
	})
	strset := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Nested(strsetStringsets, func(ae *netlink.AttributeEncoder) error {
			ae.Nested(stringsetsSet, func(ae *netlink.AttributeEncoder) error {
				ae.Uint32(stringsetID, ssFeatures)
				ae.Uint32(2, uint32(len(names)))
				ae.Nested(stringsetStrings, func(ae *netlink.AttributeEncoder) error {
					for i, n := range names {
						ae.Nested(stringsString, func(ae *netlink.AttributeEncoder) error {
							ae.Uint32(stringIndex, uint32(i))
							ae.String(stringValue, n)
							return nil
						})
					}
					return nil
				})
				return nil
			})
			return nil
		})
	})
	var cmds []uint8
	c := genltest.Dial(genltest.ServeFamily(ethtoolFamily,
		func(greq genetlink.Message, _ netlink.Message) ([]genetlink.Message, error) {
			cmds = append(cmds, greq.Header.Command)
			switch greq.Header.Command {
			case cmdFeaturesGet:
				want, _ := encodeFeaturesRequest("eth0")
				if diff := cmp.Diff(want, greq.Data); diff != "" {
					t.Errorf("features request (-want +got):\n%s", diff)
				}
				return []genetlink.Message{{Data: features}}, nil
			case cmdStrsetGet:
				return []genetlink.Message{{Data: strset}}, nil
			}
			return nil, genltest.Error(95)
		}))
	defer c.Close()
	got, err := getFeatures(c, "eth0")
	if err != nil {
		t.Fatal(err)
	}
	want := []nic.Feature{
		{Name: "tx-scatter-gather", Active: true, Wanted: true},
		{Name: "tx-checksum-ipv4", Active: true, Wanted: true, Fixed: true},
		{Name: "", Fixed: true},
		{Name: "rx-gro", Wanted: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("features (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint8{cmdFeaturesGet, cmdStrsetGet}, cmds); diff != "" {
		t.Errorf("commands, features first as ethtool (-want +got):\n%s", diff)
	}
}

func TestParseFeaturesMalformed(t *testing.T) {
	b := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		compactBitset(ae, featuresHW, 4, 1)
		compactBitset(ae, featuresWanted, 8, 1)
		compactBitset(ae, featuresActive, 4, 1)
		compactBitset(ae, featuresNoChange, 4, 1)
	})
	if _, err := parseFeatures(b, nil); err == nil {
		t.Error("bitsets of different sizes accepted")
	}
}

func TestParseTSInfo(t *testing.T) {
	verbose := func(ae *netlink.AttributeEncoder, typ uint16, nomask bool, bits ...string) {
		ae.Nested(typ, func(ae *netlink.AttributeEncoder) error {
			if nomask {
				ae.Flag(bitsetNoMask, true)
			}
			ae.Uint32(bitsetSize, 32)
			ae.Nested(bitsetBits, func(ae *netlink.AttributeEncoder) error {
				for i, name := range bits {
					ae.Nested(bitsetBitsBit, func(ae *netlink.AttributeEncoder) error {
						ae.Uint32(bitsetBitIndex, uint32(i))
						if name != "" {
							ae.String(bitsetBitName, name)
						}
						ae.Flag(bitsetBitValue, true)
						return nil
					})
				}
				return nil
			})
			return nil
		})
	}
	b := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		verbose(ae, tsinfoTimestamping, true, "software-transmit", "")
		verbose(ae, tsinfoTXTypes, true)
		verbose(ae, tsinfoRXFilters, false, "none", "all")
		ae.Uint32(tsinfoPHCIndex, 2)
	})
	got, err := parseTSInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	want := nic.Timestamping{
		Capabilities: []string{"software-transmit", "bit1"}, TXTypes: []string{},
		RXFilters: []string{"none", "all"}, PHCIndex: nic.U32(2),
		HasCapabilities: true, HasTXTypes: true, HasRXFilters: true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
