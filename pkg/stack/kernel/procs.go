package kernel

import (
	"bytes"
	"encoding/binary"
	"math"

	"github.com/stackbox/stackbox/pkg/stack"
)

// ProcessTable maps socket inodes to the tasks holding them open, as
// ss -p (and ss -T) finds them under /proc. It implements
// stack.ProcessMap. A nil or zero ProcessTable is empty.
type ProcessTable struct {
	index procsIndex // inode -> index in spans
	spans []procsSpan
	users []stack.ProcessFD // grouped by inode, each group in ss's order
}

var _ stack.ProcessMap = (*ProcessTable)(nil)

// procsSpan locates the users of one inode in ProcessTable.users.
type procsSpan struct{ start, n int32 }

// Lookup returns the tasks holding inode, in the order ss 6.1 lists them
// in users:(...): the reverse of its /proc scan, so the task found last
// (the highest pid, within a task the highest descriptor) comes first.
// Inode 0 has no users. The result is shared: callers must not modify it.
func (t *ProcessTable) Lookup(inode uint32) []stack.ProcessFD {
	if t == nil || inode == 0 {
		return nil
	}
	i := t.index.find(inode)
	if i < 0 {
		return nil
	}
	sp := t.spans[i]
	return t.users[sp.start : sp.start+sp.n : sp.start+sp.n]
}

// Len returns the number of (inode, task, descriptor) entries.
func (t *ProcessTable) Len() int {
	if t == nil {
		return 0
	}
	return len(t.users)
}

// Inodes returns the number of distinct socket inodes in the table.
func (t *ProcessTable) Inodes() int {
	if t == nil {
		return 0
	}
	return len(t.spans)
}

// procsSock is one socket descriptor found in a task's fd directory.
type procsSock struct {
	ino uint32
	fd  int32
}

// procsTask is what the scan found for one task (a process, or with
// threads one thread of it): its name and socket descriptors in the order
// its fd directory listed them, split in parts read independently.
type procsTask struct {
	pid, tid int32
	name     string
	parts    [][]procsSock
	// shared is true for a thread whose descriptor table is its process's
	// (kcmp KCMP_FILES): its sockets are the process's first task's.
	shared bool
}

// socks calls fn for every socket descriptor of a task, in scan order;
// owner is the first task of the same process.
func (t *procsTask) socks(owner *procsTask, fn func(procsSock)) {
	src := t
	if t.shared {
		src = owner
	}
	for _, part := range src.parts {
		for _, s := range part {
			fn(s)
		}
	}
}

// hasSocks reports whether a task holds at least one socket.
func (t *procsTask) hasSocks(owner *procsTask) bool {
	src := t
	if t.shared {
		src = owner
	}
	for _, part := range src.parts {
		if len(part) > 0 {
			return true
		}
	}
	return false
}

// procsBuildTable lays out the scan results (tasks grouped by process, in
// scan order) as a ProcessTable. Like ss, which prepends every entry to a
// hash chain, it lists each inode's users last-found first. withTID says
// whether to fill ProcessFD.TID (ss -T).
func procsBuildTable(procs [][]procsTask, withTID bool) *ProcessTable {
	total := 0
	for _, tasks := range procs {
		for i := range tasks {
			tasks[i].socks(&tasks[0], func(procsSock) { total++ })
		}
	}
	t := &ProcessTable{
		index: newProcsIndex(total),
		spans: make([]procsSpan, 0, total),
		users: make([]stack.ProcessFD, total),
	}
	if total == 0 {
		return t
	}
	// First pass: count the users of every inode, remembering each
	// entry's span so that the second pass needs no lookups.
	spanOf := make([]int32, 0, total)
	for _, tasks := range procs {
		for i := range tasks {
			tasks[i].socks(&tasks[0], func(s procsSock) {
				si, added := t.index.insert(s.ino, int32(len(t.spans)))
				if added {
					t.spans = append(t.spans, procsSpan{})
				}
				t.spans[si].n++
				spanOf = append(spanOf, si)
			})
		}
	}
	// cursor[i] is one past the next free slot of span i, filled from its
	// end backwards: the last entry found comes first.
	cursor := make([]int32, len(t.spans))
	var off int32
	for i := range t.spans {
		t.spans[i].start = off
		off += t.spans[i].n
		cursor[i] = off
	}
	e := 0
	for _, tasks := range procs {
		for i := range tasks {
			task := &tasks[i]
			u := stack.ProcessFD{Name: task.name, PID: int(task.pid)}
			if withTID {
				u.TID = int(task.tid)
			}
			task.socks(&tasks[0], func(s procsSock) {
				si := spanOf[e]
				e++
				cursor[si]--
				u.FD = int(s.fd)
				t.users[cursor[si]] = u
			})
		}
	}
	return t
}

// procsIndex maps socket inodes to span numbers: an open-addressing hash
// table with linear probing, some three times faster to build than a Go
// map for the 80,000 inodes of a large scan (the map's probe of a key not
// yet there misses the cache twice), and as fast to read. Inode 0, which a
// fake proc root can hold but Lookup never finds, has its own field.
type procsIndex struct {
	slots []procsSlot // a power of two long, at most half full
	shift uint8       // 32 - log2(len(slots))
	zero  int32       // the span of inode 0, or -1
}

// procsSlot is one entry of procsIndex; span1 is the span plus one, so
// that a zero slot is empty.
type procsSlot struct {
	ino, span1 uint32
}

func newProcsIndex(n int) procsIndex {
	bits := uint8(4)
	for 1<<bits < 2*n {
		bits++
	}
	return procsIndex{slots: make([]procsSlot, 1<<bits), shift: 32 - bits, zero: -1}
}

