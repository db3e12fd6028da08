//go:build !linux

package kernel

import (
	"context"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Counters is not implemented outside Linux.
func (k *Kernel) Counters(ctx context.Context) (*stack.Counters, error) { return nil, errNotLinux }

// Softnet is not implemented outside Linux.
func (k *Kernel) Softnet(ctx context.Context) ([]stack.SoftnetStat, error) { return nil, errNotLinux }
