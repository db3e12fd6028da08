//go:build !linux

package kernel

import (
	"context"
	"fmt"
	"runtime"

	"github.com/stackbox/stackbox/pkg/stack"
)

// errNotLinux is what every operation returns outside Linux; it wraps
// stack.ErrNotSupported.
var errNotLinux = fmt.Errorf("kernel: not implemented on %s: %w", runtime.GOOS, stack.ErrNotSupported)

// Sockets is not implemented outside Linux.
func (k *Kernel) Sockets(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	return errNotLinux
}

// DestroySocket is not implemented outside Linux.
func (k *Kernel) DestroySocket(ctx context.Context, s *stack.Socket) error { return errNotLinux }

// SocketEvents is not implemented outside Linux.
func (k *Kernel) SocketEvents(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	return errNotLinux
}

// SocketSummary is not implemented outside Linux.
func (k *Kernel) SocketSummary(ctx context.Context) (*stack.SocketSummary, error) {
	return nil, errNotLinux
}
