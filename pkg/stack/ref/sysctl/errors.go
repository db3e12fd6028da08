package sysctl

import (
	"errors"
	"fmt"
	"syscall"
)

// The sentinels every error of the tree wraps; Errno maps each to the errno
// Linux gives for the same access to /proc/sys.
var (
	// ErrUnknown: no sysctl has that name (ENOENT from stat).
	ErrUnknown = errors.New("unknown sysctl")
	// ErrInvalid: the value does not parse or is out of range (EINVAL).
	ErrInvalid = errors.New("invalid argument")
	// ErrReadOnly: the sysctl cannot be written (EACCES from open).
	ErrReadOnly = errors.New("read-only sysctl")
	// ErrNotAvailable: a congestion control or qdisc name the stack does
	// not implement (ENOENT from write).
	ErrNotAvailable = errors.New("not available")
)

// Error is the error of a failed Get or Set.
type Error struct {
	Op    string // "get" or "set"
	Name  string // the sysctl, dotted
	Value string // the value written, for Set
	Err   error  // wraps one of the sentinels
}

func (e *Error) Error() string {
	if e.Op == "set" {
		return fmt.Sprintf("sysctl: set %s to %q: %v", e.Name, e.Value, e.Err)
	}
	return fmt.Sprintf("sysctl: %s %s: %v", e.Op, e.Name, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Errno returns the errno Linux reports for the failure err describes, or 0
// when err wraps none of the tree's sentinels. Applets use it to print what
// sysctl(8) prints ("No such file or directory", "Invalid argument").
func Errno(err error) syscall.Errno {
	switch {
	case errors.Is(err, ErrUnknown), errors.Is(err, ErrNotAvailable):
		return syscall.ENOENT
	case errors.Is(err, ErrInvalid):
		return syscall.EINVAL
	case errors.Is(err, ErrReadOnly):
		return syscall.EACCES
	}
	return 0
}

// invalidf is ErrInvalid with the reason.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}
