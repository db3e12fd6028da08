package nstat

import "os"

// ReadUptime reads the whole seconds since boot from an uptime file
// (/proc/uptime) as nstat does, with fscanf("%ld"); ok is false when the
// file cannot be read or does not start with a number.
func ReadUptime(path string) (secs int64, ok bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	return scanLong(b)
}

// scanLong reads a number as scanf's %ld does: leading space, an optional
// sign, decimal digits, clamped to an int64.
func scanLong(b []byte) (int64, bool) {
	i := skipSpace(b, 0)
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	start := i
	var u uint64
	over := false
	for i < len(b) && isDigit(b[i]) {
		if !over {
			u = u*10 + uint64(b[i]-'0')
			over = u > 1<<63
		}
		i++
	}
	if i == start {
		return 0, false
	}
	switch {
	case neg && (over || u >= 1<<63):
		return -1 << 63, true
	case neg:
		return -int64(u), true
	case over || u >= 1<<63:
		return 1<<63 - 1, true
	}
	return int64(u), true
}

// AgedOut reports whether a history file last written at mtime (seconds
// since the epoch) predates the boot: nstat resets it when
// now >= mtime + uptime.
func AgedOut(now, mtime, uptime int64) bool {
	return now >= mtime+uptime
}
