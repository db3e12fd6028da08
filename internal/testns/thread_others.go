//go:build !linux

package testns

import (
	"fmt"
	"runtime"
)

// DoPath is not implemented outside Linux.
func DoPath(path string, fn func() error) error {
	return fmt.Errorf("%w: not implemented on %s", ErrNotSwitched, runtime.GOOS)
}
