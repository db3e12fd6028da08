package simnic

import "github.com/stackbox/stackbox/pkg/stack/ref/sim"

// rxStats are one receive queue's counters.
type rxStats struct {
	packets, bytes, drops, irqs, polls uint64
}

// rxQueue is one receive queue: its descriptor ring, interrupt and NAPI.
type rxQueue[F any] struct {
	n       *NIC[F]
	idx     int
	cpu     *cpu[F]
	st      *rxStats
	retired bool // replaced by a reset

	ring   fifo[F]
	tail   Flow // the headers of the frame at the ring's tail (LRO)
	onList bool
	masked bool // the interrupt is off: NAPI is scheduled or running
	// pending counts frames since the interrupt was armed.
	pending int
	coal    sim.Timer
	// cycle counts the frames polled since the last interrupt (adaptive
	// moderation's sample); level is the adaptive profile.
	cycle int
	level int

	gro    [groMaxHeld]F
	groFl  [groMaxHeld]Flow
	groLen int
}

func (q *rxQueue[F]) listed() *bool { return &q.onList }

// dma writes f into the ring, or drops it when the ring is full.
func (q *rxQueue[F]) dma(f F, fl *Flow) bool {
	n := q.n
	if q.retired {
		q = n.rx[0]
	}
	if n.features.on(fLRO) && fl.Data && q.ring.len() > 0 && q.tail.Data && sameFlow(&q.tail, fl) &&
		n.cpus.stack.Merge(*q.ring.back(), f) {
		n.st.rxLROMerged++
		q.st.packets++
		q.st.bytes += uint64(fl.Len)
		n.st.rxPackets++
		n.st.rxBytes += uint64(fl.Len)
		q.tail.Len += fl.Len
		return true
	}
	if q.ring.len() >= int(n.set.RXRing) {
		n.st.rxMissed++
		q.st.drops++
		n.cpus.stack.Drop(f, true)
		return false
	}
	q.ring.push(f)
	q.tail = *fl
	q.st.packets++
	q.st.bytes += uint64(fl.Len)
	n.st.rxPackets++
	n.st.rxBytes += uint64(fl.Len)
	if q.masked {
		return true
	}
	q.pending++
	usecs, frames := q.moderation()
	switch {
	case usecs == 0 || frames > 0 && q.pending >= frames:
		q.fire()
	case !q.coal.Pending():
		q.coal.ResetAfter(sim.Time(usecs) * sim.Microsecond)
	}
	return true
}

// fire is the queue's interrupt: mask it and schedule NAPI.
func (q *rxQueue[F]) fire() {
	if q.masked || q.ring.len() == 0 {
		return
	}
	q.coal.Stop()
	q.masked = true
	q.pending = 0
	q.st.irqs++
	q.cycle = 0
	q.cpu.charge(q.n.cpus.Costs.IRQ)
	q.cpu.schedule(q)
}

// poll is the driver's NAPI poll: up to weight frames from the ring,
// through GRO, to the stack.
func (q *rxQueue[F]) poll(weight int) (int, sim.Time, bool) {
	n := q.n
	s := n.cpus
	c := &s.Costs
	q.st.polls++
	var cost sim.Time
	work := 0
	gro := n.features.on(fGRO)
	rxcsum := n.features.on(fRXCsum)
	for work < weight && q.ring.len() > 0 {
		f := q.ring.pop()
		fl := s.stack.Flow(f)
		work++
		cost += c.RxFrame
		if rxcsum {
			n.st.rxCsumOK++
		} else {
			n.st.rxCsumNone++
			cost += c.checksum(fl.Len)
		}
		if gro {
			cost += c.GROFrame
			cost += q.groReceive(f, &fl)
			continue
		}
		cost += q.deliver(f, &fl)
	}
	cost += q.groFlush()
	q.cycle += work
	if work < weight {
		// napi_complete_done: the interrupt is on again.
		q.masked = false
		if n.set.AdaptiveRX {
			q.adapt()
		}
		if q.ring.len() > 0 { // cannot happen: the ring was emptied
			q.fire()
		}
		return work, cost, false
	}
	return work, cost, true
}

// groReceive is napi_gro_receive: merge f into a held packet of its flow,
// hold it, or (not a TCP data segment) flush its flow and deliver it.
func (q *rxQueue[F]) groReceive(f F, fl *Flow) sim.Time {
	s := q.n.cpus
	var cost sim.Time
	for i := 0; i < q.groLen; i++ {
		if !sameFlow(&q.groFl[i], fl) {
			continue
		}
		if fl.Data && s.stack.Merge(q.gro[i], f) {
			q.groFl[i].Len += fl.Len
			q.n.st.rxGROMerged++
			return 0
		}
		cost += q.groRemove(i)
		break
	}
	if !fl.Data {
		return cost + q.deliver(f, fl)
	}
	if q.groLen == groMaxHeld {
		cost += q.groRemove(0)
	}
	q.gro[q.groLen], q.groFl[q.groLen] = f, *fl
	q.groLen++
	return cost
}

// groRemove delivers the i-th held packet.
func (q *rxQueue[F]) groRemove(i int) sim.Time {
	f, fl := q.gro[i], q.groFl[i]
	copy(q.gro[i:], q.gro[i+1:q.groLen])
	copy(q.groFl[i:], q.groFl[i+1:q.groLen])
	q.groLen--
	var zero F
	q.gro[q.groLen] = zero
	q.n.st.rxGROPackets++
	return q.deliver(f, &fl)
}

// groFlush delivers every held packet, oldest first.
func (q *rxQueue[F]) groFlush() sim.Time {
	var cost sim.Time
	for q.groLen > 0 {
		cost += q.groRemove(0)
	}
	return cost
}

// deliver is netif_receive_skb: to the stack on this CPU, or through RPS
// to a backlog.
func (q *rxQueue[F]) deliver(f F, fl *Flow) sim.Time {
	n := q.n
	s := n.cpus
	if q.idx < len(n.rps) && len(n.rps[q.idx]) > 0 {
		t := n.rps[q.idx]
		target := s.cpu[t[int(n.hash(fl)%uint32(len(t)))]]
		target.backlog.enqueue(q.cpu, f)
		return s.Costs.RPSEnqueue
	}
	q.cpu.processed++
	s.stack.Deliver(f)
	return s.Costs.Stack
}
