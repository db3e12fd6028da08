package nstat

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// OpenHistory opens the history file as nstat does: read-write, created
// with mode 0600 (less the umask) when missing, never through a symbolic
// link (O_NOFOLLOW: a link gives ELOOP). It then takes an exclusive flock,
// waiting for another nstat to finish with the file, and refuses a file
// with other than one link or not owned by uid. The lock is held until
// Close.
func OpenHistory(path string, uid int) (*History, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CREAT|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, &HistoryError{Op: "open", Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	for {
		err = unix.Flock(fd, unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, &HistoryError{Op: "flock", Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		f.Close()
		return nil, &HistoryError{Op: "fstat", Err: err}
	}
	if st.Nlink != 1 || st.Uid != uint32(uid) {
		f.Close()
		return nil, &UnsafeHistoryError{Path: path, Links: uint64(st.Nlink), UID: st.Uid}
	}
	return &History{f: f, ModTime: st.Mtim.Sec}, nil
}
