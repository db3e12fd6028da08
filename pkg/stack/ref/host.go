package ref

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/stackbox/stackbox/pkg/nic/simnic"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// Host is one machine of the simulation with its own network stack.
type Host struct {
	Name   string
	Net    *Network
	Sysctl *sysctl.Tree
	MIB    MIB
	Ifaces []*Interface
	// Routes is the routing table, longest prefix first (then lowest
	// metric, then the order they were added); connected subnets are in
	// it as routes without a gateway.
	Routes []Route
	CPUs   int

	neigh neighTable
	// cpus are the host's simulated CPUs with their softnet data, shared
	// by its NICs (nic_stack.go); nil until a NIC is attached.
	cpus *simnic.CPUs[*Packet]
	udp  udpTable
	tcp  tcpTable
	ct   connTable
	nf   netfilter

	frags map[fragKey]*fragQueue // datagrams being reassembled

	icmpLimit icmpLimiter
	// onEchoReply, when set, sees every ICMP echo reply (ping workloads).
	onEchoReply func(*Packet)

	procs     []*Process
	nextInode uint32
	ipID      uint16
	// portHint is where the search for a free ephemeral port starts.
	portHint uint16
}

// Interface is a host's network interface.
type Interface struct {
	Name  string
	Index int
	Host  *Host
	Addrs []netip.Prefix
	MTU   int
	// TxQueueLen is the device queue (qdisc) limit, in packets.
	TxQueueLen int
	Stats      IfStats

	// port is where frames leave: the link to the peer interface or to a
	// switch. Nil for an interface without a link (lo-like).
	port *sim.Link[*Packet]
	// nic is the simulated NIC between the stack and the link (rings,
	// interrupts, NAPI; nic_stack.go); nil sends and receives directly.
	nic *simnic.NIC[*Packet]
}

// IfStats are an interface's counters (/proc/net/dev's).
type IfStats struct {
	RxPackets, RxBytes, RxDropped uint64
	TxPackets, TxBytes, TxDropped uint64
}

// Route is one routing table entry.
type Route struct {
	To     netip.Prefix
	Via    netip.Addr // invalid for a connected route
	Dev    *Interface
	Metric uint32
}

// Process is a workload's process on a host: ss -p shows it as the owner of
// its sockets.
type Process struct {
	Name string
	PID  int
	UID  uint32
}

// NewProcess registers a process named name on h and returns it.
func (h *Host) NewProcess(name string) *Process {
	p := &Process{Name: name, PID: 1000 + len(h.procs)}
	h.procs = append(h.procs, p)
	return p
}

// Processes returns h's processes in the order they were started.
func (h *Host) Processes() []*Process { return h.procs }

// newInode returns a fresh socket inode number.
func (h *Host) newInode() uint32 {
	h.nextInode++
	return 10000 + h.nextInode
}

// Now returns the simulation's current time.
func (h *Host) Now() sim.Time { return h.Net.Engine.Now() }

// Interface returns h's interface named name, or nil.
func (h *Host) Interface(name string) *Interface {
	for _, ifc := range h.Ifaces {
		if ifc.Name == name {
			return ifc
		}
	}
	return nil
}

// addInterface adds an interface with its addresses and their connected
// routes.
func (h *Host) addInterface(name string, addrs []netip.Prefix, mtu, txqlen int) *Interface {
	ifc := &Interface{Name: name, Index: len(h.Ifaces) + 2, Host: h, Addrs: addrs, MTU: mtu, TxQueueLen: txqlen}
	h.Ifaces = append(h.Ifaces, ifc)
	for _, a := range addrs {
		h.AddRoute(Route{To: a.Masked(), Dev: ifc})
	}
	return ifc
}

// AddRoute adds r to the routing table, keeping it ordered for lookups.
func (h *Host) AddRoute(r Route) {
	i, _ := slices.BinarySearchFunc(h.Routes, r, func(a, b Route) int {
		if a.To.Bits() != b.To.Bits() {
			return b.To.Bits() - a.To.Bits() // longer prefix first
		}
		if a.Metric != b.Metric {
			if a.Metric < b.Metric {
				return -1
			}
			return 1
		}
		return -1 // after equal ones: insertion order
	})
	h.Routes = slices.Insert(h.Routes, i, r)
}

// route returns the route to dst, and false when there is none.
func (h *Host) route(dst netip.Addr) (*Route, bool) {
	for i := range h.Routes {
		r := &h.Routes[i]
		if r.To.Addr().Is4() == dst.Is4() && r.To.Contains(dst) {
			return r, true
		}
	}
	return nil, false
}

// isLocal reports whether a is one of h's addresses (or a loopback one).
func (h *Host) isLocal(a netip.Addr) bool {
	if a.IsLoopback() {
		return true
	}
	for _, ifc := range h.Ifaces {
		for _, p := range ifc.Addrs {
			if p.Addr() == a {
				return true
			}
		}
	}
	return false
}

// sourceFor returns the source address for a packet to dst leaving through
// ifc: the first address of ifc's in dst's family, preferring one whose
// subnet holds dst.
func (h *Host) sourceFor(dst netip.Addr, ifc *Interface) (netip.Addr, error) {
	if dst.IsLoopback() {
		return dst, nil
	}
	var first netip.Addr
	for _, p := range ifc.Addrs {
		if p.Addr().Is4() != dst.Is4() {
			continue
		}
		if p.Contains(dst) {
			return p.Addr(), nil
		}
		if !first.IsValid() {
			first = p.Addr()
		}
	}
	if !first.IsValid() {
		return netip.Addr{}, fmt.Errorf("%s: no %s address on %s", h.Name, family(dst), ifc.Name)
	}
	return first, nil
}

func family(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// init sets up a new host's tables.
func (h *Host) init() {}
