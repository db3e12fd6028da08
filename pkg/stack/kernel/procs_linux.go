package kernel

import (
	"bytes"
	"context"
	"errors"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Tuning of the /proc scan. Reading one fd link costs the kernel a few
// microseconds (a path walk and a revalidation of the fd dentry), so the
// links of large descriptor tables are read in chunks by several workers.
const (
	procsMaxWorkers = 4   // goroutines, at most (and at most GOMAXPROCS)
	procsMaxHeld    = 256 // fd directories kept open between stages
	procsDirentBuf  = 64 << 10
	procsStatMax    = 64 << 10 // bytes of /proc/ID/stat read, at most
	procsKcmpFiles  = 2        // KCMP_FILES from linux/kcmp.h
)

// procsChunk is the number of fd links per unit of work (a variable for
// tests).
var procsChunk = 2048

// LoadProcesses builds the inode-to-process map of ss -p from procRoot
// (normally /proc): every numeric directory is a process, every fd link
// to "socket:[INODE]" a user of INODE, named by the comm field of the
// process's stat file. Processes that vanish during the scan, or whose
// directories cannot be read, are skipped silently, and an unreadable
// procRoot gives an empty table, as with ss. Only a done ctx is an error.
//
// With root's privileges on the host's own procfs it finds the same
// descriptors, in the same order, with a BPF iterator instead, which
// costs some 8 times less CPU (see procs_bpf_linux.go); setting
// STACKBOX_PROCSCAN=proc in the environment keeps to /proc.
func LoadProcesses(ctx context.Context, procRoot string) (*ProcessTable, error) {
	return procsLoad(ctx, procRoot, false)
}

// LoadThreads builds the map of ss -T: as LoadProcesses, and then for
// every other thread of a process (procRoot/PID/task) the thread's own
// descriptors (procRoot/TID/fd) under the thread's name, with
// ProcessFD.TID set (to the pid for the process itself).
func LoadThreads(ctx context.Context, procRoot string) (*ProcessTable, error) {
	return procsLoad(ctx, procRoot, true)
}

// procsRootDir returns the proc root ss uses: $PROC_ROOT, else /proc.
func procsRootDir() string {
	if r := os.Getenv("PROC_ROOT"); r != "" {
		return r
	}
	return "/proc"
}

// procsScan holds the state of one scan.
type procsScan struct {
	ctx     context.Context
	root    int // the proc root directory
	threads bool
	workers int
	scratch []*procsScratch // one per worker
	held    atomic.Int32    // fd directories kept open for stage 2
	noKcmp  atomic.Bool     // kcmp is missing: compare no descriptor tables
}

// procsScratch is a worker's reusable memory.
type procsScratch struct {
	dirents []byte
	name    [16]byte // a descriptor number, NUL-terminated
	link    [64]byte
}

// procsBig is a task whose fd links are read in chunks by stage 2.
type procsBig struct {
	task *procsTask
	dir  int
	fds  []int32
}

// procsChunkJob is a unit of stage 2: links lo..hi of one big task.
type procsChunkJob struct {
	big    *procsBig
	part   int
	lo, hi int
}

// procsMode selects how procsLoad finds the sockets.
type procsMode int

const (
	procsAuto procsMode = iota // the BPF iterator when it can stand for /proc
	procsBPF                   // the BPF iterator or nothing (tests)
	procsProc                  // the /proc scan
)

func procsLoad(ctx context.Context, root string, threads bool) (*ProcessTable, error) {
	t, _, err := procsLoadMode(ctx, root, threads, procsAuto)
	return t, err
}

// procsLoadMode is procsLoad with the choice of scan; it also says
// whether the BPF iterator ran. In mode procsBPF, when the iterator cannot
// stand for /proc or fails, it returns that error.
func procsLoadMode(ctx context.Context, root string, threads bool, mode procsMode) (*ProcessTable, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	rootFD, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		if mode == procsBPF {
			return nil, false, err
		}
		return &ProcessTable{}, false, nil // ss prints no users then
	}
	defer unix.Close(rootFD)

	s := &procsScan{ctx: ctx, root: rootFD, threads: threads}
	// kcmp takes pids of our pid namespace: use it only on our own procfs.
	s.noKcmp.Store(!threads || !procsIsOwnProc(rootFD))
	s.workers = min(runtime.GOMAXPROCS(0), procsMaxWorkers)
	s.scratch = make([]*procsScratch, s.workers)
	for i := range s.scratch {
		s.scratch[i] = &procsScratch{}
	}

	var procs [][]procsTask
	usedBPF := false
	if mode != procsProc {
		if err := procsBPFUsable(rootFD); err != nil {
			if mode == procsBPF {
				return nil, false, err
			}
		} else {
			procs, err = s.loadBPF()
			if err != nil && (mode == procsBPF || ctx.Err() != nil) {
				return nil, false, errors.Join(ctx.Err(), err)
			}
			usedBPF = err == nil
		}
	}
	if !usedBPF {
		procs = s.loadProc()
	}

	// The names of the tasks that hold sockets.
	type named struct{ pi, ti int }
	var todo []named
	for pi, tasks := range procs {
		for ti := range tasks {
			if tasks[ti].hasSocks(&tasks[0]) {
				todo = append(todo, named{pi, ti})
			}
		}
	}
	s.parallel(len(todo), func(w, i int) {
		t := &procs[todo[i].pi][todo[i].ti]
		t.name = s.readComm(t.tid)
	})
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	return procsBuildTable(procs, threads), usedBPF, nil
}

