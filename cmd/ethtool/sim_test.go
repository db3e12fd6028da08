package ethtool

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stackbox/stackbox/internal/session"
	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref"
)

// fakeSimNIC stands for the simulated NIC: rings that -G changes (at
// most 4096) and one feature, rx-gro, that -K changes.
type fakeSimNIC struct {
	fakeConfigurer
	gro bool
}

func (d *fakeSimNIC) SetRings(ps []nic.Param) error {
	for _, p := range ps {
		if p.Name != "rx" || p.Value > *d.rings.RXMax {
			return &nic.Error{Op: "set rings", Via: nic.ViaNetlink, Errno: syscall.EINVAL,
				Message: "requested ring size exceeds maximum", Offset: 36}
		}
		d.rings.RX = nic.U32(p.Value)
	}
	return nil
}

func (d *fakeSimNIC) SetFeatures(req []nic.FeatureRequest) ([]nic.FeatureDiff, error) {
	var diffs []nic.FeatureDiff
	for _, r := range req {
		if r.Name == "gro" || r.Name == "rx-gro" {
			diffs = append(diffs, nic.FeatureDiff{Name: "rx-gro", Requested: true, Changed: d.gro != r.On, Active: r.On})
			d.gro = r.On
		}
		if r.Name == "lro" && r.On {
			diffs = append(diffs, nic.FeatureDiff{Name: "rx-lro", Requested: true, Mismatch: true, Wanted: true})
		}
	}
	return diffs, nil
}

func (d *fakeSimNIC) Features() ([]nic.Feature, error) {
	return []nic.Feature{{Name: "rx-gro", Active: d.gro, Wanted: d.gro}}, nil
}

// useFakeSimNICs makes every simulated host's eth0 a fakeSimNIC.
func useFakeSimNICs(t *testing.T) {
	t.Helper()
	fakes := map[*ref.Host]*fakeSimNIC{}
	old := session.NICOf
	session.NICOf = func(h *ref.Host, dev string) (nic.Device, nic.Configurer, error) {
		if dev != "eth0" {
			return nil, nil, fmt.Errorf("no device %s", dev)
		}
		f := fakes[h]
		if f == nil {
			f = &fakeSimNIC{gro: true}
			f.name = dev
			f.rings = nic.Rings{RXMax: nic.U32(4096), TXMax: nic.U32(4096), RX: nic.U32(128), TX: nic.U32(512)}
			fakes[h] = f
		}
		return f, f, nil
	}
	t.Cleanup(func() { session.NICOf = old })
}

func runSim(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	opts := &Options{IO: &cli.IO{Out: &out, ErrOut: &errOut}, Open: func(netns, dev string) (nic.Device, error) {
		panic("a host NIC was opened")
	}}
	cmd := NewCmdWith(opts, nil)
	cmd.SetArgs(args)
	code, _ = cli.ExitCode(cmd.Execute())
	return out.String(), errOut.String(), code
}

func TestSimErrors(t *testing.T) {
	useFakeSimNICs(t)
	t.Setenv("STACKBOX_SIM_DIR", t.TempDir())
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--sim", "web", "--at", "1s", "eth7"}, "ethtool: host client1 of scenario web has no device eth7\n"},
		{[]string{"--sim", "web", "--host", "nosuch", "eth0"}, "ethtool: --host: scenario web has no host \"nosuch\" (hosts: client1, client2, client3, router, server)\n"},
		{[]string{"--host", "server", "eth0"}, "ethtool: option '--host' needs --sim\n"},
		{[]string{"--sim", "web", "--netns", "x", "eth0"}, "ethtool: --netns and --sim cannot go together\n"},
		{[]string{"--sim", "nosuch", "eth0"}, "ethtool: scenario \"nosuch\": no such file and no shipped scenario of that name (shipped: " +
			strings.Join(shippedNames(), ", ") + ")\n"},
		{[]string{"--sim"}, "ethtool: bad command line argument(s)\nFor more information run ethtool -h\n"},
	} {
		out, errOut, code := runSim(tt.args...)
		if code != 1 || errOut != tt.want || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 1, %q", tt.args, code, out, errOut, tt.want)
		}
	}
}

