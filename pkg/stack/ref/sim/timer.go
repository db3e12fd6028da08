package sim

// Timer is an event that can be stopped and re-armed any number of times.
// A Timer is usually embedded in the object it serves and bound once with
// Init; after that Reset and Stop cost at most O(log n) in the number of
// pending events (moving a pending timer later is O(1)) and never allocate:
//
//	type conn struct{ rto sim.Timer }
//	c.rto.Init(e, c.onRTO)   // one method value per connection
//	c.rto.Reset(e.Now() + 200*sim.Millisecond)
//
// A Timer must not be copied once initialised.
type Timer struct {
	e   *Engine
	fn  func()
	at  Time   // when the timer is due
	seq uint64 // sequence number of the last Reset
	idx int    // 1 + position in the engine's heap; 0 when not pending
}

// Init binds t to engine e and callback fn. A pending timer is stopped
// first.
func (t *Timer) Init(e *Engine, fn func()) {
	if t.idx != 0 {
		t.Stop()
	}
	t.e, t.fn, t.at, t.seq = e, fn, 0, 0
}

// Reset arms t to fire at time at, whether it is pending, stopped or has
// already fired, and gives it a fresh sequence number, so it runs after
// every event already scheduled for the same instant. It may be called from
// t's own callback. A time before Now runs at Now (see Engine.At).
func (t *Timer) Reset(at Time) {
	e := t.e
	if e == nil {
		panic("sim: Reset of a Timer that was not initialised")
	}
	if at < e.now {
		at = e.now
	}
	e.seq++
	t.at, t.seq = at, e.seq
	if t.idx == 0 {
		e.push(entry{at: at, seq: e.seq, t: t})
		return
	}
	// A pending timer moved later keeps its heap entry: the entry's key
	// becomes a lower bound, and runTop moves the entry down when it
	// reaches the root. TCP pushes its RTO timer later on every ACK, so
	// this makes the common Reset O(1). Moving earlier sifts up at once.
	i := t.idx - 1
	if h := &e.heap[i]; at < h.at {
		h.at, h.seq = at, e.seq
		e.up(i)
	}
}

// ResetAfter arms t to fire d after Now.
func (t *Timer) ResetAfter(d Time) { t.Reset(t.e.now + d) }

// Stop cancels t and reports whether it was pending. Stopping a stopped or
// fired timer does nothing and returns false.
func (t *Timer) Stop() bool {
	if t.idx == 0 {
		return false
	}
	t.e.removeAt(t.idx - 1)
	t.idx = 0
	return true
}

// Pending reports whether t is armed and has not fired yet.
func (t *Timer) Pending() bool { return t.idx != 0 }

// When returns the time t was last armed for.
func (t *Timer) When() Time { return t.at }