// loadProc scans procRoot: every numeric directory is a process, every
// link of its fd directory that reads "socket:[INODE]" a socket.
func (s *procsScan) loadProc() [][]procsTask {
	pids := s.readIDs(s.scratch[0], s.root)

	// Stage 1, one process at a time: list the fd directories, read the
	// links of small ones at once and keep large ones for stage 2.
	procs := make([][]procsTask, len(pids))
	bigs := make([][]*procsBig, len(pids))
	s.parallel(len(pids), func(w, i int) {
		procs[i], bigs[i] = s.scanProcess(s.scratch[w], pids[i])
	})

	// Stage 2: the links of large fd directories, in chunks.
	var jobs []procsChunkJob
	for _, bs := range bigs {
		for _, b := range bs {
			for lo := 0; lo < len(b.fds); lo += procsChunk {
				jobs = append(jobs, procsChunkJob{big: b, part: len(b.task.parts), lo: lo, hi: min(lo+procsChunk, len(b.fds))})
				b.task.parts = append(b.task.parts, nil)
			}
		}
	}
	s.parallel(len(jobs), func(w, i int) {
		j := jobs[i]
		j.big.task.parts[j.part] = s.readLinks(s.scratch[w], j.big.dir, j.big.fds[j.lo:j.hi], nil)
	})
	for _, bs := range bigs {
		for _, b := range bs {
			unix.Close(b.dir)
		}
	}

	return procs
}

// procsIsOwnProc reports whether the directory dir is a procfs of our pid
// namespace (its "self" is our pid).
func procsIsOwnProc(dir int) bool {
	var fs unix.Statfs_t
	if unix.Fstatfs(dir, &fs) != nil || fs.Type != unix.PROC_SUPER_MAGIC {
		return false
	}
	var buf [32]byte
	n, err := unix.Readlinkat(dir, "self", buf[:])
	return err == nil && string(buf[:n]) == strconv.Itoa(os.Getpid())
}

// parallel calls fn(worker, i) for i in [0, n) on up to s.workers
// goroutines, handing out indexes in order. It stops early once ctx is
// done.
func (s *procsScan) parallel(n int, fn func(w, i int)) {
	workers := min(s.workers, n)
	if workers <= 1 {
		for i := 0; i < n && s.ctx.Err() == nil; i++ {
			fn(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s.ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(w, i)
			}
		}()
	}
	wg.Wait()
}

// readIDs lists directory dir and returns the entries that parse as
// numbers, in directory order (ss: readdir, sscanf "%d%*c").
func (s *procsScan) readIDs(sc *procsScratch, dir int) []int32 {
	var ids []int32
	s.readDir(sc, dir, func(name []byte) {
		if id, ok := procsParseInt(name); ok {
			ids = append(ids, id)
		}
	})
	return ids
}

// readDir calls fn for every entry of the open directory dir.
func (s *procsScan) readDir(sc *procsScratch, dir int, fn func(name []byte)) {
	if sc.dirents == nil {
		sc.dirents = make([]byte, procsDirentBuf)
	}
	for {
		n, err := unix.Getdents(dir, sc.dirents)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || n <= 0 {
			return
		}
		if !procsParseDirents(sc.dirents[:n], fn) {
			return
		}
	}
}

