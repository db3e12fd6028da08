package filter

import (
	"encoding/binary"
	"errors"
	"strings"

	"golang.org/x/sys/unix"
)

// CgroupID returns the cgroup v2 id of path as ss 6.1 finds it: the file
// handle of path itself (relative to the current directory) when it has
// one of 8 bytes, else the handle of path inside the cgroup2 mount. Like
// ss, "/" is therefore the root directory's handle, not the root cgroup.
func (r *SystemResolver) CgroupID(path string) (uint64, error) {
	if h, _, err := unix.NameToHandleAt(unix.AT_FDCWD, path, 0); err == nil {
		return handleID(h)
	}
	rel := strings.TrimLeft(path, "/")
	if rel == "" {
		return 0, errors.New("Invalid cgroup2 path")
	}
	mnt, err := r.cgroup2Mount()
	if err != nil {
		return 0, err
	}
	fd, err := unix.Open(mnt, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, errors.New("Failed to open cgroup2 mount")
	}
	defer unix.Close(fd)
	h, _, err := unix.NameToHandleAt(fd, rel, 0)
	if err != nil {
		return 0, errors.New("Failed to get cgroup2 ID: " + errnoText(err))
	}
	return handleID(h)
}

// handleID is the cgroup id a file handle holds (cgroup2 handles are the
// 8-byte id).
func handleID(h unix.FileHandle) (uint64, error) {
	b := h.Bytes()
	if h.Size() != 8 || len(b) != 8 {
		return 0, errors.New("Invalid size of cgroup2 ID")
	}
	return binary.NativeEndian.Uint64(b), nil
}
