package conntrack

import (
	"bytes"
	"io"
	"math"
)

// maxLabelBits is the number of connection label bits
// libnetfilter_conntrack accepts in connlabel.conf.
const maxLabelBits = 1024

// LoadLabelNames reads a connlabel.conf file (/etc/xtables/connlabel.conf)
// as libnetfilter_conntrack does and returns the names by bit: "" for
// bits without a name, nil when the file names no label (conntrack then
// prints no labels). Each line is a bit number (decimal, 0x hex or 0
// octal, as strtoul reads it) followed by a name of letters, digits,
// spaces and dashes; lines starting with '#', bad numbers, bits or names
// already taken and names with other characters are skipped; like
// fgets into a 1024-byte buffer, a line longer than 1023 bytes is read as
// several lines.
func LoadLabelNames(r io.Reader) ([]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var (
		names  []string
		taken  = map[string]bool{}
		seen   [maxLabelBits]bool
		maxBit = -1
	)
	for len(data) > 0 {
		// fgets: up to 1023 bytes, through the newline.
		n := len(data)
		if n > 1023 {
			n = 1023
		}
		if i := bytes.IndexByte(data[:n], '\n'); i >= 0 {
			n = i + 1
		}
		line := data[:n]
		data = data[n:]
		// The C code sees the line up to its first NUL.
		if i := bytes.IndexByte(line, 0); i >= 0 {
			line = line[:i]
		}
		if len(line) > 0 && line[0] == '#' {
			continue
		}
		bit, rest, ok := parseLabelBit(line)
		if !ok || seen[bit] {
			continue
		}
		name, ok := trimLabel(rest)
		if !ok || !labelSane(name) || taken[name] {
			continue
		}
		taken[name] = true
		seen[bit] = true
		if bit > maxBit {
			maxBit = bit
			for len(names) <= bit {
				names = append(names, "")
			}
		}
		names[bit] = name
	}
	if maxBit < 0 {
		return nil, nil
	}
	return names, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isSpacePOSIX(c byte) bool {
	return c == ' ' || c == '\f' || c == '\r' || c == '\t' || c == '\v'
}

// parseLabelBit reads a number as strtoul(s, &end, 0) does and checks it
// is a label bit; it returns the rest of the line after the number.
func parseLabelBit(s []byte) (int, []byte, bool) {
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
		if i+2 < len(s) && (s[i+1] == 'x' || s[i+1] == 'X') && hexDigit(s[i+2]) >= 0 {
			base = 16
			i += 2
		} else {
			base = 8
		}
	}
	start := i
	var v uint64
	overflow := false
	for i < len(s) {
		d := hexDigit(s[i])
		if d < 0 || uint64(d) >= base {
			break
		}
		if v > (math.MaxUint64-uint64(d))/base {
			overflow = true
		}
		v = v*base + uint64(d)
		i++
	}
	if i == start {
		// No digits: strtoul sets end to s and returns 0.
		return 0, nil, false
	}
	if overflow {
		return 0, nil, false
	}
	if neg {
		v = -v
	}
	if v >= maxLabelBits {
		return 0, nil, false
	}
	return int(v), s[i:], true
}

func hexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// trimLabel trims a name as libnetfilter_conntrack does: leading blanks,
// the rest of the line from a newline, trailing blanks.
func trimLabel(s []byte) (string, bool) {
	for len(s) > 0 && isSpacePOSIX(s[0]) {
		s = s[1:]
	}
	if i := bytes.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	for len(s) > 1 && isSpacePOSIX(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	if len(s) == 0 {
		return "", false
	}
	return string(s), true
}

// labelSane reports whether a name has only letters, digits, spaces and
// dashes.
func labelSane(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '-' {
			continue
		}
		return false
	}
	return true
}
