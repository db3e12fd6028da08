package ss

import (
	"math"
	"net/netip"
	"strconv"
)

// appendCG appends v formatted like C's printf("%.*g", prec, v).
func appendCG(b []byte, v float64, prec int) []byte {
	if prec <= 0 {
		prec = 1
	}
	switch {
	case math.IsNaN(v):
		if math.Signbit(v) {
			return append(b, "-nan"...)
		}
		return append(b, "nan"...)
	case math.IsInf(v, 1):
		return append(b, "inf"...)
	case math.IsInf(v, -1):
		return append(b, "-inf"...)
	case v == 0:
		if math.Signbit(v) {
			return append(b, "-0"...)
		}
		return append(b, '0')
	}
	var tmp [40]byte
	e := strconv.AppendFloat(tmp[:0], v, 'e', prec-1, 64)
	i := len(e) - 1
	for e[i] != 'e' {
		i--
	}
	exp := 0
	neg := e[i+1] == '-'
	for _, c := range e[i+2:] {
		exp = exp*10 + int(c-'0')
	}
	if neg {
		exp = -exp
	}
	if exp < -4 || exp >= prec {
		b = append(b, trimZeros(e[:i])...)
		b = append(b, 'e')
		if exp < 0 {
			b = append(b, '-')
			exp = -exp
		} else {
			b = append(b, '+')
		}
		if exp < 10 {
			b = append(b, '0')
		}
		return strconv.AppendInt(b, int64(exp), 10)
	}
	f := strconv.AppendFloat(tmp[:0], v, 'f', prec-1-exp, 64)
	return append(b, trimZeros(f)...)
}

// trimZeros drops trailing zeros after a decimal point, and the point.
func trimZeros(s []byte) []byte {
	dot := false
	for _, c := range s {
		if c == '.' {
			dot = true
			break
		}
	}
	if !dot {
		return s
	}
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// appendBW appends a rate in bits per second the way ss's sprint_bw does:
// exact with -n, else with a k, M, G or T suffix and three significant
// digits.
func appendBW(b []byte, bw float64, numeric bool) []byte {
	switch {
	case numeric:
		return strconv.AppendFloat(b, bw, 'f', 0, 64)
	case bw >= 1e12:
		return append(appendCG(b, bw/1e12, 3), 'T')
	case bw >= 1e9:
		return append(appendCG(b, bw/1e9, 3), 'G')
	case bw >= 1e6:
		return append(appendCG(b, bw/1e6, 3), 'M')
	case bw >= 1e3:
		return append(appendCG(b, bw/1e3, 3), 'k')
	}
	return appendCG(b, bw, 6)
}

// appendMsTimer appends a timer value in milliseconds like ss's
// print_ms_timer: "1min", "2.500ms"-style pieces, empty for zero.
func appendMsTimer(b []byte, timeout uint32) []byte {
	secs := int64(timeout / 1000)
	minutes := secs / 60
	secs %= 60
	msecs := int64(timeout % 1000)
	if minutes != 0 {
		msecs = 0
		b = strconv.AppendInt(b, minutes, 10)
		b = append(b, "min"...)
		if minutes > 9 {
			secs = 0
		}
	}
	if secs != 0 {
		if secs > 9 {
			msecs = 0
		}
		b = strconv.AppendInt(b, secs, 10)
		if msecs != 0 {
			b = append(b, '.')
		} else {
			b = append(b, "sec"...)
		}
	}
	if msecs != 0 {
		if msecs < 100 {
			b = append(b, '0')
		}
		if msecs < 10 {
			b = append(b, '0')
		}
		b = strconv.AppendInt(b, msecs, 10)
		b = append(b, "ms"...)
	}
	return b
}

// appendIPv4 appends a dotted quad.
func appendIPv4(b []byte, a [4]byte) []byte {
	for i, x := range a {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, uint64(x), 10)
	}
	return b
}

// appendIPv6 appends an IPv6 address as glibc's inet_ntop writes it: the
// first longest run of two or more zero groups becomes "::", and
// IPv4-compatible and IPv4-mapped addresses end in a dotted quad.
func appendIPv6(b []byte, a [16]byte) []byte {
	var words [8]uint16
	for i := range words {
		words[i] = uint16(a[2*i])<<8 | uint16(a[2*i+1])
	}
	bestBase, bestLen := -1, 0
	curBase, curLen := -1, 0
	for i, w := range words {
		if w == 0 {
			if curBase == -1 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
			continue
		}
		if curBase != -1 {
			if bestBase == -1 || curLen > bestLen {
				bestBase, bestLen = curBase, curLen
			}
			curBase = -1
		}
	}
	if curBase != -1 && (bestBase == -1 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase != -1 && bestLen < 2 {
		bestBase = -1
	}
	for i := 0; i < 8; i++ {
		if bestBase != -1 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				b = append(b, ':')
			}
			continue
		}
		if i != 0 {
			b = append(b, ':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff)) {
			return appendIPv4(b, [4]byte{a[12], a[13], a[14], a[15]})
		}
		b = strconv.AppendUint(b, uint64(words[i]), 16)
	}
	if bestBase != -1 && bestBase+bestLen == 8 {
		b = append(b, ':')
	}
	return b
}

// addr16 returns a as 16 bytes (an IPv4 address mapped, invalid as zero).
func addr16(a netip.Addr) [16]byte {
	if !a.IsValid() {
		return [16]byte{}
	}
	return a.As16()
}

// addr4 returns a as 4 bytes (the last four of an IPv6 address, invalid
// as zero), as ss reads the first four bytes it was given for AF_INET.
func addr4(a netip.Addr) [4]byte {
	switch {
	case !a.IsValid():
		return [4]byte{}
	case a.Is4():
		return a.As4()
	}
	b := a.As16()
	if a.Is4In6() {
		return [4]byte{b[12], b[13], b[14], b[15]}
	}
	return [4]byte{b[0], b[1], b[2], b[3]}
}

// padRight appends spaces until b has grown by at least n bytes since
// start, like printf's "%-6d".
func padRight(b []byte, start, n int) []byte {
	for len(b)-start < n {
		b = append(b, ' ')
	}
	return b
}

// appendHexPad appends v in hex, zero padded to width digits.
func appendHexPad(b []byte, v uint64, width int) []byte {
	var tmp [16]byte
	h := strconv.AppendUint(tmp[:0], v, 16)
	for i := len(h); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, h...)
}

// appendAltHex appends v like printf("%#x"): "0" for zero, else 0x...
func appendAltHex(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	b = append(b, "0x"...)
	return strconv.AppendUint(b, v, 16)
}

// glibcMajor and glibcMinor decode a device number the way glibc's
// major() and minor() do (ss applies them to the kernel's 32-bit dev_t).
func glibcMajor(dev uint64) uint64 {
	return (dev>>8)&0xfff | (dev>>32)&^uint64(0xfff)
}

func glibcMinor(dev uint64) uint64 {
	return dev&0xff | (dev>>12)&^uint64(0xff)
}

// appendFloatF appends v like printf("%.*f", prec, v).
func appendFloatF(b []byte, v float64, prec int) []byte {
	return strconv.AppendFloat(b, v, 'f', prec, 64)
}

// zeroAddr is the wildcard address of an inet family.
func zeroAddr(family uint8) netip.Addr {
	if family == afInet6 {
		return netip.IPv6Unspecified()
	}
	return netip.IPv4Unspecified()
}
