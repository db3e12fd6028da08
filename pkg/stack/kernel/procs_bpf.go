package kernel

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// The program of the BPF socket scan (procs_bpf_linux.go) and the layout
// of the kernel structures it reads, which come from the kernel's BTF.

const (
	procsRecLen      = 16         // one record: inode, tgid, tid, fd (u32 each)
	procsSockfsMagic = 0x534f434b // SOCKFS_MAGIC
	bpfFuncSeqWrite  = 127        // BPF_FUNC_seq_write
	sIFMT, sIFSOCK   = 0o170000, 0o140000
)

// procsBPFLayout is what the program needs to know of the kernel's
// structures: byte offsets, and the sizes of the integers it reads.
type procsBPFLayout struct {
	attachID                         uint32 // BTF id of func bpf_iter_task_file
	ctxMeta, ctxTask, ctxFD, ctxFile int16  // the iterator's context
	metaSeq                          int16  // bpf_iter_meta.seq
	fileInode                        int16  // file.f_inode
	inodeMode, inodeSB, inodeIno     int16
	inoSize                          uint32 // of inode.i_ino: 4 or 8
	sbMagic                          int16
	magicSize                        uint32 // of super_block.s_magic: 4 or 8
	taskPID, taskTGID                int16
}

// procsBPFLayoutOf reads the layout from the kernel's BTF.
func procsBPFLayoutOf(b *procsBTF) (procsBPFLayout, error) {
	var l procsBPFLayout
	ids := b.findAll([]btfWant{
		{btfKindFunc, "bpf_iter_task_file"},
		{btfKindStruct, "bpf_iter_meta"},
		{btfKindStruct, "file"},
		{btfKindStruct, "inode"},
		{btfKindStruct, "super_block"},
		{btfKindStruct, "task_struct"},
	})
	names := []string{"func bpf_iter_task_file", "struct bpf_iter_meta", "struct file", "struct inode", "struct super_block", "struct task_struct"}
	for i, id := range ids {
		if id == 0 {
			return l, fmt.Errorf("btf: no %s", names[i])
		}
	}
	l.attachID = ids[0]
	meta, file, inode, sb, task := ids[1], ids[2], ids[3], ids[4], ids[5]

	// The context of a tracing program is its function's arguments, eight
	// bytes each.
	params, ok := b.funcParams(l.attachID)
	if !ok || !slices.Equal(params, []string{"meta", "task", "fd", "file"}) {
		return l, fmt.Errorf("btf: bpf_iter_task_file takes %q", params)
	}
	l.ctxMeta, l.ctxTask, l.ctxFD, l.ctxFile = 0, 8, 16, 24

	var err error
	field := func(st uint32, stName, name string, kind int, sizes ...uint32) (btfField, int16) {
		f, ok := b.member(st, name)
		switch {
		case err != nil:
		case !ok:
			err = fmt.Errorf("btf: no %s.%s", stName, name)
		case f.kind != kind || (kind != btfKindPtr && !slices.Contains(sizes, f.size)):
			err = fmt.Errorf("btf: %s.%s has kind %d, size %d", stName, name, f.kind, f.size)
		case f.byteOff > 0x7fff-8:
			err = fmt.Errorf("btf: %s.%s at offset %d", stName, name, f.byteOff)
		}
		return f, int16(f.byteOff)
	}
	pointsTo := func(f btfField, want uint32, what string) {
		if id, _, ok := b.resolve(f.target); err == nil && (!ok || id != want) {
			err = fmt.Errorf("btf: %s does not point to its struct", what)
		}
	}
	_, l.metaSeq = field(meta, "bpf_iter_meta", "seq", btfKindPtr)
	f, off := field(file, "file", "f_inode", btfKindPtr)
	l.fileInode = off
	pointsTo(f, inode, "file.f_inode")
	_, l.inodeMode = field(inode, "inode", "i_mode", btfKindInt, 2)
	f, off = field(inode, "inode", "i_sb", btfKindPtr)
	l.inodeSB = off
	pointsTo(f, sb, "inode.i_sb")
	f, l.inodeIno = field(inode, "inode", "i_ino", btfKindInt, 4, 8)
	l.inoSize = f.size
	f, l.sbMagic = field(sb, "super_block", "s_magic", btfKindInt, 4, 8)
	l.magicSize = f.size
	_, l.taskPID = field(task, "task_struct", "pid", btfKindInt, 4)
	_, l.taskTGID = field(task, "task_struct", "tgid", btfKindInt, 4)
	return l, err
}

