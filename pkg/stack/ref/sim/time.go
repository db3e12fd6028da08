package sim

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Time is a point in virtual time, or a span of it, in nanoseconds since the
// start of a simulation.
type Time int64

// Units of virtual time.
const (
	Nanosecond  Time = 1
	Microsecond      = 1000 * Nanosecond
	Millisecond      = 1000 * Microsecond
	Second           = 1000 * Millisecond
	Minute           = 60 * Second
	Hour             = 60 * Minute
)

// Never is the largest representable time; a simulation never reaches it.
const Never Time = math.MaxInt64

// ErrBadTime is wrapped by every error ParseTime returns.
var ErrBadTime = errors.New("bad time")

// FromDuration converts a time.Duration to virtual time.
func FromDuration(d time.Duration) Time { return Time(d) }

// Duration converts t to a time.Duration.
func (t Time) Duration() time.Duration { return time.Duration(t) }

// Seconds returns t in seconds.
func (t Time) Seconds() float64 { return float64(t) / float64(Second) }

// String formats t with the largest unit not above it (s, ms, us or ns) and
// exactly as many decimals as needed: "1.5s", "200ms", "40us", "7ns", "0s".
// ParseTime reads every non-negative result back to the same value.
func (t Time) String() string {
	var buf [32]byte
	return string(t.AppendText(buf[:0]))
}

// AppendText appends the String form of t to b.
func (t Time) AppendText(b []byte) []byte {
	if t == 0 {
		return append(b, "0s"...)
	}
	u := uint64(t)
	if t < 0 {
		b = append(b, '-')
		u = -u // two's complement: correct for math.MinInt64 too
	}
	var div uint64
	var unit string
	switch {
	case u >= uint64(Second):
		div, unit = uint64(Second), "s"
	case u >= uint64(Millisecond):
		div, unit = uint64(Millisecond), "ms"
	case u >= uint64(Microsecond):
		div, unit = uint64(Microsecond), "us"
	default:
		div, unit = 1, "ns"
	}
	b = strconv.AppendUint(b, u/div, 10)
	if frac := u % div; frac != 0 {
		b = append(b, '.')
		for d := div / 10; d > 0 && frac != 0; d /= 10 {
			b = append(b, byte('0'+frac/d))
			frac %= d
		}
	}
	return append(b, unit...)
}

// units maps a unit name to its length in nanoseconds.
var units = []struct {
	name string
	ns   uint64
}{
	{"ns", 1},
	{"us", uint64(Microsecond)},
	{"µs", uint64(Microsecond)}, // U+00B5 micro sign
	{"μs", uint64(Microsecond)}, // U+03BC Greek mu
	{"ms", uint64(Millisecond)},
	{"s", uint64(Second)},
	{"m", uint64(Minute)},
	{"h", uint64(Hour)},
}

// ParseTime parses a non-negative virtual time such as "2s", "150ms",
// "1.5s", "500us", "1m30s" or "0". Units are ns, us (or µs), ms, s, m and h;
// a number without a unit is accepted only for zero. Digits finer than a
// nanosecond are truncated. Errors wrap ErrBadTime.
func ParseTime(s string) (Time, error) {
	bad := func(why string) (Time, error) {
		return 0, fmt.Errorf("sim: %w %q: %s", ErrBadTime, s, why)
	}
	if s == "" {
		return bad("empty")
	}
	if s[0] == '-' {
		return bad("negative")
	}
	if s[0] == '+' {
		return bad("sign not allowed")
	}
	if allZero(s) {
		return 0, nil
	}
	var total uint64
	rest := s
	for rest != "" {
		// Integer part.
		i := 0
		var whole uint64
		overflow := false
		for i < len(rest) && isDigit(rest[i]) {
			if whole > (math.MaxUint64-9)/10 {
				overflow = true
			} else {
				whole = whole*10 + uint64(rest[i]-'0')
			}
			i++
		}
		digits := i
		// Fraction part.
		fracStart, fracEnd := i, i
		if i < len(rest) && rest[i] == '.' {
			i++
			fracStart = i
			for i < len(rest) && isDigit(rest[i]) {
				i++
			}
			fracEnd = i
			digits += fracEnd - fracStart
		}
		if digits == 0 {
			if i < len(rest) && rest[i] == '-' {
				return bad("negative")
			}
			return bad(fmt.Sprintf("expected a number at %q", rest))
		}
		frac := rest[fracStart:fracEnd]
		rest = rest[i:]
		word := unitWord(rest)
		unit, ok := lookupUnit(word)
		if !ok {
			if word == "" {
				return bad("missing unit (ns, us, ms, s, m or h)")
			}
			return bad(fmt.Sprintf("unknown unit %q", word))
		}
		rest = rest[len(word):]
		if overflow || whole > uint64(math.MaxInt64)/unit {
			return bad("out of range")
		}
		v := whole * unit
		scale := unit
		for j := 0; j < len(frac) && scale >= 10; j++ {
			scale /= 10
			v += uint64(frac[j]-'0') * scale
		}
		if v > uint64(math.MaxInt64) || total > uint64(math.MaxInt64)-v {
			return bad("out of range")
		}
		total += v
	}
	return Time(total), nil
}

// MustParseTime is ParseTime for constants in code and tests; it panics on
// an error.
func MustParseTime(s string) Time {
	t, err := ParseTime(s)
	if err != nil {
		panic(err)
	}
	return t
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allZero(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

func lookupUnit(word string) (ns uint64, ok bool) {
	for _, u := range units {
		if u.name == word {
			return u.ns, true
		}
	}
	return 0, false
}

// unitWord returns the run of characters at the start of s up to the next
// number.
func unitWord(s string) string {
	i := 0
	for i < len(s) && !isDigit(s[i]) && s[i] != '.' {
		i++
	}
	return s[:i]
}
