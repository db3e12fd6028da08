package sim

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func TestTimeString(t *testing.T) {
	tests := []struct {
		in   Time
		want string
	}{
		{0, "0s"},
		{1, "1ns"},
		{999, "999ns"},
		{40 * Microsecond, "40us"},
		{1500, "1.5us"},
		{200 * Millisecond, "200ms"},
		{1500 * Millisecond, "1.5s"},
		{Second + 1, "1.000000001s"},
		{90 * Second, "90s"},
		{Hour, "3600s"},
		{-1500 * Millisecond, "-1.5s"},
		{Never, "9223372036.854775807s"},
		{math.MinInt64, "-9223372036.854775808s"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("Time(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want Time
	}{
		{"0", 0},
		{"000", 0},
		{"0s", 0},
		{"2s", 2 * Second},
		{"150ms", 150 * Millisecond},
		{"1m", Minute},
		{"500us", 500 * Microsecond},
		{"500µs", 500 * Microsecond},
		{"500μs", 500 * Microsecond},
		{"7ns", 7},
		{"1.5s", 1500 * Millisecond},
		{".5s", 500 * Millisecond},
		{"1.s", Second},
		{"1m30s", 90 * Second},
		{"1h2m3.5s", Hour + 2*Minute + 3500*Millisecond},
		{"1.0000000019s", Second + 1}, // finer than 1 ns: truncated
		{"9223372036.854775807s", Never},
		{"2562047h47m16.854775807s", Never},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTimeErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"-1s", "negative"},
		{"+1s", "sign not allowed"},
		{"5", "missing unit"},
		{"1.5", "missing unit"},
		{"2sec", `unknown unit "sec"`},
		{"3d", `unknown unit "d"`},
		{"s", `expected a number at "s"`},
		{".s", `expected a number at ".s"`},
		{"1s-2s", `unknown unit "s-"`},
		{"1sms", `unknown unit "sms"`},
		{"1s 2s", `unknown unit "s "`},
		{"9223372036.854775808s", "out of range"},
		{"99999999999999999999999s", "out of range"},
		{"2562048h", "out of range"},
		{"9223372036s9223372036s", "out of range"},
	}
	for _, tt := range tests {
		_, err := ParseTime(tt.in)
		if err == nil {
			t.Errorf("ParseTime(%q): no error, want %q", tt.in, tt.want)
			continue
		}
		if !errors.Is(err, ErrBadTime) || !strings.Contains(err.Error(), tt.want) ||
			!strings.HasPrefix(err.Error(), "sim: bad time ") {
			t.Errorf("ParseTime(%q) error = %q, want it to contain %q and wrap ErrBadTime", tt.in, err, tt.want)
		}
	}
}

func TestTimeConversions(t *testing.T) {
	if got := FromDuration(1500 * time.Millisecond); got != 1500*Millisecond {
		t.Errorf("FromDuration = %v", got)
	}
	if got := (2 * Second).Duration(); got != 2*time.Second {
		t.Errorf("Duration = %v", got)
	}
	if got := (1500 * Millisecond).Seconds(); got != 1.5 {
		t.Errorf("Seconds = %v", got)
	}
}

// FuzzParseTime checks that ParseTime never panics, never returns a negative
// time, and that String reads back to the same value.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"0", "2s", "150ms", "1m", "500us", "1.5s", "1h2m3.5s", "-1s", ".5µs", "9223372036.854775807s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseTime(s)
		if err != nil {
			if !errors.Is(err, ErrBadTime) {
				t.Fatalf("ParseTime(%q) error %v does not wrap ErrBadTime", s, err)
			}
			return
		}
		if v < 0 {
			t.Fatalf("ParseTime(%q) = %d, negative", s, int64(v))
		}
		back, err := ParseTime(v.String())
		if err != nil || back != v {
			t.Fatalf("ParseTime(%q) = %d; String %q reads back as %d, %v", s, int64(v), v.String(), int64(back), err)
		}
	})
}
