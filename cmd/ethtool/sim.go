package ethtool

import (
	"fmt"

	"github.com/stackbox/stackbox/pkg/scenario"
)

// simNIC answers an invocation with --sim: the scenario and host are
// checked, but the simulated NIC (its rings, channels, coalescing,
// offloads and statistics) is not modelled yet, so every query fails.
func simNIC(inv invocation) error {
	if err := inv.sim.Check("ethtool"); err != nil {
		return &plainError{code: 1, msg: err.Error()}
	}
	if inv.netns != "" {
		return &plainError{code: 1, msg: "ethtool: --netns and --sim cannot go together"}
	}
	sc, err := scenario.Resolve(inv.sim.Scenario)
	if err != nil {
		return &plainError{code: 1, msg: "ethtool: " + err.Error()}
	}
	host := inv.sim.Host
	if host == "" && len(sc.Hosts) > 0 {
		host = sc.Hosts[0].Name
	}
	for _, h := range sc.Hosts {
		if h.Name != host {
			continue
		}
		for _, ifc := range h.Interfaces {
			if ifc.Name == inv.dev {
				return &plainError{code: 1, msg: fmt.Sprintf("ethtool: %s on %s: the simulated NIC is not modelled yet", inv.dev, host)}
			}
		}
		return &plainError{code: 1, msg: fmt.Sprintf("ethtool: host %s of scenario %s has no device %s", host, sc.Name, inv.dev)}
	}
	return &plainError{code: 1, msg: fmt.Sprintf("ethtool: --host: scenario %s has no host %q", sc.Name, host)}
}
