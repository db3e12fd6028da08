package doctor

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack"
)

// Settings is the part of a tune Target the doctor reads: sysctls and
// NICs (tune.Target satisfies it).
type Settings interface {
	// Name describes the target.
	Name() string
	// Sysctl reads a sysctl by its dotted name, fields separated by
	// single spaces.
	Sysctl(name string) (string, error)
	// NICs lists the network interfaces (loopback excluded).
	NICs() ([]string, error)
	// NIC opens one.
	NIC(name string) (nic.Device, nic.Configurer, error)
}

// Source is a target to take snapshots of. Stack, Counters and Settings
// are required; the rest may be nil.
type Source struct {
	Stack    stack.Stack
	Counters stack.CounterStack
	// Flows is the conntrack table, nil for none.
	Flows    stack.FlowStack
	Settings Settings
	// Uptime returns the time the cumulative counters cover (the host's
	// uptime, the simulation's virtual time).
	Uptime func() (time.Duration, error)
	// TCPMemPages returns sockstat's TCP mem, in pages.
	TCPMemPages func(ctx context.Context) (int64, error)
	// Files returns the file descriptor figures; pids are the processes
	// holding the sockets seen.
	Files func(ctx context.Context, pids []int) (*Files, error)
}

// Sysctls are the knobs a snapshot reads.
var Sysctls = []string{
	"net.core.netdev_max_backlog",
	"net.core.netdev_budget",
	"net.core.netdev_budget_usecs",
	"net.core.somaxconn",
	"net.ipv4.tcp_max_syn_backlog",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.tcp_max_tw_buckets",
	"net.ipv4.tcp_tw_reuse",
	"net.ipv4.ip_local_port_range",
	"net.netfilter.nf_conntrack_max",
	"net.ipv4.tcp_mem",
	"net.core.rmem_max",
	"net.core.wmem_max",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
	"net.ipv4.tcp_congestion_control",
	"net.core.default_qdisc",
}

// Gather takes a snapshot of src. A part that cannot be read is noted in
// Missing; only a failure to read the protocol counters is an error.
func Gather(ctx context.Context, src *Source) (*Snapshot, error) {
	s := &Snapshot{Target: src.Settings.Name(), TCPMemPages: -1,
		Counters: map[string]uint64{}, Sysctls: map[string]string{}}
	miss := func(part string, err error) { s.Missing = append(s.Missing, part+": "+err.Error()) }
	if src.Uptime != nil {
		if d, err := src.Uptime(); err != nil {
			miss("uptime", err)
		} else {
			s.Elapsed = d
		}
	}
	cs, err := src.Counters.Counters(ctx)
	if err != nil {
		return nil, fmt.Errorf("counters: %w", err)
	}
	for _, c := range cs.List {
		s.Counters[c.Name] = c.Value
	}
	if s.Softnet, err = src.Counters.Softnet(ctx); err != nil {
		s.Softnet = nil
		miss("softnet_stat", err)
	}
	if s.Sockets, err = src.Stack.SocketSummary(ctx); err != nil {
		s.Sockets = nil
		miss("socket summary", err)
	}
	for _, name := range Sysctls {
		if v, err := src.Settings.Sysctl(name); err == nil {
			s.Sysctls[name] = v
		}
	}
	pids, err := gatherSockets(ctx, src, s)
	if err != nil {
		miss("sockets", err)
	}
	if src.Flows != nil {
		if err := gatherFlows(ctx, src.Flows, s); err != nil {
			miss("conntrack", err)
		}
	}
	if err := gatherNICs(src.Settings, s); err != nil {
		miss("nics", err)
	}
	if src.TCPMemPages != nil {
		if p, err := src.TCPMemPages(ctx); err != nil {
			miss("sockstat", err)
		} else {
			s.TCPMemPages = p
		}
	}
	if src.Files != nil {
		if f, err := src.Files(ctx, pids); err != nil {
			miss("files", err)
		} else {
			s.Files = f
		}
	}
	return s, nil
}

