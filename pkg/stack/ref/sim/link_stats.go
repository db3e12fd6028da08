package sim

// LinkStats counts what happened to the frames offered to a link. Every
// offered frame ends up in exactly one of Delivered, Dropped, Lost or
// in flight: SentFrames = DeliveredFrames + DroppedFrames + LostFrames +
// InFlight.
type LinkStats struct {
	// SentFrames and SentBytes count frames offered to Send.
	SentFrames, SentBytes uint64
	// DeliveredFrames and DeliveredBytes count frames handed to the
	// receiver.
	DeliveredFrames, DeliveredBytes uint64
	// DroppedFrames and DroppedBytes count frames refused because the
	// transmit queue was full (drop-tail).
	DroppedFrames, DroppedBytes uint64
	// LostFrames and LostBytes count frames serialised and then lost on
	// the wire (random loss).
	LostFrames, LostBytes uint64
	// Reordered counts frames that arrive before a frame sent earlier.
	Reordered uint64
	// HeldBack counts frames delayed by the explicit reorder probability.
	HeldBack uint64
	// QueueFrames and QueueBytes are the current transmit queue, counting
	// the frame being serialised.
	QueueFrames, QueueBytes int
	// MaxQueueFrames and MaxQueueBytes are the queue's high-water marks.
	MaxQueueFrames, MaxQueueBytes int
	// InFlight counts frames serialised, or queued, and not yet delivered
	// nor lost.
	InFlight int
}
