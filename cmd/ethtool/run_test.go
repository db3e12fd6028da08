package ethtool

import (
	"bytes"
	"syscall"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/nic"
)

// fakeDevice is a nic.Device with fixed answers.
type fakeDevice struct {
	name     string
	di       nic.DriverInfo
	rings    nic.Rings
	channels nic.Channels
	coalesce nic.Coalesce
	features []nic.Feature
	stats    []nic.Stat
	pause    nic.Pause
	ts       nic.Timestamping
	link     nic.LinkSettings
	err      error
}

func (d *fakeDevice) Name() string                            { return d.name }
func (d *fakeDevice) DriverInfo() (nic.DriverInfo, error)     { return d.di, d.err }
func (d *fakeDevice) Rings() (nic.Rings, error)               { return d.rings, d.err }
func (d *fakeDevice) Channels() (nic.Channels, error)         { return d.channels, d.err }
func (d *fakeDevice) Coalesce() (nic.Coalesce, error)         { return d.coalesce, d.err }
func (d *fakeDevice) Features() ([]nic.Feature, error)        { return d.features, d.err }
func (d *fakeDevice) Stats() ([]nic.Stat, error)              { return d.stats, d.err }
func (d *fakeDevice) Pause() (nic.Pause, error)               { return d.pause, d.err }
func (d *fakeDevice) Timestamping() (nic.Timestamping, error) { return d.ts, d.err }
func (d *fakeDevice) LinkSettings() (nic.LinkSettings, error) { return d.link, d.err }

func runArgs(t *testing.T, dev *fakeDevice, args ...string) (stdout, stderr string, code int, netns string) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := &Options{
		IO: &cli.IO{Out: &out, ErrOut: &errOut},
		Open: func(ns, name string) (nic.Device, error) {
			netns = ns
			dev.name = name
			return dev, nil
		},
	}
	cmd := NewCmdWith(opts, nil)
	cmd.SetArgs(args)
	err := cmd.Execute()
	code, _ = cli.ExitCode(err)
	return out.String(), errOut.String(), code, netns
}

func TestRun(t *testing.T) {
	nodev := &nic.Error{Via: nic.ViaNetlink, Errno: syscall.ENODEV, Message: "no device matches name", Offset: 24}
	tests := []struct {
		name   string
		dev    *fakeDevice
		args   []string
		out    string
		errOut string
		code   int
		wantNS string
	}{
		{name: "channels", dev: &fakeDevice{channels: nic.Channels{CombinedMax: nic.U32(4), Combined: nic.U32(2)}},
			args: []string{"--netns", "blue", "-l", "x"}, wantNS: "blue",
			out: "Channel parameters for x:\nPre-set maximums:\nRX:\t\tn/a\nTX:\t\tn/a\nOther:\t\tn/a\nCombined:\t4\n" +
				"Current hardware settings:\nRX:\t\tn/a\nTX:\t\tn/a\nOther:\t\tn/a\nCombined:\t2\n"},
		{name: "netlink error", dev: &fakeDevice{err: nodev}, args: []string{"-g", "nope"}, code: 1,
			errOut: "netlink error: no device matches name (offset 24)\nnetlink error: No such device\n"},
		{name: "ioctl error", dev: &fakeDevice{err: &nic.Error{Via: nic.ViaIoctl, Errno: syscall.ENODEV}},
			args: []string{"-i", "nope"}, code: 71,
			errOut: "Cannot get driver information: No such device\n"},
		{name: "unexpected", dev: &fakeDevice{}, args: []string{"-l", "a", "b"}, code: 1,
			errOut: "ethtool: unexpected parameter 'b'\n"},
		{name: "ioctl extra", dev: &fakeDevice{}, args: []string{"-i", "a", "b"}, code: 1,
			errOut: "ethtool: bad command line argument(s)\nFor more information run ethtool -h\n"},
		{name: "long name", dev: &fakeDevice{}, args: []string{"-i", "0123456789abcdef"}, code: 1,
			errOut: "ethtool netlink support for subcommand missing, device name longer than 15 not supported\n"},
		{name: "no stats", dev: &fakeDevice{err: nic.ErrNoStats}, args: []string{"-S", "tun0"}, code: 94,
			errOut: "no stats available\n"},
		{name: "stats order", dev: &fakeDevice{stats: []nic.Stat{{Name: "z", Value: 1}, {Name: "a", Value: 2}}}, args: []string{"-S", "x"},
			out: "NIC statistics:\n     z: 1\n     a: 2\n"},
		{name: "version", dev: &fakeDevice{}, args: []string{"--version"}, out: "ethtool version 6.1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code, ns := runArgs(t, tt.dev, tt.args...)
			if out != tt.out || errOut != tt.errOut || code != tt.code || ns != tt.wantNS {
				t.Errorf("got stdout %q stderr %q code %d netns %q\nwant stdout %q stderr %q code %d netns %q",
					out, errOut, code, ns, tt.out, tt.errOut, tt.code, tt.wantNS)
			}
		})
	}
}
