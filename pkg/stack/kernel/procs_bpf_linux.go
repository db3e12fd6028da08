package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The fast socket scan. Reading /proc/PID/fd/N costs the kernel some 4-5
// µs per descriptor (a dentry lookup and revalidation, the permission
// check, the link's text), whether by readlink, stat or statx, and
// listing the directory adds about 1 µs more; for 80,000 sockets that is
// over 0.4 s of CPU. A BPF task_file iterator (Linux 5.8+) visits the
// same descriptor tables in the kernel, in the same order (tasks by
// ascending id, descriptors ascending), at a small fraction of that:
// its program keeps the sockets and writes (inode, tgid, tid, fd)
// records that one read(2) hands back 2,048 at a time.
//
// It gives what ss's /proc scan gives only when the two see the same
// tasks, numbered alike, with the same access: so it is used only when
// procRoot is the procfs of our own pid namespace, that namespace is the
// initial one (the program reads the kernel's global pids), and we hold
// CAP_SYS_PTRACE (else /proc hides other users' descriptors from us, and
// the iterator would not). Loading it needs CAP_BPF and CAP_PERFMON (or
// CAP_SYS_ADMIN) and the kernel's BTF; whenever anything is missing or
// fails, the /proc scan runs instead. STACKBOX_PROCSCAN=proc forces that.
//
// A descriptor counts as a socket when, as with ss, its link would read
// "socket:[INODE]": the inode is a socket (S_IFSOCK) of sockfs (an
// O_PATH descriptor of a socket counts; one of a socket file on disk does
// not). The program walks struct file, inode, super_block and task_struct
// at the offsets the kernel's BTF gives, which the verifier checks too.

// procsScanEnv names the environment variable that selects the scan:
// "proc" for the /proc one only.
const procsScanEnv = "STACKBOX_PROCSCAN"

const (
	procsBTFPath      = "/sys/kernel/btf/vmlinux"
	procsInitPidNsIno = 0xeffffffc     // PROC_PID_INIT_INO: the initial pid namespace
	procsRecLen       = 16             // one record: inode, tgid, tid, fd (u32 each)
	procsIterBuf      = 32 << 10       // the iterator's seq_file holds 8 pages
	procsBPFLicense   = "Dual MIT/GPL" // bpf_seq_write is GPL-only
	bpfFuncSeqWrite   = 127            // BPF_FUNC_seq_write
	sIFMT, sIFSOCK    = 0o170000, 0o140000
)

// procsBPFUsable says why the BPF scan would not see what the /proc scan
// of rootFD sees (see above), or nil when it would.
func procsBPFUsable(rootFD int) error {
	if os.Getenv(procsScanEnv) == "proc" {
		return errors.New(procsScanEnv + "=proc")
	}
	if !procsIsOwnProc(rootFD) {
		return errors.New("not the procfs of our pid namespace")
	}
	var st unix.Stat_t
	if err := unix.Fstatat(rootFD, "self/ns/pid", &st, 0); err != nil || st.Ino != procsInitPidNsIno {
		return errors.New("not in the initial pid namespace")
	}
	if !procsHaveCap(unix.CAP_SYS_PTRACE) {
		return errors.New("no CAP_SYS_PTRACE")
	}
	return nil
}

// procsHaveCap reports whether capability c is in our effective set.
func procsHaveCap(c int) bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if unix.Capget(&hdr, &data[0]) != nil {
		return false
	}
	return data[c/32].Effective&(1<<(c%32)) != 0
}

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
		/* 11 */ {code: bpfJneImm, dst: 3, off: out - 12, imm: unix.SOCKFS_MAGIC},
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

// bpfProgLoadAttr is union bpf_attr for BPF_PROG_LOAD, up to
// attach_btf_obj_fd.
type bpfProgLoadAttr struct {
	progType           uint32
	insnCnt            uint32
	insns              uint64
	license            uint64
	logLevel           uint32
	logSize            uint32
	logBuf             uint64
	kernVersion        uint32
	progFlags          uint32
	progName           [unix.BPF_OBJ_NAME_LEN]byte
	progIfindex        uint32
	expectedAttachType uint32
	progBTFFD          uint32
	funcInfoRecSize    uint32
	funcInfo           uint64
	funcInfoCnt        uint32
	lineInfoRecSize    uint32
	lineInfo           uint64
	lineInfoCnt        uint32
	attachBTFID        uint32
	attachBTFObjFD     uint32
	_                  uint32
}

