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

// send puts f on the ring and the wire.
func (q *txQueue[F]) send(f F) {
	n := q.n
	s := n.cpus
	c := &s.Costs
	fl := s.stack.Flow(f)
	cost := c.TxSegment
	if fl.Proto == 6 {
		switch {
		case n.features.on(fTSO):
			cost = c.TxSegmentTSO
			n.st.txTSOPackets++
		case n.features.on(fGSO):
			cost = c.TxSegmentGSO
		}
	}
	if !n.features.on(fTXCsumIPv4) || fl.V6 && !n.features.on(fTXCsumIPv6) {
		cost += c.checksum(fl.Len)
		n.st.txCsumSW++
	}
	q.cpu.charge(cost)
	done, ok := n.wire(f)
	if !ok {
		return
	}
	q.st.packets++
	q.st.bytes += uint64(fl.Len)
	n.st.txPackets++
	n.st.txBytes += uint64(fl.Len)
	q.inflight.push(done)
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
