package ref

// seqLT reports whether sequence number a comes before b, with wrap-around
// (Linux's before()).
func seqLT(a, b uint32) bool { return int32(a-b) < 0 }

// seqLEQ reports whether a comes before b or equals it.
func seqLEQ(a, b uint32) bool { return int32(a-b) <= 0 }

// seqGT reports whether a comes after b (Linux's after()).
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }

// seqGEQ reports whether a comes after b or equals it.
func seqGEQ(a, b uint32) bool { return int32(a-b) >= 0 }

// seqMax returns the later of a and b.
func seqMax(a, b uint32) uint32 {
	if seqGT(a, b) {
		return a
	}
	return b
}

// seqMin returns the earlier of a and b.
func seqMin(a, b uint32) uint32 {
	if seqLT(a, b) {
		return a
	}
	return b
}

// seqBetween reports whether seq lies in [lo, hi] (Linux's between()).
func seqBetween(seq, lo, hi uint32) bool { return hi-lo >= seq-lo }
