package ref

import "github.com/stackbox/stackbox/pkg/stack/ref/sim"

// tcpSeg is one sent segment in the retransmission queue: a sequence
// range, not bytes.
type tcpSeg struct {
	seq, end uint32   // [seq, end), counting SYN and FIN
	sent     sim.Time // last (re)transmission
	// Delivery-rate sampling (tcp_rate.c): the connection's delivered
	// count and times when the segment was sent.
	delivered            uint32
	deliveredAt, firstTx sim.Time
	flags                uint8
}

// tcpSeg flags.
const (
	segSacked      = 1 << iota // SACKed (TCPCB_SACKED_ACKED)
	segLost                    // marked lost (TCPCB_LOST)
	segRetrans                 // retransmitted and not yet acked (TCPCB_SACKED_RETRANS)
	segEverRetrans             // retransmitted at least once (TCPCB_EVER_RETRANS)
	segSYN
	segFIN
	segAppLimited
)

// dataLen is the segment's payload, without SYN and FIN.
func (g *tcpSeg) dataLen() uint32 {
	n := g.end - g.seq
	if g.flags&segSYN != 0 {
		n--
	}
	if g.flags&segFIN != 0 {
		n--
	}
	return n
}

// segRing is the retransmission queue: a ring of segments in sequence
// order, growing by doubling (so it is as big as the largest flight).
type segRing struct {
	buf     []tcpSeg
	head, n int
}

// at returns the i-th segment from the head.
func (r *segRing) at(i int) *tcpSeg { return &r.buf[(r.head+i)&(len(r.buf)-1)] }

// push appends a zeroed segment and returns it.
func (r *segRing) push() *tcpSeg {
	if r.n == len(r.buf) {
		nb := make([]tcpSeg, max(16, 2*len(r.buf)))
		for i := 0; i < r.n; i++ {
			nb[i] = *r.at(i)
		}
		r.buf, r.head = nb, 0
	}
	g := r.at(r.n)
	*g = tcpSeg{}
	r.n++
	return g
}

// pop removes the head segment.
func (r *segRing) pop() {
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
}

// find returns the index of the first segment whose end is after seq (the
// one holding seq, or the next), r.n when there is none.
func (r *segRing) find(seq uint32) int {
	lo, hi := 0, r.n
	for lo < hi {
		m := (lo + hi) / 2
		if seqGT(r.at(m).end, seq) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// seqRange is a range of sequence space [start, end).
type seqRange struct{ start, end uint32 }
