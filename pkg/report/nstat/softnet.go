package nstat

import (
	"bufio"
	"encoding/json"
	"io"
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// softnetColumn is a named column of /proc/net/softnet_stat.
type softnetColumn struct {
	name  string
	index int // the column's position in the kernel's line; -1 for backlog_len
}

// softnetColumns are the columns with names, in the kernel's order.
// Columns 3 to 8 are always zero (fastroute and cpu_collision are gone),
// column 12 is the CPU number (shown first instead), and kernels since 6.9
// add the two queue lengths backlog_len (column 11) is the sum of.
var softnetColumns = []softnetColumn{
	{"processed", 0},
	{"dropped", 1},
	{"time_squeeze", 2},
	{"received_rps", 9},
	{"flow_limit_count", 10},
	{"backlog_len", -1},
	{"input_qlen", 13},
	{"process_qlen", 14},
}

func (c softnetColumn) value(s *stack.SoftnetStat) (uint32, bool) {
	if c.index < 0 {
		return s.BacklogLen, s.HasBacklogLen
	}
	if c.index >= len(s.Columns) {
		return 0, false
	}
	switch c.index {
	case 0:
		return s.Processed, true
	case 1:
		return s.Dropped, true
	case 2:
		return s.TimeSqueeze, true
	case 9:
		return s.ReceivedRPS, true
	case 10:
		return s.FlowLimit, true
	}
	return s.Columns[c.index], true
}

// Softnet writes one line per CPU under a header naming the columns: cpu,
// then those of processed, dropped, time_squeeze, received_rps,
// flow_limit_count, backlog_len, input_qlen and process_qlen that the
// kernel printed for some CPU.
// Columns are right-aligned; a CPU whose line lacks a column shows "-".
func Softnet(w io.Writer, stats []stack.SoftnetStat) error {
	cols := presentColumns(stats)
	header := append([]string{"cpu"}, make([]string, len(cols))...)
	for i, c := range cols {
		header[i+1] = c.name
	}
	cells := make([][]string, len(stats))
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = len(h)
	}
	for r := range stats {
		s := &stats[r]
		row := make([]string, len(header))
		row[0] = strconv.Itoa(s.CPU)
		for i, c := range cols {
			row[i+1] = "-"
			if v, ok := c.value(s); ok {
				row[i+1] = strconv.FormatUint(uint64(v), 10)
			}
		}
		for i, cell := range row {
			widths[i] = max(widths[i], len(cell))
		}
		cells[r] = row
	}
	bw := bufio.NewWriter(w)
	writeSoftnetRow(bw, header, widths)
	for _, row := range cells {
		writeSoftnetRow(bw, row, widths)
	}
	return bw.Flush()
}

func writeSoftnetRow(bw *bufio.Writer, row []string, widths []int) {
	for i, cell := range row {
		if i == 0 { // the CPU number, left-aligned
			bw.WriteString(cell)
			pad(bw, widths[i]-len(cell))
			continue
		}
		bw.WriteByte(' ')
		pad(bw, widths[i]-len(cell))
		bw.WriteString(cell)
	}
	bw.WriteByte('\n')
}

// presentColumns lists the named columns some CPU's line holds.
func presentColumns(stats []stack.SoftnetStat) []softnetColumn {
	var cols []softnetColumn
	for _, c := range softnetColumns {
		for i := range stats {
			if _, ok := c.value(&stats[i]); ok {
				cols = append(cols, c)
				break
			}
		}
	}
	return cols
}

// softnetJSON is one CPU in SoftnetJSON's output; absent columns are left
// out.
type softnetJSON struct {
	CPU            int      `json:"cpu"`
	Processed      *uint32  `json:"processed,omitempty"`
	Dropped        *uint32  `json:"dropped,omitempty"`
	TimeSqueeze    *uint32  `json:"time_squeeze,omitempty"`
	ReceivedRPS    *uint32  `json:"received_rps,omitempty"`
	FlowLimitCount *uint32  `json:"flow_limit_count,omitempty"`
	BacklogLen     *uint32  `json:"backlog_len,omitempty"`
	InputQlen      *uint32  `json:"input_qlen,omitempty"`
	ProcessQlen    *uint32  `json:"process_qlen,omitempty"`
	Columns        []uint32 `json:"columns"`
}

// SoftnetJSON writes the per-CPU statistics as a JSON array of objects
// with the named columns the kernel printed and every raw column in
// "columns", indented by four spaces when pretty.
func SoftnetJSON(w io.Writer, stats []stack.SoftnetStat, pretty bool) error {
	out := make([]softnetJSON, len(stats))
	for i := range stats {
		s := &stats[i]
		o := &out[i]
		o.CPU = s.CPU
		o.Columns = s.Columns
		if o.Columns == nil {
			o.Columns = []uint32{}
		}
		fields := []**uint32{&o.Processed, &o.Dropped, &o.TimeSqueeze, &o.ReceivedRPS, &o.FlowLimitCount, &o.BacklogLen, &o.InputQlen, &o.ProcessQlen}
		for k, c := range softnetColumns {
			if v, ok := c.value(s); ok {
				*fields[k] = &v
			}
		}
	}
	var b []byte
	var err error
	if pretty {
		b, err = json.MarshalIndent(out, "", "    ")
	} else {
		b, err = json.Marshal(out)
	}
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
