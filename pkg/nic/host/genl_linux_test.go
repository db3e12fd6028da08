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
	"github.com/mdlayher/netlink/nltest"

	"github.com/stackbox/stackbox/pkg/nic"
)

var ethtoolFamily = genetlink.Family{ID: 20, Name: familyName, Version: 1}

// wantHeader is the request ethtool sends for eth0: a header nest with the
// device name alone.
func wantHeader(t *testing.T, name string) []byte {
	t.Helper()
	b, err := encodeHeaderRequest(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func encodeAttrs(t *testing.T, fn func(ae *netlink.AttributeEncoder)) []byte {
	t.Helper()
	ae := netlink.NewAttributeEncoder()
	fn(ae)
	b, err := ae.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncodeHeaderRequest(t *testing.T) {
	got := wantHeader(t, "eth0")
	// nest(len 16, type 1|NLA_F_NESTED) { string(len 9, type 2) "eth0\0" + pad }
	want := []byte{
		16, 0, 1, 0x80,
		9, 0, 2, 0, 'e', 't', 'h', '0', 0, 0, 0, 0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

func TestGetRings(t *testing.T) {
	// A multi-queue NIC reporting every field ethtool 6.1 knows, and one
	// newer attribute (RX push, 14) it must ignore.
	reply := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Nested(attrHeader, func(nae *netlink.AttributeEncoder) error {
			nae.Uint32(1, 2)
			nae.String(attrHeaderDevName, "eth0")
			return nil
		})
		ae.Uint32(ringsRXMax, 4096)
		ae.Uint32(ringsRXMiniMax, 0)
		ae.Uint32(ringsTXMax, 4096)
		ae.Uint32(ringsRX, 1024)
		ae.Uint32(ringsTX, 512)
		ae.Uint32(ringsRXBufLen, 2048)
		ae.Uint8(ringsTCPDataSplit, 2)
		ae.Uint32(ringsCQESize, 64)
		ae.Uint8(ringsTXPush, 1)
		ae.Uint8(14, 1)
	})
	c := genltest.Dial(genltest.ServeFamily(ethtoolFamily,
		genltest.CheckRequest(ethtoolFamily.ID, cmdRingsGet, netlink.Request,
			func(greq genetlink.Message, _ netlink.Message) ([]genetlink.Message, error) {
				if diff := cmp.Diff(wantHeader(t, "eth0"), greq.Data); diff != "" {
					t.Errorf("request (-want +got):\n%s", diff)
				}
				return []genetlink.Message{{Header: genetlink.Header{Command: 16, Version: 1}, Data: reply}}, nil
			})))
	defer c.Close()
	got, err := getRings(c, "eth0")
	if err != nil {
		t.Fatal(err)
	}
	split := nic.TCPDataSplitEnabled
	push := true
	want := nic.Rings{
		RXMax: nic.U32(4096), RXMiniMax: nic.U32(0), TXMax: nic.U32(4096),
		RX: nic.U32(1024), TX: nic.U32(512), RXBufLen: nic.U32(2048), CQESize: nic.U32(64),
		TXPush: &push, TCPDataSplit: &split,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rings (-want +got):\n%s", diff)
	}
}

func TestGetChannels(t *testing.T) {
	reply := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Uint32(chanRXMax, 2)
		ae.Uint32(chanTXMax, 2)
		ae.Uint32(chanCombinedMax, 64)
		ae.Uint32(chanRXCount, 1)
		ae.Uint32(chanTXCount, 1)
		ae.Uint32(chanCombinedCnt, 8)
	})
	c := genltest.Dial(genltest.ServeFamily(ethtoolFamily,
		genltest.CheckRequest(ethtoolFamily.ID, cmdChannelsGet, netlink.Request,
			func(greq genetlink.Message, _ netlink.Message) ([]genetlink.Message, error) {
				return []genetlink.Message{{Data: reply}}, nil
			})))
	defer c.Close()
	got, err := getChannels(c, "eth0")
	if err != nil {
		t.Fatal(err)
	}
	want := nic.Channels{
		RXMax: nic.U32(2), TXMax: nic.U32(2), CombinedMax: nic.U32(64),
		RX: nic.U32(1), TX: nic.U32(1), Combined: nic.U32(8),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("channels (-want +got):\n%s", diff)
	}
}

func TestGenlGetExtendedAck(t *testing.T) {
	// The kernel's answer to a request for a missing device: ENODEV with
	// an extended acknowledgement naming the attribute at offset 24.
	conn := nltest.Dial(func(reqs []netlink.Message) ([]netlink.Message, error) {
		data := make([]byte, 4+16)
		errno := -int32(syscall.ENODEV)
		binary.LittleEndian.PutUint32(data, uint32(errno)) // then the capped request header
		ae := netlink.NewAttributeEncoder()
		ae.String(1, "no device matches name")
		ae.Uint32(2, 24)
		attrs, _ := ae.Encode()
		data = append(data, attrs...)
		return []netlink.Message{{
			Header: netlink.Header{Type: netlink.Error, Flags: 0x100 | 0x200, Sequence: reqs[0].Header.Sequence},
			Data:   data,
		}}, nil
	})
	c := genetlink.NewConn(conn)
	defer c.Close()
	_, err := genlGet(c, ethtoolFamily.ID, cmdRingsGet, "get rings", "nope")
	var ne *nic.Error
	if !errors.As(err, &ne) {
		t.Fatalf("error %v (%T), want *nic.Error", err, err)
	}
	want := &nic.Error{Op: "get rings", Via: nic.ViaNetlink, Errno: syscall.ENODEV,
		Message: "no device matches name", Offset: 24}
	if diff := cmp.Diff(want, ne); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if !errors.Is(err, syscall.ENODEV) {
		t.Errorf("error %v does not unwrap to ENODEV", err)
	}
}

func TestGenlGetErrno(t *testing.T) {
	c := genltest.Dial(func(genetlink.Message, netlink.Message) ([]genetlink.Message, error) {
		return nil, genltest.Error(int(syscall.EOPNOTSUPP))
	})
	defer c.Close()
	_, err := genlGet(c, ethtoolFamily.ID, cmdRingsGet, "get rings", "a")
	if !errors.Is(err, syscall.EOPNOTSUPP) {
		t.Fatalf("error %v, want EOPNOTSUPP", err)
	}
	var ne *nic.Error
	if !errors.As(err, &ne) || ne.Message != "" || ne.Via != nic.ViaNetlink {
		t.Errorf("error %#v, want a netlink nic.Error without message", ne)
	}
}
