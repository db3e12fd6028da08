package tune

import (
	"errors"
	"fmt"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// Sim is a host of the reference stack as a Target: its sysctl tree and,
// its simulated NICs (HostView.NIC, looked up at run time: without it a
// simulated host has no NICs). A simulated host plays its initial
// namespace, so every knob may be written. Without simulation sessions,
// changes last as long as the run that made them: Key is empty and
// nothing is journalled.
type Sim struct {
	// Label names the run for people ("burst", "burst@2s/server").
	Label string
	View  *ref.HostView
	// Record, when set, is told of every change the simulation accepted,
	// in order: a simulation session logs them, so that they last as
	// long as the session (an error stops the apply, which rolls back).
	Record func(SimChange) error
}

// NewSim returns the target for a host view.
func NewSim(label string, v *ref.HostView) *Sim { return &Sim{Label: label, View: v} }

// Name is "sim LABEL".
func (s *Sim) Name() string { return "sim " + s.Label }

// Key is empty: a run's changes are not journalled.
func (s *Sim) Key() string { return "" }

// Namespaced is false: the tree is the host's whole tree.
func (s *Sim) Namespaced() bool { return false }

// Sysctl reads the host's tree.
func (s *Sim) Sysctl(name string) (string, error) {
	v, err := s.View.Host.Sysctl.Get(name)
	if err != nil {
		if errors.Is(err, sysctl.ErrUnknown) {
			err = ErrNoKnob
		}
		return "", &SysctlError{Op: "read", Name: name, Err: err}
	}
	return normalize(v), nil
}

// SetSysctl writes the host's tree as a write to /proc/sys would.
func (s *Sim) SetSysctl(name, value string) error {
	if err := s.View.Host.Sysctl.Set(name, value); err != nil {
		if errors.Is(err, sysctl.ErrUnknown) {
			err = ErrNoKnob
		} else {
			err = sysctl.Errno(err)
		}
		return &SysctlError{Op: "write", Name: name, Value: value, Err: err}
	}
	if s.Record != nil {
		return s.Record(SimChange{Kind: "sysctl", Sysctl: name, Value: value})
	}
	return nil
}

// nicView is the simulated NIC's accessor on ref.HostView (issue 7),
// looked up at run time so that this package builds before it exists.
type nicView interface {
	NIC(name string) (nic.Device, nic.Configurer, error)
}

// NICs lists the host's interfaces that have a simulated NIC.
func (s *Sim) NICs() ([]string, error) {
	nv, ok := any(s.View).(nicView)
	if !ok {
		return nil, nil
	}
	var out []string
	for _, ifc := range s.View.Host.Ifaces {
		if _, _, err := nv.NIC(ifc.Name); err == nil {
			out = append(out, ifc.Name)
		}
	}
	return out, nil
}

// NIC opens a simulated NIC.
func (s *Sim) NIC(name string) (nic.Device, nic.Configurer, error) {
	nv, ok := any(s.View).(nicView)
	if !ok {
		return nil, nil, fmt.Errorf("no NIC %s in %s: the simulated NIC is not modelled yet", name, s.Name())
	}
	dev, cfg, err := nv.NIC(name)
	if err != nil || s.Record == nil {
		return dev, cfg, err
	}
	return dev, &recordingNIC{Configurer: cfg, dev: name, record: s.Record}, nil
}

// CanChange always allows: the simulation is the caller's.
func (s *Sim) CanChange() error { return nil }

// MemTotal is the reference machine's memory.
func (s *Sim) MemTotal() int64 { return sysctl.ReferenceMemory }
