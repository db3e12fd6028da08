package scenario

import (
	"net"
	"net/netip"
	"time"
)

// Scenario is one loaded scenario file: the topology, the settings of each
// host and the workloads, with every default filled in.
type Scenario struct {
	// File is the name the scenario was parsed from, used in errors.
	File        string
	Name        string `yaml:"name"`        // default: the file's base name without .yaml
	Description string `yaml:"description"` // free text
	// Seed seeds the scenario's one RNG; default 1.
	Seed uint64 `yaml:"seed"`
	// Duration is how long the scenario runs in virtual time; required.
	Duration  time.Duration `yaml:"duration"`
	Hosts     []Host        `yaml:"hosts"`
	Switches  []Switch      `yaml:"switches"`
	Links     []Link        `yaml:"links"`
	Workloads []Workload    `yaml:"workloads"`
}

// Host is one machine with its own stack: interfaces, routes and sysctls. A
// host with net.ipv4.ip_forward=1 routes between its interfaces.
type Host struct {
	Name       string      `yaml:"name"`
	CPUs       int         `yaml:"cpus"` // default 1
	Interfaces []Interface `yaml:"interfaces"`
	Routes     []Route     `yaml:"routes"`
	// Sysctls are set in file order after the stack's defaults.
	Sysctls Sysctls `yaml:"sysctls"`
	// Firewall holds the host's netfilter rules; nil = none.
	Firewall *Firewall `yaml:"firewall"`
	Line     int       `yaml:"-"`
}

// Interface is a network interface of a host.
type Interface struct {
	Name      string         `yaml:"name"` // at most 15 bytes, like IFNAMSIZ
	Addresses []netip.Prefix `yaml:"addresses"`
	MTU       int            `yaml:"mtu"` // default 1500
	// MAC is the hardware address; nil lets the simulator derive one.
	MAC net.HardwareAddr `yaml:"mac"`
	// TxQueueLen is the device's transmit queue length; 0 = default (1000).
	TxQueueLen int `yaml:"txqueuelen"`
	// Qdisc names the root queueing discipline ("pfifo_fast", "fq_codel",
	// "fq", ...); "" = the stack's default. The stack checks the name.
	Qdisc string `yaml:"qdisc"`
	// NIC holds the NIC model settings; nil = the model's defaults.
	NIC  *NIC `yaml:"nic"`
	Line int  `yaml:"-"`
}

// NIC holds settings of the simulated NIC. A nil pointer or nil field means
// the model's default; the NIC model validates the values against its limits.
type NIC struct {
	// Model names the driver the NIC imitates; "" = the default model.
	Model    string    `yaml:"model"`
	Rings    *Rings    `yaml:"rings"`
	Channels *Channels `yaml:"channels"`
	Coalesce *Coalesce `yaml:"coalesce"`
	Offloads *Offloads `yaml:"offloads"`
	RSS      *RSS      `yaml:"rss"`
	Line     int       `yaml:"-"`
}

// Rings sets descriptor ring sizes (ethtool -g/-G); the *Max fields set the
// pre-set maxima.
type Rings struct {
	RX    *uint32 `yaml:"rx"`
	TX    *uint32 `yaml:"tx"`
	RXMax *uint32 `yaml:"rx_max"`
	TXMax *uint32 `yaml:"tx_max"`
}

// Channels sets queue counts (ethtool -l/-L); the *Max fields set the
// pre-set maxima.
type Channels struct {
	RX          *uint32 `yaml:"rx"`
	TX          *uint32 `yaml:"tx"`
	Other       *uint32 `yaml:"other"`
	Combined    *uint32 `yaml:"combined"`
	RXMax       *uint32 `yaml:"rx_max"`
	TXMax       *uint32 `yaml:"tx_max"`
	OtherMax    *uint32 `yaml:"other_max"`
	CombinedMax *uint32 `yaml:"combined_max"`
}

// Coalesce sets interrupt coalescing (ethtool -c/-C).
type Coalesce struct {
	RXUsecs    *uint32 `yaml:"rx_usecs"`
	RXFrames   *uint32 `yaml:"rx_frames"`
	TXUsecs    *uint32 `yaml:"tx_usecs"`
	TXFrames   *uint32 `yaml:"tx_frames"`
	AdaptiveRX *bool   `yaml:"adaptive_rx"`
	AdaptiveTX *bool   `yaml:"adaptive_tx"`
}

// Offloads turns offloads on or off (ethtool -k/-K); values are true/false
// or on/off.
type Offloads struct {
	TSO        *bool `yaml:"tso"`
	GSO        *bool `yaml:"gso"`
	GRO        *bool `yaml:"gro"`
	LRO        *bool `yaml:"lro"`
	RXChecksum *bool `yaml:"rx_checksum"`
	TXChecksum *bool `yaml:"tx_checksum"`
	SG         *bool `yaml:"sg"`
	RXHash     *bool `yaml:"rxhash"`
}

// RSS sets receive side scaling (ethtool -x/-X).
type RSS struct {
	// Key is the Toeplitz hash key, written as hex bytes "6d:5a:..."; nil =
	// the model's default key.
	Key HexBytes `yaml:"key"`
	// Indirection maps hash buckets to queues; nil = spread evenly.
	Indirection []uint32 `yaml:"indirection"`
}

// HexBytes is a byte string written as colon-separated hex, "6d:5a:56".
type HexBytes []byte

// Route is one routing table entry of a host.
type Route struct {
	// To is the destination; "default" is 0.0.0.0/0 ("default6" ::/0).
	To netip.Prefix `yaml:"to"`
	// Via is the gateway; invalid (zero) for a directly connected route.
	Via netip.Addr `yaml:"via"`
	// Dev is the outgoing interface; "" = the one whose subnet holds Via.
	Dev    string `yaml:"dev"`
	Metric uint32 `yaml:"metric"`
	Line   int    `yaml:"-"`
}

// Sysctl is one setting written under a host's sysctls, by its dotted name
// ("net.ipv4.tcp_syncookies"), with the value as written.
type Sysctl struct {
	Name, Value string
	Line        int
}

// Sysctls is a host's settings in file order.
type Sysctls []Sysctl

// Switch is a learning Ethernet switch joining several links.
type Switch struct {
	Name string `yaml:"name"`
	Line int    `yaml:"-"`
}

// Endpoint is one end of a link: a host's interface ("client:eth0") or a
// switch ("sw0", Interface empty).
type Endpoint struct {
	Node      string
	Interface string
}

// String returns e as written in a scenario file.
func (e Endpoint) String() string {
	if e.Interface == "" {
		return e.Node
	}
	return e.Node + ":" + e.Interface
}

// Link is a full-duplex point-to-point link; each direction has its own
// queue and the same properties.
type Link struct {
	Name      string      `yaml:"name"` // optional
	Endpoints [2]Endpoint `yaml:"endpoints"`
	// Bandwidth is the line rate of each direction; required.
	Bandwidth Bitrate       `yaml:"bandwidth"`
	Delay     time.Duration `yaml:"delay"`  // one-way propagation delay
	Jitter    time.Duration `yaml:"jitter"` // added delay, uniform in [0, Jitter]
	Loss      Percent       `yaml:"loss"`   // random loss per packet
	// Reorder is the share of packets sent without the delay, so that they
	// overtake earlier ones (netem's reorder).
	Reorder Percent `yaml:"reorder"`
	// Queue bounds the queue in front of the link; default 1000p.
	Queue QueueLimit `yaml:"queue"`
	Line  int        `yaml:"-"`
}
