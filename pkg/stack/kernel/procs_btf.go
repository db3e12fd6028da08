package kernel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// The kernel's BTF (/sys/kernel/btf/vmlinux) describes its types; the
// socket scan of procs_bpf_linux.go reads from it the layout of the few
// structures its program walks and the id of the iterator it attaches to.
// Only what that needs is decoded: type kinds, names, sizes and struct
// members. The format is in the kernel's Documentation/bpf/btf.rst and
// include/uapi/linux/btf.h.

// BTF type kinds (BTF_KIND_*).
const (
	btfKindInt       = 1
	btfKindPtr       = 2
	btfKindArray     = 3
	btfKindStruct    = 4
	btfKindUnion     = 5
	btfKindEnum      = 6
	btfKindFwd       = 7
	btfKindTypedef   = 8
	btfKindVolatile  = 9
	btfKindConst     = 10
	btfKindRestrict  = 11
	btfKindFunc      = 12
	btfKindFuncProto = 13
	btfKindVar       = 14
	btfKindDatasec   = 15
	btfKindFloat     = 16
	btfKindDeclTag   = 17
	btfKindTypeTag   = 18
	btfKindEnum64    = 19
)

const (
	btfMagic     = 0xeb9f
	btfHeaderLen = 24 // the fields read below; newer headers may be longer
	btfTypeLen   = 12 // struct btf_type
	btfMaxDepth  = 32 // typedef chains and nested anonymous members
)

var errBTF = errors.New("btf: malformed")

// procsBTF is a parsed BTF blob.
type procsBTF struct {
	order binary.ByteOrder
	types []byte   // the type section
	strs  []byte   // the string section
	offs  []uint32 // offs[id-1] is where type id starts in types
}

// procsParseBTF indexes a raw BTF blob. It checks the header and that every
// type record lies within the type section; names and member types are
// checked when used.
func procsParseBTF(b []byte) (*procsBTF, error) {
	if len(b) < btfHeaderLen {
		return nil, fmt.Errorf("%w: %d bytes", errBTF, len(b))
	}
	var order binary.ByteOrder
	switch {
	case binary.LittleEndian.Uint16(b) == btfMagic:
		order = binary.LittleEndian
	case binary.BigEndian.Uint16(b) == btfMagic:
		order = binary.BigEndian
	default:
		return nil, fmt.Errorf("%w: bad magic %#x", errBTF, binary.LittleEndian.Uint16(b))
	}
	hdrLen := uint64(order.Uint32(b[4:]))
	typeOff, typeLen := uint64(order.Uint32(b[8:])), uint64(order.Uint32(b[12:]))
	strOff, strLen := uint64(order.Uint32(b[16:])), uint64(order.Uint32(b[20:]))
	if hdrLen < btfHeaderLen || hdrLen > uint64(len(b)) {
		return nil, fmt.Errorf("%w: header length %d", errBTF, hdrLen)
	}
	body := b[hdrLen:]
	if typeOff+typeLen > uint64(len(body)) || strOff+strLen > uint64(len(body)) {
		return nil, fmt.Errorf("%w: sections beyond the end", errBTF)
	}
	t := &procsBTF{
		order: order,
		types: body[typeOff : typeOff+typeLen],
		strs:  body[strOff : strOff+strLen],
	}
	// A record is at least 12 bytes: this bounds the index's size.
	t.offs = make([]uint32, 0, len(t.types)/btfTypeLen)
	for off := 0; off < len(t.types); {
		if len(t.types)-off < btfTypeLen {
			return nil, fmt.Errorf("%w: truncated type at %d", errBTF, off)
		}
		info := order.Uint32(t.types[off+4:])
		extra := btfExtraLen(info)
		if extra < 0 || btfTypeLen+extra > len(t.types)-off {
			return nil, fmt.Errorf("%w: type %d (kind %d) at %d", errBTF, len(t.offs)+1, btfKind(info), off)
		}
		t.offs = append(t.offs, uint32(off))
		off += btfTypeLen + extra
	}
	return t, nil
}

func btfKind(info uint32) int { return int(info>>24) & 0x1f }
func btfVlen(info uint32) int { return int(info & 0xffff) }

// btfExtraLen returns the length of the data that follows a struct
// btf_type of the given info, or -1 for an unknown kind.
func btfExtraLen(info uint32) int {
	vlen := btfVlen(info)
	switch btfKind(info) {
	case btfKindInt, btfKindVar, btfKindDeclTag:
		return 4
	case btfKindPtr, btfKindFwd, btfKindTypedef, btfKindVolatile, btfKindConst,
		btfKindRestrict, btfKindFunc, btfKindFloat, btfKindTypeTag:
		return 0
	case btfKindArray:
		return 12
	case btfKindStruct, btfKindUnion, btfKindDatasec, btfKindEnum64:
		return 12 * vlen
	case btfKindEnum, btfKindFuncProto:
		return 8 * vlen
	}
	return -1
}

// btfType is a decoded struct btf_type.
type btfType struct {
	nameOff, info, sizeOrType uint32
	extra                     []byte // the kind-specific data after it
}

func (t btfType) kind() int { return btfKind(t.info) }
func (t btfType) vlen() int { return btfVlen(t.info) }

// typ returns type id; ok is false for id 0 (void) or one out of range.
func (b *procsBTF) typ(id uint32) (btfType, bool) {
	if id == 0 || uint64(id) > uint64(len(b.offs)) {
		return btfType{}, false
	}
	off := b.offs[id-1]
	r := b.types[off:]
	info := b.order.Uint32(r[4:])
	return btfType{
		nameOff:    b.order.Uint32(r),
		info:       info,
		sizeOrType: b.order.Uint32(r[8:]),
		extra:      r[btfTypeLen : btfTypeLen+btfExtraLen(info)],
	}, true
}

