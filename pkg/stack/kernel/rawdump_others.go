//go:build !linux

package kernel

import (
	"context"
	"io"

	"github.com/stackbox/stackbox/pkg/stack"
)

// DumpRaw is not implemented on this GOOS.
func (k *Kernel) DumpRaw(ctx context.Context, q stack.SocketQuery, w io.Writer) error {
	return errNotLinux
}
