package sim

// Engine is a single-threaded discrete-event scheduler over virtual time.
// Events run in order of (time, scheduling sequence number): events due at
// the same instant run in the order they were scheduled, and re-arming a
// timer gives it a fresh sequence number. An Engine is not safe for
// concurrent use; a simulation runs on one goroutine.
type Engine struct {
	now    Time
	seq    uint64 // sequence number of the last scheduling
	events uint64 // events processed
	heap   []entry
	halted bool
	seed   uint64
	rand   Rand
}

// New returns an engine at time zero whose random generator is seeded from
// seed.
func New(seed uint64) *Engine {
	e := &Engine{seed: seed}
	e.rand.init(seed)
	return e
}

// Now returns the current virtual time: the time of the event being run,
// or where Run, RunUntil or Step left the clock.
func (e *Engine) Now() Time { return e.now }

// Seed returns the seed the engine was created with.
func (e *Engine) Seed() uint64 { return e.seed }

// Rand returns the engine's random generator. Every random draw of a
// simulation comes from it, so the same seed and the same sequence of
// events give the same draws.
func (e *Engine) Rand() *Rand { return &e.rand }

// Events returns the number of events processed so far.
func (e *Engine) Events() uint64 { return e.events }

// Pending returns the number of scheduled events not yet run.
func (e *Engine) Pending() int { return len(e.heap) }

// Next returns the time of the earliest pending event, and false when none
// is pending.
func (e *Engine) Next() (Time, bool) {
	e.settle()
	if len(e.heap) == 0 {
		return 0, false
	}
	return e.heap[0].at, true
}

// At schedules fn to run at time t and returns its timer, which may be
// stopped or re-armed. A time before Now is a programming error; the event
// then runs at Now, after the events already due at Now: the clock never
// goes back. At allocates a Timer; hot paths embed a Timer instead.
func (e *Engine) At(t Time, fn func()) *Timer {
	tm := &Timer{e: e, fn: fn}
	tm.Reset(t)
	return tm
}

// After schedules fn to run d after Now and returns its timer.
func (e *Engine) After(d Time, fn func()) *Timer {
	return e.At(e.now+d, fn)
}

// Step runs the earliest pending event, advancing the clock to its time,
// and reports whether there was one.
func (e *Engine) Step() bool {
	for len(e.heap) > 0 {
		if e.runTop() {
			return true
		}
	}
	return false
}

// Run runs events until none is pending or an event calls Halt.
func (e *Engine) Run() {
	e.halted = false
	for len(e.heap) > 0 && !e.halted {
		e.runTop()
	}
}

// RunUntil runs every event due at or before t, then sets the clock to t.
// If an event calls Halt, RunUntil returns at once with the clock at that
// event's time. A t before Now runs nothing and leaves the clock alone.
func (e *Engine) RunUntil(t Time) {
	e.halted = false
	for len(e.heap) > 0 && e.heap[0].at <= t {
		if e.runTop() && e.halted {
			return
		}
	}
	if t > e.now {
		e.now = t
	}
}

// Halt makes the running Run or RunUntil return once the current event
// returns. Pending events stay scheduled; a later Run continues with them.
func (e *Engine) Halt() { e.halted = true }

// runTop runs the event at the root of the heap and reports true, or, when
// the root's timer was moved later since it was queued, moves the entry
// to the timer's real key and reports false.
func (e *Engine) runTop() bool {
	top := &e.heap[0]
	t := top.t
	if top.seq != t.seq {
		top.at, top.seq = t.at, t.seq
		e.down(0)
		return false
	}
	e.removeAt(0)
	t.idx = 0
	if t.at > e.now {
		e.now = t.at
	}
	e.events++
	t.fn()
	return true
}

// settle brings the root of the heap up to date, so that its key is the
// real time of the next event.
func (e *Engine) settle() {
	for len(e.heap) > 0 {
		top := &e.heap[0]
		if top.seq == top.t.seq {
			return
		}
		top.at, top.seq = top.t.at, top.t.seq
		e.down(0)
	}
}
