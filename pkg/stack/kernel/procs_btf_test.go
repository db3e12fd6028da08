package kernel

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// btfBuilder writes small BTF blobs for tests.
type btfBuilder struct {
	types []byte
	strs  []byte
	n     uint32
}

func newBTFBuilder() *btfBuilder { return &btfBuilder{strs: []byte{0}} }

func (b *btfBuilder) str(s string) uint32 {
	if s == "" {
		return 0
	}
	off := uint32(len(b.strs))
	b.strs = append(append(b.strs, s...), 0)
	return off
}

// add appends a type and returns its id; extra is the kind's data as
// 32-bit words.
func (b *btfBuilder) add(name string, kind, vlen int, kflag bool, sizeOrType uint32, extra ...uint32) uint32 {
	info := uint32(kind)<<24 | uint32(vlen)
	if kflag {
		info |= 1 << 31
	}
	for _, v := range append([]uint32{b.str(name), info, sizeOrType}, extra...) {
		b.types = binary.LittleEndian.AppendUint32(b.types, v)
	}
	b.n++
	return b.n
}

// member is a struct member for addStruct.
type btfMember struct {
	name   string
	typ    uint32
	bitOff uint32
}

func (b *btfBuilder) addStruct(kind int, name string, size uint32, kflag bool, ms ...btfMember) uint32 {
	var extra []uint32
	for _, m := range ms {
		extra = append(extra, b.str(m.name), m.typ, m.bitOff)
	}
	return b.add(name, kind, len(ms), kflag, size, extra...)
}

func (b *btfBuilder) bytes() []byte {
	hdr := make([]byte, btfHeaderLen)
	binary.LittleEndian.PutUint16(hdr, btfMagic)
	hdr[2] = 1
	binary.LittleEndian.PutUint32(hdr[4:], btfHeaderLen)
	binary.LittleEndian.PutUint32(hdr[8:], 0)
	binary.LittleEndian.PutUint32(hdr[12:], uint32(len(b.types)))
	binary.LittleEndian.PutUint32(hdr[16:], uint32(len(b.types)))
	binary.LittleEndian.PutUint32(hdr[20:], uint32(len(b.strs)))
	return append(append(hdr, b.types...), b.strs...)
}

// procsTestBTF describes a kernel whose structures hold what the socket
// program reads, in the shapes a real one has them: typedefs, anonymous
// unions and structs, forward and empty declarations, bitfields.
func procsTestBTF() []byte {
	b := newBTFBuilder()
	u16 := b.add("unsigned short", btfKindInt, 0, false, 2, 16)
	i32 := b.add("int", btfKindInt, 0, false, 4, 1<<24|32)
	u64 := b.add("long unsigned int", btfKindInt, 0, false, 8, 64)
	umode := b.add("umode_t", btfKindTypedef, 0, false, u16)
	pidT := b.add("pid_t", btfKindTypedef, 0, false, i32)
	constPid := b.add("", btfKindConst, 0, false, pidT)
	b.add("file", btfKindStruct, 0, false, 0) // an empty declaration first
	seqFile := b.add("seq_file", btfKindFwd, 0, false, 0)
	seqPtr := b.add("", btfKindPtr, 0, false, seqFile)
	meta := b.addStruct(btfKindStruct, "bpf_iter_meta", 24, false,
		btfMember{"seq", seqPtr, 0}, btfMember{"session_id", u64, 64})
	sb := b.addStruct(btfKindStruct, "super_block", 128, false,
		btfMember{"s_blocksize", u64, 0}, btfMember{"s_magic", u64, 96 * 8})
	// struct inode, with a pointer to itself declared before it.
	inodeID := b.n + 4 // after the three types below
	inodePtr := b.add("", btfKindPtr, 0, false, inodeID)
	sbPtr := b.add("", btfKindPtr, 0, false, sb)
	inodeAnon := b.addStruct(btfKindUnion, "", 8, false, btfMember{"i_ino", u64, 0}, btfMember{"i_other", i32, 0})
	if got := b.addStruct(btfKindStruct, "inode", 600, false,
		btfMember{"i_mode", umode, 0}, btfMember{"i_opflags", u16, 16},
		btfMember{"i_sb", sbPtr, 40 * 8}, btfMember{"", inodeAnon, 64 * 8}); got != inodeID {
		panic("inode id")
	}
	volInode := b.add("", btfKindVolatile, 0, false, inodePtr)
	file := b.addStruct(btfKindStruct, "file", 256, true,
		btfMember{"f_flags_bits", i32, 3<<24 | 0}, btfMember{"f_mode", i32, 32}, btfMember{"f_inode", volInode, 32 * 8})
	// task_struct: pid and tgid inside an anonymous struct in an
	// anonymous union, as randomized layouts have them.
	inner := b.addStruct(btfKindStruct, "", 8, false, btfMember{"pid", pidT, 0}, btfMember{"tgid", constPid, 32})
	outer := b.addStruct(btfKindUnion, "", 8, false, btfMember{"", inner, 0})
	task := b.addStruct(btfKindStruct, "task_struct", 9000, false,
		btfMember{"state", i32, 0}, btfMember{"", outer, 1264 * 8})
	metaPtr := b.add("", btfKindPtr, 0, false, meta)
	taskPtr := b.add("", btfKindPtr, 0, false, task)
	filePtr := b.add("", btfKindPtr, 0, false, file)
	u32 := b.add("unsigned int", btfKindInt, 0, false, 4, 32)
	proto := b.add("", btfKindFuncProto, 4, false, i32,
		b.str("meta"), metaPtr, b.str("task"), taskPtr, b.str("fd"), u32, b.str("file"), filePtr)
	b.add("bpf_iter_task_file", btfKindFunc, 0, false, proto)
	b.add("x", btfKindEnum, 2, false, 4, b.str("A"), 0, b.str("B"), 1)
	b.add("v", btfKindVar, 0, false, i32, 1)
	return b.bytes()
}

