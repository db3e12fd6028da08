package nstat

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
)

// HistoryPath is the history file nstat uses: $NSTAT_HISTORY when it is set
// (even empty; cut to 127 bytes, nstat's buffer), or /tmp/.nstat.u<uid>.
func HistoryPath(lookupEnv func(string) (string, bool), uid int) string {
	if p, ok := lookupEnv("NSTAT_HISTORY"); ok {
		if len(p) > infoMax {
			p = p[:infoMax]
		}
		return p
	}
	return "/tmp/.nstat.u" + strconv.Itoa(uid)
}

// HistoryError is a system call on the history file that failed. nstat
// prints "nstat: OP history file: ERROR" and exits 255.
type HistoryError struct {
	Op  string // "open", "flock" or "fstat"
	Err error  // a syscall.Errno
}

func (e *HistoryError) Error() string {
	return e.Op + " history file: " + e.Err.Error()
}

func (e *HistoryError) Unwrap() error { return e.Err }

// UnsafeHistoryError is a history file nstat will not use: it has more
// than one link, or belongs to someone else. nstat prints "nstat:
// something is so wrong with history file, that I prefer not to proceed."
// and exits 255.
type UnsafeHistoryError struct {
	Path  string
	Links uint64
	UID   uint32
}

func (e *UnsafeHistoryError) Error() string {
	return fmt.Sprintf("refusing history file %s: %d links, owner uid %d", e.Path, e.Links, e.UID)
}

// History is an open, locked history file.
type History struct {
	f *os.File
	// ModTime is when the file was last written, in seconds since the
	// epoch (st_mtime).
	ModTime int64
}

// Truncate empties the file (an aged-out history).
func (h *History) Truncate() error {
	return h.f.Truncate(0)
}

// Read reads the history's table from the start, updating src from its
// source line.
func (h *History) Read(src *Source) ([]Entry, error) {
	if _, err := h.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return src.ReadTable(h.f)
}

// Rewrite replaces the file's content with what write writes. It
// truncates first; an error truncating is returned (nstat reports it
// and writes anyway), after write has run.
func (h *History) Rewrite(write func(io.Writer) error) (truncErr, err error) {
	truncErr = h.f.Truncate(0)
	if _, err := h.f.Seek(0, io.SeekStart); err != nil {
		return truncErr, err
	}
	bw := bufio.NewWriter(h.f)
	if err := write(bw); err != nil {
		return truncErr, err
	}
	return truncErr, bw.Flush()
}

// Close closes the file, which releases the lock.
func (h *History) Close() error {
	return h.f.Close()
}
