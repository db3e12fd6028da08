package ethtool

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args []string
		want invocation
		err  error
	}{
		{args: []string{"-i", "eth0"}, want: invocation{mode: modeDriver, dev: "eth0"}},
		{args: []string{"--driver", "eth0"}, want: invocation{mode: modeDriver, dev: "eth0"}},
		{args: []string{"-g", "eth0", "x"}, want: invocation{mode: modeRings, dev: "eth0", extra: []string{"x"}}},
		{args: []string{"--show-channels", "b"}, want: invocation{mode: modeChannels, dev: "b"}},
		{args: []string{"eth0"}, want: invocation{mode: modeLinkSettings, dev: "eth0"}},
		{args: []string{"--netns", "blue", "--json", "-l", "a"},
			want: invocation{mode: modeChannels, dev: "a", netns: "blue", json: true}},
		{args: []string{"--debug", "0", "-i", "a"}, want: invocation{mode: modeDriver, dev: "a"}},
		{args: []string{"--version"}, want: invocation{mode: modeVersion}},
		{args: []string{"--help"}, want: invocation{mode: modeHelp}},
		{args: nil, err: badArgs{}},
		{args: []string{"-i"}, err: badArgs{}},
		{args: []string{"--netns"}, err: badArgs{}},
		{args: []string{"-q", "a"}, err: badArgs{}},
		{args: []string{"--show-rin", "a"}, err: badArgs{}}, // no abbreviations
	}
	for _, tt := range tests {
		got, err := parseArgs(tt.args)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("%q: error %v, want %v", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(invocation{})); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.args, diff)
		}
	}
}

// TestSimAfterDevice checks that stackbox's --sim, --at and --host may
// follow the device, as in `ethtool -S eth0 --sim burst`.
func TestSimAfterDevice(t *testing.T) {
	inv, err := parseArgs([]string{"-G", "eth0", "rx", "4096", "--sim", "burst", "--host=sink", "--at", "1s"})
	if err != nil {
		t.Fatal(err)
	}
	if inv.dev != "eth0" || strings.Join(inv.extra, " ") != "rx 4096" || inv.sim.Scenario != "burst" ||
		inv.sim.Host != "sink" || inv.sim.At != "1s" {
		t.Errorf("parsed %+v", inv)
	}
	if _, err := parseArgs([]string{"-S", "eth0", "--sim"}); err == nil {
		t.Error("--sim without a value after the device: no error")
	}
}
