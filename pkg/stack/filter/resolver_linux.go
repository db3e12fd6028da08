package filter

import (
	"errors"
	"os"
	"strings"
	"syscall"
)

// CgroupID returns the id of a cgroup v2 directory: the inode number of
// the directory under the cgroup2 mount (the kernel's cgroup id on 64-bit
// systems). Unlike ss 6.1, which first tries the path relative to the
// current directory, the path is always taken inside the cgroup2 mount,
// and "/" is the root cgroup.
func (r *SystemResolver) CgroupID(path string) (uint64, error) {
	mnt, err := r.cgroup2Mount()
	if err != nil {
		return 0, err
	}
	rel := strings.TrimLeft(path, "/")
	full := mnt
	if rel != "" {
		full = mnt + "/" + rel
	}
	fi, err := os.Stat(full)
	if err != nil {
		return 0, errors.New("Failed to get cgroup2 ID: " + errnoText(err))
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, errors.New("Invalid size of cgroup2 ID")
	}
	return st.Ino, nil
}
