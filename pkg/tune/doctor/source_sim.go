package doctor

import (
	"time"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack/ref"
)

// SimSource is a host of the reference stack as a Source: its sockets,
// counters and conntrack table through the view, its sysctls through
// settings (a tune.Sim of the same view), its NICs through the view's
// simulated NICs when it has them (else settings'), the virtual time as
// its uptime. The simulation models no socket memory accounting and no
// file descriptors: those checks are skipped.
func SimSource(v *ref.HostView, settings Settings) *Source {
	if nv, ok := any(v).(SimNICs); ok {
		settings = simSettings{Settings: settings, v: v, nics: nv}
	}
	return &Source{Stack: v, Counters: v, Flows: v, Settings: settings,
		Uptime: func() (time.Duration, error) { return time.Duration(v.Host.Now()), nil }}
}

// SimNICs is the simulated NIC accessor of a reference stack host view
// (issue 7), looked up at run time.
type SimNICs interface {
	NIC(name string) (nic.Device, nic.Configurer, error)
}

// simSettings reads NICs from the view, sysctls from the settings.
type simSettings struct {
	Settings
	v    *ref.HostView
	nics SimNICs
}

// NICs lists the interfaces that have a simulated NIC.
func (s simSettings) NICs() ([]string, error) {
	var out []string
	for _, ifc := range s.v.Host.Ifaces {
		if _, _, err := s.nics.NIC(ifc.Name); err == nil {
			out = append(out, ifc.Name)
		}
	}
	return out, nil
}

// NIC opens one.
func (s simSettings) NIC(name string) (nic.Device, nic.Configurer, error) { return s.nics.NIC(name) }
