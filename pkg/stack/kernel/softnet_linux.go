package kernel

import (
	"context"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Softnet returns /proc/net/softnet_stat, a line per online CPU. The file
// is the same in every network namespace (the counters are per CPU, not
// per namespace); it is still read inside the kernel's namespace, through
// /proc/thread-self/net. Garbled lines are left out and reported in a
// *PartialError that comes with the other lines.
func (k *Kernel) Softnet(ctx context.Context) ([]stack.SoftnetStat, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var b []byte
	err := k.Do(func() error {
		var err error
		b, err = readProcNet("softnet_stat", procSoftnet)
		return err
	})
	if err != nil {
		return nil, err
	}
	return parseSoftnet(procSoftnet, b)
}
