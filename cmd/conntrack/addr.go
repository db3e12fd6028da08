package conntrack

import (
	"net/netip"
	"strings"
)

// inetAton parses an IPv4 address as the C library's inet_aton does:
// one to four parts, each decimal, octal (0) or hex (0x), the last filling
// the remaining bytes; anything after white space is ignored.
func inetAton(s string) (netip.Addr, bool) {
	var parts [4]uint64
	n := 0
	i := 0
	for {
		if i >= len(s) || !isDigit(s[i]) {
			return netip.Addr{}, false
		}
		v, j, ok := strtoulPart(s, i)
		if !ok {
			return netip.Addr{}, false
		}
		i = j
		if n >= 4 {
			return netip.Addr{}, false
		}
		parts[n] = v
		n++
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		if i < len(s) && !isSpace(s[i]) {
			return netip.Addr{}, false
		}
		break
	}
	var v uint64
	switch n {
	case 1:
		v = parts[0]
		if v > 0xffffffff {
			return netip.Addr{}, false
		}
	case 2:
		if parts[0] > 0xff || parts[1] > 0xffffff {
			return netip.Addr{}, false
		}
		v = parts[0]<<24 | parts[1]
	case 3:
		if parts[0] > 0xff || parts[1] > 0xff || parts[2] > 0xffff {
			return netip.Addr{}, false
		}
		v = parts[0]<<24 | parts[1]<<16 | parts[2]
	case 4:
		for _, p := range parts {
			if p > 0xff {
				return netip.Addr{}, false
			}
		}
		v = parts[0]<<24 | parts[1]<<16 | parts[2]<<8 | parts[3]
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// strtoulPart reads one inet_aton number at s[i:] (base from its prefix).
func strtoulPart(s string, i int) (uint64, int, bool) {
	base := uint64(10)
	if s[i] == '0' {
		base = 8
		i++
		if i < len(s) && (s[i] == 'x' || s[i] == 'X') {
			base = 16
			i++
		}
	}
	var v uint64
	for ; i < len(s); i++ {
		d, ok := digitVal(s[i])
		if !ok || d >= base {
			break
		}
		v = v*base + d
		if v > 0xffffffff {
			return 0, i, false
		}
	}
	return v, i, true
}

func digitVal(c byte) (uint64, bool) {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0'), true
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return uint64(c-'A') + 10, true
	}
	return 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// parseInet is conntrack's parse_inetaddr: inet_aton, then inet_pton for
// IPv6.
func parseInet(s string) (netip.Addr, bool) {
	if a, ok := inetAton(s); ok {
		return a, true
	}
	if !strings.Contains(s, ":") || strings.ContainsAny(s, "%") {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return netip.Addr{}, false
	}
	return a, true
}

// Netmask results of parseAddr.
const (
	noMask  = -1
	badMask = -2
)

// parseAddr is conntrack's parse_addr: the address (cut to 45 bytes, as
// its buffer does) and the prefix length after '/', noMask or badMask.
func parseAddr(s string, wantMask bool) (netip.Addr, int, bool) {
	if len(s) > 45 {
		s = s[:45]
	}
	mask := noMask
	if wantMask {
		if i := strings.IndexByte(s, '/'); i >= 0 {
			v, rest, ok := strtol10(s[i+1:])
			mask = int(v)
			if !ok || v < 0 || rest != "" {
				mask = badMask
			}
			s = s[:i]
		}
	}
	a, ok := parseInet(s)
	if !ok {
		return a, mask, false
	}
	if a.Is4() && mask > 32 || a.Is6() && mask > 128 {
		mask = badMask
	}
	return a, mask, true
}

// strtol10 reads a base-10 number as strtol does (leading space, a sign),
// returning what follows it. ok is false on overflow.
func strtol10(s string) (int64, string, bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var v int64
	ok := true
	for i < len(s) && isDigit(s[i]) {
		if v > (1<<62)/5 {
			ok = false
		}
		v = v*10 + int64(s[i]-'0')
		i++
	}
	if i == start {
		return 0, s, true // no digits: strtol leaves end at the start
	}
	if neg {
		v = -v
	}
	return v, s[i:], ok
}

// strtoul is C's strtoul(s, &end, 0) modulo 2^64: the value and whether
// any digit was read; rest is what follows.
func strtoul(s string) (v uint64, rest string, any bool) {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := uint64(10)
	if i < len(s) && s[i] == '0' {
		base = 8
		if i+2 < len(s)+0 && (s[i+1] == 'x' || s[i+1] == 'X') {
			if _, ok := digitVal(s[i+2]); ok {
				base = 16
				i += 2
			}
		}
	}
	start := i
	over := false
	for i < len(s) {
		d, ok := digitVal(s[i])
		if !ok || d >= base {
			break
		}
		nv := v*base + d
		if nv/base != v && !over {
			over = true
		}
		v = nv
		i++
	}
	if i == start {
		return 0, s, false
	}
	if over {
		v = ^uint64(0)
	} else if neg {
		v = -v
	}
	return v, s[i:], true
}

// atoi is C's atoi (strtol base 10, 0 when no digits), truncated to int32.
func atoi(s string) int64 {
	v, _, _ := strtol10(s)
	return int64(int32(v))
}

// atol is C's atol on a 64-bit system.
func atol(s string) int64 {
	v, _, _ := strtol10(s)
	return v
}
