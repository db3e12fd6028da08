package ref

import (
	"context"

	"github.com/stackbox/stackbox/pkg/stack"
)

var _ stack.CounterStack = (*HostView)(nil)

// Counters returns the host's protocol counters in nstat's order, with
// Linux 6.18's names.
func (v *HostView) Counters(ctx context.Context) (*stack.Counters, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &stack.Counters{List: v.Host.MIB.List()}, nil
}

// softnetColumns is the column count of Linux 6.18's softnet_stat lines.
const softnetColumns = 15

// Softnet returns one softnet_stat line per CPU of the host, in Linux
// 6.18's layout. The simulated NIC and its per-CPU backlog are not
// modelled yet, so every count is zero.
func (v *HostView) Softnet(ctx context.Context) ([]stack.SoftnetStat, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := max(v.Host.CPUs, 1)
	out := make([]stack.SoftnetStat, n)
	for cpu := range out {
		cols := make([]uint32, softnetColumns)
		cols[12] = uint32(cpu)
		out[cpu] = stack.SoftnetStat{CPU: cpu, HasBacklogLen: true, Columns: cols}
	}
	return out, nil
}
