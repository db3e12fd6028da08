package ref

import (
	"fmt"
	"time"

	"github.com/stackbox/stackbox/pkg/nic"
)

// NIC returns the simulated NIC of the host's interface name, readable
// (ethtool's queries) and changeable (-G, -L, -C, -K, -A); changes take
// effect in the running simulation.
func (v *HostView) NIC(name string) (nic.Device, nic.Configurer, error) {
	ifc := v.Host.Interface(name)
	if ifc == nil {
		return nil, nil, fmt.Errorf("host %s has no device %s", v.Host.Name, name)
	}
	if ifc.nic == nil {
		return nil, nil, fmt.Errorf("%s on host %s has no link, so no simulated NIC", name, v.Host.Name)
	}
	return ifc.nic, ifc.nic, nil
}

// CPUTime returns the CPU time the host's simulated CPUs spent on
// networking (interrupts, NAPI polls, the stack's per-packet work, by the
// NIC model's cost model) since the simulation started.
func (v *HostView) CPUTime() time.Duration {
	if c := v.Host.NICCPUs(); c != nil {
		return c.TotalUsed().Duration()
	}
	return 0
}
