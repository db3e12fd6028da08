package sim

// Link is one direction of a point-to-point link carrying frames of type F,
// which the link stores by value (no boxing). See the package
// documentation for a frame's timeline. The link keeps at most one engine
// event pending, for its next delivery, and stops allocating once its
// buffers have grown to the largest backlog seen.
type Link[F any] struct {
	e       *Engine
	cfg     LinkConfig
	deliver func(F)
	timer   Timer

	// Transmit side.
	busyUntil Time   // when the line finishes the last accepted frame
	rem       uint64 // serialisation remainder carried between frames
	txq       ring[txFrame]
	txBytes   int

	// Frames on the wire, ordered by (arrival, seq): arrivals that keep
	// the sending order go to the FIFO, overtaking ones to the heap.
	slots       []wireFrame[F]
	free        []int32
	fifo        ring[int32]
	late        []int32
	lastArrival Time
	seq         uint64

	stats LinkStats
}

// txFrame is a frame in the transmit queue, kept only for accounting: it
// leaves the queue when its serialisation ends.
type txFrame struct {
	done Time
	size int
}

type wireFrame[F any] struct {
	f       F
	arrival Time
	seq     uint64
	size    int
}

// NewLink returns a link driven by engine e that hands each arriving frame
// to deliver (which may be nil, and may call Send on any link, this one
// included).
func NewLink[F any](e *Engine, cfg LinkConfig, deliver func(F)) (*Link[F], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	l := &Link[F]{e: e, cfg: cfg, deliver: deliver}
	l.timer.Init(e, l.arrive)
	return l, nil
}

// NewDuplex returns the two directions of a full-duplex link with the same
// configuration: ab carries frames from A to B and hands them to toB, ba
// the other way to toA. Each direction has its own queue and line.
func NewDuplex[F any](e *Engine, cfg LinkConfig, toB, toA func(F)) (ab, ba *Link[F], err error) {
	if ab, err = NewLink(e, cfg, toB); err != nil {
		return nil, nil, err
	}
	ba, _ = NewLink(e, cfg, toA)
	return ab, ba, nil
}

// Config returns the link's configuration.
func (l *Link[F]) Config() LinkConfig { return l.cfg }

// SetConfig changes the link's configuration for frames sent from now on;
// frames already queued or on the wire keep their timing.
func (l *Link[F]) SetConfig(cfg LinkConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	l.cfg = cfg
	l.rem = 0 // the carried remainder was in units of the old rate
	return nil
}

// SetDeliver replaces the delivery callback.
func (l *Link[F]) SetDeliver(deliver func(F)) { l.deliver = deliver }

// Send offers frame f of size bytes to the link at the current time and
// reports whether the transmit queue accepted it. An accepted frame may
// still be lost on the wire; the sender cannot tell, like a real NIC.
// A negative size counts as zero.
func (l *Link[F]) Send(f F, size int) bool {
	if size < 0 {
		size = 0
	}
	now := l.e.now
	st := &l.stats
	st.SentFrames++
	st.SentBytes += uint64(size)
	l.drain(now)

	c := &l.cfg
	if c.Bandwidth > 0 && ((c.QueueFrames > 0 && l.txq.n >= c.QueueFrames) ||
		(c.QueueBytes > 0 && l.txBytes+size > c.QueueBytes)) {
		st.DroppedFrames++
		st.DroppedBytes += uint64(size)
		return false
	}

	// Serialisation: behind the frames already queued.
	done := now
	if c.Bandwidth > 0 {
		start := l.busyUntil
		if start <= now {
			start, l.rem = now, 0
		}
		var d Time
		d, l.rem = serialize(uint64(size), uint64(c.Bandwidth), l.rem)
		done = satAdd(start, d)
		l.busyUntil = done
		l.txq.push(txFrame{done: done, size: size})
		l.txBytes += size
		if l.txq.n > st.MaxQueueFrames {
			st.MaxQueueFrames = l.txq.n
		}
		if l.txBytes > st.MaxQueueBytes {
			st.MaxQueueBytes = l.txBytes
		}
	}

	r := &l.e.rand
	if c.Loss > 0 && r.Float64() < c.Loss {
		st.LostFrames++
		st.LostBytes += uint64(size)
		return true
	}

	// Propagation.
	arrival := satAdd(done, c.Delay)
	if c.Jitter > 0 {
		arrival = satAdd(arrival, Time(r.Uint64N(uint64(c.Jitter)+1)))
	}
	if c.Reorder > 0 && r.Float64() < c.Reorder {
		arrival = satAdd(arrival, c.ReorderDelay)
		st.HeldBack++
	}
	if arrival < l.lastArrival {
		if c.NoReorder {
			arrival = l.lastArrival
		} else {
			st.Reordered++
		}
	} else {
		l.lastArrival = arrival
	}

	// On the wire.
	var i int32
	if n := len(l.free); n > 0 {
		i = l.free[n-1]
		l.free = l.free[:n-1]
	} else {
		l.slots = append(l.slots, wireFrame[F]{})
		i = int32(len(l.slots) - 1)
	}
	l.seq++
	l.slots[i] = wireFrame[F]{f: f, arrival: arrival, seq: l.seq, size: size}
	if l.fifo.n == 0 || l.slots[*l.fifo.back()].arrival <= arrival {
		l.fifo.push(i)
	} else {
		l.pushLate(i)
	}
	st.InFlight++
	if !l.timer.Pending() || arrival < l.timer.When() {
		l.timer.Reset(arrival)
	}
	return true
}