func TestProcsBPFLayoutOf(t *testing.T) {
	b, err := procsParseBTF(procsTestBTF())
	if err != nil {
		t.Fatal(err)
	}
	got, err := procsBPFLayoutOf(b)
	if err != nil {
		t.Fatal(err)
	}
	want := procsBPFLayout{
		attachID: uint32(len(b.offs) - 2),
		ctxMeta:  0, ctxTask: 8, ctxFD: 16, ctxFile: 24,
		metaSeq: 0, fileInode: 32,
		inodeMode: 0, inodeSB: 40, inodeIno: 64, inoSize: 8,
		sbMagic: 96, magicSize: 8,
		taskPID: 1264, taskTGID: 1268,
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(procsBPFLayout{})); diff != "" {
		t.Errorf("layout (-want +got):\n%s", diff)
	}
}

func TestProcsBTFMember(t *testing.T) {
	b, err := procsParseBTF(procsTestBTF())
	if err != nil {
		t.Fatal(err)
	}
	ids := b.findAll([]btfWant{{btfKindStruct, "file"}, {btfKindStruct, "inode"}, {btfKindStruct, "nothing"}, {btfKindFunc, "file"}})
	file, inode := ids[0], ids[1]
	if file == 0 || inode == 0 || ids[2] != 0 || ids[3] != 0 {
		t.Fatalf("findAll = %v", ids)
	}
	if f, ok := b.member(file, "f_inode"); !ok || f.kind != btfKindPtr || f.byteOff != 32 {
		t.Errorf("file.f_inode = %+v, %v", f, ok)
	} else if id, _, _ := b.resolve(f.target); id != inode {
		t.Errorf("file.f_inode points to %d, want %d", id, inode)
	}
	if _, ok := b.member(file, "f_flags_bits"); ok {
		t.Error("a bitfield was found")
	}
	if f, ok := b.member(file, "f_mode"); !ok || f.byteOff != 4 || f.size != 4 {
		t.Errorf("file.f_mode (kind_flag struct) = %+v, %v", f, ok)
	}
	if _, ok := b.member(file, "i_mode"); ok {
		t.Error("found a member of another struct")
	}
	if _, ok := b.member(0, "x"); ok {
		t.Error("member of void")
	}
	if p, ok := b.funcParams(ids[0]); ok {
		t.Errorf("funcParams of a struct = %v", p)
	}
}

