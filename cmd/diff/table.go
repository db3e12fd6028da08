package diff

import (
	"io"

	"github.com/olekukonko/tablewriter"
)

// writeTable prints rows under header as an ASCII table; the columns
// right says are right-aligned (numbers), the others left-aligned.
//
// tablewriter v0.0.5, not v1: v1's width package builds a 650 KB cache at
// init, which every stackbox applet paid for at start (0.6 ms of CPU on
// this project's machine), diff or not.
func writeTable(w io.Writer, header []string, rows [][]string, right []bool) error {
	align := make([]int, len(header))
	for i := range align {
		align[i] = tablewriter.ALIGN_LEFT
		if i < len(right) && right[i] {
			align[i] = tablewriter.ALIGN_RIGHT
		}
	}
	t := tablewriter.NewWriter(w)
	t.SetHeader(header)
	t.SetAutoFormatHeaders(false)
	t.SetAutoWrapText(false)
	t.SetHeaderAlignment(tablewriter.ALIGN_LEFT)
	t.SetColumnAlignment(align)
	t.AppendBulk(rows)
	t.Render()
	return nil
}
