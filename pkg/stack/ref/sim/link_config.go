package sim

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// DefaultQueueFrames is Linux's default txqueuelen for Ethernet devices, a
// sensible transmit queue limit for links that model a NIC.
const DefaultQueueFrames = 1000

// LinkConfig describes one direction of a link. The zero value is an ideal
// link: unlimited bandwidth and queue, no delay, no loss.
type LinkConfig struct {
	// Bandwidth is the line rate in bits per second; 0 means unlimited
	// (no serialisation delay, no queueing).
	Bandwidth int64
	// Delay is the propagation delay added to every frame.
	Delay Time
	// Jitter is the largest extra delay: each frame gets a uniform random
	// extra delay in [0, Jitter]. Frames may then overtake each other,
	// unless NoReorder is set.
	Jitter Time
	// NoReorder keeps frames in sending order despite jitter: a frame never
	// arrives before the frame sent just before it.
	NoReorder bool
	// Loss is the probability that an accepted frame is lost on the wire.
	Loss float64
	// Reorder is the probability that a frame is held back by ReorderDelay
	// on top of its other delays, letting later frames overtake it.
	Reorder float64
	// ReorderDelay is the hold-back of a reordered frame; it must be
	// positive when Reorder is.
	ReorderDelay Time
	// QueueFrames limits the transmit queue, in frames, counting the frame
	// being serialised; 0 means no limit. A frame that does not fit is
	// dropped (drop-tail). Queue limits apply only to a limited Bandwidth:
	// an unlimited line never queues.
	QueueFrames int
	// QueueBytes limits the transmit queue in bytes, like a bfifo: a frame
	// is dropped when the queued bytes plus its size exceed the limit. 0
	// means no limit.
	QueueBytes int
}

// ErrBadLink is wrapped by every error LinkConfig.Validate returns.
var ErrBadLink = errors.New("bad link")

// Validate reports the first invalid field of c.
func (c *LinkConfig) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("sim: %w: %s", ErrBadLink, fmt.Sprintf(format, args...))
	}
	prob := func(p float64) bool { return p >= 0 && p <= 1 } // false for NaN
	switch {
	case c.Bandwidth < 0:
		return bad("negative bandwidth %d", c.Bandwidth)
	case c.Delay < 0:
		return bad("negative delay %v", c.Delay)
	case c.Jitter < 0:
		return bad("negative jitter %v", c.Jitter)
	case c.ReorderDelay < 0:
		return bad("negative reorder delay %v", c.ReorderDelay)
	case !prob(c.Loss):
		return bad("loss %v outside [0, 1]", c.Loss)
	case !prob(c.Reorder):
		return bad("reorder %v outside [0, 1]", c.Reorder)
	case c.Reorder > 0 && c.ReorderDelay == 0:
		return bad("reorder %v needs a positive reorder delay", c.Reorder)
	case c.Reorder > 0 && c.NoReorder:
		return bad("reorder %v contradicts no-reorder", c.Reorder)
	case c.QueueFrames < 0:
		return bad("negative queue limit %d frames", c.QueueFrames)
	case c.QueueBytes < 0:
		return bad("negative queue limit %d bytes", c.QueueBytes)
	case c.Delay > Never/4 || c.Jitter > Never/4 || c.ReorderDelay > Never/4:
		return bad("delay out of range")
	}
	return nil
}

// SerializationDelay returns how long a frame of size bytes occupies a
// line of bandwidth bits/s, rounded down to the nanosecond; 0 for an
// unlimited line.
func SerializationDelay(size int, bandwidth int64) Time {
	if bandwidth <= 0 || size <= 0 {
		return 0
	}
	d, _ := serialize(uint64(size), uint64(bandwidth), 0)
	return d
}

// serialize returns the whole nanoseconds size bytes take at bw bits/s
// given a carried remainder rem (< bw) from the frame before, and the new
// remainder; carrying it keeps back-to-back frames exact at any rate.
func serialize(size, bw, rem uint64) (Time, uint64) {
	if size > math.MaxUint32 {
		size = math.MaxUint32
	}
	// size*8e9 + rem < 2^64 for size < 2^31; use 128-bit math above that.
	hi, lo := bits.Mul64(size*8, 1_000_000_000)
	lo, carry := bits.Add64(lo, rem, 0)
	hi += carry
	if hi >= bw {
		return Never, 0
	}
	q, r := bits.Div64(hi, lo, bw)
	if q > uint64(Never) {
		return Never, 0
	}
	return Time(q), r
}