func TestProcsParseBTFErrors(t *testing.T) {
	good := procsTestBTF()
	mod := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	tests := map[string][]byte{
		"empty":     {},
		"short":     good[:10],
		"magic":     mod(func(b []byte) []byte { b[0] = 0; return b }),
		"hdr_len":   mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[4:], 1<<30); return b }),
		"hdr_short": mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[4:], 8); return b }),
		"type_len":  mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[12:], 1<<31); return b }),
		"str_off":   mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[16:], 1<<31); return b }),
		"truncated": mod(func(b []byte) []byte {
			binary.LittleEndian.PutUint32(b[12:], binary.LittleEndian.Uint32(b[12:])-4)
			return b
		}),
		"kind": mod(func(b []byte) []byte { b[btfHeaderLen+7] = 30; return b }),
		"vlen": mod(func(b []byte) []byte {
			b[btfHeaderLen+4], b[btfHeaderLen+5], b[btfHeaderLen+7] = 0xff, 0xff, btfKindStruct
			return b
		}),
	}
	for name, in := range tests {
		if _, err := procsParseBTF(in); !errors.Is(err, errBTF) {
			t.Errorf("%s: err = %v, want errBTF", name, err)
		}
	}
	// Well-formed but missing what the program needs.
	b := newBTFBuilder()
	b.add("int", btfKindInt, 0, false, 4, 32)
	p, err := procsParseBTF(b.bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := procsBPFLayoutOf(p); err == nil {
		t.Error("layout of an empty kernel: no error")
	}
}

func TestProcsBTFResolveLoop(t *testing.T) {
	b := newBTFBuilder()
	b.add("a", btfKindTypedef, 0, false, 2)
	b.add("b", btfKindTypedef, 0, false, 1)
	b.addStruct(btfKindStruct, "s", 8, false, btfMember{"x", 1, 0}, btfMember{"", 3, 0})
	p, err := procsParseBTF(b.bytes())
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := p.resolve(1); ok {
		t.Error("resolved a typedef loop")
	}
	if _, ok := p.member(3, "x"); ok {
		t.Error("member of looping type found")
	}
	if _, ok := p.member(3, "y"); ok { // recurses into itself until the depth limit
		t.Error("found y")
	}
}

// TestBPFEncode checks the instruction layout against bytes written by
// hand from struct bpf_insn.
func TestBPFEncode(t *testing.T) {
	le := binary.NativeEndian.Uint16([]byte{1, 0}) == 1
	got := bpfEncode([]bpfInsn{
		{code: bpfMovReg, dst: 6, src: 1},
		{code: bpfJneImm, dst: 3, off: 17, imm: 0xc000},
		{code: bpfExit},
	})
	want := []byte{
		0xbf, 0x16, 0, 0, 0, 0, 0, 0,
		0x55, 0x03, 17, 0, 0x00, 0xc0, 0, 0,
		0x95, 0, 0, 0, 0, 0, 0, 0,
	}
	if !le {
		want = []byte{
			0xbf, 0x61, 0, 0, 0, 0, 0, 0,
			0x55, 0x30, 0, 17, 0, 0, 0xc0, 0x00,
			0x95, 0, 0, 0, 0, 0, 0, 0,
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestProcsBPFProgramShape checks what the verifier would reject late:
// jumps that leave the program, and a program that does not end in exit.
func TestProcsBPFProgramShape(t *testing.T) {
	b, err := procsParseBTF(procsTestBTF())
	if err != nil {
		t.Fatal(err)
	}
	l, err := procsBPFLayoutOf(b)
	if err != nil {
		t.Fatal(err)
	}
	p := l.program()
	if p[len(p)-1].code != bpfExit {
		t.Errorf("last instruction %#x, want exit", p[len(p)-1].code)
	}
	for i, in := range p {
		if in.code == bpfJeqImm || in.code == bpfJneImm {
			if to := i + 1 + int(in.off); to <= i || to >= len(p) {
				t.Errorf("instruction %d jumps to %d", i, to)
			} else if p[to].code != bpfMovImm || p[to].dst != 0 {
				t.Errorf("instruction %d jumps to %d, not to the final r0 = 0", i, to)
			}
		}
	}
}

func FuzzProcsParseBTF(f *testing.F) {
	f.Add(procsTestBTF())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		b, err := procsParseBTF(raw)
		if err != nil {
			return
		}
		ids := b.findAll([]btfWant{{btfKindStruct, "inode"}, {btfKindFunc, "bpf_iter_task_file"}})
		for _, id := range ids {
			b.member(id, "i_ino")
			b.funcParams(id)
		}
		for id := range min(uint32(len(b.offs)), 64) {
			b.resolve(id)
			b.member(id, "pid")
			b.funcParams(id)
		}
		procsBPFLayoutOf(b)
	})
}
