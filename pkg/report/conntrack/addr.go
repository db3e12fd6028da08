package conntrack

import (
	"net/netip"
	"strconv"
	"time"
)

// appendAddr appends a as libnetfilter_conntrack prints an address of
// family: inet_ntoa for IPv4, glibc's inet_ntop for IPv6 (which differs
// from netip in one case: an IPv4-compatible address, ::a.b.c.d).
func appendAddr(b []byte, family uint8, a netip.Addr) []byte {
	a = a.WithZone("")
	switch family {
	case afInet:
		if !a.IsValid() {
			return append(b, "0.0.0.0"...)
		}
		a = a.Unmap()
	case afInet6:
		if !a.IsValid() {
			return append(b, "::"...)
		}
		if a.Is4() {
			a = netip.AddrFrom16(a.As16())
		}
		s := a.As16()
		if s[0]|s[1]|s[2]|s[3]|s[4]|s[5]|s[6]|s[7]|s[8]|s[9]|s[10]|s[11] == 0 && s[12]|s[13] != 0 {
			b = append(b, "::"...)
			return netip.AddrFrom4([4]byte{s[12], s[13], s[14], s[15]}).AppendTo(b)
		}
	default:
		if !a.IsValid() {
			return b
		}
	}
	return a.AppendTo(b)
}

// appendCtime appends t as ctime(3) does, without its newline:
// "Wed Nov 25 14:57:22 2026".
func appendCtime(b []byte, sec int64, loc *time.Location) []byte {
	if loc == nil {
		loc = time.Local
	}
	return time.Unix(sec, 0).In(loc).AppendFormat(b, "Mon Jan _2 15:04:05 2006")
}

// appendPadRight appends s left-justified in a field of width w.
func appendPadRight(b []byte, s string, w int) []byte {
	b = append(b, s...)
	for i := len(s); i < w; i++ {
		b = append(b, ' ')
	}
	return b
}

// appendZeroPad appends v in decimal with at least w digits.
func appendZeroPad(b []byte, v int64, w int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var tmp [24]byte
	d := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(d); i < w; i++ {
		b = append(b, '0')
	}
	return append(b, d...)
}

// appendSpacePad appends v in decimal left-justified in a field of
// width w (printf "%-8ld").
func appendSpacePad(b []byte, v int64, w int) []byte {
	n := len(b)
	b = strconv.AppendInt(b, v, 10)
	for i := len(b) - n; i < w; i++ {
		b = append(b, ' ')
	}
	return b
}
