package cc

import (
	"encoding/binary"
	"testing"
)

// FuzzHooks drives both algorithms with arbitrary hook sequences, state
// values and clocks: no hook may panic or loop, ssthresh is at least 2,
// and congestion avoidance keeps cwnd within the clamp.
func FuzzHooks(f *testing.F) {
	f.Add([]byte{0, 10, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{2, 0, 0, 0, 0, 2, 0, 0, 0, 3, 255, 255, 255, 255, 5, 4})
	f.Add([]byte{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		next := func() uint32 {
			if len(data) < 4 {
				return 0
			}
			v := binary.LittleEndian.Uint32(data)
			data = data[4:]
			return v
		}
		for _, name := range Names() {
			saved := data
			alg, _ := New(name)
			s := NewState()
			s.Counters = &Counters{}
			now := int64(0)
			alg.Init(&s)
			for steps := 0; len(data) > 0 && steps < 256; steps++ {
				op := data[0]
				data = data[1:]
				now += int64(next()) * 1000 // up to 71 minutes
				s.SetClock(now)
				switch op % 8 {
				case 0:
					s.Cwnd, s.SSThresh = next(), next()
				case 1:
					s.CwndClamp, s.MaxPacketsOut = next(), next()
					s.IsCwndLimited = s.CwndClamp&1 == 1
				case 2:
					s.SndUna += next() % 1000
					alg.PktsAcked(&s, AckSample{PktsAcked: next(), RTTUs: int32(next())})
				case 3:
					before := s.Cwnd
					alg.CongAvoid(&s, s.SndUna, next())
					if s.Cwnd > s.CwndClamp && s.Cwnd > before {
						t.Fatalf("%s: cwnd %d grew past clamp %d", name, s.Cwnd, s.CwndClamp)
					}
				case 4:
					if th := alg.SSThresh(&s); th < 2 {
						t.Fatalf("%s: ssthresh %d", name, th)
					}
				case 5:
					alg.SetState(&s, CAState(next()%6))
				case 6:
					s.LSndTime = next()
					alg.CwndEvent(&s, Event(next()%7))
				case 7:
					s.PriorCwnd, s.HZ = next(), next()%2000
					s.PacingRate, s.Paced = uint64(next()), next()&1 == 1
					s.Cwnd = alg.UndoCwnd(&s)
				}
			}
			data = saved
		}
	})
}