// home returns the first slot to probe for ino (Fibonacci hashing: socket
// inodes come in runs of consecutive numbers).
func (x *procsIndex) home(ino uint32) uint32 {
	return (ino * 0x9e3779b1) >> x.shift
}

// find returns the span of ino, or -1.
func (x *procsIndex) find(ino uint32) int32 {
	if ino == 0 {
		return x.zero
	}
	if len(x.slots) == 0 {
		return -1
	}
	mask := uint32(len(x.slots) - 1)
	for i := x.home(ino); ; i = (i + 1) & mask {
		s := x.slots[i]
		if s.ino == ino {
			return int32(s.span1) - 1
		}
		if s.span1 == 0 {
			return -1
		}
	}
}

// insert returns the span of ino, adding it with span next when it is
// new. The table must have been made for at least as many inodes.
func (x *procsIndex) insert(ino uint32, next int32) (span int32, added bool) {
	if ino == 0 {
		if x.zero < 0 {
			x.zero = next
			return next, true
		}
		return x.zero, false
	}
	mask := uint32(len(x.slots) - 1)
	for i := x.home(ino); ; i = (i + 1) & mask {
		s := &x.slots[i]
		if s.ino == ino {
			return int32(s.span1) - 1, false
		}
		if s.span1 == 0 {
			s.ino, s.span1 = ino, uint32(next)+1
			return next, true
		}
	}
}

// procsIsSpace reports whether c is white space for C's isspace.
func procsIsSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// procsScanDigits reads what scanf's %d and %u accept at the start of b:
// optional white space, an optional sign and at least one decimal digit.
// It returns the magnitude (saturated, like strtoul), whether there was a
// minus sign, the index just past the last digit, and whether any digit
// was read.
func procsScanDigits(b []byte) (mag uint64, neg bool, end int, ok bool) {
	i := 0
	for i < len(b) && procsIsSpace(b[i]) {
		i++
	}
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	start := i
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		d := uint64(b[i] - '0')
		if mag > (math.MaxUint64-d)/10 {
			mag = math.MaxUint64
		} else {
			mag = mag*10 + d
		}
	}
	return mag, neg, i, i > start
}

// procsParseInt parses a /proc directory entry name the way ss does
// (sscanf "%d%*c"): a decimal number at the start of b, anything after it
// ignored. ok is false when b does not start with a number.
func procsParseInt(b []byte) (n int32, ok bool) {
	mag, neg, _, ok := procsScanDigits(b)
	if !ok {
		return 0, false
	}
	// strtol saturates to the 64-bit range; the conversion to int keeps
	// the low 32 bits.
	var v int64
	switch {
	case neg && mag > 1<<63:
		v = math.MinInt64
	case neg:
		v = -int64(mag)
	case mag > math.MaxInt64:
		v = math.MaxInt64
	default:
		v = int64(mag)
	}
	return int32(v), true
}

// procsSocketPrefix starts the target of a /proc/PID/fd link to a socket.
var procsSocketPrefix = []byte("socket:[")

// procsParseSocketLink returns the inode of an fd link target
// "socket:[INODE]" (ss: the prefix, then sscanf "socket:[%u]"). ok is
// false for any other target.
func procsParseSocketLink(link []byte) (ino uint32, ok bool) {
	if !bytes.HasPrefix(link, procsSocketPrefix) {
		return 0, false
	}
	rest := link[len(procsSocketPrefix):]
	// Fast path: plain digits and ']', as the kernel writes them.
	var v uint64
	i := 0
	for ; i < len(rest) && i < 10 && rest[i] >= '0' && rest[i] <= '9'; i++ {
		v = v*10 + uint64(rest[i]-'0')
	}
	if i > 0 && i < len(rest) && rest[i] == ']' {
		return uint32(v), true
	}
	mag, neg, _, ok := procsScanDigits(rest)
	if !ok {
		return 0, false
	}
	if neg {
		mag = -mag
	}
	return uint32(mag), true
}

// procsParseComm returns the command name in the contents of
// /proc/ID/stat the way ss 6.1 reads it (fscanf "%*d (%[^)])"): the text
// after the first '(' up to the first ')', so a name that itself holds
// ')' is cut there. ok is false when the text does not have that shape;
// ss then prints an empty name.
func procsParseComm(stat []byte) (name string, ok bool) {
	_, _, i, ok := procsScanDigits(stat)
	if !ok {
		return "", false
	}
	for i < len(stat) && procsIsSpace(stat[i]) {
		i++
	}
	if i >= len(stat) || stat[i] != '(' {
		return "", false
	}
	i++
	end := bytes.IndexByte(stat[i:], ')')
	if end < 0 {
		end = len(stat) - i
	}
	if end == 0 {
		return "", false
	}
	return string(stat[i : i+end]), true
}

// procsDirentHeader is the size of struct linux_dirent64 before d_name.
const procsDirentHeader = 19

// procsParseDirents calls fn with the name of every struct linux_dirent64
// in buf (what getdents64 returned). It stops at the first malformed
// record and returns false then.
func procsParseDirents(buf []byte, fn func(name []byte)) bool {
	for len(buf) > 0 {
		if len(buf) < procsDirentHeader {
			return false
		}
		reclen := int(binary.NativeEndian.Uint16(buf[16:18]))
		if reclen < procsDirentHeader || reclen > len(buf) {
			return false
		}
		name := buf[procsDirentHeader:reclen]
		if n := bytes.IndexByte(name, 0); n >= 0 {
			name = name[:n]
		}
		fn(name)
		buf = buf[reclen:]
	}
	return true
}
