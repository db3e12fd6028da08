package kernel

import (
	"errors"
	"testing"

	"github.com/mdlayher/netlink"
)

func TestAttrDecoder(t *testing.T) {
	ae := netlink.NewAttributeEncoder()
	ae.Uint8(inetDiagShutdown, 3)
	ae.Uint64(inetDiagCgroupID, 1234)
	ae.String(inetDiagCong, "cubic")
	ae.Nested(inetDiagULPInfo, func(nae *netlink.AttributeEncoder) error {
		nae.String(inetULPInfoName, "tls")
		return nil
	})
	ae.Bytes(inetDiagSkmeminfo, []byte{1, 0, 0, 0, 2, 0}) // cut short
	b, err := ae.Encode()
	if err != nil {
		t.Fatal(err)
	}
	ad := newAttrDecoder(b)
	var got []any
	for ad.Next() {
		switch ad.Type() {
		case inetDiagShutdown:
			got = append(got, ad.Uint8())
		case inetDiagCgroupID:
			got = append(got, ad.Uint64())
		case inetDiagCong:
			got = append(got, ad.String())
		case inetDiagULPInfo:
			nad := newAttrDecoder(ad.Bytes())
			for nad.Next() {
				got = append(got, nad.Type(), nad.String())
			}
		case inetDiagSkmeminfo:
			got = append(got, ad.Len(), ad.Uint32(), u32at(ad.Bytes(), 4))
		}
	}
	if err := ad.Err(); err != nil {
		t.Fatal(err)
	}
	want := []any{uint8(3), uint64(1234), "cubic", uint16(inetULPInfoName), "tls", 6, uint32(1), uint32(2)}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("value %d: got %v (%T), want %v (%T)", i, got[i], got[i], want[i], want[i])
		}
	}

	// Zero-length payloads read as zero.
	ad = newAttrDecoder([]byte{4, 0, 8, 0})
	if !ad.Next() || ad.Uint8() != 0 || ad.Uint32() != 0 || ad.Uint64() != 0 || ad.String() != "" || ad.Next() {
		t.Error("empty attribute")
	}
	for name, b := range map[string][]byte{
		"trailing": {4, 0, 1, 0, 9},
		"long":     {9, 0, 1, 0, 1},
		"short":    {2, 0, 1, 0},
	} {
		ad := newAttrDecoder(b)
		for ad.Next() {
		}
		if !errors.Is(ad.Err(), errBadAttr) {
			t.Errorf("%s: got %v", name, ad.Err())
		}
	}
}

// BenchmarkAttributeDecoders compares attrDecoder with the library's
// netlink.AttributeDecoder on the attributes of a typical tcp socket in a
// dump without options: it is why the decoders use their own.
func BenchmarkAttributeDecoders(b *testing.B) {
	ae := netlink.NewAttributeEncoder()
	ae.Uint8(inetDiagShutdown, 0)
	ae.Uint64(inetDiagCgroupID, 1)
	ae.Uint8(inetDiagProtocol, ipprotoTCP)
	ae.Uint16(inetDiagSockopt, 0)
	attrs, err := ae.Encode()
	if err != nil {
		b.Fatal(err)
	}
	var sink uint64
	b.Run("netlink.AttributeDecoder", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ad, err := netlink.NewAttributeDecoder(attrs)
			if err != nil {
				b.Fatal(err)
			}
			for ad.Next() {
				switch ad.Type() {
				case inetDiagShutdown, inetDiagProtocol:
					sink += uint64(ad.Uint8())
				case inetDiagCgroupID:
					sink += ad.Uint64()
				case inetDiagSockopt:
					sink += uint64(ad.Uint16())
				}
			}
			if ad.Err() != nil {
				b.Fatal(ad.Err())
			}
		}
	})
	b.Run("attrDecoder", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ad := newAttrDecoder(attrs)
			for ad.Next() {
				switch ad.Type() {
				case inetDiagShutdown, inetDiagProtocol:
					sink += uint64(ad.Uint8())
				case inetDiagCgroupID:
					sink += ad.Uint64()
				case inetDiagSockopt:
					sink += uint64(u16at(ad.Bytes(), 0))
				}
			}
			if ad.Err() != nil {
				b.Fatal(ad.Err())
			}
		}
	})
	_ = sink
}
