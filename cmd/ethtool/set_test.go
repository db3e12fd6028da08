package ethtool

import (
	"bytes"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/nic"
)

// fakeConfigurer is a fakeDevice that records changes.
type fakeConfigurer struct {
	fakeDevice
	diffs    []nic.FeatureDiff
	setErr   error
	features []nic.FeatureRequest
	op       string
	params   []nic.Param
}

func (d *fakeConfigurer) SetFeatures(req []nic.FeatureRequest) ([]nic.FeatureDiff, error) {
	d.op, d.features = "features", req
	return d.diffs, d.setErr
}

func (d *fakeConfigurer) set(op string, p []nic.Param) error {
	d.op, d.params = op, p
	return d.setErr
}

func (d *fakeConfigurer) SetChannels(p []nic.Param) error { return d.set("channels", p) }
func (d *fakeConfigurer) SetRings(p []nic.Param) error    { return d.set("rings", p) }
func (d *fakeConfigurer) SetCoalesce(p []nic.Param) error { return d.set("coalesce", p) }
func (d *fakeConfigurer) SetPause(p []nic.Param) error    { return d.set("pause", p) }

func runSetArgs(dev *fakeConfigurer, args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	opts := &Options{
		IO:   &cli.IO{Out: &out, ErrOut: &errOut},
		Open: func(_, name string) (nic.Device, error) { dev.name = name; return dev, nil },
	}
	cmd := NewCmdWith(opts, nil)
	cmd.SetArgs(args)
	code, _ = cli.ExitCode(cmd.Execute())
	return out.String(), errOut.String(), code
}

