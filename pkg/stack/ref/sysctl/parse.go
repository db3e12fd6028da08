package sysctl

// Parsing of integer writes as Linux's proc_dointvec family does it
// (proc_get_long and strtoul_lenient in kernel/sysctl.c):
//
//   - before each value, any isspace() byte is skipped;
//   - a value is an optional '-' then an unsigned number in C's base 0:
//     "0x"/"0X" followed by a hex digit is hexadecimal, a leading '0' is
//     octal, anything else decimal; '+' is not accepted;
//   - a number of 21 characters or more (sign included) is refused, as is
//     one that overflows 64 bits;
//   - the byte after a value must be a space, a tab, a newline or the end;
//   - a vector takes at most its length of values; anything after them is
//     ignored, fewer values leave the others unchanged, and a write holding
//     only white space is invalid.

// isSpace is the kernel's isspace() for ASCII.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// isSep is proc_wspace_sep: the bytes allowed right after a value.
func isSep(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

func skipSpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// maxNumLen is TMPBUFLEN-1: a value this long is refused.
const maxNumLen = 21

// parseNum reads one value at the start of s (white space already
// skipped): its magnitude, its sign and the rest of s.
func parseNum(s string) (mag uint64, neg bool, rest string, err error) {
	i := 0
	if len(s) > 1 && s[0] == '-' {
		neg = true
		i = 1
	}
	if i >= len(s) || !isDigit(s[i]) {
		return 0, false, s, invalidf("not a number")
	}
	base := uint64(10)
	if s[i] == '0' {
		base = 8
		if i+2 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && isHex(s[i+2]) {
			base = 16
			i += 2
		}
	}
	start := i
	for ; i < len(s); i++ {
		d, ok := digitVal(s[i])
		if !ok || d >= base {
			break
		}
		if mag > (^uint64(0)-d)/base {
			return 0, false, s, invalidf("number too large")
		}
		mag = mag*base + d
	}
	if i == start {
		return 0, false, s, invalidf("not a number")
	}
	if i >= maxNumLen {
		return 0, false, s, invalidf("number too long")
	}
	if i < len(s) && !isSep(s[i]) {
		return 0, false, s, invalidf("unexpected %q after number", s[i])
	}
	return mag, neg, s[i:], nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	_, ok := digitVal(c)
	return ok
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

// toValue converts a parsed magnitude and sign to the knob's value, with
// the checks the handler's conversion makes before any range check.
func (d *def) toValue(mag uint64, neg bool) (int64, error) {
	if !d.signed {
		if neg {
			return 0, invalidf("negative value")
		}
	} else if (neg && mag > 1<<31) || (!neg && mag > 1<<31-1) {
		return 0, invalidf("%s%d does not fit an int", sign(neg), mag)
	}
	if mag > 1<<63-1 {
		return 0, invalidf("%d out of range", mag)
	}
	v := int64(mag)
	if neg {
		v = -v
	}
	return v, nil
}

func sign(neg bool) string {
	if neg {
		return "-"
	}
	return ""
}
