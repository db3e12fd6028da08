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
	// TxPacket is the transmit path's work for one packet the stack
	// hands down, a super-packet too: TCP and IP building it, the qdisc,
	// the driver's descriptor. Without segmentation offloads TCP sends
	// one per MSS segment.
	TxPacket sim.Time
	// TxGSOSegment is software segmentation's work per segment of a
	// super-packet (skb_segment: a new sk_buff, the headers copied and
	// fixed up) and the driver's descriptor for it.
	TxGSOSegment sim.Time
	// TxTSO is the driver's extra work for a super-packet the NIC
	// segments (the context descriptor with the header template); the
	// NIC's own segmentation costs the CPU nothing.
	TxTSO sim.Time
	// TxDMAPerKB is mapping a super-packet's pages for the NIC's DMA
	// (scatter-gather), per 1024 bytes.
	TxDMAPerKB sim.Time
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
	TxPacket:      600,
	TxGSOSegment:  250,
	TxTSO:         200,
	TxDMAPerKB:    10,
	TxClean:       40,
}

func (c *Costs) checksum(bytes int) sim.Time {
	return c.ChecksumPerKB * sim.Time(bytes) / 1024
}

func (c *Costs) dma(bytes int) sim.Time {
	return c.TxDMAPerKB * sim.Time(bytes) / 1024
}
