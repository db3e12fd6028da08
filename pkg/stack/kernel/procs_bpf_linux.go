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
	procsIterBuf      = 32 << 10       // the iterator's seq_file holds 8 pages
	procsBPFLicense   = "Dual MIT/GPL" // see procsBPFLoad
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
// verifier's log goes there. The kernel lets only programs that declare a
// GPL-compatible license read its structures or call bpf_seq_write
// ("Cannot access kernel 'struct file' from non-GPL compatible program").
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