// bpfLinkCreateAttr is union bpf_attr for BPF_LINK_CREATE of an iterator.
type bpfLinkCreateAttr struct {
	progFD      uint32
	targetFD    uint32
	attachType  uint32
	flags       uint32
	iterInfo    uint64
	iterInfoLen uint32
	_           uint32
}

// bpfIterCreateAttr is union bpf_attr for BPF_ITER_CREATE.
type bpfIterCreateAttr struct {
	linkFD uint32
	flags  uint32
}

// bpfSys calls bpf(2) and returns the new descriptor.
func bpfSys(cmd int, attr unsafe.Pointer, size uintptr) (int, error) {
	for try := 0; ; try++ {
		r, _, errno := unix.Syscall(unix.SYS_BPF, uintptr(cmd), uintptr(attr), size)
		if (errno == unix.EINTR || errno == unix.EAGAIN) && try < 5 {
			continue
		}
		if errno != 0 {
			return -1, errno
		}
		return int(r), nil
	}
}

// procsBPFLoad loads the iterator program; with a log buffer the
// verifier's log goes there.
func procsBPFLoad(l procsBPFLayout, log []byte) (int, error) {
	insns := bpfEncode(l.program())
	license := []byte(procsBPFLicense + "\x00")
	attr := bpfProgLoadAttr{
		progType:           unix.BPF_PROG_TYPE_TRACING,
		insnCnt:            uint32(len(insns) / 8),
		insns:              uint64(uintptr(unsafe.Pointer(&insns[0]))),
		license:            uint64(uintptr(unsafe.Pointer(&license[0]))),
		expectedAttachType: unix.BPF_TRACE_ITER,
		attachBTFID:        l.attachID,
	}
	copy(attr.progName[:], "stackbox_socks")
	if len(log) > 0 {
		attr.logLevel = 1
		attr.logSize = uint32(len(log))
		attr.logBuf = uint64(uintptr(unsafe.Pointer(&log[0])))
	}
	fd, err := bpfSys(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	runtime.KeepAlive(insns)
	runtime.KeepAlive(license)
	runtime.KeepAlive(log)
	if err != nil {
		return -1, fmt.Errorf("bpf prog load: %w", err)
	}
	return fd, nil
}

// procsKernelLayout reads the layout from the running kernel's BTF. It
// maps the file (Linux 6.16+: some 30 times cheaper than reading its 5
// MB), else reads it.
func procsKernelLayout() (procsBPFLayout, error) {
	f, err := os.Open(procsBTFPath)
	if err != nil {
		return procsBPFLayout{}, err
	}
	defer f.Close()
	var raw []byte
	if st, err := f.Stat(); err == nil && st.Size() > 0 && st.Size() < 1<<30 {
		if m, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_PRIVATE); err == nil {
			defer unix.Munmap(m)
			raw = m
		}
	}
	if raw == nil {
		if raw, err = io.ReadAll(f); err != nil {
			return procsBPFLayout{}, err
		}
	}
	b, err := procsParseBTF(raw)
	if err != nil {
		return procsBPFLayout{}, err
	}
	return procsBPFLayoutOf(b)
}

// procsBPFIter loads the program and returns an open iterator.
func procsBPFIter() (int, error) {
	l, err := procsKernelLayout()
	if err != nil {
		return -1, err
	}
	prog, err := procsBPFLoad(l, nil)
	if err != nil {
		return -1, err
	}
	defer unix.Close(prog)
	la := bpfLinkCreateAttr{progFD: uint32(prog), attachType: unix.BPF_TRACE_ITER}
	link, err := bpfSys(unix.BPF_LINK_CREATE, unsafe.Pointer(&la), unsafe.Sizeof(la))
	if err != nil {
		return -1, fmt.Errorf("bpf link create: %w", err)
	}
	defer unix.Close(link)
	ia := bpfIterCreateAttr{linkFD: uint32(link)}
	iter, err := bpfSys(unix.BPF_ITER_CREATE, unsafe.Pointer(&ia), unsafe.Sizeof(ia))
	if err != nil {
		return -1, fmt.Errorf("bpf iter create: %w", err)
	}
	return iter, nil
}

