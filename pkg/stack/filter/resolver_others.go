//go:build !linux

package filter

import (
	"errors"
	"runtime"
)

// CgroupID is not implemented outside Linux.
func (r *SystemResolver) CgroupID(path string) (uint64, error) {
	return 0, errors.New("cgroup ids are not implemented on " + runtime.GOOS)
}
