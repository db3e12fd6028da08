package sim

// entry is one pending timer in the engine's heap. The ordering key lives
// in the entry, not behind the pointer, so comparisons stay in one cache
// line. The key is the timer's (at, seq) when pushed or moved earlier, and
// a lower bound of it after the timer was moved later (see Timer.Reset).
type entry struct {
	at  Time
	seq uint64
	t   *Timer
}

func (a *entry) less(b *entry) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

// arity is the heap's fan-out: a 4-ary heap is shallower than a binary one
// and its children share cache lines, which makes pops cheaper.
const arity = 4

// push adds x to the heap.
func (e *Engine) push(x entry) {
	e.heap = append(e.heap, x)
	e.up(len(e.heap) - 1)
}

// removeAt deletes the entry at position i and clears nothing in its timer.
func (e *Engine) removeAt(i int) {
	h := e.heap
	last := len(h) - 1
	if i != last {
		h[i] = h[last]
		h[i].t.idx = i + 1
	}
	h[last] = entry{}
	e.heap = h[:last]
	if i != last {
		e.fix(i)
	}
}

// fix restores the heap order around position i after its key changed.
func (e *Engine) fix(i int) {
	if i > 0 && e.heap[i].less(&e.heap[(i-1)/arity]) {
		e.up(i)
	} else {
		e.down(i)
	}
}

func (e *Engine) up(i int) {
	h := e.heap
	x := h[i]
	for i > 0 {
		p := (i - 1) / arity
		if !x.less(&h[p]) {
			break
		}
		h[i] = h[p]
		h[i].t.idx = i + 1
		i = p
	}
	h[i] = x
	x.t.idx = i + 1
}

func (e *Engine) down(i int) {
	h := e.heap
	n := len(h)
	x := h[i]
	for {
		c := arity*i + 1
		if c >= n {
			break
		}
		end := min(c+arity, n)
		for j := c + 1; j < end; j++ {
			if h[j].less(&h[c]) {
				c = j
			}
		}
		if !h[c].less(&x) {
			break
		}
		h[i] = h[c]
		h[i].t.idx = i + 1
		i = c
	}
	h[i] = x
	x.t.idx = i + 1
}