// gatherSockets reads the TCP sockets: listeners, ephemeral port use per
// destination and congestion control algorithms. It returns the PIDs of
// the processes holding sockets, when the stack can say.
func gatherSockets(ctx context.Context, src *Source, s *Snapshot) ([]int, error) {
	lo, hi := int64(32768), int64(60999)
	if r, ok := s.sysctlInts("net.ipv4.ip_local_port_range"); ok && len(r) == 2 {
		lo, hi = r[0], r[1]
	}
	perDst := map[netip.AddrPort]int{}
	ccs := map[string]bool{}
	var inodes []uint32
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableTCP), States: stack.StatesAll,
		Want: stack.Want{TCPInfo: true}}
	err := src.Stack.Sockets(ctx, q, func(sk *stack.Socket) error {
		if sk.Inode != 0 && src.Files != nil {
			inodes = append(inodes, sk.Inode)
		}
		if sk.Cong != "" {
			ccs[sk.Cong] = true
		}
		if sk.State == stack.StateListen {
			s.Listeners = append(s.Listeners, Listener{Local: endpoint(sk.Local), Queue: sk.RecvQ, Backlog: sk.SendQ})
			return nil
		}
		if p := int64(sk.Local.Port); p >= lo && p <= hi && sk.Peer.Addr.IsValid() {
			s.Ports.InRange++
			perDst[netip.AddrPortFrom(sk.Peer.Addr.Unmap(), sk.Peer.Port)]++
		}
		return nil
	})
	for dst, n := range perDst { // the largest, ties to the smallest destination: order-free
		if n > s.Ports.Count || n == s.Ports.Count && dst.String() < s.Ports.Top {
			s.Ports.Top, s.Ports.Count = dst.String(), n
		}
	}
	for cc := range ccs {
		s.Congestion = append(s.Congestion, cc)
	}
	slices.Sort(s.Congestion)
	if err != nil || len(inodes) == 0 {
		return nil, err
	}
	pm, perr := src.Stack.Processes(ctx)
	if perr != nil || pm == nil {
		return nil, nil
	}
	seen := map[int]bool{}
	var pids []int
	for _, ino := range inodes {
		for _, p := range pm.Lookup(ino) {
			if !seen[p.PID] {
				seen[p.PID] = true
				pids = append(pids, p.PID)
			}
		}
	}
	slices.Sort(pids)
	return pids, nil
}

func endpoint(e stack.Endpoint) string {
	if !e.Addr.IsValid() || e.Addr.IsUnspecified() {
		return "*:" + strconv.Itoa(int(e.Port))
	}
	return netip.AddrPortFrom(e.Addr, e.Port).String()
}

// gatherFlows reads the conntrack table's fill and statistics.
func gatherFlows(ctx context.Context, fs stack.FlowStack, s *Snapshot) error {
	cnt, err := fs.FlowCount(ctx)
	if err != nil {
		return err
	}
	st := &FlowState{Count: cnt, Stats: map[string]uint64{}}
	cpus, err := fs.FlowStats(ctx)
	if err != nil {
		return err
	}
	for _, c := range cpus {
		for _, x := range c.Counters {
			st.Stats[x.Name] += x.Value
		}
	}
	s.Flows = st
	return nil
}

// gatherNICs reads each NIC's rings, channels and statistics.
func gatherNICs(set Settings, s *Snapshot) error {
	names, err := set.NICs()
	if err != nil {
		return err
	}
	var errs []string
	for _, name := range names {
		d, _, err := set.NIC(name)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		n := NICState{Name: name}
		if r, err := d.Rings(); err == nil {
			n.Rings = &r
		}
		if c, err := d.Channels(); err == nil {
			n.Channels = &c
		}
		if st, err := d.Stats(); err == nil {
			n.Stats = st
		}
		s.NICs = append(s.NICs, n)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}
