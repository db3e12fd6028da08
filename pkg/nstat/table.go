package nstat

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Source is the source line of the tables nstat reads ("#kernel", "#PID.RANDOM
// sampling_interval=S time_const=T"), carried from the history file to
// the daemon's reply as nstat's info_source is.
type Source struct {
	// Info is the last source line read, without its "#" and its last
	// byte, kept to 127 bytes.
	Info string
	// Mismatch is set when a source line differed from the one before.
	Mismatch bool
}

// infoMax is how much of a source line nstat keeps (its buffer is 128
// bytes with the NUL).
const infoMax = 127

// lineMax is the most fgets reads at once with nstat's 4096-byte buffer.
const lineMax = 4095

// ParseError is a table line nstat cannot read: it has no name or no
// value. nstat prints "nstat.c:146: error parsing history file" and exits
// 254, whether the table came from the history file or a daemon.
type ParseError struct {
	Line int    // the line's number, counting the pieces long lines are read in
	Text string // the line as read, cut at its first NUL
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("line %d: not a counter line: %q", e.Line, e.Text)
}

// ReadTable reads a table (a history file, a daemon's reply) as nstat's
// load_good_table does, updating s from its source lines. It returns the
// counters read so far and a *ParseError at the first bad line, or the
// reader's error.
func (s *Source) ReadTable(r io.Reader) ([]Entry, error) {
	br := bufio.NewReader(r)
	var out []Entry
	for n := 1; ; n++ {
		chunk, err := readPiece(br)
		if len(chunk) == 0 {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		line := chunk
		if i := bytes.IndexByte(line, 0); i >= 0 {
			line = line[:i]
		}
		if chunk[0] == '#' {
			// nstat drops the last byte (the newline, usually) and
			// takes what follows the '#'.
			info := ""
			if len(line) >= 2 {
				info = string(line[1 : len(line)-1])
			}
			if s.Info != "" && s.Info != info {
				s.Mismatch = true
			}
			if len(info) > infoMax {
				info = info[:infoMax]
			}
			s.Info = info
		} else {
			e, ok := scanEntry(line)
			if !ok {
				return out, &ParseError{Line: n, Text: string(line)}
			}
			if !Useless(e.Name) {
				out = append(out, e)
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return out, err
		}
	}
}

// readPiece reads what one fgets call with a 4096-byte buffer reads: up to
// and including a newline, at most lineMax bytes.
func readPiece(br *bufio.Reader) ([]byte, error) {
	var b []byte
	for len(b) < lineMax {
		c, err := br.ReadByte()
		if err != nil {
			return b, err
		}
		b = append(b, c)
		if c == '\n' {
			break
		}
	}
	return b, nil
}

// scanEntry reads a line as sscanf(line, "%s%llu%lg") does, reporting
// whether the name and the value were found.
func scanEntry(line []byte) (Entry, bool) {
	i := skipSpace(line, 0)
	j := i
	for j < len(line) && !isSpace(line[j]) {
		j++
	}
	if j == i {
		return Entry{}, false
	}
	e := Entry{Name: string(line[i:j])}
	k := skipSpace(line, j)
	v, n, ok := ScanUint64(line[k:])
	if !ok {
		return Entry{}, false
	}
	e.Value = v
	m := skipSpace(line, k+n)
	if r, _, ok := ScanFloat(line[m:]); ok {
		e.Rate = r
	}
	return e, true
}

// isSpace is C's isspace in the C locale.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// ScanUint64 reads a number as scanf's %llu does at the start of b (which
// has no leading space): an optional sign, then decimal digits. A minus
// sign negates modulo 2^64; a number too large gives the largest uint64.
// It returns the value, the bytes used and whether there were digits.
func ScanUint64(b []byte) (uint64, int, bool) {
	i := 0
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	start := i
	var v uint64
	over := false
	for i < len(b) && isDigit(b[i]) {
		d := uint64(b[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			over = true
		}
		v = v*10 + d
		i++
	}
	if i == start {
		return 0, 0, false
	}
	switch {
	case over:
		v = math.MaxUint64
	case neg:
		v = -v
	}
	return v, i, true
}

// ScanInt32 reads a number as C's atoi and scanf's %d do: leading space,
// an optional sign and decimal digits, clamped to a long, then cut to an
// int. ok is false when there are no digits.
func ScanInt32(s string) (v int32, ok bool) {
	l, ok := scanLong([]byte(s))
	return int32(l), ok
}

// ScanFloat reads a number as scanf's %lg does at the start of b (which has
// no leading space): the longest text that can begin a floating-point
// number (a sign, "inf", "infinity", "nan", a decimal or hexadecimal
// number with an exponent), which must then be a whole number. It
// returns the value, the bytes used and whether a number was read.
func ScanFloat(b []byte) (float64, int, bool) {
	i := 0
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	sign := 1.0
	if neg {
		sign = -1
	}
	if i < len(b) && (b[i]|0x20 == 'i' || b[i]|0x20 == 'n') {
		word := "inf"
		if b[i]|0x20 == 'n' {
			word = "nan"
		}
		if !hasFold(b[i:], word) {
			return 0, 0, false
		}
		i += 3
		if word == "nan" {
			return math.Copysign(math.NaN(), sign), i, true
		}
		if i < len(b) && b[i]|0x20 == 'i' {
			// Having read "infi", scanf wants "infinity".
			if !hasFold(b[i:], "inity") {
				return 0, 0, false
			}
			i += 5
		}
		return math.Inf(int(sign)), i, true
	}
	start := i
	hex := false
	if i+1 < len(b) && b[i] == '0' && b[i+1]|0x20 == 'x' {
		hex = true
		i += 2
	}
	digit := isDigit
	if hex {
		digit = isHexDigit
	}
	digits := 0
	for i < len(b) && digit(b[i]) {
		i++
		digits++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && digit(b[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		if hex {
			// scanf took "0x" and strtod converts its "0".
			return math.Copysign(0, sign), i, true
		}
		return 0, 0, false
	}
	text := string(b[start:i])
	if i < len(b) && (!hex && b[i]|0x20 == 'e' || hex && b[i]|0x20 == 'p') {
		j := i + 1
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for k < len(b) && isDigit(b[k]) {
			k++
		}
		if k > j {
			text += string(b[i:k])
		}
		// Without digits, scanf has still taken the exponent's start,
		// and strtod converts the number before it.
		i = k
	}
	if hex && !bytes.ContainsAny([]byte(text), "pP") {
		text += "p0"
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, 0, false
	}
	return sign * f, i, true
}

func isHexDigit(c byte) bool {
	return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f'
}

// hasFold reports whether b begins with the lower-case word, ignoring
// case.
func hasFold(b []byte, word string) bool {
	if len(b) < len(word) {
		return false
	}
	for i := 0; i < len(word); i++ {
		if b[i]|0x20 != word[i] {
			return false
		}
	}
	return true
}
