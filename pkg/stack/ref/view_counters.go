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
// 6.18's layout: the counts of the simulated NICs' NAPI and backlog
// (simnic), zeros for a host without a NIC.
func (v *HostView) Softnet(ctx context.Context) ([]stack.SoftnetStat, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []stack.SoftnetStat
	if c := v.Host.cpus; c != nil {
		out = c.Softnet()
	}
	// CPUs the NICs do not use (none, or more than they were made
	// with) have zero counts.
	for cpu := len(out); cpu < max(v.Host.CPUs, 1); cpu++ {
		cols := make([]uint32, softnetColumns)
		cols[12] = uint32(cpu)
		out = append(out, stack.SoftnetStat{CPU: cpu, HasBacklogLen: true, Columns: cols})
	}
	return out, nil
}