func TestSetFeatures(t *testing.T) {
	sgOff := []nic.FeatureDiff{
		{Name: "tx-scatter-gather", Requested: true, Changed: true},
		{Name: "rx-gro"},
		{Name: "tx-generic-segmentation", Changed: true},
	}
	refused := []nic.FeatureDiff{{Name: "rx-vlan-filter", Requested: true, Mismatch: true, Wanted: true}}
	partly := []nic.FeatureDiff{
		{Name: "rx-gro", Requested: true, Changed: true, Active: true},
		{Name: "rx-lro", Requested: true, Mismatch: true, Wanted: true},
	}
	tests := []struct {
		name        string
		diffs       []nic.FeatureDiff
		err         error
		args        []string
		out, errOut string
		code        int
		req         []nic.FeatureRequest
	}{
		{name: "as requested", diffs: []nic.FeatureDiff{{Name: "rx-gro", Requested: true, Changed: true}},
			args: []string{"-K", "v", "gro", "off"}, req: []nic.FeatureRequest{{Name: "gro"}}},
		{name: "side effect", diffs: sgOff, args: []string{"-K", "v", "sg", "off"},
			req: []nic.FeatureRequest{{Name: "sg"}},
			out: "Actual changes:\ntx-scatter-gather: off\ntx-generic-segmentation: off [not requested]\n"},
		{name: "fixed", diffs: refused, args: []string{"--features", "v", "rx-vlan-filter", "on"}, code: 1,
			req: []nic.FeatureRequest{{Name: "rx-vlan-filter", On: true}},
			out: "Actual changes:\nrx-vlan-filter: off [requested on]\n", errOut: "Could not change any device features\n"},
		{name: "partly", diffs: partly, args: []string{"--offload", "v", "gro", "on", "lro", "on"},
			req: []nic.FeatureRequest{{Name: "gro", On: true}, {Name: "lro", On: true}},
			out: "Actual changes:\nrx-gro: on\nrx-lro: off [requested on]\n"},
		{name: "nothing", args: []string{"-K", "v"}, code: 1, errOut: "Could not change any device features\n"},
		{name: "stop at --", args: []string{"-K", "v", "--", "tso", "off"}, code: 1,
			errOut: "Could not change any device features\n"},
		{name: "no value", args: []string{"-K", "v", "tso"}, code: 1,
			errOut: "ethtool (-K): flag '(null)' for parameter '(null)' is not followed by 'on' or 'off'\n"},
		{name: "bad value", args: []string{"-K", "v", "tso", "of"}, code: 1,
			errOut: "ethtool (-K): flag 'of' for parameter '(null)' is not followed by 'on' or 'off'\n"},
		{name: "kernel error", err: &nic.Error{Via: nic.ViaNetlink, Errno: syscall.EOPNOTSUPP,
			Message: "bit name not found", Offset: 52}, args: []string{"-K", "v", "foo", "on"}, code: 92,
			req:    []nic.FeatureRequest{{Name: "foo", On: true}},
			errOut: "netlink error: bit name not found (offset 52)\nnetlink error: Operation not supported\n"},
		{name: "malformed", err: nic.ErrMalformedDiff, args: []string{"-K", "v", "gro", "on"},
			req: []nic.FeatureRequest{{Name: "gro", On: true}}, errOut: "malformed diff info from kernel\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dev := &fakeConfigurer{diffs: tt.diffs, setErr: tt.err}
			out, errOut, code := runSetArgs(dev, tt.args...)
			if out != tt.out || errOut != tt.errOut || code != tt.code {
				t.Errorf("got stdout %q stderr %q code %d\nwant stdout %q stderr %q code %d",
					out, errOut, code, tt.out, tt.errOut, tt.code)
			}
			if diff := cmp.Diff(tt.req, dev.features); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetParams(t *testing.T) {
	einval := &nic.Error{Via: nic.ViaNetlink, Errno: syscall.EINVAL,
		Message: "requested channel count exceeds maximum", Offset: 32}
	tests := []struct {
		name   string
		err    error
		args   []string
		errOut string
		code   int
		op     string
		params []nic.Param
	}{
		{name: "channels", args: []string{"-L", "v", "tx", "0x2", "rx", "010"}, op: "channels",
			params: []nic.Param{{Name: "tx", Value: 2}, {Name: "rx", Value: 8}}},
		{name: "channels refused", err: einval, args: []string{"--set-channels", "v", "combined", "3"}, code: 1,
			op: "channels", params: []nic.Param{{Name: "combined", Value: 3}},
			errOut: "netlink error: requested channel count exceeds maximum (offset 32)\nnetlink error: Invalid argument\n"},
		{name: "rings refused", err: &nic.Error{Via: nic.ViaNetlink, Errno: syscall.EOPNOTSUPP},
			args: []string{"-G", "v", "rx", "10"}, code: 81, op: "rings", params: []nic.Param{{Name: "rx", Value: 10}},
			errOut: "netlink error: Operation not supported\n"},
		{name: "rings no parameters", args: []string{"--set-ring", "v"}, op: "rings"},
		{name: "coalesce", args: []string{"-C", "v", "rx-frames", "5", "adaptive-rx", "on"}, op: "coalesce",
			params: []nic.Param{{Name: "rx-frames", Value: 5}, {Name: "adaptive-rx", Value: 1}}},
		{name: "pause refused", err: &nic.Error{Via: nic.ViaNetlink, Errno: syscall.EOPNOTSUPP},
			args: []string{"--pause", "v", "autoneg", "off"}, code: 76, op: "pause",
			params: []nic.Param{{Name: "autoneg", Value: 0}}, errOut: "netlink error: Operation not supported\n"},
		{name: "unknown", args: []string{"-L", "v", "foo", "1"}, code: 1,
			errOut: "ethtool (-L): unknown parameter 'foo'\n"},
		{name: "duplicate", args: []string{"-L", "v", "rx", "1", "rx", "2"}, code: 1,
			errOut: "ethtool (-L): duplicate parameter 'rx'\n"},
		{name: "no value", args: []string{"-G", "v", "rx"}, code: 1,
			errOut: "ethtool (-G): no value for parameter 'rx'\n"},
		{name: "negative", args: []string{"-L", "v", "rx", "-1"}, code: 1,
			errOut: "ethtool (-L): invalid value '-1' for parameter 'rx'\n"},
		{name: "on/off", args: []string{"-A", "v", "rx", "1"}, code: 1,
			errOut: "ethtool (-A): invalid value '1' for parameter 'rx'\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dev := &fakeConfigurer{setErr: tt.err}
			out, errOut, code := runSetArgs(dev, tt.args...)
			if out != "" || errOut != tt.errOut || code != tt.code {
				t.Errorf("got stdout %q stderr %q code %d\nwant stderr %q code %d", out, errOut, code, tt.errOut, tt.code)
			}
			if dev.op != tt.op {
				t.Errorf("operation %q, want %q", dev.op, tt.op)
			}
			if diff := cmp.Diff(tt.params, dev.params); diff != "" {
				t.Errorf("parameters (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCU32(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"0", 0, true}, {"12", 12, true}, {"0x1f", 31, true}, {"0X1F", 31, true}, {"017", 15, true},
		{"4294967295", 1<<32 - 1, true}, {"4294967296", 0, false}, {"-1", 0, false}, {"-0", 0, true},
		{"+7", 7, true}, {" 7", 7, true}, {"7 ", 0, false}, {"", 0, true}, {" ", 0, false},
		{"0x", 0, false}, {"08", 0, false}, {"1_0", 0, false}, {"0b1", 0, false}, {"x", 0, false},
		{"99999999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseCU32(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseCU32(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseCU32(f *testing.F) {
	for _, s := range []string{"0x10", "-1", "017", " +5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = parseCU32(s)
	})
}
