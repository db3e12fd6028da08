package session

import (
	"fmt"
	"syscall"
	"testing"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// fakeNIC stands for the simulated NIC in these tests: it keeps its ring
// sizes and the virtual times it was changed at.
type fakeNIC struct {
	nic.Device // unused read methods panic
	host       *ref.Host
	rx         uint32
	changedAt  []sim.Time
}

func (f *fakeNIC) SetRings(ps []nic.Param) error {
	for _, p := range ps {
		if p.Name != "rx" || p.Value > 4096 {
			return &nic.Error{Op: "set rings", Via: nic.ViaNetlink, Errno: syscall.EINVAL}
		}
		f.rx = p.Value
	}
	f.changedAt = append(f.changedAt, f.host.Now())
	return nil
}
func (f *fakeNIC) SetChannels([]nic.Param) error { return nil }
func (f *fakeNIC) SetCoalesce([]nic.Param) error { return nil }
func (f *fakeNIC) SetPause([]nic.Param) error    { return nil }
func (f *fakeNIC) SetFeatures(req []nic.FeatureRequest) ([]nic.FeatureDiff, error) {
	return []nic.FeatureDiff{{Name: req[0].Name, Requested: true, Changed: true, Active: req[0].On}}, nil
}

// useFakeNICs makes NICOf return a fake NIC per host (eth0 only) for the
// test's duration, and returns the fakes made.
func useFakeNICs(t *testing.T) map[*ref.Host]*fakeNIC {
	t.Helper()
	fakes := map[*ref.Host]*fakeNIC{}
	old := NICOf
	NICOf = func(h *ref.Host, dev string) (nic.Device, nic.Configurer, error) {
		if dev != "eth0" {
			return nil, nil, fmt.Errorf("no device %s", dev)
		}
		f := fakes[h]
		if f == nil {
			f = &fakeNIC{host: h, rx: 128}
			fakes[h] = f
		}
		return f, f, nil
	}
	t.Cleanup(func() { NICOf = old })
	return fakes
}
