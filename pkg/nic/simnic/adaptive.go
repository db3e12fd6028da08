package simnic

// Adaptive interrupt moderation (adaptive-rx), simplified from the
// kernel's DIM: a queue sits at one level of adaptiveLevels; when a NAPI
// cycle (from an interrupt to the poll that re-enables it) found at least
// adaptiveUp frames the queue moves one level up (more moderation), below
// adaptiveDown one level down. Unlike DIM it does not compare throughput
// between samples.
var adaptiveLevels = [...]struct{ usecs, frames int }{
	{2, 256}, {8, 128}, {16, 128}, {32, 128}, {64, 256},
}

const (
	adaptiveStart = 1
	adaptiveUp    = 32
	adaptiveDown  = 4
)

// moderation returns the queue's rx-usecs and rx-frames in force.
func (q *rxQueue[F]) moderation() (usecs, frames int) {
	if q.n.set.AdaptiveRX {
		l := adaptiveLevels[q.level]
		return l.usecs, l.frames
	}
	return int(q.n.set.RXUsecs), int(q.n.set.RXFrames)
}

// adapt moves the queue's level after a NAPI cycle.
func (q *rxQueue[F]) adapt() {
	switch {
	case q.cycle >= adaptiveUp && q.level < len(adaptiveLevels)-1:
		q.level++
	case q.cycle < adaptiveDown && q.level > 0:
		q.level--
	}
}

// txModeration returns tx-usecs and tx-frames in force (adaptive-tx
// uses the middle level's usecs and the configured frames).
func (n *NIC[F]) txModeration() (usecs, frames int) {
	if n.set.AdaptiveTX {
		return adaptiveLevels[2].usecs, int(n.set.TXFrames)
	}
	return int(n.set.TXUsecs), int(n.set.TXFrames)
}
