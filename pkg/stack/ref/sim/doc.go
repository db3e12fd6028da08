// Package sim is the discrete-event core of the reference stack: virtual
// time, an event engine with re-armable timers, a seeded random generator,
// and links that carry frames between hosts.
//
// # Engine
//
// An Engine runs events one at a time on the caller's goroutine, in order
// of (virtual time, scheduling sequence number), so events due at the same
// nanosecond run in the order they were scheduled. Time only moves
// forward: an event scheduled in the past runs at the current time. Every
// random draw comes from the engine's generator (a PCG seeded from the
// scenario seed), so a scenario and a seed fully determine a run.
//
// Events are Timers. A Timer embedded in a connection and bound once with
// Init can be re-armed with Reset and cancelled with Stop any number of
// times in O(log n) without allocating; that is how TCP's retransmission,
// delayed-ACK and keepalive timers are meant to use it.
//
// # Links
//
// A Link is one direction of a point-to-point link; NewDuplex makes both.
// A frame offered to Send at time t goes through these steps:
//
//  1. Queue: if the transmit queue (frames still being serialised, the
//     current one included) is at its frame or byte limit, the frame is
//     dropped at once (drop-tail) and counted in DroppedFrames.
//  2. Serialisation: the frame starts when the line is free, at
//     max(t, end of the previous frame), and occupies it for
//     size*8/Bandwidth seconds (12 us for 1500 bytes at 1 Gbit/s); the
//     fractional nanoseconds carry over to the next back-to-back frame.
//     It leaves the queue when its last bit is sent.
//  3. Loss: with probability Loss the frame is lost on the wire (counted
//     in LostFrames); it still used the line.
//  4. Propagation: it arrives Delay after its last bit, plus a uniform
//     random jitter in [0, Jitter], plus ReorderDelay with probability
//     Reorder. Jitter and reordering let later frames overtake earlier ones
//     (counted in Reordered) unless NoReorder holds each frame until the
//     one before it has arrived.
//  5. Delivery: at its arrival time the frame is handed to the link's
//     delivery callback; frames arriving at the same nanosecond are
//     delivered in sending order.
//
// Random draws per accepted frame happen in a fixed order: loss, then
// jitter, then reordering, each only when its parameter is non-zero.
// A link keeps at most one engine event pending, for its earliest arrival,
// and stores frames by value, so carrying a frame allocates nothing once
// the link's buffers have grown to the largest backlog seen.
package sim
