package nstat

import (
	"math"
	"strconv"
)

// Row is one counter line: the name as nstat spells it, the value (the
// absolute value, or the increase since the history was written), the
// moving-average rate per second (zero unless a daemon computed it), and
// whether the counter went down since the history was written.
type Row struct {
	Name     string
	Value    uint64
	Rate     float64
	Overflow bool
}

// FormatRate formats a rate as C's printf("%6.1f") does, including its
// spelling of infinities and NaN ("inf", "-nan").
func FormatRate(r float64) string {
	var s string
	switch {
	case math.IsNaN(r):
		s = "nan"
		if math.Signbit(r) {
			s = "-nan"
		}
	case math.IsInf(r, 1):
		s = "inf"
	case math.IsInf(r, -1):
		s = "-inf"
	default:
		s = strconv.FormatFloat(r, 'f', 1, 64)
	}
	for len(s) < 6 {
		s = " " + s
	}
	return s
}
