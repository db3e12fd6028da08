package simnic

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// Flow is what the NIC reads of a frame's headers.
type Flow struct {
	V6 bool
	// Src and Dst are the addresses in their 16-byte form (IPv4 mapped,
	// as netip.Addr.As16 gives them).
	Src, Dst [16]byte
	Proto    uint8
	// Ports says the frame carries TCP or UDP ports (not a later
	// fragment); SrcPort and DstPort are then set.
	Ports            bool
	SrcPort, DstPort uint16
	// Len is the IP packet's length in bytes.
	Len int
	// Data says the frame is a TCP segment with payload that GRO and LRO
	// may merge.
	Data bool
}

// sameFlow reports whether a and b are of one TCP flow.
func sameFlow(a, b *Flow) bool {
	return a.SrcPort == b.SrcPort && a.DstPort == b.DstPort && a.Proto == b.Proto && a.Src == b.Src && a.Dst == b.Dst
}

// hashInput writes the RSS hash input of f into buf and returns it:
// source and destination address, then the ports when four says so.
func (f *Flow) hashInput(buf []byte, four bool) []byte {
	n := 0
	if f.V6 {
		n += copy(buf[n:], f.Src[:])
		n += copy(buf[n:], f.Dst[:])
	} else {
		n += copy(buf[n:], f.Src[12:])
		n += copy(buf[n:], f.Dst[12:])
	}
	if four {
		buf[n], buf[n+1], buf[n+2], buf[n+3] = byte(f.SrcPort>>8), byte(f.SrcPort), byte(f.DstPort>>8), byte(f.DstPort)
		n += 4
	}
	return buf[:n]
}

// Stack is the protocol stack above the NIC (one per host).
type Stack[F any] interface {
	// Flow reads f's headers.
	Flow(f F) Flow
	// Merge is GRO and LRO: it appends f to held when f continues held
	// in order (same flow, next sequence number, compatible headers,
	// within 64 KB), frees f and reports true.
	Merge(held, f F) bool
	// Deliver hands f to the protocol stack (netif_receive_skb).
	Deliver(f F)
	// Drop frees f, dropped on receive (rx) or transmit.
	Drop(f F, rx bool)
}

// napi is one NAPI instance: a receive queue or a CPU's backlog.
type napi interface {
	// poll processes up to weight frames and returns how many, what
	// it cost, and whether it has more (stays on the poll list).
	poll(weight int) (work int, cost sim.Time, more bool)
	listed() *bool
}

// CPUs are a host's simulated CPUs with their softnet data, shared by the
// host's NICs.
type CPUs[F any] struct {
	e     *sim.Engine
	sc    *sysctl.Tree
	stack Stack[F]
	Costs Costs
	cpu   []*cpu[F]
}

// cpu is one CPU: a serial resource in virtual time, its NAPI poll list
// and its softnet_data.
type cpu[F any] struct {
	id   int
	set  *CPUs[F]
	busy sim.Time // busy until
	used sim.Time // CPU time charged in all
	list fifo[napi]
	step sim.Timer

	running bool // in a net_rx_action run
	budget  int
	limit   sim.Time

	backlog backlog[F]

	processed, dropped, timeSqueeze, receivedRPS, flowLimit uint32
}

// NewCPUs returns n CPUs (at least one) on engine e, reading the
// net.core knobs from sc and handing packets to st.
func NewCPUs[F any](e *sim.Engine, sc *sysctl.Tree, st Stack[F], n int) *CPUs[F] {
	s := &CPUs[F]{e: e, sc: sc, stack: st, Costs: DefaultCosts}
	for i := range max(n, 1) {
		c := &cpu[F]{id: i, set: s}
		c.step.Init(e, c.run)
		c.backlog.c = c
		s.cpu = append(s.cpu, c)
	}
	return s
}

// Len returns the number of CPUs.
func (s *CPUs[F]) Len() int { return len(s.cpu) }

// Used returns the CPU time CPU i has spent on network processing.
func (s *CPUs[F]) Used(i int) sim.Time { return s.cpu[i].used }

