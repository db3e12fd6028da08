//go:build !linux

package kernel

import (
	"context"
	"fmt"
	"runtime"

	"github.com/stackbox/stackbox/pkg/stack"
)

// errProcsNotLinux is what the process scans return outside Linux.
var errProcsNotLinux = fmt.Errorf("process table: not implemented on %s: %w", runtime.GOOS, stack.ErrNotSupported)

// LoadProcesses builds the inode-to-process map of ss -p; it needs Linux.
func LoadProcesses(ctx context.Context, procRoot string) (*ProcessTable, error) {
	return nil, errProcsNotLinux
}

// LoadThreads builds the inode-to-thread map of ss -T; it needs Linux.
func LoadThreads(ctx context.Context, procRoot string) (*ProcessTable, error) {
	return nil, errProcsNotLinux
}

// Processes is not implemented outside Linux.
func (k *Kernel) Processes(ctx context.Context) (stack.ProcessMap, error) {
	return nil, errProcsNotLinux
}

// Threads is not implemented outside Linux.
func (k *Kernel) Threads(ctx context.Context) (stack.ProcessMap, error) {
	return nil, errProcsNotLinux
}
