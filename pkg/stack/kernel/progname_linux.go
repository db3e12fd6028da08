package kernel

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// portNames finds the program behind a netlink port ID, as conntrack -E
// does for its "progname=" (events caused by a process carry its port):
// the port's socket inode from /proc/net/netlink, then the process
// holding a descriptor for that socket, trying the process whose PID is
// the port ID first (the kernel's default port ID) and every other one
// after. The last answer, found or not, is kept for the same port and
// inode, so that a flush read as thousands of events looks up once.
type portNames struct {
	k         *Kernel
	lastPort  uint32
	lastInode uint64
	lastName  string
	known     bool
}

// lookup returns the program name for port, or "" when it cannot be
// found (the process has exited, say).
func (p *portNames) lookup(port uint32) string {
	var inode uint64
	_ = p.k.Do(func() error {
		inode = netlinkInode(procNetPath("netlink"), port)
		return nil
	})
	if inode == 0 {
		return ""
	}
	if p.known && p.lastPort == port && p.lastInode == inode {
		return p.lastName
	}
	name := programWithSocket(port, inode)
	p.lastPort, p.lastInode, p.lastName, p.known = port, inode, name, true
	return name
}

// netlinkInode is the inode of the NETLINK_NETFILTER socket bound to
// port, from a /proc/net/netlink table (columns sk, Eth, Pid, Groups,
// Rmem, Wmem, Dump, Locks, Drops, Inode); 0 when none is.
func netlinkInode(path string, port uint32) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[1] != strconv.Itoa(unix.NETLINK_NETFILTER) {
			continue
		}
		if pid, err := strconv.ParseUint(fields[2], 10, 32); err != nil || uint32(pid) != port {
			continue
		}
		inode, err := strconv.ParseUint(fields[9], 10, 64)
		if err != nil {
			return 0
		}
		return inode
	}
	return 0
}

// programWithSocket is the name of the process holding socket inode.
func programWithSocket(port uint32, inode uint64) string {
	if port > 1 && holdsSocket(int(port), inode) {
		return processName(int(port))
	}
	d, err := os.Open("/proc")
	if err != nil {
		return ""
	}
	defer d.Close()
	names, _ := d.Readdirnames(-1)
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil || pid <= 1 || pid == int(port) {
			continue
		}
		if holdsSocket(pid, inode) {
			return processName(pid)
		}
	}
	return ""
}

// holdsSocket reports whether process pid has a descriptor for socket
// inode.
func holdsSocket(pid int, inode uint64) bool {
	dir := "/proc/" + strconv.Itoa(pid) + "/fd/"
	d, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer d.Close()
	fds, _ := d.Readdirnames(-1)
	want := "socket:[" + strconv.FormatUint(inode, 10) + "]"
	for _, fd := range fds {
		if l, err := os.Readlink(dir + fd); err == nil && l == want {
			return true
		}
	}
	return false
}

// processName is the command name in /proc/PID/stat (between the
// parentheses, as conntrack reads it: up to the first ')').
func processName(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ""
	}
	i := bytes.IndexByte(b, '(')
	if i < 0 {
		return ""
	}
	b = b[i+1:]
	if j := bytes.IndexByte(b, ')'); j >= 0 {
		b = b[:j]
	}
	return string(b)
}
