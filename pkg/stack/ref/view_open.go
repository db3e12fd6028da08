package ref

import (
	"fmt"
	"strings"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// Simulate builds the network sc describes, starts its workloads and runs
// it until virtual time until.
func Simulate(sc *scenario.Scenario, until sim.Time) (*Network, error) {
	n, err := Build(sc)
	if err != nil {
		return nil, err
	}
	if err := n.Start(); err != nil {
		return nil, err
	}
	n.Run(until)
	return n, nil
}

// HostView returns the view of the host named name, or of the first host
// when name is empty. An unknown name is an error listing the hosts.
func (n *Network) HostView(name string) (*HostView, error) {
	if len(n.Hosts) == 0 {
		return nil, fmt.Errorf("scenario %s has no hosts", n.scenarioName())
	}
	if name == "" {
		return n.Hosts[0].View(), nil
	}
	if h := n.Host(name); h != nil {
		return h.View(), nil
	}
	names := make([]string, len(n.Hosts))
	for i, h := range n.Hosts {
		names[i] = h.Name
	}
	return nil, fmt.Errorf("scenario %s has no host %q (hosts: %s)", n.scenarioName(), name, strings.Join(names, ", "))
}

func (n *Network) scenarioName() string {
	if n.Scenario == nil {
		return "(none)"
	}
	return n.Scenario.Name
}
