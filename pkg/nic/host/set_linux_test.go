package host

import (
	"encoding/binary"
	"errors"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/genetlink/genltest"
	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

// rawAttr builds one netlink attribute by hand (length, type, payload,
// padding to 4 bytes), independently of netlink.AttributeEncoder.
func rawAttr(typ uint16, payload ...[]byte) []byte {
	var p []byte
	for _, x := range payload {
		p = append(p, x...)
	}
	b := make([]byte, 4, 4+len(p)+3)
	binary.NativeEndian.PutUint16(b, uint16(4+len(p)))
	binary.NativeEndian.PutUint16(b[2:], typ)
	b = append(b, p...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func rawNest(typ uint16, payload ...[]byte) []byte { return rawAttr(typ|0x8000, payload...) }

func rawU32(typ uint16, v uint32) []byte {
	b := make([]byte, 4)
	binary.NativeEndian.PutUint32(b, v)
	return rawAttr(typ, b)
}

func rawStr(typ uint16, s string) []byte { return rawAttr(typ, append([]byte(s), 0)) }

func strsetReply(t *testing.T, names []string) []byte {
	t.Helper()
	return encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
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
}

func maskedBitsetAttr(typ uint16, size, value, mask uint32) []byte {
	v := make([]byte, 4)
	binary.NativeEndian.PutUint32(v, value)
	m := make([]byte, 4)
	binary.NativeEndian.PutUint32(m, mask)
	return rawNest(typ, rawU32(bitsetSize, size), rawAttr(bitsetValue, v), rawAttr(bitsetMask, m))
}

func TestSetFeatures(t *testing.T) {
	names := []string{"tx-tcp-segmentation", "rx-gro", "tx-tcp6-segmentation", "tx-generic-segmentation"}
	// "tso off rx-gro on": tso expands to both TCP segmentation bits.
	wantReq := append(
		rawNest(attrHeader, rawStr(attrHeaderDevName, "eth0"), rawU32(headerFlags, 1)),
		rawNest(featuresWanted, rawNest(bitsetBits,
			rawNest(bitsBit, rawStr(bitName, "tx-tcp-segmentation")),
			rawNest(bitsBit, rawStr(bitName, "tx-tcp6-segmentation")),
			rawNest(bitsBit, rawStr(bitName, "rx-gro"), rawAttr(bitValueFlg)),
		))...)
	// The kernel could not turn rx-gro on (wanted mask bit 1, value 1)
	// and also turned off tx-generic-segmentation (active mask bit 3).
	reply := append(maskedBitsetAttr(featuresWanted, 4, 0b0010, 0b0010),
		maskedBitsetAttr(featuresActive, 4, 0b0000, 0b1101)...)
	var cmds []uint8
	var flags netlink.HeaderFlags
	c := genltest.Dial(genltest.ServeFamily(ethtoolFamily,
		func(greq genetlink.Message, nreq netlink.Message) ([]genetlink.Message, error) {
			cmds = append(cmds, greq.Header.Command)
			switch greq.Header.Command {
			case cmdStrsetGet:
				return []genetlink.Message{{Data: strsetReply(t, names)}}, nil
			case cmdFeaturesSet:
				flags = nreq.Header.Flags
				if diff := cmp.Diff(wantReq, greq.Data); diff != "" {
					t.Errorf("request (-want +got):\n%s", diff)
				}
				return []genetlink.Message{{Data: reply}}, nil
			}
			return nil, genltest.Error(95)
		}))
	defer c.Close()
	got, err := setFeatures(c, "eth0", []nic.FeatureRequest{{Name: "tso"}, {Name: "rx-gro", On: true}})
	if err != nil {
		t.Fatal(err)
	}
	want := []nic.FeatureDiff{
		{Name: "tx-tcp-segmentation", Requested: true, Changed: true},
		{Name: "rx-gro", Requested: true, Mismatch: true, Wanted: true},
		{Name: "tx-tcp6-segmentation", Requested: true, Changed: true},
		{Name: "tx-generic-segmentation", Changed: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diffs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint8{cmdStrsetGet, cmdFeaturesSet}, cmds); diff != "" {
		t.Errorf("commands (-want +got):\n%s", diff)
	}
	if flags&netlink.Acknowledge == 0 {
		t.Error("FEATURES_SET sent without NLM_F_ACK")
	}
}

func TestSetFeaturesMalformedReply(t *testing.T) {
	names := []string{"rx-gro", "rx-lro"}
	c := genltest.Dial(genltest.ServeFamily(ethtoolFamily,
		func(greq genetlink.Message, _ netlink.Message) ([]genetlink.Message, error) {
			if greq.Header.Command == cmdStrsetGet {
				return []genetlink.Message{{Data: strsetReply(t, names)}}, nil
			}
			// Bitsets of 3 bits for 2 names.
			return []genetlink.Message{{Data: append(maskedBitsetAttr(featuresWanted, 3, 0, 0),
				maskedBitsetAttr(featuresActive, 3, 0, 0)...)}}, nil
		}))
	defer c.Close()
	if _, err := setFeatures(c, "eth0", nil); !errors.Is(err, nic.ErrMalformedDiff) {
		t.Errorf("error %v, want ErrMalformedDiff", err)
	}
}

func TestEncodeSetRequest(t *testing.T) {
	hdr := rawNest(attrHeader, rawStr(attrHeaderDevName, "eth0"))
	tests := []struct {
		name   string
		cmd    uint8
		params []nic.Param
		want   []byte
	}{
		{"channels in argument order", cmdChannelsSet, []nic.Param{{Name: "tx", Value: 1}, {Name: "rx", Value: 2}},
			append(append(append([]byte{}, hdr...), rawU32(7, 1)...), rawU32(6, 2)...)},
		{"rings tx-push as u8", cmdRingsSet, []nic.Param{{Name: "rx", Value: 512}, {Name: "tx-push", Value: 1}},
			append(append(append([]byte{}, hdr...), rawU32(6, 512)...), rawAttr(13, []byte{1})...)},
		{"coalesce", cmdCoalesceSet, []nic.Param{{Name: "rx-frames", Value: 5}, {Name: "adaptive-tx", Value: 0}},
			append(append(append([]byte{}, hdr...), rawU32(3, 5)...), rawAttr(12, []byte{0})...)},
		{"pause", cmdPauseSet, []nic.Param{{Name: "autoneg", Value: 1}, {Name: "rx", Value: 0}, {Name: "tx", Value: 1}},
			append(append(append(append([]byte{}, hdr...), rawAttr(2, []byte{1})...),
				rawAttr(3, []byte{0})...), rawAttr(4, []byte{1})...)},
		{"no parameters", cmdChannelsSet, nil, hdr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := encodeSetRequest(tt.cmd, "eth0", tt.params)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := encodeSetRequest(cmdPauseSet, "eth0", []nic.Param{{Name: "combined", Value: 1}}); err == nil {
		t.Error("unknown parameter accepted")
	}
}

func TestSetChannelsRefused(t *testing.T) {
	var gotReq []byte
	c := genltest.Dial(genltest.ServeFamily(ethtoolFamily,
		func(greq genetlink.Message, _ netlink.Message) ([]genetlink.Message, error) {
			gotReq = greq.Data
			return nil, genltest.Error(int(syscall.EINVAL))
		}))
	defer c.Close()
	err := setParamsOn(c, cmdChannelsSet, "set channels", "eth0", []nic.Param{{Name: "combined", Value: 9}})
	var ne *nic.Error
	if !errors.As(err, &ne) || ne.Errno != syscall.EINVAL || ne.Via != nic.ViaNetlink {
		t.Fatalf("error %#v, want a netlink EINVAL *nic.Error", err)
	}
	want := append(rawNest(attrHeader, rawStr(attrHeaderDevName, "eth0")), rawU32(9, 9)...)
	if diff := cmp.Diff(want, gotReq); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

func TestSetChannelsAck(t *testing.T) {
	c := genltest.Dial(genltest.ServeFamily(ethtoolFamily,
		func(genetlink.Message, netlink.Message) ([]genetlink.Message, error) {
			return nil, nil // the kernel only acknowledges
		}))
	defer c.Close()
	if err := setParamsOn(c, cmdChannelsSet, "set channels", "eth0", []nic.Param{{Name: "rx", Value: 1}}); err != nil {
		t.Fatal(err)
	}
}