// procsBPFGroup is the sockets of one task, in descriptor order.
type procsBPFGroup struct {
	tgid, tid int32
	socks     []procsSock
}

// procsBPFRead reads the iterator's records to the end and groups them
// by task, in the order they came (ascending tid).
func (s *procsScan) procsBPFRead(iter int) ([]procsBPFGroup, error) {
	var groups []procsBPFGroup
	buf := make([]byte, procsIterBuf)
	have := 0 // bytes of a record cut by the end of a read
	for {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
		n, err := unix.Read(iter, buf[have:])
		if err == unix.EINTR || err == unix.EAGAIN {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("bpf iterator: %w", err)
		}
		if n == 0 {
			if have != 0 {
				return nil, errors.New("bpf iterator: truncated record")
			}
			return groups, nil
		}
		data := buf[:have+n]
		for len(data) >= procsRecLen {
			ino := binary.NativeEndian.Uint32(data)
			tgid := int32(binary.NativeEndian.Uint32(data[4:]))
			tid := int32(binary.NativeEndian.Uint32(data[8:]))
			fd := int32(binary.NativeEndian.Uint32(data[12:]))
			data = data[procsRecLen:]
			if g := len(groups) - 1; g < 0 || groups[g].tid != tid || groups[g].tgid != tgid {
				groups = append(groups, procsBPFGroup{tgid: tgid, tid: tid})
			}
			g := &groups[len(groups)-1]
			g.socks = append(g.socks, procsSock{ino: ino, fd: fd})
		}
		have = copy(buf, data)
	}
}

// loadBPF scans every descriptor table with the BPF iterator and returns
// the tasks as the /proc scan would (names not yet read).
func (s *procsScan) loadBPF() ([][]procsTask, error) {
	iter, err := procsBPFIter()
	if err != nil {
		return nil, err
	}
	groups, err := s.procsBPFRead(iter)
	unix.Close(iter)
	if err != nil {
		return nil, err
	}
	if !s.threads {
		// ss -p reads /proc/PID/fd: the table of each thread group leader.
		var procs [][]procsTask
		for _, g := range groups {
			if g.tid == g.tgid {
				procs = append(procs, []procsTask{{pid: g.tgid, tid: g.tid, parts: [][]procsSock{g.socks}}})
			}
		}
		return procs, nil
	}
	// ss -T: every thread of every process that holds a socket in any of
	// its tables, as /proc/PID/task lists them. The iterator skips the
	// threads that share their leader's table; kcmp tells them apart from
	// threads whose own table holds no socket.
	if s.noKcmp.Load() {
		return nil, errors.New("no kcmp")
	}
	byTID := make(map[int32]int, len(groups))
	var tgids []int32
	for i, g := range groups {
		byTID[g.tid] = i
		tgids = append(tgids, g.tgid)
	}
	slices.Sort(tgids)
	tgids = slices.Compact(tgids)
	socksOf := func(tid int32) []procsSock {
		if i, ok := byTID[tid]; ok {
			return groups[i].socks
		}
		return nil
	}
	procs := make([][]procsTask, len(tgids))
	sc := s.scratch[0]
	for i, pid := range tgids {
		tasks := []procsTask{{pid: pid, tid: pid, parts: [][]procsSock{socksOf(pid)}}}
		if dir, err := s.openDir(pid, "/task"); err == nil {
			for _, tid := range s.readIDs(sc, dir) {
				if tid == pid {
					continue
				}
				t := procsTask{pid: pid, tid: tid}
				if s.sameFiles(pid, tid) {
					t.shared = true
				} else {
					t.parts = [][]procsSock{socksOf(tid)}
				}
				tasks = append(tasks, t)
			}
			unix.Close(dir)
		}
		procs[i] = tasks
	}
	if s.noKcmp.Load() {
		return nil, errors.New("no kcmp")
	}
	return procs, nil
}
