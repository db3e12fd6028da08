package simnic

import "github.com/stackbox/stackbox/pkg/stack/ref/sim"

// txStats are one transmit queue's counters.
type txStats struct {
	packets, bytes, stops, wakes, irqs uint64
}

// txQueue is one transmit queue: its ring (the descriptors in use, by
// the time each frame's last bit leaves), its device queue and its
// completion interrupt.
type txQueue[F any] struct {
	n       *NIC[F]
	idx     int
	cpu     *cpu[F]
	st      *txStats
	retired bool

	inflight fifo[sim.Time]
	qdisc    fifo[F]
	stopped  bool
	comp     sim.Timer
	// segs holds the segments of the super-packet being sent.
	segs []F
}

// Transmit takes a packet from the stack (dev_queue_xmit). It reports
// false when the packet was dropped (the device queue was full) and has
// been freed; a packet the wire refuses is the wire's to count and free.
func (n *NIC[F]) Transmit(f F) bool {
	q := n.tx[0]
	if len(n.tx) > 1 {
		fl := n.cpus.stack.Flow(f)
		q = n.tx[int(n.hash(&fl)%uint32(len(n.tx)))]
	}
	if q.stopped || q.qdisc.len() > 0 {
		if q.qdisc.len() >= n.txQueueLen {
			n.st.txDropped++
			n.cpus.stack.Drop(f, false)
			return false
		}
		q.qdisc.push(f)
		return true
	}
	q.send(f)
	return true
}

// Segmenter is implemented by a Stack whose frames may be GSO
// super-packets: one TCP packet carrying several MSS-sized segments
// (skb_is_gso), as TCP builds them when the route's device can segment
// and as GRO merges them. The transmit path asks how many segments a frame
// carries and has it cut them: in hardware with TSO, in software (the
// kernel's validate_xmit_skb and skb_gso_segment) otherwise.
type Segmenter[F any] interface {
	// GSOSegs returns how many segments f carries (gso_segs): 1 for an
	// ordinary frame.
	GSOSegs(f F) int
	// Segment appends f's segments, each an ordinary frame with its own
	// headers, to out in sequence order, frees f and returns out.
	Segment(f F, out []F) []F
	// Len returns the length of frame f's IP packet (Flow's Len, read
	// cheaply for every segment).
	Len(f F) int
}

// TCPSegmentation reports the segmentation offloads in force for TCP over
// IPv4 (v6 false) or IPv6: tso when the NIC segments
// (tx-tcp-segmentation or tx-tcp6-segmentation, which need
// scatter-gather and the family's transmit checksum), gso when the
// kernel's software GSO is on (tx-generic-segmentation). With either, the
// stack may hand the NIC super-packets.
func (n *NIC[F]) TCPSegmentation(v6 bool) (tso, gso bool) {
	if v6 {
		return n.features.on(fTSO6), n.features.on(fGSO)
	}
	return n.features.on(fTSO), n.features.on(fGSO)
}

// txCsum reports whether the NIC computes the transmit checksum of a
// frame of the family.
func (n *NIC[F]) txCsum(v6 bool) bool {
	if v6 {
		return n.features.on(fTXCsumIPv6) || n.features.on(3)
	}
	return n.features.on(fTXCsumIPv4) || n.features.on(3)
}

// send takes f off the device queue to the driver. An ordinary frame is
// one descriptor. A super-packet (Segmenter) with TSO active for its
// family is one descriptor chain that the NIC cuts into MSS-sized frames
// on the wire: the CPU pays the packet once plus the DMA of its bytes.
// Otherwise it is segmented in software first (validate_xmit_skb: the
// packet once, then every segment its cost, and its checksum when the
// checksum offload is off) and every segment is its own descriptor. A
// queue that the segments of one packet filled stops after them (drivers
// stop early enough to leave room for a largest packet).
func (q *txQueue[F]) send(f F) {
	n := q.n
	s := n.cpus
	c := &s.Costs
	fl := s.stack.Flow(f)
	hwCsum := n.txCsum(fl.V6)
	segs := 1
	sg, _ := s.stack.(Segmenter[F])
	if sg != nil && fl.Proto == 6 {
		segs = sg.GSOSegs(f)
	}
	if segs <= 1 {
		cost := c.TxPacket
		if !hwCsum {
			cost += c.checksum(fl.Len)
			n.st.txCsumSW++
		}
		q.cpu.charge(cost)
		if done, ok := q.put(f, fl.Len); ok {
			q.inflight.push(done)
		}
		q.ring()
		return
	}
	tso, _ := n.TCPSegmentation(fl.V6)
	q.segs = sg.Segment(f, q.segs[:0])
	if tso && hwCsum {
		q.cpu.charge(c.TxPacket + c.TxTSO + c.dma(fl.Len))
		n.st.txTSOPackets++
		var last sim.Time
		sent := false
		for _, g := range q.segs {
			if done, ok := q.put(g, sg.Len(g)); ok {
				last, sent = done, true
			}
		}
		if sent {
			q.inflight.push(last)
		}
	} else {
		cost := c.TxPacket
		for _, g := range q.segs {
			cost += c.TxGSOSegment
			if !hwCsum {
				cost += c.checksum(sg.Len(g))
				n.st.txCsumSW++
			}
		}
		q.cpu.charge(cost)
		for _, g := range q.segs {
			if done, ok := q.put(g, sg.Len(g)); ok {
				q.inflight.push(done)
			}
		}
	}
	clear(q.segs)
	q.ring()
}

// put puts one frame of length l (bytes of its IP packet) on the wire and
// counts it; ok is false when the wire refused (and freed) it.
func (q *txQueue[F]) put(f F, l int) (done sim.Time, ok bool) {
	n := q.n
	done, ok = n.wire(f)
	if !ok {
		return 0, false
	}
	q.st.packets++
	q.st.bytes += uint64(l)
	n.st.txPackets++
	n.st.txBytes += uint64(l)
	return done, true
}

// ring stops the queue when its ring is full and arms the completion
// interrupt.
func (q *txQueue[F]) ring() {
	n := q.n
	if q.inflight.len() >= int(n.set.TXRing) && !q.stopped {
		q.stopped = true // netif_tx_stop_queue
		q.st.stops++
		n.st.txBusy++
	}
	q.arm()
}

// arm sets the completion interrupt for the frames in flight.
func (q *txQueue[F]) arm() {
	if q.inflight.len() == 0 {
		return
	}
	usecs, frames := q.n.txModeration()
	t := q.inflight.at(0) + sim.Time(usecs)*sim.Microsecond
	if frames > 0 && q.inflight.len() >= frames {
		t = min(t, q.inflight.at(frames-1))
	}
	if !q.comp.Pending() || t < q.comp.When() {
		q.comp.Reset(t)
	}
}

// complete is the completion interrupt with its cleanup: completed
// descriptors are freed, and a stopped queue wakes and sends what waits.
func (q *txQueue[F]) complete() {
	n := q.n
	c := &n.cpus.Costs
	now := n.e.Now()
	q.st.irqs++
	cost := c.IRQ
	for q.inflight.len() > 0 && q.inflight.at(0) <= now {
		q.inflight.pop()
		cost += c.TxClean
	}
	q.cpu.charge(cost)
	free := int(n.set.TXRing) - q.inflight.len()
	if q.stopped && free >= min(txWakeThreshold, int(n.set.TXRing)/2+1) {
		q.stopped = false
		q.st.wakes++
		n.st.txWake++
	}
	for !q.stopped && q.qdisc.len() > 0 {
		q.send(q.qdisc.pop())
	}
	q.arm()
}