// name returns the NUL-terminated string at off, or nil when off is out of
// range.
func (b *procsBTF) name(off uint32) []byte {
	if uint64(off) >= uint64(len(b.strs)) {
		return nil
	}
	s := b.strs[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return s
}

// nameIs reports whether the string at off is name.
func (b *procsBTF) nameIs(off uint32, name string) bool {
	end := uint64(off) + uint64(len(name))
	return end < uint64(len(b.strs)) && b.strs[end] == 0 && string(b.strs[off:end]) == name
}

// findAll looks up, in one pass, the first type of each (kind, name) in
// wants and returns their ids (0 for those missing). Struct and union
// declarations without members (forward ones) are passed over.
func (b *procsBTF) findAll(wants []btfWant) []uint32 {
	ids := make([]uint32, len(wants))
	var kinds uint32 // the kinds wanted, as a bit set
	for _, w := range wants {
		kinds |= 1 << (w.kind & 31)
	}
	left := len(wants)
	for i, off := range b.offs {
		info := b.order.Uint32(b.types[off+4:])
		k := btfKind(info)
		if kinds&(1<<k) == 0 || ((k == btfKindStruct || k == btfKindUnion) && btfVlen(info) == 0) {
			continue
		}
		nameOff := b.order.Uint32(b.types[off:])
		for w := range wants {
			if ids[w] == 0 && wants[w].kind == k && b.nameIs(nameOff, wants[w].name) {
				ids[w] = uint32(i + 1)
				if left--; left == 0 {
					return ids
				}
			}
		}
	}
	return ids
}

// btfWant names a type that findAll looks for.
type btfWant struct {
	kind int
	name string
}

// resolve skips typedefs and qualifiers from id and returns the type they
// stand for.
func (b *procsBTF) resolve(id uint32) (uint32, btfType, bool) {
	for range btfMaxDepth {
		t, ok := b.typ(id)
		if !ok {
			return 0, btfType{}, false
		}
		switch t.kind() {
		case btfKindTypedef, btfKindVolatile, btfKindConst, btfKindRestrict, btfKindTypeTag:
			id = t.sizeOrType
		default:
			return id, t, true
		}
	}
	return 0, btfType{}, false
}

// btfField is where a struct member lies and what it is.
type btfField struct {
	byteOff uint32
	kind    int    // of its type, typedefs resolved
	size    uint32 // bytes; 0 when the kind has no size (pointers: see kind)
	target  uint32 // for a pointer, the id of the type it points to
}

// member finds the member called name of struct or union id, looking
// into anonymous struct and union members as C does. It fails for
// bitfields and members that do not start on a byte.
func (b *procsBTF) member(id uint32, name string) (btfField, bool) {
	budget := btfMaxMembers
	return b.memberDepth(id, name, 0, 0, &budget)
}

// btfMaxMembers bounds the members one lookup visits, nested ones
// included: a malformed blob could nest a struct in itself many times.
const btfMaxMembers = 1 << 16

func (b *procsBTF) memberDepth(id uint32, name string, base uint32, depth int, budget *int) (btfField, bool) {
	if depth > btfMaxDepth {
		return btfField{}, false
	}
	_, t, ok := b.resolve(id)
	if !ok || (t.kind() != btfKindStruct && t.kind() != btfKindUnion) {
		return btfField{}, false
	}
	bitfields := t.info>>31 != 0
	for i := range t.vlen() {
		if *budget--; *budget < 0 {
			return btfField{}, false
		}
		m := t.extra[12*i : 12*i+12]
		mName, mType, mOff := b.order.Uint32(m), b.order.Uint32(m[4:]), b.order.Uint32(m[8:])
		bitOff := mOff
		if bitfields {
			if mOff>>24 != 0 { // a bitfield
				if b.nameIs(mName, name) {
					return btfField{}, false
				}
				continue
			}
			bitOff = mOff & 0xffffff
		}
		if bitOff%8 != 0 {
			continue
		}
		off := base + bitOff/8
		if mName == 0 {
			if f, ok := b.memberDepth(mType, name, off, depth+1, budget); ok {
				return f, true
			}
			continue
		}
		if !b.nameIs(mName, name) {
			continue
		}
		_, mt, ok := b.resolve(mType)
		if !ok {
			return btfField{}, false
		}
		f := btfField{byteOff: off, kind: mt.kind()}
		switch mt.kind() {
		case btfKindInt, btfKindEnum, btfKindEnum64, btfKindStruct, btfKindUnion, btfKindFloat:
			f.size = mt.sizeOrType
		case btfKindPtr:
			f.target = mt.sizeOrType
		}
		return f, true
	}
	return btfField{}, false
}

// funcParams returns the names of the parameters of function id (a
// BTF_KIND_FUNC), in order.
func (b *procsBTF) funcParams(id uint32) ([]string, bool) {
	fn, ok := b.typ(id)
	if !ok || fn.kind() != btfKindFunc {
		return nil, false
	}
	proto, ok := b.typ(fn.sizeOrType)
	if !ok || proto.kind() != btfKindFuncProto {
		return nil, false
	}
	names := make([]string, proto.vlen())
	for i := range names {
		names[i] = string(b.name(b.order.Uint32(proto.extra[8*i:])))
	}
	return names, true
}
