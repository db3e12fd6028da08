package scenario

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// Bitrate is a rate in bits per second, written "1Gbit", "100Mbit",
// "1.5Gbit" or "64Kbit". Prefixes are decimal (K=1000); "/s" may follow the
// unit. "bps" is refused: tc reads it as bytes per second.
type Bitrate int64

// Size is a count of bytes, written "1500B", "4KB" (4000), "4KiB" (4096),
// "1MB", "1MiB", "1GB", "1GiB", or a bare integer of bytes.
type Size int64

// Percent is a probability in parts per million, written "0.1%" (1000);
// "0" alone is 0. The resolution is 0.0001%.
type Percent int64

// PercentScale is the Percent of 100%.
const PercentScale Percent = 1_000_000

// Fraction returns p as a number in [0, 1].
func (p Percent) Fraction() float64 { return float64(p) / float64(PercentScale) }

// PerSecond is a rate of events per second, written "100/s" or "100".
type PerSecond float64

// QueueLimit bounds a queue by packets ("1000p") or by bytes ("256KB");
// exactly one of the two is non-zero once set.
type QueueLimit struct {
	Packets int64
	Bytes   Size
}

// DistKind names the shape of a distribution.
type DistKind string

// The distributions a SizeDist or TimeDist can have.
const (
	DistFixed   DistKind = "fixed"   // always Mean
	DistExp     DistKind = "exp"     // exponential with mean Mean
	DistUniform DistKind = "uniform" // uniform over [Min, Max]
)

// Dist is a distribution of sizes or durations: a fixed value ("4KB"),
// exponential with a mean ("exp:4KB") or uniform over inclusive bounds
// ("uniform:1KB-8KB"). For a fixed value Min, Mean and Max are equal; for
// exp Min and Max are 0 (unbounded); for uniform Mean is the midpoint.
type Dist[T distValue] struct {
	Kind           DistKind
	Mean, Min, Max T
}

// distValue is what a Dist is of.
type distValue interface {
	~int64
	String() string
}

// SizeDist is a distribution of sizes: "4KB", "exp:4KB", "uniform:1KB-8KB".
type SizeDist = Dist[Size]

// TimeDist is a distribution of durations: "10ms", "exp:10ms",
// "uniform:1ms-5ms".
type TimeDist = Dist[time.Duration]

var errSyntax = errors.New("syntax")

// parseDecimal returns the exact value of the non-negative decimal number s
// times mul, failing when it is not a whole number or overflows int64.
func parseDecimal(s string, mul int64) (int64, error) {
	if s == "" {
		return 0, errSyntax
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if hasDot && frac == "" || whole == "" && frac == "" {
		return 0, errSyntax
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, errSyntax
			}
		}
	}
	var v uint64
	var div uint64 = 1
	digits := whole + frac
	if len(strings.TrimLeft(digits, "0")) > 18 || len(frac) > 18 {
		return 0, errors.New("too large")
	}
	for i := 0; i < len(digits); i++ {
		v = v*10 + uint64(digits[i]-'0')
	}
	for range frac {
		div *= 10
	}
	hi, lo := bits.Mul64(v, uint64(mul))
	if hi != 0 {
		return 0, errors.New("too large")
	}
	if lo%div != 0 {
		return 0, errors.New("not a whole number")
	}
	r := lo / div
	if r > math.MaxInt64 {
		return 0, errors.New("too large")
	}
	return int64(r), nil
}

// splitNumber splits s into its leading number (digits and dots) and unit.
func splitNumber(s string) (num, unit string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	return s[:i], s[i:]
}

var bitrateUnits = []struct {
	name string
	mul  int64
}{{"Gbit", 1e9}, {"Mbit", 1e6}, {"Kbit", 1e3}, {"bit", 1}}

