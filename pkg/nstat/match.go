package nstat

// Patterns are the glob patterns nstat selects counters with. A counter
// matches when there are no patterns or when one of them matches its name
// as glibc's fnmatch(pattern, name, FNM_CASEFOLD) does in the C locale.
type Patterns struct {
	List []string
	// PosixlyCorrect is set when $POSIXLY_CORRECT is: fnmatch then
	// takes "[^...]" as a '^' or the rest, not as a negation.
	PosixlyCorrect bool
}

// Match reports whether name is selected.
func (p Patterns) Match(name string) bool {
	if len(p.List) == 0 {
		return true
	}
	for _, pat := range p.List {
		if Fnmatch(pat, name, p.PosixlyCorrect) {
			return true
		}
	}
	return false
}

// Fnmatch matches name against a shell pattern as glibc's fnmatch does
// with FNM_CASEFOLD alone, in the C locale: '*' matches any bytes, '?'
// one byte, "[...]" a set (with '!' or, unless posixlyCorrect, '^'
// negating it, ranges, character classes such as [:digit:], equivalence
// classes [=c=] and collating symbols [.c.]), a backslash quotes the byte
// after it, and letters match either case. A bracket without its closing
// ']' matches a '['; an unknown class name or a trailing backslash
// matches nothing.
func Fnmatch(pattern, name string, posixlyCorrect bool) bool {
	m := matcher{p: pattern, s: name, posix: posixlyCorrect}
	return m.match(0, 0)
}

type matcher struct {
	p, s  string
	posix bool
}

// at is the pattern byte at i, or 0 past its end (C's terminating NUL).
func (m *matcher) at(i int) byte {
	if i < len(m.p) {
		return m.p[i]
	}
	return 0
}

