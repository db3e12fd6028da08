package kernel

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stackbox/stackbox/pkg/stack"
)

// /proc/net/softnet_stat has a line per online CPU of fixed-width hex
// columns (%08x), printed by softnet_seq_show in net/core/net-procfs.c
// (net/core/dev.c before 3.9). The layouts, by column count:
//
//	 9  Linux 2.6 to 2.6.34: processed, dropped, time_squeeze, five
//	    zeroes (once throttled and the fastroute counters), cpu_collision
//	    (always 0 since 4.x)
//	10  2.6.35 (RPS): received_rps appended
//	11  3.11 (flow limit): flow_limit_count appended
//	13  5.10: softnet_backlog_len (input_pkt_queue + process_queue
//	    lengths) and the CPU index appended
//	15  later kernels: input_pkt_queue and process_queue lengths
//	    appended (column 12 stays their sum)
//
// Columns are named by position, so a layout with more columns than these
// keeps the named ones and adds to Columns.
const (
	softnetProcessed   = 0
	softnetDropped     = 1
	softnetTimeSqueeze = 2
	softnetReceivedRPS = 9
	softnetFlowLimit   = 10
	softnetBacklogLen  = 11
	softnetCPU         = 12
	softnetMinColumns  = 9

	procSoftnet = "/proc/net/softnet_stat"
)

// PartialError is a /proc file some lines of which were garbled and left
// out. It comes with the values of the other lines, which are good.
type PartialError struct {
	// Warnings name each problem as "FILE:LINE: what".
	Warnings []string
}

func (e *PartialError) Error() string {
	return strings.Join(e.Warnings, "\n")
}

// ParseSoftnet reads a /proc/net/softnet_stat, named name in errors, in
// any of the layouts above. CPU is the cpu column where there is one, or
// else the line's index (which is the CPU number only while no CPU is
// offline). A line that is not hex numbers, has fewer than 9 columns or
// another column count than the first line is left out and reported in a
// *PartialError, which comes with the other lines; any other error is a
// failure to read r.
func ParseSoftnet(name string, r io.Reader) ([]stack.SoftnetStat, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return parseSoftnet(name, b)
}

func parseSoftnet(name string, b []byte) ([]stack.SoftnetStat, error) {
	var (
		stats    []stack.SoftnetStat
		warnings []string
		width    int // the column count of the first good line
		num      int
		index    int // of the line among the non-blank ones
		problems int
	)
	warn := func(format string, args ...any) {
		problems++
		if problems <= maxWarnings {
			warnings = append(warnings, fmt.Sprintf("%s:%d: ", name, num)+fmt.Sprintf(format, args...))
		}
	}
	var cols []uint32
	for len(b) > 0 {
		var line []byte
		line, b = cutLine(b)
		num++
		if isBlank(line) {
			continue
		}
		index++
		cols = cols[:0]
		bad := false
		for rest := line; ; {
			var f []byte
			f, rest = nextField(rest)
			if len(f) == 0 {
				break
			}
			v, err := strconv.ParseUint(string(f), 16, 32)
			if err != nil {
				warn("bad column %d %q; line left out", len(cols)+1, f)
				bad = true
				break
			}
			cols = append(cols, uint32(v))
		}
		if bad {
			continue
		}
		switch {
		case len(cols) < softnetMinColumns:
			warn("%d columns, fewer than the %d of any kernel; line left out", len(cols), softnetMinColumns)
			continue
		case width == 0:
			width = len(cols)
		case len(cols) != width:
			warn("%d columns where the first line has %d; line left out", len(cols), width)
			continue
		}
		st := stack.SoftnetStat{
			CPU:         index - 1,
			Processed:   cols[softnetProcessed],
			Dropped:     cols[softnetDropped],
			TimeSqueeze: cols[softnetTimeSqueeze],
			Columns:     append([]uint32(nil), cols...),
		}
		if len(cols) > softnetReceivedRPS {
			st.ReceivedRPS = cols[softnetReceivedRPS]
		}
		if len(cols) > softnetFlowLimit {
			st.FlowLimit = cols[softnetFlowLimit]
		}
		if len(cols) > softnetBacklogLen {
			st.BacklogLen, st.HasBacklogLen = cols[softnetBacklogLen], true
		}
		if len(cols) > softnetCPU {
			st.CPU = int(cols[softnetCPU])
		}
		stats = append(stats, st)
	}
	if problems > maxWarnings {
		warnings = append(warnings, fmt.Sprintf("%s: %d more problems not shown", name, problems-maxWarnings))
	}
	if len(warnings) > 0 {
		return stats, &PartialError{Warnings: warnings}
	}
	return stats, nil
}