// drain removes from the transmit queue the frames whose serialisation
// ended by now.
func (l *Link[F]) drain(now Time) {
	for l.txq.n > 0 && l.txq.front().done <= now {
		l.txBytes -= l.txq.pop().size
	}
}

// arrive delivers the earliest frame on the wire; it is the timer callback.
func (l *Link[F]) arrive() {
	var i int32
	switch {
	case len(l.late) == 0:
		i = l.fifo.pop()
	case l.fifo.n == 0:
		i = l.popLate()
	case l.before(l.late[0], *l.fifo.front()):
		i = l.popLate()
	default:
		i = l.fifo.pop()
	}
	w := &l.slots[i]
	f, size := w.f, w.size
	var zero F
	w.f = zero // drop references the frame holds
	l.free = append(l.free, i)

	st := &l.stats
	st.InFlight--
	st.DeliveredFrames++
	st.DeliveredBytes += uint64(size)

	// Re-arm before delivering, so that a Send from the callback sees a
	// consistent link.
	if next, ok := l.nextArrival(); ok {
		l.timer.Reset(next)
	}
	if l.deliver != nil {
		l.deliver(f)
	}
}

func (l *Link[F]) nextArrival() (Time, bool) {
	switch {
	case l.fifo.n == 0 && len(l.late) == 0:
		return 0, false
	case len(l.late) == 0:
		return l.slots[*l.fifo.front()].arrival, true
	case l.fifo.n == 0:
		return l.slots[l.late[0]].arrival, true
	}
	a, b := l.slots[*l.fifo.front()].arrival, l.slots[l.late[0]].arrival
	return min(a, b), true
}

// before orders wire frames by (arrival, seq).
func (l *Link[F]) before(i, j int32) bool {
	a, b := &l.slots[i], &l.slots[j]
	return a.arrival < b.arrival || (a.arrival == b.arrival && a.seq < b.seq)
}

func (l *Link[F]) pushLate(i int32) {
	l.late = append(l.late, i)
	h := l.late
	k := len(h) - 1
	for k > 0 {
		p := (k - 1) / 2
		if !l.before(h[k], h[p]) {
			break
		}
		h[k], h[p] = h[p], h[k]
		k = p
	}
}

func (l *Link[F]) popLate() int32 {
	h := l.late
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	l.late = h
	k := 0
	for {
		c := 2*k + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && l.before(h[r], h[c]) {
			c = r
		}
		if !l.before(h[c], h[k]) {
			break
		}
		h[k], h[c] = h[c], h[k]
		k = c
	}
	return top
}

// Stats returns the link's counters and its queue as of the current time.
func (l *Link[F]) Stats() LinkStats {
	l.drain(l.e.now)
	s := l.stats
	s.QueueFrames, s.QueueBytes = l.txq.n, l.txBytes
	return s
}

// QueueLen returns the frames and bytes in the transmit queue now,
// counting the frame being serialised.
func (l *Link[F]) QueueLen() (frames, bytes int) {
	l.drain(l.e.now)
	return l.txq.n, l.txBytes
}

// BusyUntil returns when the line finishes serialising the frames queued so
// far; a time not after Now means the line is idle.
func (l *Link[F]) BusyUntil() Time { return l.busyUntil }

// satAdd returns a+b for non-negative b, saturating at Never.
func satAdd(a, b Time) Time {
	if a > Never-b {
		return Never
	}
	return a + b
}
