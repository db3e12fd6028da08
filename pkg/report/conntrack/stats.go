package conntrack

import (
	"io"

	"github.com/stackbox/stackbox/pkg/stack"
)

// WriteStats writes per-CPU statistics as conntrack -S prints them:
// "cpu=N   \tname=value name=value \n", the counters in the order the
// stack gave them (the kernel's attribute order).
func WriteStats(w io.Writer, stats []stack.FlowCPUStats) error {
	var b []byte
	for _, s := range stats {
		// printf("cpu=%-4u\t")
		b = append(b, "cpu="...)
		b = appendSpacePad(b, int64(uint32(s.CPU)), 4)
		b = append(b, '\t')
		for _, c := range s.Counters {
			b = append(b, c.Name...)
			b = append(b, '=')
			b = appendUint(b, c.Value)
			b = append(b, ' ')
		}
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// WriteExpectStats writes per-CPU expectation statistics as conntrack -S
// expect prints them (the same line format; counters expect_new,
// expect_create, expect_delete).
func WriteExpectStats(w io.Writer, stats []stack.FlowCPUStats) error {
	return WriteStats(w, stats)
}