// openDir opens root/ID/SUFFIX as a directory.
func (s *procsScan) openDir(id int32, suffix string) (int, error) {
	return unix.Openat(s.root, strconv.Itoa(int(id))+suffix, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
}

// scanProcess scans process pid: its own descriptors and, for ss -T, its
// other threads'. Large fd directories come back open in bigs.
func (s *procsScan) scanProcess(sc *procsScratch, pid int32) (tasks []procsTask, bigs []*procsBig) {
	tasks = []procsTask{{pid: pid, tid: pid}}
	var tids []int32
	if s.threads {
		if dir, err := s.openDir(pid, "/task"); err == nil {
			tids = s.readIDs(sc, dir)
			unix.Close(dir)
		}
		for _, tid := range tids {
			if tid != pid {
				tasks = append(tasks, procsTask{pid: pid, tid: tid})
			}
		}
	}
	// Scan the tasks only once tasks stops growing: bigs point into it.
	for i := range tasks {
		t := &tasks[i]
		if i > 0 && s.sameFiles(pid, t.tid) {
			t.shared = true
			continue
		}
		if b := s.scanTask(sc, t); b != nil {
			bigs = append(bigs, b)
		}
	}
	return tasks, bigs
}

// sameFiles reports whether thread tid shares its process's descriptor
// table (kcmp KCMP_FILES), so that its fd directory lists the same links.
func (s *procsScan) sameFiles(pid, tid int32) bool {
	if s.noKcmp.Load() {
		return false
	}
	r, _, errno := unix.Syscall6(unix.SYS_KCMP, uintptr(pid), uintptr(tid), procsKcmpFiles, 0, 0, 0)
	if errno == unix.ENOSYS {
		s.noKcmp.Store(true)
	}
	return errno == 0 && r == 0
}

// scanTask lists the fd directory of task t (root/TID/fd, as ss builds the
// path) and reads its links, or returns it for stage 2 when it is large.
func (s *procsScan) scanTask(sc *procsScratch, t *procsTask) *procsBig {
	dir, err := s.openDir(t.tid, "/fd")
	if err != nil {
		return nil
	}
	var fds []int32
	s.readDir(sc, dir, func(name []byte) {
		if fd, ok := procsParseInt(name); ok {
			fds = append(fds, fd)
		}
	})
	if len(fds) > procsChunk && s.workers > 1 && s.held.Add(1) <= procsMaxHeld {
		return &procsBig{task: t, dir: dir, fds: fds}
	}
	t.parts = [][]procsSock{s.readLinks(sc, dir, fds, nil)}
	unix.Close(dir)
	return nil
}

// readLinks reads the links fds of the open fd directory dir and appends
// the sockets among them to out.
func (s *procsScan) readLinks(sc *procsScratch, dir int, fds []int32, out []procsSock) []procsSock {
	for _, fd := range fds {
		name := strconv.AppendInt(sc.name[:0], int64(fd), 10)
		name = append(name, 0)
		// Like ss, read at most 63 bytes of the target.
		n, _, errno := unix.Syscall6(unix.SYS_READLINKAT, uintptr(dir),
			uintptr(unsafe.Pointer(&name[0])), uintptr(unsafe.Pointer(&sc.link[0])), uintptr(len(sc.link)-1), 0, 0)
		if errno != 0 {
			continue
		}
		if ino, ok := procsParseSocketLink(sc.link[:n]); ok {
			out = append(out, procsSock{ino: ino, fd: fd})
		}
	}
	return out
}

// readComm returns the comm of task id from root/ID/stat, or "" when it
// cannot be read (ss prints an empty name then).
func (s *procsScan) readComm(id int32) string {
	f, err := unix.Openat(s.root, strconv.Itoa(int(id))+"/stat", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return ""
	}
	defer unix.Close(f)
	buf := make([]byte, 0, 512)
	for len(buf) < procsStatMax {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(f, buf[len(buf):cap(buf)])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || n <= 0 {
			break
		}
		buf = buf[:len(buf)+n]
		// The name ends at the first ')': no need to read further.
		if bytes.IndexByte(buf[len(buf)-n:], ')') >= 0 {
			break
		}
	}
	name, _ := procsParseComm(buf)
	return name
}

// Processes maps socket inodes to the processes holding them (ss -p),
// scanning $PROC_ROOT (default /proc) as ss does.
func (k *Kernel) Processes(ctx context.Context) (stack.ProcessMap, error) {
	t, err := LoadProcesses(ctx, procsRootDir())
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Threads maps socket inodes to the threads holding them (ss -T).
func (k *Kernel) Threads(ctx context.Context) (stack.ProcessMap, error) {
	t, err := LoadThreads(ctx, procsRootDir())
	if err != nil {
		return nil, err
	}
	return t, nil
}