// TotalUsed returns the CPU time of all CPUs together.
func (s *CPUs[F]) TotalUsed() sim.Time {
	var t sim.Time
	for _, c := range s.cpu {
		t += c.used
	}
	return t
}

// Softnet returns each CPU's softnet_stat line in Linux 6.18's 15-column
// layout (net/core/net-procfs.c softnet_seq_show).
func (s *CPUs[F]) Softnet() []stack.SoftnetStat {
	out := make([]stack.SoftnetStat, len(s.cpu))
	for i, c := range s.cpu {
		qlen := uint32(c.backlog.q.len())
		cols := []uint32{c.processed, c.dropped, c.timeSqueeze, 0, 0, 0, 0, 0, 0,
			c.receivedRPS, c.flowLimit, qlen, uint32(i), qlen, 0}
		out[i] = stack.SoftnetStat{CPU: i, Processed: c.processed, Dropped: c.dropped,
			TimeSqueeze: c.timeSqueeze, ReceivedRPS: c.receivedRPS, FlowLimit: c.flowLimit,
			BacklogLen: qlen, HasBacklogLen: true, Columns: cols}
	}
	return out
}

// charge makes c busy for d more, from now or from when it is free.
func (c *cpu[F]) charge(d sim.Time) {
	now := c.set.e.Now()
	c.busy = max(c.busy, now) + d
	c.used += d
}

// schedule puts n on c's poll list and makes sure a softirq run comes
// (napi_schedule / ____napi_schedule).
func (c *cpu[F]) schedule(n napi) {
	if l := n.listed(); !*l {
		*l = true
		c.list.push(n)
	}
	if !c.step.Pending() {
		c.step.Reset(max(c.set.e.Now(), c.busy))
	}
}

// run is one step of net_rx_action: one NAPI poll.
func (c *cpu[F]) run() {
	s := c.set
	now := s.e.Now()
	if now < c.busy {
		c.step.Reset(c.busy)
		return
	}
	if c.list.len() == 0 {
		c.running = false
		return
	}
	if !c.running {
		c.running = true
		c.budget = int(s.sc.Int(sysctl.CoreNetdevBudget))
		c.limit = now + sim.Time(s.sc.Int(sysctl.CoreNetdevBudgetUsecs))*sim.Microsecond
	}
	n := c.list.pop()
	*n.listed() = false
	weight := int(s.sc.Int(sysctl.CoreDevWeight))
	if weight <= 0 {
		weight = 64
	}
	work, cost, more := n.poll(weight)
	if more && !*n.listed() {
		*n.listed() = true
		c.list.push(n)
	}
	c.charge(cost)
	c.budget -= work
	if c.budget <= 0 || c.busy >= c.limit {
		c.timeSqueeze++
		c.running = false
	}
	if c.list.len() > 0 {
		c.step.Reset(c.busy)
	} else {
		c.running = false
	}
}

// backlog is a CPU's input_pkt_queue with its process_backlog NAPI.
type backlog[F any] struct {
	c      *cpu[F]
	q      fifo[F]
	onList bool
}

func (b *backlog[F]) listed() *bool { return &b.onList }

// enqueue is enqueue_to_backlog: from is the CPU that queues f.
func (b *backlog[F]) enqueue(from *cpu[F], f F) {
	c := b.c
	s := c.set
	if int64(b.q.len()) > s.sc.Int(sysctl.CoreNetdevMaxBacklog) {
		c.dropped++
		s.stack.Drop(f, true)
		return
	}
	b.q.push(f)
	if !b.onList {
		if from != c {
			c.receivedRPS++ // the IPI that wakes c
		}
		c.schedule(b)
	}
}

func (b *backlog[F]) poll(weight int) (int, sim.Time, bool) {
	s := b.c.set
	work := 0
	var cost sim.Time
	for work < weight && b.q.len() > 0 {
		f := b.q.pop()
		work++
		b.c.processed++
		cost += s.Costs.Stack
		s.stack.Deliver(f)
	}
	return work, cost, b.q.len() > 0
}