// BPF instruction encoding (include/uapi/linux/bpf.h, bpf_common.h).
const (
	bpfLdxDW   = 0x79 // BPF_LDX | BPF_MEM | BPF_DW
	bpfLdxW    = 0x61
	bpfLdxH    = 0x69
	bpfStxW    = 0x63 // BPF_STX | BPF_MEM | BPF_W
	bpfMovReg  = 0xbf // BPF_ALU64 | BPF_MOV | BPF_X
	bpfMovImm  = 0xb7
	bpfAddImm  = 0x07
	bpfAndImm  = 0x57
	bpfJeqImm  = 0x15 // BPF_JMP | BPF_JEQ | BPF_K
	bpfJneImm  = 0x55
	bpfCall    = 0x85
	bpfExit    = 0x95
	bpfRegCtx  = 1
	bpfRegFP   = 10
	bpfRecSlot = -procsRecLen // the record's place on the stack
)

// bpfInsn is one instruction.
type bpfInsn struct {
	code     uint8
	dst, src uint8
	off      int16
	imm      int32
}

// bpfLdx loads size bytes (4 or 8 for sizes the layout allows, 2, or 8).
func bpfLdx(size uint32, dst, src uint8, off int16) bpfInsn {
	code := uint8(bpfLdxDW)
	switch size {
	case 4:
		code = bpfLdxW
	case 2:
		code = bpfLdxH
	}
	return bpfInsn{code: code, dst: dst, src: src, off: off}
}

// program returns the iterator program: for every descriptor that is a
// sockfs socket, write {i_ino, tgid, pid, fd} (u32 each) to the seq_file.
// (Asking bpf_sock_from_file first, which knows sockets by their file
// operations, saved a few per cent at best and needs Linux 5.11.)
func (l procsBPFLayout) program() []bpfInsn {
	const out = 26 // index of the final "r0 = 0"
	return []bpfInsn{
		/* 0 */ {code: bpfMovReg, dst: 6, src: bpfRegCtx},
		/* 1 */ bpfLdx(8, 7, 6, l.ctxFile),
		/* 2 */ {code: bpfJeqImm, dst: 7, off: out - 3},
		/* 3 */ bpfLdx(8, 8, 6, l.ctxTask),
		/* 4 */ {code: bpfJeqImm, dst: 8, off: out - 5},
		/* 5 */ bpfLdx(8, 2, 7, l.fileInode),
		/* 6 */ bpfLdx(2, 3, 2, l.inodeMode),
		/* 7 */ {code: bpfAndImm, dst: 3, imm: sIFMT},
		/* 8 */ {code: bpfJneImm, dst: 3, off: out - 9, imm: sIFSOCK},
		/* 9 */ bpfLdx(8, 3, 2, l.inodeSB),
		/* 10 */ bpfLdx(l.magicSize, 3, 3, l.sbMagic),
		/* 11 */ {code: bpfJneImm, dst: 3, off: out - 12, imm: procsSockfsMagic},
		/* 12 */ bpfLdx(l.inoSize, 3, 2, l.inodeIno),
		/* 13 */ {code: bpfStxW, dst: bpfRegFP, src: 3, off: bpfRecSlot},
		/* 14 */ bpfLdx(4, 3, 8, l.taskTGID),
		/* 15 */ {code: bpfStxW, dst: bpfRegFP, src: 3, off: bpfRecSlot + 4},
		/* 16 */ bpfLdx(4, 3, 8, l.taskPID),
		/* 17 */ {code: bpfStxW, dst: bpfRegFP, src: 3, off: bpfRecSlot + 8},
		/* 18 */ bpfLdx(4, 3, 6, l.ctxFD),
		/* 19 */ {code: bpfStxW, dst: bpfRegFP, src: 3, off: bpfRecSlot + 12},
		/* 20 */ bpfLdx(8, 1, 6, l.ctxMeta),
		/* 21 */ bpfLdx(8, 1, 1, l.metaSeq),
		/* 22 */ {code: bpfMovReg, dst: 2, src: bpfRegFP},
		/* 23 */ {code: bpfAddImm, dst: 2, imm: bpfRecSlot},
		/* 24 */ {code: bpfMovImm, dst: 3, imm: procsRecLen},
		/* 25 */ {code: bpfCall, imm: bpfFuncSeqWrite},
		/* 26 */ {code: bpfMovImm, dst: 0, imm: 0},
		/* 27 */ {code: bpfExit},
	}
}

// bpfEncode lays out instructions as struct bpf_insn, whose register
// nibbles follow the bit-field order of the machine.
func bpfEncode(p []bpfInsn) []byte {
	le := binary.NativeEndian.Uint16([]byte{1, 0}) == 1
	b := make([]byte, 8*len(p))
	for i, in := range p {
		r := b[8*i:]
		r[0] = in.code
		if le {
			r[1] = in.dst&0xf | in.src<<4
		} else {
			r[1] = in.dst<<4 | in.src&0xf
		}
		binary.NativeEndian.PutUint16(r[2:], uint16(in.off))
		binary.NativeEndian.PutUint32(r[4:], uint32(in.imm))
	}
	return b
}
