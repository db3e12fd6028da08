package simnic

import "github.com/stackbox/stackbox/pkg/stack/ref/sim"

// Costs is the CPU cost model: what each step costs the CPU that runs it,
// in virtual nanoseconds. The defaults are of the order measured on a
// current x86 server with a 25 GbE NIC.
type Costs struct {
	// IRQ is one hard interrupt: entry, the driver's handler, raising the
	// softirq.
	IRQ sim.Time
	// RxFrame is the driver's work per received frame: the descriptor,
	// building the sk_buff, refilling the ring.
	RxFrame sim.Time
	// GROFrame is GRO's work per frame it looks at.
	GROFrame sim.Time
	// Stack is the protocol stack's work per packet handed to it (IP, TCP
	// or UDP, the socket): GRO and LRO save it for each merged frame.
	Stack sim.Time
	// RPSEnqueue is queueing a packet on another CPU's backlog.
	RPSEnqueue sim.Time
	// ChecksumPerKB is verifying (receive) or computing (transmit) a
	// checksum in software, per 1024 bytes, when the checksum offload is
	// off.
	ChecksumPerKB sim.Time
	// TxSegment is sending one packet without TSO or GSO, TxSegmentGSO
	// with software segmentation (GSO) only, TxSegmentTSO with the NIC
	// segmenting (the stack's cost of a 64 KB super-packet spread over
	// its segments).
	TxSegment, TxSegmentGSO, TxSegmentTSO sim.Time
	// TxClean is cleaning one completed transmit descriptor.
	TxClean sim.Time
}

// DefaultCosts are the costs a NIC starts with.
var DefaultCosts = Costs{
	IRQ:           1000,
	RxFrame:       100,
	GROFrame:      40,
	Stack:         500,
	RPSEnqueue:    60,
	ChecksumPerKB: 250,
	TxSegment:     600,
	TxSegmentGSO:  350,
	TxSegmentTSO:  120,
	TxClean:       40,
}

func (c *Costs) checksum(bytes int) sim.Time {
	return c.ChecksumPerKB * sim.Time(bytes) / 1024
}
