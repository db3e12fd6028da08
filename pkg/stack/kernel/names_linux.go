package kernel

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Names resolves the names ss prints for numbers: interfaces (in the
// kernel's namespace), hosts (reverse DNS), processes (netlink port owners)
// and cgroups. Each kind is read once and cached, as ss does.
type Names struct {
	k *Kernel

	ifOnce sync.Once
	ifs    map[uint32]string
	ifIdx  map[string]uint32

	cgOnce sync.Once
	cgs    map[uint64]string

	hosts map[netip.Addr]string
	procs map[int32]string
	// ProcRoot replaces "/proc" when not empty.
	ProcRoot string
	// Warn receives the messages ss prints on stderr while resolving
	// (a missing cgroup2 mount); nil discards them.
	Warn io.Writer
}

// Names returns a resolver for the kernel's namespace.
func (k *Kernel) Names() *Names {
	return &Names{k: k}
}

func (n *Names) loadInterfaces() {
	n.ifs = make(map[uint32]string)
	n.ifIdx = make(map[string]uint32)
	n.k.Do(func() error {
		ifs, err := net.Interfaces()
		if err != nil {
			return err
		}
		for _, i := range ifs {
			n.ifs[uint32(i.Index)] = i.Name
			n.ifIdx[i.Name] = uint32(i.Index)
		}
		return nil
	})
}

// InterfaceName returns the name of interface ifindex, or "".
func (n *Names) InterfaceName(ifindex uint32) string {
	n.ifOnce.Do(n.loadInterfaces)
	return n.ifs[ifindex]
}

// InterfaceIndex returns the index of interface name, or 0.
func (n *Names) InterfaceIndex(name string) uint32 {
	n.ifOnce.Do(n.loadInterfaces)
	return n.ifIdx[name]
}

// HostName returns the host name of addr by a reverse lookup, or "".
func (n *Names) HostName(addr netip.Addr) string {
	if name, ok := n.hosts[addr]; ok {
		return name
	}
	if n.hosts == nil {
		n.hosts = make(map[netip.Addr]string)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var name string
	// Like glibc's gethostbyaddr, a v4-mapped address is looked up as the
	// IPv4 address it holds.
	if names, err := net.DefaultResolver.LookupAddr(ctx, addr.Unmap().String()); err == nil && len(names) > 0 {
		name = strings.TrimSuffix(names[0], ".")
	}
	n.hosts[addr] = name
	return name
}

// ProcessName returns the command name of process pid (the comm field of
// /proc/PID/stat, cut at the first ')' as ss does), or "".
func (n *Names) ProcessName(pid int32) string {
	if name, ok := n.procs[pid]; ok {
		return name
	}
	if n.procs == nil {
		n.procs = make(map[int32]string)
	}
	root := n.ProcRoot
	if root == "" {
		root = "/proc"
	}
	var name string
	if b, err := os.ReadFile(filepath.Join(root, strconv.Itoa(int(pid)), "stat")); err == nil {
		s := string(b)
		if i := strings.IndexByte(s, '('); i >= 0 {
			s = s[i+1:]
			if j := strings.IndexByte(s, ')'); j >= 0 {
				name = s[:j]
			}
		}
	}
	n.procs[pid] = name
	return name
}

// CgroupPath returns the path of cgroup id under the cgroup2 mount (the
// root is "/"), or "" after saying, as ss does, that there is no cgroup2
// mount. Like ss -N, which remounts /sys in a mount namespace of its own,
// a kernel with a NetNS does not see cgroup2 mounts under /sys.
//
// As ss 6.1 (lib/cg_map.c), the hierarchy is walked once; an id the walk
// did not see is looked up again alone, which fails with a message on
// stderr each time: one more for the walk itself when there is no mount.
func (n *Names) CgroupPath(id uint64) string {
	n.cgOnce.Do(func() {
		n.loadCgroups()
		if n.cgs == nil {
			n.warn("Failed to find cgroup2 mount")
		}
	})
	if path, ok := n.cgs[id]; ok {
		return path
	}
	switch {
	case id == 0:
		n.warn("Invalid cgroup2 ID")
	case n.cgs == nil:
		n.warn("Failed to find cgroup2 mount")
	default:
		n.warn("Failed to open cgroup2 by ID")
	}
	return ""
}

func (n *Names) warn(msg string) {
	if n.Warn != nil {
		fmt.Fprintln(n.Warn, msg)
	}
}

func (n *Names) loadCgroups() {
	root := n.cgroup2Mount()
	if root == "" {
		return
	}
	n.cgs = make(map[uint64]string)
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		st, ok := info.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		rel := strings.TrimPrefix(path, root)
		if rel == "" {
			rel = "/"
		}
		n.cgs[st.Ino] = rel
		return nil
	})
}

// Cgroup2Mount returns where cgroup2 is mounted, from /proc/mounts, or ""
// (see CgroupPath for mounts under /sys).
func (n *Names) Cgroup2Mount() string { return n.cgroup2Mount() }

// cgroup2Mount finds where cgroup2 is mounted, from /proc/mounts.
func (n *Names) cgroup2Mount() string {
	root := n.ProcRoot
	if root == "" {
		root = "/proc"
	}
	b, err := os.ReadFile(root + "/mounts")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[2] != "cgroup2" {
			continue
		}
		if n.k.NetNS != "" && (f[1] == "/sys" || strings.HasPrefix(f[1], "/sys/")) {
			continue
		}
		return f[1]
	}
	return ""
}
