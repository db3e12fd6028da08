package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"
)

var ne = binary.NativeEndian

// attrDecoder walks the netlink attributes of one message in place. It has
// the shape of netlink.AttributeDecoder (for ad.Next() { switch ad.Type()
// { ... } }; ad.Err()) but allocates nothing and copies nothing: a socket
// dump decodes tens of thousands of messages, and the library's decoder
// costs about ten times as much per message (five allocations; see
// BenchmarkAttributeDecoders). The slices it returns alias the message.
//
// Fixed-size values are read leniently: a shorter payload than expected
// reads as zero bytes past its end and a longer one is truncated, so a
// kernel that grows a struct does not break decoding.
type attrDecoder struct {
	b   []byte
	typ uint16
	val []byte
	err error
}

var errBadAttr = errors.New("malformed netlink attribute")

func newAttrDecoder(b []byte) attrDecoder { return attrDecoder{b: b} }

// Next advances to the next attribute and reports whether there is one.
func (ad *attrDecoder) Next() bool {
	if ad.err != nil || len(ad.b) == 0 {
		return false
	}
	if len(ad.b) < nlaHdrLen {
		ad.err = fmt.Errorf("%w: %d trailing bytes", errBadAttr, len(ad.b))
		return false
	}
	l := int(ne.Uint16(ad.b))
	if l < nlaHdrLen || l > len(ad.b) {
		ad.err = fmt.Errorf("%w: length %d with %d bytes left", errBadAttr, l, len(ad.b))
		return false
	}
	ad.typ = ne.Uint16(ad.b[2:]) & 0x3fff // without NLA_F_NESTED and NLA_F_NET_BYTEORDER
	ad.val = ad.b[nlaHdrLen:l]
	next := (l + 3) &^ 3
	if next > len(ad.b) {
		next = len(ad.b)
	}
	ad.b = ad.b[next:]
	return true
}

// Type is the current attribute's type without its flag bits.
func (ad *attrDecoder) Type() uint16 { return ad.typ }

// Bytes is the current attribute's payload (not a copy).
func (ad *attrDecoder) Bytes() []byte { return ad.val }

// Len is the payload length of the current attribute.
func (ad *attrDecoder) Len() int { return len(ad.val) }

// Err is the first error met while walking the attributes.
func (ad *attrDecoder) Err() error { return ad.err }

// Uint8 reads the payload as a u8.
func (ad *attrDecoder) Uint8() uint8 {
	if len(ad.val) == 0 {
		return 0
	}
	return ad.val[0]
}

// Uint16 reads the payload as a native-endian u16 (0 when shorter).
func (ad *attrDecoder) Uint16() uint16 {
	if len(ad.val) < 2 {
		return 0
	}
	return ne.Uint16(ad.val)
}

// Uint32 reads the payload as a native-endian u32.
func (ad *attrDecoder) Uint32() uint32 { return u32at(ad.val, 0) }

// Uint64 reads the payload as a native-endian u64.
func (ad *attrDecoder) Uint64() uint64 { return u64at(ad.val, 0) }

// String reads the payload as a NUL-terminated string.
func (ad *attrDecoder) String() string { return string(cstring(ad.val)) }

// cstring trims b at its first NUL.
func cstring(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// u8at, u16at, u32at and u64at read native-endian values at off, reading
// bytes past the end of b as zero.
func u8at(b []byte, off int) uint8 {
	if off < len(b) {
		return b[off]
	}
	return 0
}

func u16at(b []byte, off int) uint16 {
	if off+2 <= len(b) {
		return ne.Uint16(b[off:])
	}
	var t [2]byte
	if off < len(b) {
		copy(t[:], b[off:])
	}
	return ne.Uint16(t[:])
}

func u32at(b []byte, off int) uint32 {
	if off+4 <= len(b) {
		return ne.Uint32(b[off:])
	}
	var t [4]byte
	if off < len(b) {
		copy(t[:], b[off:])
	}
	return ne.Uint32(t[:])
}

func u64at(b []byte, off int) uint64 {
	if off+8 <= len(b) {
		return ne.Uint64(b[off:])
	}
	var t [8]byte
	if off < len(b) {
		copy(t[:], b[off:])
	}
	return ne.Uint64(t[:])
}
