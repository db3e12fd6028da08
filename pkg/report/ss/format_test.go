package ss

import (
	"net/netip"
	"testing"
)

// The expected strings below were printed by C's printf (through
// Python's %-formatting, which follows it) and glibc's inet_ntop.

func TestAppendCG(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		prec int
		want string
	}{
		{0.044, 6, "0.044"}, {204, 6, "204"}, {1e-05, 6, "1e-05"}, {0.0001, 6, "0.0001"},
		{123456, 6, "123456"}, {1234567, 6, "1.23457e+06"}, {12345678.9, 6, "1.23457e+07"},
		{0.5, 6, "0.5"}, {2.88671875, 6, "2.88672"}, {1.0 / 3, 6, "0.333333"}, {100, 6, "100"},
		{1e21, 6, "1e+21"}, {9.9999995, 6, "10"}, {0.00012345, 6, "0.00012345"},
		{99999.95, 6, "99999.9"}, {999999.5, 6, "1e+06"}, {0, 6, "0"},
		{14.874941160, 3, "14.9"}, {70.656, 3, "70.7"}, {155.948, 3, "156"}, {999.5, 3, "1e+03"},
		{1, 3, "1"}, {0.0015, 3, "0.0015"}, {12345, 3, "1.23e+04"}, {67.216410256, 3, "67.2"}, {9.995, 3, "9.99"},
	} {
		if got := string(appendCG(nil, tc.v, tc.prec)); got != tc.want {
			t.Errorf("%%.%dg of %v = %q, want %q", tc.prec, tc.v, got, tc.want)
		}
	}
	for _, tc := range []struct {
		v    float64
		want string
	}{{12.25, "12.2"}, {0.05, "0.1"}, {99.95, "100.0"}, {33.333333, "33.3"}} {
		if got := string(appendFloatF(nil, tc.v, 1)); got != tc.want {
			t.Errorf("%%.1f of %v = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestAppendBW(t *testing.T) {
	for _, tc := range []struct {
		v       float64
		numeric bool
		want    string
	}{
		{14874941160, false, "14.9G"}, {70656000000, false, "70.7G"}, {155948181800, false, "156G"},
		{71956267904, false, "72G"}, {0, false, "0"}, {999, false, "999"}, {1000, false, "1k"},
		{1500000, false, "1.5M"}, {2.5e12, false, "2.5T"}, {70656000000, true, "70656000000"},
		{67216410256.41026, true, "67216410256"},
	} {
		if got := string(appendBW(nil, tc.v, tc.numeric)); got != tc.want {
			t.Errorf("bw %v (numeric %v) = %q, want %q", tc.v, tc.numeric, got, tc.want)
		}
	}
}

// TestAppendMsTimer follows print_ms_timer: minutes drop milliseconds,
// ten minutes drop seconds, ten seconds drop milliseconds.
func TestAppendMsTimer(t *testing.T) {
	for _, tc := range []struct {
		ms   uint32
		want string
	}{
		{0, ""}, {5, "005ms"}, {200, "200ms"}, {1000, "1sec"}, {1500, "1.500ms"}, {9999, "9.999ms"},
		{10500, "10sec"}, {59999, "59sec"}, {60000, "1min"}, {61500, "1min1sec"}, {119000, "1min59sec"},
		{600000, "10min"}, {659000, "10min"}, {7140000, "119min"}, {4294967295, "71582min"},
	} {
		if got := string(appendMsTimer(nil, tc.ms)); got != tc.want {
			t.Errorf("timer %d = %q, want %q", tc.ms, got, tc.want)
		}
	}
}

func TestAppendIPv6(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"::", "::"}, {"::1", "::1"}, {"::2", "::2"}, {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
		{"::1.2.3.4", "::1.2.3.4"}, {"1::", "1::"}, {"1:0:0:1::1", "1:0:0:1::1"}, {"fe80::1", "fe80::1"},
		{"2001:db8::1:0:0:1", "2001:db8::1:0:0:1"}, {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},
		{"0:0:0:0:1:0:0:0", "::1:0:0:0"}, {"::ffff:0:1.2.3.4", "::ffff:0:102:304"},
		{"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"}, {"0:0:1::", "0:0:1::"}, {"::0.0.1.2", "::102"},
	} {
		if got := string(appendIPv6(nil, netip.MustParseAddr(tc.in).As16())); got != tc.want {
			t.Errorf("inet_ntop(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
