package ref

import (
	"fmt"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// Network is one simulation: the engine, the hosts and the links and
// switches between them.
type Network struct {
	Engine   *sim.Engine
	Scenario *scenario.Scenario
	Hosts    []*Host
	Switches []*Switch
	Links    []*Link

	pool packetPool
	work *workloadSet // the running workloads (workload.go), set by Start
}

// Link is a full-duplex link of the topology.
type Link struct {
	Name   string
	AB, BA *sim.Link[*Packet]
}

// Switch is a learning Ethernet switch: it forwards a frame to the port
// where it has seen the destination interface, and floods frames for
// unknown destinations and broadcasts (ARP requests) to every other port.
type Switch struct {
	Name  string
	ports []*sim.Link[*Packet] // the way out of each port
	fdb   map[*Interface]int   // learned: interface -> port (looked up, never iterated)
}

// New returns an empty network whose engine is seeded with seed.
func New(seed uint64) *Network {
	return &Network{Engine: sim.New(seed)}
}

// Build makes the network a scenario describes: hosts with their
// interfaces, addresses, routes and sysctls, switches, links. Workloads are
// started by Start.
func Build(sc *scenario.Scenario) (*Network, error) {
	n := New(sc.Seed)
	n.Scenario = sc
	for i := range sc.Hosts {
		sh := &sc.Hosts[i]
		h := n.AddHost(sh.Name)
		if sh.CPUs > 0 {
			h.CPUs = sh.CPUs
		}
		for _, si := range sh.Interfaces {
			mtu := si.MTU
			if mtu == 0 {
				mtu = 1500
			}
			q := si.TxQueueLen
			if q == 0 {
				q = 1000
			}
			h.addInterface(si.Name, si.Addresses, mtu, q)
		}
		for _, sr := range sh.Routes {
			r := Route{To: sr.To, Via: sr.Via, Metric: sr.Metric}
			if sr.Dev != "" {
				r.Dev = h.Interface(sr.Dev)
			} else if rr, ok := h.route(sr.Via); ok {
				r.Dev = rr.Dev
			}
			if r.Dev == nil {
				return nil, fmt.Errorf("%s:%d: hosts: %s: route to %s: no interface reaches %s", sc.File, sr.Line, h.Name, sr.To, sr.Via)
			}
			h.AddRoute(r)
		}
		for _, s := range sh.Sysctls {
			if err := h.Sysctl.Set(s.Name, s.Value); err != nil {
				return nil, fmt.Errorf("%s:%d: hosts: %s: sysctls: %w", sc.File, s.Line, h.Name, err)
			}
		}
		if err := h.applyFirewall(sc.File, sh.Firewall); err != nil {
			return nil, err
		}
	}
	for _, ss := range sc.Switches {
		n.Switches = append(n.Switches, &Switch{Name: ss.Name, fdb: map[*Interface]int{}})
	}
	for i := range sc.Links {
		if err := n.connect(&sc.Links[i]); err != nil {
			return nil, fmt.Errorf("%s:%d: links[%d]: %w", sc.File, sc.Links[i].Line, i, err)
		}
	}
	// Each linked interface gets its simulated NIC (nic_stack.go).
	if err := n.attachNICs(sc); err != nil {
		return nil, err
	}
	return n, nil
}

// AddHost adds a host with the stack's defaults.
func (n *Network) AddHost(name string) *Host {
	h := &Host{Name: name, Net: n, Sysctl: sysctl.New(), CPUs: 1}
	h.init()
	n.Hosts = append(n.Hosts, h)
	return h
}

// Host returns the host named name, or nil.
func (n *Network) Host(name string) *Host {
	for _, h := range n.Hosts {
		if h.Name == name {
			return h
		}
	}
	return nil
}

func (n *Network) switchNamed(name string) *Switch {
	for _, s := range n.Switches {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// endpoint resolves one end of a link: the receive function for frames
// arriving there, and a function attaching the link that leaves from it.
func (n *Network) endpoint(e scenario.Endpoint) (recv func(*Packet), attach func(*sim.Link[*Packet]), err error) {
	if e.Interface == "" {
		sw := n.switchNamed(e.Node)
		if sw == nil {
			return nil, nil, fmt.Errorf("no switch %q", e.Node)
		}
		port := len(sw.ports)
		sw.ports = append(sw.ports, nil)
		return func(p *Packet) { sw.receive(n, port, p) },
			func(l *sim.Link[*Packet]) { sw.ports[port] = l }, nil
	}
	h := n.Host(e.Node)
	if h == nil {
		return nil, nil, fmt.Errorf("no host %q", e.Node)
	}
	ifc := h.Interface(e.Interface)
	if ifc == nil {
		return nil, nil, fmt.Errorf("host %s has no interface %q", e.Node, e.Interface)
	}
	if ifc.port != nil {
		return nil, nil, fmt.Errorf("interface %s is linked twice", e)
	}
	return ifc.receive, func(l *sim.Link[*Packet]) { ifc.port = l }, nil
}

// connect makes a scenario link.
func (n *Network) connect(sl *scenario.Link) error {
	recvA, attachA, err := n.endpoint(sl.Endpoints[0])
	if err != nil {
		return err
	}
	recvB, attachB, err := n.endpoint(sl.Endpoints[1])
	if err != nil {
		return err
	}
	cfg := sim.LinkConfig{
		Bandwidth:   int64(sl.Bandwidth),
		Delay:       sim.FromDuration(sl.Delay),
		Jitter:      sim.FromDuration(sl.Jitter),
		Loss:        sl.Loss.Fraction(),
		Reorder:     sl.Reorder.Fraction(),
		QueueFrames: int(sl.Queue.Packets),
		QueueBytes:  int(sl.Queue.Bytes),
	}
	if cfg.QueueFrames == 0 && cfg.QueueBytes == 0 {
		cfg.QueueFrames = sim.DefaultQueueFrames
	}
	if cfg.Reorder > 0 && cfg.ReorderDelay == 0 {
		cfg.ReorderDelay = cfg.Delay
	}
	// A wire keeps frames in order: jitter delays them, and only an
	// explicit reorder share lets one overtake another.
	cfg.NoReorder = cfg.Reorder == 0
	ab, ba, err := sim.NewDuplex(n.Engine, cfg, recvB, recvA)
	if err != nil {
		return err
	}
	attachA(ab)
	attachB(ba)
	n.Links = append(n.Links, &Link{Name: sl.Name, AB: ab, BA: ba})
	return nil
}

// receive handles a frame arriving on port.
func (sw *Switch) receive(n *Network, port int, p *Packet) {
	if p.l2src != nil {
		sw.fdb[p.l2src] = port
	}
	if p.l2dst != nil {
		if out, ok := sw.fdb[p.l2dst]; ok {
			if out != port {
				sw.ports[out].Send(p, p.WireLen())
			} else {
				n.pool.put(p)
			}
			return
		}
	}
	// Flood: a copy to every other port.
	for i, l := range sw.ports {
		if i != port && l != nil {
			l.Send(n.pool.clone(p), p.WireLen())
		}
	}
	n.pool.put(p)
}

// Run runs the simulation until virtual time t.
func (n *Network) Run(until sim.Time) { n.Engine.RunUntil(until) }

// Now returns the current virtual time.
func (n *Network) Now() sim.Time { return n.Engine.Now() }
