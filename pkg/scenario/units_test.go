package scenario

import (
	"testing"
	"time"
)

func TestParseBitrate(t *testing.T) {
	good := []struct {
		in   string
		want Bitrate
		out  string
	}{
		{"1Gbit", 1e9, "1Gbit"},
		{"10Gbit", 10e9, "10Gbit"},
		{"100Mbit", 100e6, "100Mbit"},
		{"1.5Gbit", 1.5e9, "1500Mbit"},
		{"64kbit", 64e3, "64Kbit"},
		{"64Kbit/s", 64e3, "64Kbit"},
		{"9600bit", 9600, "9600bit"},
		{"0.001Kbit", 1, "1bit"},
		{"0bit", 0, "0bit"},
		{"400gbit", 400e9, "400Gbit"},
	}
	for _, c := range good {
		got, err := ParseBitrate(c.in)
		if err != nil || got != c.want || got.String() != c.out {
			t.Errorf("ParseBitrate(%q) = %d (%v), %v; want %d (%s)", c.in, got, got, err, c.want, c.out)
		}
		if back, err := ParseBitrate(got.String()); err != nil || back != got {
			t.Errorf("round trip of %q: %d, %v", c.in, back, err)
		}
	}
	bad := map[string]string{
		"1Gbitt":                `bad rate "1Gbitt" (want a number and a unit: bit, Kbit, Mbit, Gbit)`,
		"1000":                  `bad rate "1000" (want a number and a unit: bit, Kbit, Mbit, Gbit)`,
		"1Gbps":                 `bad rate "1Gbps" (bps is ambiguous, tc reads it as bytes per second: write bit, Kbit, Mbit, Gbit)`,
		"0.5bit":                `bad rate "0.5bit" (want a number and a unit: bit, Kbit, Mbit, Gbit)`,
		"-1Gbit":                `bad rate "-1Gbit" (want a number and a unit: bit, Kbit, Mbit, Gbit)`,
		"1.Gbit":                `bad rate "1.Gbit" (want a number and a unit: bit, Kbit, Mbit, Gbit)`,
		"Gbit":                  `bad rate "Gbit" (want a number and a unit: bit, Kbit, Mbit, Gbit)`,
		"1e3Mbit":               `bad rate "1e3Mbit" (want a number and a unit: bit, Kbit, Mbit, Gbit)`,
		"99999999999999999Gbit": `bad rate "99999999999999999Gbit" (want a number and a unit: bit, Kbit, Mbit, Gbit)`,
	}
	for in, want := range bad {
		if _, err := ParseBitrate(in); err == nil || err.Error() != want {
			t.Errorf("ParseBitrate(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestParseSize(t *testing.T) {
	good := []struct {
		in   string
		want Size
		out  string
	}{
		{"1500B", 1500, "1500B"},
		{"1500", 1500, "1500B"},
		{"4KB", 4000, "4KB"},
		{"4kB", 4000, "4KB"},
		{"4KiB", 4096, "4KiB"},
		{"1MiB", 1 << 20, "1MiB"},
		{"1MB", 1e6, "1MB"},
		{"1.5MB", 1.5e6, "1500KB"},
		{"2GiB", 2 << 30, "2GiB"},
		{"2GB", 2e9, "2GB"},
		{"0.5KiB", 512, "512B"},
		{"0", 0, "0B"},
		{"256KB", 256e3, "256KB"},
	}
	for _, c := range good {
		got, err := ParseSize(c.in)
		if err != nil || got != c.want || got.String() != c.out {
			t.Errorf("ParseSize(%q) = %d (%v), %v; want %d (%s)", c.in, got, got, err, c.want, c.out)
		}
		if back, err := ParseSize(got.String()); err != nil || back != got {
			t.Errorf("round trip of %q: %d, %v", c.in, back, err)
		}
	}
	for _, in := range []string{"4kb", "4K", "1.5", "0.1B", "-1B", "B", "", "4 KB", "1TB"} {
		want := `bad size "` + in + `" (want a number and a unit: B, KB, MB, GB, KiB, MiB, GiB)`
		if _, err := ParseSize(in); err == nil || err.Error() != want {
			t.Errorf("ParseSize(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestParsePercent(t *testing.T) {
	good := []struct {
		in   string
		want Percent
		out  string
	}{
		{"0.1%", 1000, "0.1%"},
		{"0.5%", 5000, "0.5%"},
		{"100%", PercentScale, "100%"},
		{"0", 0, "0%"},
		{"0%", 0, "0%"},
		{"0.0001%", 1, "0.0001%"},
		{"12.25%", 122500, "12.25%"},
	}
	for _, c := range good {
		got, err := ParsePercent(c.in)
		if err != nil || got != c.want || got.String() != c.out {
			t.Errorf("ParsePercent(%q) = %d (%v), %v; want %d (%s)", c.in, got, got, err, c.want, c.out)
		}
		if back, err := ParsePercent(got.String()); err != nil || back != got {
			t.Errorf("round trip of %q: %d, %v", c.in, back, err)
		}
	}
	if f := Percent(1000).Fraction(); f != 0.001 {
		t.Errorf("Fraction of 0.1%% = %v", f)
	}
	bad := map[string]string{
		"101%":      `bad percentage "101%" (more than 100%)`,
		"0.1":       `bad percentage "0.1" (want a number and %, like 0.1%)`,
		"-1%":       `bad percentage "-1%" (want a number from 0% to 100% in steps of 0.0001%)`,
		"0.00001%":  `bad percentage "0.00001%" (want a number from 0% to 100% in steps of 0.0001%)`,
		"%":         `bad percentage "%" (want a number from 0% to 100% in steps of 0.0001%)`,
		"100.0001%": `bad percentage "100.0001%" (more than 100%)`,
	}
	for in, want := range bad {
		if _, err := ParsePercent(in); err == nil || err.Error() != want {
			t.Errorf("ParsePercent(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	good := map[string]time.Duration{
		"1.5s": 1500 * time.Millisecond, "200ms": 200 * time.Millisecond, "40us": 40 * time.Microsecond,
		"40µs": 40 * time.Microsecond, "1m": time.Minute, "0": 0, "10ns": 10, "1m30s": 90 * time.Second,
	}
	for in, want := range good {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, err := ParseDuration(got.String()); err != nil || back != got {
			t.Errorf("round trip of %q: %v, %v", in, back, err)
		}
	}
	bad := map[string]string{
		"-1s":  `bad duration "-1s" (negative)`,
		"10":   `bad duration "10" (want a number and a unit: ns, us, ms, s, m, h)`,
		"1sec": `bad duration "1sec" (want a number and a unit: ns, us, ms, s, m, h)`,
		"+1s":  `bad duration "+1s" (want a number and a unit: ns, us, ms, s, m, h)`,
	}
	for in, want := range bad {
		if _, err := ParseDuration(in); err == nil || err.Error() != want {
			t.Errorf("ParseDuration(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestParseQueueLimit(t *testing.T) {
	good := map[string]QueueLimit{
		"1000p": {Packets: 1000}, "256KB": {Bytes: 256000}, "64KiB": {Bytes: 65536}, "1500B": {Bytes: 1500},
	}
	for in, want := range good {
		got, err := ParseQueueLimit(in)
		if err != nil || got != want || got.String() != in {
			t.Errorf("ParseQueueLimit(%q) = %+v (%v), %v; want %+v", in, got, got, err, want)
		}
	}
	for _, in := range []string{"1000", "p", "1.5p", "10x", "-1p", "KB"} {
		want := `bad queue limit "` + in + `" (want packets like 1000p or bytes like 256KB)`
		if _, err := ParseQueueLimit(in); err == nil || err.Error() != want {
			t.Errorf("ParseQueueLimit(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestParseDists(t *testing.T) {
	sizes := map[string]SizeDist{
		"4KB":             {Kind: DistFixed, Mean: 4000, Min: 4000, Max: 4000},
		"exp:4KB":         {Kind: DistExp, Mean: 4000},
		"uniform:1KB-8KB": {Kind: DistUniform, Mean: 4500, Min: 1000, Max: 8000},
	}
	for in, want := range sizes {
		got, err := ParseSizeDist(in)
		if err != nil || got != want || got.String() != in {
			t.Errorf("ParseSizeDist(%q) = %+v (%v), %v; want %+v", in, got, got, err, want)
		}
	}
	times := map[string]TimeDist{
		"10ms":            {Kind: DistFixed, Mean: 10 * time.Millisecond, Min: 10 * time.Millisecond, Max: 10 * time.Millisecond},
		"exp:10ms":        {Kind: DistExp, Mean: 10 * time.Millisecond},
		"uniform:1ms-5ms": {Kind: DistUniform, Mean: 3 * time.Millisecond, Min: time.Millisecond, Max: 5 * time.Millisecond},
	}
	for in, want := range times {
		got, err := ParseTimeDist(in)
		if err != nil || got != want || got.String() != in {
			t.Errorf("ParseTimeDist(%q) = %+v (%v), %v; want %+v", in, got, got, err, want)
		}
	}
	for _, in := range []string{"exp:", "pareto:4KB", "uniform:8KB-1KB", "uniform:1KB", "exp:-1KB"} {
		want := `bad size distribution "` + in + `" (want a size like 4KB, exp:4KB or uniform:1KB-8KB)`
		if _, err := ParseSizeDist(in); err == nil || err.Error() != want {
			t.Errorf("ParseSizeDist(%q) = %v, want %s", in, err, want)
		}
	}
	for _, in := range []string{"exp:10", "uniform:5ms-1ms", "x:1ms"} {
		want := `bad time distribution "` + in + `" (want a duration like 10ms, exp:10ms or uniform:1ms-5ms)`
		if _, err := ParseTimeDist(in); err == nil || err.Error() != want {
			t.Errorf("ParseTimeDist(%q) = %v, want %s", in, err, want)
		}
	}
}

func TestParsePerSecond(t *testing.T) {
	good := map[string]PerSecond{"100/s": 100, "100": 100, "2.5/s": 2.5, "0": 0}
	for in, want := range good {
		got, err := ParsePerSecond(in)
		if err != nil || got != want {
			t.Errorf("ParsePerSecond(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, err := ParsePerSecond(got.String()); err != nil || back != got {
			t.Errorf("round trip of %q: %v, %v", in, back, err)
		}
	}
	for _, in := range []string{"-1/s", "0x10", "1e3", "inf", "NaN", "/s", "10/m"} {
		want := `bad rate "` + in + `" (want events per second, like 100/s)`
		if _, err := ParsePerSecond(in); err == nil || err.Error() != want {
			t.Errorf("ParsePerSecond(%q) = %v, want %s", in, err, want)
		}
	}
}
