package nstat

import (
	"bufio"
	"io"
	"strconv"
)

// Text writes rows as nstat's text output (and its history file and daemon
// replies): "#source", then "%-32s%-16llu%6.1f" lines, each followed by
// " (overflow)" when the counter went down.
func Text(w io.Writer, source string, rows []Row) error {
	bw := bufio.NewWriter(w)
	bw.WriteByte('#')
	bw.WriteString(source)
	bw.WriteByte('\n')
	var num [20]byte
	for _, r := range rows {
		bw.WriteString(r.Name)
		pad(bw, 32-len(r.Name))
		v := strconv.AppendUint(num[:0], r.Value, 10)
		bw.Write(v)
		pad(bw, 16-len(v))
		bw.WriteString(FormatRate(r.Rate))
		if r.Overflow {
			bw.WriteString(" (overflow)")
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

func pad(bw *bufio.Writer, n int) {
	for ; n > 0; n-- {
		bw.WriteByte(' ')
	}
}
