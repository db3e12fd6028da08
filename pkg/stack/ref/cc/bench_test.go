package cc

import "testing"

// benchAck runs the per-ACK path the engine will run for every ACK of one
// segment: SetClock, PktsAcked, CongAvoid, through the Algorithm interface,
// with ACKs gapNs apart.
func benchAck(b *testing.B, alg Algorithm, gapNs int64, cwnd, ssthresh, clamp uint32) {
	s := NewState()
	s.Cwnd, s.SSThresh, s.CwndClamp = cwnd, ssthresh, clamp
	s.MSS = 1448
	s.SndNxt = cwnd
	s.Counters = &Counters{}
	now := int64(1e9)
	s.SetClock(now)
	alg.Init(&s)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		now += gapNs
		s.SetClock(now)
		s.SndUna++
		s.SndNxt = s.SndUna + s.Cwnd
		alg.PktsAcked(&s, AckSample{PktsAcked: 1, RTTUs: 10000, InFlight: 1448})
		s.IsCwndLimited = true
		alg.CongAvoid(&s, s.SndUna, 1)
	}
}

func BenchmarkCubicAck(b *testing.B) {
	b.Run("avoidance", func(b *testing.B) {
		// ACKs of 1448-byte segments at 1 Gbit/s, 11.6 us apart.
		alg, _ := New("cubic")
		benchAck(b, alg, 11600, 1000, 1000, 1<<20)
	})
	b.Run("slowstart-hystart", func(b *testing.B) {
		// Slow start held by the clamp at 1000, ACKs 2.5 ms apart and a
		// constant RTT: both HyStart tests run on every ACK, neither fires.
		alg, _ := New("cubic")
		benchAck(b, alg, 2500000, 10, InfiniteSSThresh, 1000)
	})
}

func BenchmarkRenoAck(b *testing.B) {
	alg, _ := New("reno")
	benchAck(b, alg, 11600, 1000, 1000, 1<<20)
}

// The per-ACK path must not allocate.
func TestAckPathAllocs(t *testing.T) {
	for _, name := range Names() {
		alg, _ := New(name)
		s := NewState()
		s.Counters = &Counters{}
		now := int64(1e9)
		alg.Init(&s)
		allocs := testing.AllocsPerRun(1000, func() {
			now += 11600
			s.SetClock(now)
			s.SndUna++
			alg.PktsAcked(&s, AckSample{PktsAcked: 1, RTTUs: 10000})
			s.IsCwndLimited = true
			alg.CongAvoid(&s, s.SndUna, 1)
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per ACK", name, allocs)
		}
	}
}
