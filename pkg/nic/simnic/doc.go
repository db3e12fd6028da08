// Package simnic is the simulated NIC of the reference stack: a model of a
// common 10/25 GbE server NIC and of the kernel's receive path around it
// (NAPI, the per-CPU backlog, softnet_stat), driven by the reference
// stack's discrete-event engine, and seen through the same pkg/nic Device
// and Configurer as a host NIC, so that every ethtool option works on it.
//
// # Receive
//
// A frame from the link goes to the receive queue RSS picks: the Toeplitz
// hash (DefaultKey, or the scenario's key) over the source and destination
// addresses and ports (addresses only for other protocols), looked up in a
// 128-entry indirection table (round robin over the queues by default).
// It is written (DMA) into that queue's descriptor ring; a full ring drops
// it (rx_missed_errors, rx_queue_N_drops, the interface's rx_dropped).
// With LRO on, a TCP segment that continues the segment at the ring's tail
// is merged into it by the hardware.
//
// Interrupts are coalesced per queue: the first frame after the interrupt
// was re-enabled arms a timer of rx-usecs; rx-frames frames fire at once;
// rx-usecs 0 fires for every frame. adaptive-rx replaces both with a level
// of a DIM-like table (see adaptive.go), moved up when a NAPI cycle found
// many frames per interrupt and down when it found few. An interrupt costs
// its CPU IRQCost, masks the queue's interrupt and schedules the queue's
// NAPI on its CPU (queue i interrupts CPU i mod CPUs).
//
// Each simulated CPU runs net_rx_action as Linux does: it polls the NAPI
// instances on its list in turn, each up to dev_weight (64) frames; a run
// ends when the list is empty, or when net.core.netdev_budget frames were
// polled or net.core.netdev_budget_usecs of CPU time went by, which counts
// time_squeeze and leaves the rest for the next run. A poll that found
// fewer frames than its weight completes and re-enables the interrupt.
// GRO (the gro feature) merges consecutive in-order TCP segments of a flow
// within a poll (up to 8 flows held, flushed at the end of every poll);
// the stack sees one packet per merged run. A packet is then handed to the
// stack (processed is counted on that CPU), or, when RPS is set for the
// queue (SetRPS), queued on the target CPU's backlog, which holds at most
// net.core.netdev_max_backlog packets (more are dropped: softnet dropped
// and the interface's rx_dropped) and is drained by that CPU's
// process_backlog NAPI (received_rps counts the remote wake-ups).
//
// # Transmit
//
// The stack's packet goes to a transmit queue chosen by the flow hash (a
// stand-in for XPS). While the queue's ring has room the packet is put on
// the wire at once; its descriptor stays in use until its last bit left
// the NIC and the completion interrupt (tx-usecs after the first pending
// completion, or at tx-frames completions) cleaned it. A full ring stops
// the queue: packets wait in the device queue (txqueuelen packets, then
// dropped) and go out when completions wake the queue.
//
// TSO and GSO decide where TCP's data is cut into MSS-sized segments
// (TCPSegmentation tells the stack which are in force). With either, the
// stack hands the NIC super-packets of several segments (its frames
// implement Segmenter). With TSO active for the packet's family
// (tx-tcp-segmentation or tx-tcp6-segmentation, which need
// scatter-gather and the transmit checksum) a super-packet is one
// descriptor chain: the CPU pays TxPacket, TxTSO and the DMA mapping of
// its bytes, the NIC puts its segments on the wire, and tx_tso_packets
// counts it. Without TSO the kernel segments it in software before the
// driver (validate_xmit_skb): TxPacket once, TxGSOSegment and a
// descriptor for every segment. An ordinary packet costs TxPacket (see
// cost.go); every packet computed its checksum in software when the
// transmit checksum offload is off (tx_csum_sw counts the frames).
//
// # CPU time
//
// Every simulated CPU is a serial resource in virtual time: interrupts,
// polls and transmissions charge it their cost, and a NAPI poll that is
// due while its CPU is busy waits until the CPU is free, so a costly
// configuration delays packets and, with full rings, drops them. A poll's
// packets are handed to the stack when the poll starts; its cost then
// keeps the CPU busy. Transmit costs are charged to the transmit queue's
// CPU without delaying the packet.
package simnic
