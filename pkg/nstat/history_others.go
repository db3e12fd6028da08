//go:build !linux

package nstat

import (
	"fmt"
	"runtime"
)

// OpenHistory is not implemented outside Linux.
func OpenHistory(path string, uid int) (*History, error) {
	return nil, &HistoryError{Op: "open", Err: fmt.Errorf("not implemented on %s", runtime.GOOS)}
}