// ParseBitrate parses a rate such as "1Gbit" or "2.5Mbit/s".
func ParseBitrate(s string) (Bitrate, error) {
	bad := fmt.Errorf("bad rate %q (want a number and a unit: bit, Kbit, Mbit, Gbit)", s)
	num, unit := splitNumber(s)
	unit = strings.TrimSuffix(unit, "/s")
	if strings.HasSuffix(strings.ToLower(unit), "bps") {
		return 0, fmt.Errorf("bad rate %q (bps is ambiguous, tc reads it as bytes per second: write bit, Kbit, Mbit, Gbit)", s)
	}
	for _, u := range bitrateUnits {
		if strings.EqualFold(unit, u.name) {
			v, err := parseDecimal(num, u.mul)
			if err != nil {
				return 0, bad
			}
			return Bitrate(v), nil
		}
	}
	return 0, bad
}

// String returns r in the largest unit that holds it exactly.
func (r Bitrate) String() string {
	for _, u := range bitrateUnits {
		if r != 0 && int64(r)%u.mul == 0 {
			return strconv.FormatInt(int64(r)/u.mul, 10) + u.name
		}
	}
	return strconv.FormatInt(int64(r), 10) + "bit"
}

var sizeUnits = []struct {
	name string
	mul  int64
}{
	{"GiB", 1 << 30}, {"GB", 1e9}, {"MiB", 1 << 20}, {"MB", 1e6},
	{"KiB", 1 << 10}, {"KB", 1e3}, {"B", 1},
}

// ParseSize parses a size such as "1500B", "4KB" or "1MiB".
func ParseSize(s string) (Size, error) {
	bad := fmt.Errorf("bad size %q (want a number and a unit: B, KB, MB, GB, KiB, MiB, GiB)", s)
	num, unit := splitNumber(s)
	if unit == "" {
		unit = "B"
		if strings.Contains(num, ".") {
			return 0, bad
		}
	}
	if unit == "kB" {
		unit = "KB"
	}
	for _, u := range sizeUnits {
		if unit == u.name {
			v, err := parseDecimal(num, u.mul)
			if err != nil {
				return 0, bad
			}
			return Size(v), nil
		}
	}
	return 0, bad
}

// String returns z exactly in its shortest form, decimal units winning ties:
// 4096 is "4KiB", 256000 is "256KB".
func (z Size) String() string {
	best := strconv.FormatInt(int64(z), 10) + "B"
	for _, u := range sizeUnits {
		if z != 0 && int64(z)%u.mul == 0 {
			s := strconv.FormatInt(int64(z)/u.mul, 10) + u.name
			if len(s) < len(best) || len(s) == len(best) && !strings.Contains(u.name, "i") {
				best = s
			}
		}
	}
	return best
}

// ParsePercent parses a percentage such as "0.1%" or "100%".
func ParsePercent(s string) (Percent, error) {
	if s == "0" {
		return 0, nil
	}
	num, ok := strings.CutSuffix(s, "%")
	if !ok {
		return 0, fmt.Errorf("bad percentage %q (want a number and %%, like 0.1%%)", s)
	}
	v, err := parseDecimal(num, int64(PercentScale)/100)
	if err != nil {
		return 0, fmt.Errorf("bad percentage %q (want a number from 0%% to 100%% in steps of 0.0001%%)", s)
	}
	if v > int64(PercentScale) {
		return 0, fmt.Errorf("bad percentage %q (more than 100%%)", s)
	}
	return Percent(v), nil
}

// String returns p as a percentage, like "0.1%".
func (p Percent) String() string {
	whole := int64(p) / 10000
	frac := int64(p) % 10000
	if frac == 0 {
		return strconv.FormatInt(whole, 10) + "%"
	}
	f := strings.TrimRight(fmt.Sprintf("%04d", frac), "0")
	return strconv.FormatInt(whole, 10) + "." + f + "%"
}

// ParseDuration parses a non-negative duration such as "1.5s", "200ms",
// "40us" or "1m"; "0" alone is zero.
func ParseDuration(s string) (time.Duration, error) {
	if strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("bad duration %q (negative)", s)
	}
	if strings.HasPrefix(s, "+") {
		return 0, fmt.Errorf("bad duration %q (want a number and a unit: ns, us, ms, s, m, h)", s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q (want a number and a unit: ns, us, ms, s, m, h)", s)
	}
	return d, nil
}

