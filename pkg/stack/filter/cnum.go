package filter

import "math"

// This file reproduces the C library's number parsing that ss relies on
// (strtol, strtoul, sscanf's %i and iproute2's get_* helpers), so that the
// same words are accepted and give the same values.

func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// cScan is the common part of strtol and strtoul: it skips white space,
// reads a sign and, for base 0 or 16, a 0x prefix, then the digits. It
// returns the magnitude (saturated at math.MaxUint64 with ovf set), the
// sign, and how many bytes were consumed (0 when there were no digits).
func cScan(s string, base int) (mag uint64, neg, ovf bool, n int) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if (base == 0 || base == 16) && i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') {
		if i+2 < len(s) && digitVal(s[i+2]) < 16 {
			i += 2
			base = 16
		} else {
			// "0x" without hex digits: the "0" alone is the number.
			return 0, neg, false, i + 1
		}
	}
	if base == 0 {
		if i < len(s) && s[i] == '0' {
			base = 8
		} else {
			base = 10
		}
	}
	start := i
	for i < len(s) {
		d := digitVal(s[i])
		if d >= base {
			break
		}
		if !ovf {
			if mag > (math.MaxUint64-uint64(d))/uint64(base) {
				ovf = true
				mag = math.MaxUint64
			} else {
				mag = mag*uint64(base) + uint64(d)
			}
		}
		i++
	}
	if i == start {
		return 0, false, false, 0
	}
	return mag, neg, ovf, i
}

// strtol is C's strtol on a 64-bit long: the value saturates at the int64
// limits on overflow (ovf set), n is the count of bytes used (0: none).
func strtol(s string, base int) (v int64, n int, ovf bool) {
	mag, neg, o, n := cScan(s, base)
	if n == 0 {
		return 0, 0, false
	}
	if neg {
		if o || mag > 1<<63 {
			return math.MinInt64, n, true
		}
		return -int64(mag), n, false
	}
	if o || mag > math.MaxInt64 {
		return math.MaxInt64, n, true
	}
	return int64(mag), n, false
}

// strtoul is C's strtoul on a 64-bit unsigned long: a minus sign negates
// the value modulo 2^64, overflow gives the maximum with ovf set.
func strtoul(s string, base int) (v uint64, n int, ovf bool) {
	mag, neg, o, n := cScan(s, base)
	if n == 0 {
		return 0, 0, false
	}
	if o {
		return math.MaxUint64, n, true
	}
	if neg {
		return -mag, n, false
	}
	return mag, n, false
}

// getInteger is iproute2's get_integer with base 0: the whole word must
// be a number within the range of a C int.
func getInteger(s string) (int32, bool) {
	if s == "" {
		return 0, false
	}
	v, n, ovf := strtol(s, 0)
	if n == 0 || n != len(s) || ovf || v < math.MinInt32 || v > math.MaxInt32 {
		return 0, false
	}
	return int32(v), true
}

// getUnsigned is iproute2's get_unsigned with base 0.
func getUnsigned(s string) (uint32, bool) {
	if s == "" {
		return 0, false
	}
	v, n, ovf := strtoul(s, 0)
	if n == 0 || n != len(s) || ovf || v > math.MaxUint32 {
		return 0, false
	}
	return uint32(v), true
}

// getU16 is iproute2's get_u16 with base 0.
func getU16(s string) (uint16, bool) {
	v, ok := getUnsigned(s)
	if !ok || v > math.MaxUint16 {
		return 0, false
	}
	return uint16(v), true
}

// scanInt is one sscanf %i conversion into a C int, as glibc does it: it
// skips white space, takes an optional sign and a 0x (hex) or 0 (octal)
// prefix and as many digits as fit the base. A "0x" with no hex digit
// after it is consumed as the number 0. The value is computed as a long
// (saturating) and truncated to 32 bits. n is 0 when nothing matched.
func scanInt(s string) (v uint32, n int) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := 10
	var mag uint64
	ovf := false
	digits := 0
	if i < len(s) && s[i] == '0' {
		digits++
		i++
		base = 8
		if i < len(s) && (s[i] == 'x' || s[i] == 'X') {
			i++
			base = 16
		}
	}
	for i < len(s) {
		d := digitVal(s[i])
		if d >= base {
			break
		}
		if !ovf {
			if mag > (math.MaxUint64-uint64(d))/uint64(base) {
				ovf = true
			} else {
				mag = mag*uint64(base) + uint64(d)
			}
		}
		digits++
		i++
	}
	if digits == 0 {
		return 0, 0
	}
	var l int64
	switch {
	case neg && (ovf || mag > 1<<63):
		l = math.MinInt64
	case neg:
		l = -int64(mag)
	case ovf || mag > math.MaxInt64:
		l = math.MaxInt64
	default:
		l = int64(mag)
	}
	return uint32(l), i
}

// getAddrIPv4 is iproute2's get_addr_ipv4: one to four dot-separated
// numbers (each read by strtoul with base 0, at most 255), missing
// trailing bytes being zero ("10.8" is 10.8.0.0).
func getAddrIPv4(s string) ([4]byte, bool) {
	var a [4]byte
	for i := 0; i < 4; i++ {
		v, n, _ := strtoul(s, 0)
		if v > 255 || n == 0 {
			return a, false
		}
		a[i] = byte(v)
		if n == len(s) {
			return a, true
		}
		if i == 3 || s[n] != '.' {
			return a, false
		}
		s = s[n+1:]
	}
	return a, true
}

// inetAton is glibc's inet_aton without trailing garbage, as
// gethostbyname2 applies it to all-numeric names: "a", "a.b", "a.b.c" or
// "a.b.c.d", each part decimal, octal (0...) or hex (0x...).
func inetAton(s string) ([4]byte, bool) {
	var parts [4]uint64
	np := 0
	i := 0
	for {
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return [4]byte{}, false
		}
		base := uint64(10)
		if s[i] == '0' {
			base = 8
			i++
			if i < len(s) && (s[i] == 'x' || s[i] == 'X') {
				base = 16
				i++
			}
		}
		var val uint64
		for i < len(s) {
			d := uint64(digitVal(s[i]))
			if d >= base {
				break
			}
			val = val*base + d
			if val > math.MaxUint32 {
				return [4]byte{}, false
			}
			i++
		}
		if np == 4 {
			return [4]byte{}, false
		}
		parts[np] = val
		np++
		if i == len(s) {
			break
		}
		if s[i] != '.' {
			return [4]byte{}, false
		}
		i++
	}
	var v uint64
	switch np {
	case 1:
		v = parts[0]
	case 2:
		if parts[0] > 0xff || parts[1] > 0xffffff {
			return [4]byte{}, false
		}
		v = parts[0]<<24 | parts[1]
	case 3:
		if parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xffff {
			return [4]byte{}, false
		}
		v = parts[0]<<24 | parts[1]<<16 | parts[2]
	case 4:
		if parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xff || parts[3] > 0xff {
			return [4]byte{}, false
		}
		v = parts[0]<<24 | parts[1]<<16 | parts[2]<<8 | parts[3]
	}
	return [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}, true
}