func fold(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// match matches the pattern from pi against the name from ni.
func (m *matcher) match(pi, ni int) bool {
	p, s := m.p, m.s
	for pi < len(p) {
		c := fold(p[pi])
		pi++
		switch c {
		case '?':
			if ni == len(s) {
				return false
			}
		case '\\':
			if pi == len(p) {
				return false // a trailing backslash
			}
			c = fold(p[pi])
			pi++
			if ni == len(s) || fold(s[ni]) != c {
				return false
			}
		case '*':
			for pi < len(p) && (p[pi] == '?' || p[pi] == '*') {
				if p[pi] == '?' {
					if ni == len(s) {
						return false
					}
					ni++
				}
				pi++
			}
			if pi == len(p) {
				return true
			}
			for k := ni; k < len(s); k++ {
				if m.match(pi, k) {
					return true
				}
			}
			return false
		case '[':
			r := m.bracket(pi, ni)
			switch r.result {
			case bracketFail:
				return false
			case bracketLiteral:
				// An unterminated '[' is an ordinary character.
				if ni == len(s) || fold(s[ni]) != '[' {
					return false
				}
			default:
				pi = r.next
			}
		default:
			if ni == len(s) || fold(s[ni]) != c {
				return false
			}
		}
		ni++
	}
	return ni == len(s)
}

type bracketResult int

const (
	bracketMatch   bracketResult = iota // the byte is in the set
	bracketFail                         // no match
	bracketLiteral                      // no closing ']': match a '['
)

type bracketOutcome struct {
	result bracketResult
	next   int // the pattern index after the bracket, on bracketMatch
}

// charClassMax is glibc's CHAR_CLASS_MAX_LENGTH.
const charClassMax = 256

// bracket matches the name's byte at ni against the set whose body starts
// at pattern index pi (just after the '['), following glibc's
// fnmatch_loop.c with the C locale's collation (byte order, no
// multi-character collating elements).
func (m *matcher) bracket(pi, ni int) bracketOutcome {
	s := m.s
	if ni == len(s) {
		return bracketOutcome{result: bracketFail}
	}
	not := m.at(pi) == '!' || !m.posix && m.at(pi) == '^'
	if not {
		pi++
	}
	raw := s[ni]
	fn := fold(raw)
	c := m.at(pi)
	pi++
	matched := false
	for {
		normal := false // c is an ordinary byte of the set, folded
		switch {
		case c == '\\':
			if m.at(pi) == 0 {
				return bracketOutcome{result: bracketFail}
			}
			c = fold(m.at(pi))
			pi++
			normal = true
		case c == '[' && m.at(pi) == ':':
			startp := pi
			var name []byte
			isClass := true
			for {
				if len(name) == charClassMax {
					return bracketOutcome{result: bracketFail}
				}
				pi++
				c = m.at(pi)
				if c == ':' && m.at(pi+1) == ']' {
					pi += 2
					break
				}
				if c < 'a' || c >= 'z' {
					// Not a class name: the '[' is an ordinary byte.
					pi = startp
					c = '['
					isClass = false
					break
				}
				name = append(name, c)
			}
			if isClass {
				in, ok := inClass(string(name), raw)
				if !ok {
					return bracketOutcome{result: bracketFail}
				}
				if in {
					matched = true
					break
				}
				c = m.at(pi)
				pi++
				goto next
			}
			normal = true
		case c == '[' && m.at(pi) == '=':
			startp := pi
			pi++
			c = m.at(pi)
			eq := c
			ok := c != 0
			if ok {
				pi++
				c = m.at(pi)
				ok = c == '=' && m.at(pi+1) == ']'
			}
			if !ok {
				pi = startp
				c = '['
				normal = true
				break
			}
			pi += 2
			if raw == eq {
				matched = true
				break
			}
			c = m.at(pi)
			pi++
			goto next
		case c == 0:
			return bracketOutcome{result: bracketLiteral}
		}
		if matched {
			break
		}
		{
			var cold byte
			if !normal && c == '[' && m.at(pi) == '.' {
				// A collating symbol: in the C locale only one byte.
				startp := pi
				n := 0
				for {
					pi++
					c = m.at(pi)
					if c == '.' && m.at(pi+1) == ']' {
						pi += 2
						break
					}
					if c == 0 {
						return bracketOutcome{result: bracketFail}
					}
					n++
				}
				isRange := m.at(pi) == '-' && m.at(pi+1) != 0
				if n != 1 {
					return bracketOutcome{result: bracketFail}
				}
				sym := m.p[startp+1]
				if !isRange && raw == sym {
					matched = true
					break
				}
				cold = sym
				c = m.at(pi)
				pi++
			} else {
				if !normal {
					c = fold(c)
				}
				isRange := m.at(pi) == '-' && m.at(pi+1) != 0 && m.at(pi+1) != ']'
				if !isRange && c == fn {
					matched = true
					break
				}
				cold = c
				c = m.at(pi)
				pi++
			}
			if c == '-' && m.at(pi) != ']' {
				cend := m.at(pi)
				pi++
				if cend == '[' && m.at(pi) == '.' {
					startp := pi
					n := 0
					for {
						pi++
						c = m.at(pi)
						if c == '.' && m.at(pi+1) == ']' {
							pi += 2
							break
						}
						if c == 0 {
							return bracketOutcome{result: bracketFail}
						}
						n++
					}
					if n != 1 {
						return bracketOutcome{result: bracketFail}
					}
					cend = m.p[startp+1]
				} else {
					if cend == '\\' {
						cend = m.at(pi)
						pi++
					}
					if cend == 0 {
						return bracketOutcome{result: bracketFail}
					}
					cend = fold(cend)
				}
				if cold <= fn && fn <= cend {
					matched = true
					break
				}
				c = m.at(pi)
				pi++
			}
		}
	next:
		if c == ']' {
			break
		}
	}
	if !matched {
		if !not {
			return bracketOutcome{result: bracketFail}
		}
		return bracketOutcome{result: bracketMatch, next: pi}
	}
	// Skip the rest of the set.
	for {
		c = m.at(pi)
		pi++
		if c == ']' {
			break
		}
		switch {
		case c == 0:
			return bracketOutcome{result: bracketFail}
		case c == '\\':
			if m.at(pi) == 0 {
				return bracketOutcome{result: bracketFail}
			}
			pi++
		case c == '[' && m.at(pi) == ':':
			startp := pi
			n := 0
			for {
				pi++
				c = m.at(pi)
				n++
				if n == charClassMax {
					return bracketOutcome{result: bracketFail}
				}
				if m.at(pi) == ':' && m.at(pi+1) == ']' {
					break
				}
				if c < 'a' || c >= 'z' {
					pi = startp - 2
					break
				}
			}
			pi += 2
		case c == '[' && m.at(pi) == '=':
			pi++
			if m.at(pi) == 0 {
				return bracketOutcome{result: bracketFail}
			}
			pi++
			if m.at(pi) != '=' || m.at(pi+1) != ']' {
				return bracketOutcome{result: bracketFail}
			}
			pi += 2
		case c == '[' && m.at(pi) == '.':
			for {
				pi++
				c = m.at(pi)
				if c == 0 {
					return bracketOutcome{result: bracketFail}
				}
				if c == '.' && m.at(pi+1) == ']' {
					break
				}
			}
			pi += 2
		}
	}
	if not {
		return bracketOutcome{result: bracketFail}
	}
	return bracketOutcome{result: bracketMatch, next: pi}
}

// inClass reports whether the byte c is in the named character class of
// the C locale; ok is false for an unknown name.
func inClass(name string, c byte) (in, ok bool) {
	upper := 'A' <= c && c <= 'Z'
	lower := 'a' <= c && c <= 'z'
	digit := '0' <= c && c <= '9'
	alpha := upper || lower
	graph := 0x21 <= c && c <= 0x7e
	switch name {
	case "alnum":
		return alpha || digit, true
	case "alpha":
		return alpha, true
	case "blank":
		return c == ' ' || c == '\t', true
	case "cntrl":
		return c < 0x20 || c == 0x7f, true
	case "digit":
		return digit, true
	case "graph":
		return graph, true
	case "lower":
		return lower, true
	case "print":
		return graph || c == ' ', true
	case "punct":
		return graph && !alpha && !digit, true
	case "space":
		return isSpace(c), true
	case "upper":
		return upper, true
	case "xdigit":
		return digit || 'a' <= c|0x20 && c|0x20 <= 'f' && alpha, true
	}
	return false, false
}