// ParsePerSecond parses an event rate such as "100/s" or "2.5".
func ParsePerSecond(s string) (PerSecond, error) {
	num := strings.TrimSuffix(s, "/s")
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" || strings.Trim(num, "0123456789.") != "" || math.IsInf(v, 0) {
		return 0, fmt.Errorf("bad rate %q (want events per second, like 100/s)", s)
	}
	return PerSecond(v), nil
}

// String returns r like "100/s".
func (r PerSecond) String() string {
	return strconv.FormatFloat(float64(r), 'g', -1, 64) + "/s"
}

// ParseQueueLimit parses a queue limit: packets ("1000p") or bytes ("256KB").
func ParseQueueLimit(s string) (QueueLimit, error) {
	if num, ok := strings.CutSuffix(s, "p"); ok && num != "" {
		if v, err := parseDecimal(num, 1); err == nil && !strings.Contains(num, ".") {
			return QueueLimit{Packets: v}, nil
		}
	} else if _, unit := splitNumber(s); unit != "" {
		if z, err := ParseSize(s); err == nil {
			return QueueLimit{Bytes: z}, nil
		}
	}
	return QueueLimit{}, fmt.Errorf("bad queue limit %q (want packets like 1000p or bytes like 256KB)", s)
}

// String returns q like "1000p" or "256KB".
func (q QueueLimit) String() string {
	if q.Bytes != 0 {
		return q.Bytes.String()
	}
	return strconv.FormatInt(q.Packets, 10) + "p"
}

// parseDist splits a distribution into its kind and one or two values.
func parseDist(s string) (kind DistKind, a, b string, ok bool) {
	head, rest, found := strings.Cut(s, ":")
	if !found {
		return DistFixed, s, "", true
	}
	switch DistKind(head) {
	case DistExp:
		return DistExp, rest, "", true
	case DistUniform:
		lo, hi, found := strings.Cut(rest, "-")
		return DistUniform, lo, hi, found
	}
	return "", "", "", false
}

// ParseSizeDist parses "4KB", "exp:4KB" or "uniform:1KB-8KB".
func ParseSizeDist(s string) (SizeDist, error) {
	return parseDistOf(s, ParseSize, "size", "a size like 4KB, exp:4KB or uniform:1KB-8KB")
}

// ParseTimeDist parses "10ms", "exp:10ms" or "uniform:1ms-5ms".
func ParseTimeDist(s string) (TimeDist, error) {
	return parseDistOf(s, ParseDuration, "time", "a duration like 10ms, exp:10ms or uniform:1ms-5ms")
}

// parseDistOf parses a distribution whose values parse reads; what and
// want make the error message.
func parseDistOf[T distValue](s string, parse func(string) (T, error), what, want string) (Dist[T], error) {
	bad := fmt.Errorf("bad %s distribution %q (want %s)", what, s, want)
	kind, a, b, ok := parseDist(s)
	if !ok {
		return Dist[T]{}, bad
	}
	x, err := parse(a)
	if err != nil {
		return Dist[T]{}, bad
	}
	switch kind {
	case DistExp:
		return Dist[T]{Kind: kind, Mean: x}, nil
	case DistUniform:
		y, err := parse(b)
		if err != nil || y < x {
			return Dist[T]{}, bad
		}
		return Dist[T]{Kind: kind, Min: x, Max: y, Mean: x + (y-x)/2}, nil
	}
	return Dist[T]{Kind: kind, Mean: x, Min: x, Max: x}, nil
}

// String returns d in the form ParseSizeDist and ParseTimeDist read.
func (d Dist[T]) String() string {
	switch d.Kind {
	case DistExp:
		return "exp:" + d.Mean.String()
	case DistUniform:
		return "uniform:" + d.Min.String() + "-" + d.Max.String()
	}
	return d.Mean.String()
}