func TestSimSessionChanges(t *testing.T) {
	useFakeSimNICs(t)
	dir := t.TempDir()
	t.Setenv("STACKBOX_SIM_DIR", dir)
	s, err := session.New("s1", "burst")
	if err != nil {
		t.Fatal(err)
	}
	st := &session.Store{Dir: dir}
	if err := st.Create(s); err != nil {
		t.Fatal(err)
	}
	rx := func(args ...string) string {
		t.Helper()
		out, errOut, code := runSim(append(args, "-g", "eth0")...)
		if code != 0 {
			t.Fatalf("%q -g: exit %d: %s", args, code, errOut)
		}
		for _, l := range strings.Split(out, "\n")[6:] { // the current settings
			if v, ok := strings.CutPrefix(l, "RX:\t\t"); ok {
				return v
			}
		}
		t.Fatalf("no RX line in\n%s", out)
		return ""
	}
	if got := rx("--sim", "s1", "--host", "sink"); got != "128" {
		t.Errorf("rx before the change: %s", got)
	}
	// Advance to 1s, then change the ring.
	s, _ = st.Load("s1")
	s.Now = 1e9
	st.Save(s)
	if out, errOut, code := runSim("--sim", "s1", "--host", "sink", "-G", "eth0", "rx", "4096"); code != 0 || out != "" || errOut != "" {
		t.Fatalf("-G: exit %d, %q, %q", code, out, errOut)
	}
	// A refused change is not logged.
	_, errOut, code := runSim("--sim", "s1", "--host", "sink", "-G", "eth0", "rx", "8192")
	if code != 81 || !strings.Contains(errOut, "requested ring size exceeds maximum") {
		t.Errorf("-G rx 8192: exit %d, %q", code, errOut)
	}
	// -K is logged with the words given; as requested, ethtool prints
	// nothing.
	out, errOut, code := runSim("--sim", "s1", "--host", "sink", "-K", "eth0", "gro", "off")
	if code != 0 || out != "" {
		t.Errorf("-K gro off: exit %d, %q, %q", code, out, errOut)
	}
	// Nothing could be changed: ethtool fails and nothing is logged.
	out, errOut, code = runSim("--sim", "s1", "--host", "sink", "-K", "eth0", "lro", "on")
	if code != 1 || out != "Actual changes:\nrx-lro: off [requested on]\n" || errOut != "Could not change any device features\n" {
		t.Errorf("-K lro on: exit %d, %q, %q", code, out, errOut)
	}
	s, _ = st.Load("s1")
	var log []string
	for _, c := range s.Changes {
		log = append(log, fmt.Sprintf("%s %s %s", c.At, c.Host, c.Command()))
	}
	if got, want := strings.Join(log, "\n"), "1s sink ethtool -G eth0 rx 4096\n1s sink ethtool -K eth0 gro off"; got != want {
		t.Errorf("log:\n%s\nwant\n%s", got, want)
	}
	// Reads replay: the change shows from 1s on, not before.
	if got := rx("--sim", "s1", "--host", "sink"); got != "4096" {
		t.Errorf("rx at the session's time: %s", got)
	}
	if got := rx("--sim", "s1", "--host", "sink", "--at", "500ms"); got != "128" {
		t.Errorf("rx at 500ms: %s", got)
	}
	if got := rx("--sim", "s1", "--host", "sink", "--at", "1500ms"); got != "4096" {
		t.Errorf("rx at 1.5s: %s", got)
	}
	// The same read twice reads the same.
	a, _, _ := runSim("--sim", "s1", "--host", "sink", "-k", "eth0")
	b, _, _ := runSim("--sim", "s1", "--host", "sink", "-k", "eth0")
	if a != b || !strings.Contains(a, "generic-receive-offload: off") {
		t.Errorf("-k twice:\n%s\n----\n%s", a, b)
	}
	// Changes go at the session's time: --at cannot go with them.
	_, errOut, code = runSim("--sim", "s1", "--at", "2s", "--host", "sink", "-G", "eth0", "rx", "256")
	if code != 1 || !strings.Contains(errOut, "--at cannot go with a change to session s1: changes are made at its current time (1s;") {
		t.Errorf("-G with --at: exit %d, %q", code, errOut)
	}
	// On a scenario a change is made on that run only, with a notice.
	out, errOut, code = runSim("--sim", "burst", "--host", "sink", "-G", "eth0", "rx", "256")
	if code != 0 || out != "" || !strings.Contains(errOut, "ethtool: note: burst is a scenario, not a session") {
		t.Errorf("-G on a scenario: exit %d, %q, %q", code, out, errOut)
	}
	if s, _ := st.Load("s1"); len(s.Changes) != 2 {
		t.Errorf("the session has %d changes, want 2", len(s.Changes))
	}
	if names, _ := st.List(); len(names) != 1 {
		t.Errorf("sessions: %q", names)
	}
	if _, err := filepath.Glob(filepath.Join(dir, "*.tmp")); err != nil {
		t.Error(err)
	}
}

func TestSimJSONFailure(t *testing.T) {
	useFakeSimNICs(t)
	t.Setenv("STACKBOX_SIM_DIR", t.TempDir())
	old := session.NICOf
	session.NICOf = func(h *ref.Host, dev string) (nic.Device, nic.Configurer, error) {
		d, c, err := old(h, dev)
		d.(*fakeSimNIC).err = &nic.Error{Op: "get rings", Via: nic.ViaNetlink, Errno: syscall.EOPNOTSUPP}
		return d, c, err
	}
	out, errOut, code := runSim("--json", "--sim", "burst", "--host", "sink", "-g", "eth0")
	if code != 1 || out != "[ ]\n" || errOut != "netlink error: Operation not supported\n" {
		t.Errorf("--json -g failing: exit %d, %q, %q", code, out, errOut)
	}
}

func shippedNames() []string { return scenario.Shipped() }
