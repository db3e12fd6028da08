package sim

import "testing"

// conn models a TCP connection's timers: an RTO timer re-armed on every ACK
// (pushed later while pending) and a delayed-ACK timer that fires and is
// re-armed from its own callback.
type benchConn struct {
	e      *Engine
	rto    Timer
	delack Timer
	n      int
}

func (c *benchConn) onRTO() { c.rto.Reset(c.e.Now() + 200*Millisecond) }

func (c *benchConn) onDelack() {
	c.n++
	c.rto.Reset(c.e.Now() + 200*Millisecond) // an ACK arrived: restart RTO
	c.delack.Reset(c.e.Now() + 40*Millisecond + Time(c.n%1000))
}

// BenchmarkTimerResetFire runs 1000 connections whose delayed-ACK timers
// fire and re-arm themselves, each firing also re-arming the connection's
// pending RTO timer; one op is one fired event (with two Resets).
func BenchmarkTimerResetFire(b *testing.B) {
	e := New(1)
	conns := make([]benchConn, 1000)
	for i := range conns {
		c := &conns[i]
		c.e = e
		c.rto.Init(e, c.onRTO)
		c.delack.Init(e, c.onDelack)
		c.rto.Reset(200 * Millisecond)
		c.delack.Reset(Time(i) * Microsecond)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		e.Step()
	}
}

// BenchmarkTimerResetPending re-arms pending timers later, as TCP does with
// the RTO timer on each ACK, without any firing.
func BenchmarkTimerResetPending(b *testing.B) {
	e := New(1)
	timers := make([]Timer, 1000)
	for i := range timers {
		timers[i].Init(e, func() {})
		timers[i].Reset(Time(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		t := &timers[i%len(timers)]
		t.Reset(t.When() + 1000)
	}
}

// BenchmarkLinkFrame sends 1500-byte frames through a 10 Gbit/s link with a
// 50 us delay, keeping 64 frames in flight (each delivery sends the next);
// one op is one frame sent and delivered.
func BenchmarkLinkFrame(b *testing.B) {
	benchLink(b, LinkConfig{Bandwidth: 10_000_000_000, Delay: 50 * Microsecond, QueueFrames: DefaultQueueFrames})
}

// BenchmarkLinkFrameJitterLoss is BenchmarkLinkFrame with jitter (frames
// reorder) and 0.1% loss.
func BenchmarkLinkFrameJitterLoss(b *testing.B) {
	benchLink(b, LinkConfig{Bandwidth: 10_000_000_000, Delay: 50 * Microsecond, Jitter: 5 * Microsecond, Loss: 0.001, QueueFrames: DefaultQueueFrames})
}

type benchFrame struct {
	seq, ack uint32
	flags    uint16
	payload  []byte
}

func benchLink(b *testing.B, cfg LinkConfig) {
	e := New(1)
	sent := 0
	var l *Link[benchFrame]
	send := func() {
		if sent < b.N {
			sent++
			l.Send(benchFrame{seq: uint32(sent)}, 1500)
		}
	}
	// Each delivery tops the window up again, also after losses.
	l, err := NewLink(e, cfg, func(benchFrame) {
		for l.stats.InFlight < 64 && sent < b.N {
			send()
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range 64 {
		send()
	}
	for e.Step() {
		if l.stats.InFlight == 0 && sent < b.N { // all of the window lost
			send()
		}
	}
	b.StopTimer()
	st := l.Stats()
	b.ReportMetric(float64(e.Now())/float64(b.N), "virt-ns/frame")
	if st.SentFrames != uint64(b.N) {
		b.Fatalf("sent %d of %d", st.SentFrames, b.N)
	}
}
