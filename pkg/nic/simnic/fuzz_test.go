package simnic

import (
	"testing"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

var fuzzParams = []string{"rx", "tx", "combined", "other", "rx-mini", "rx-jumbo", "rx-usecs", "rx-frames",
	"tx-usecs", "tx-frames", "adaptive-rx", "adaptive-tx", "tx-push", "rx-usecs-irq", "autoneg"}

// FuzzSettings applies scenario settings and ethtool changes from fuzz
// input to a NIC carrying traffic: nothing may panic, and the NIC keeps
// its invariants.
func FuzzSettings(f *testing.F) {
	f.Add(uint32(128), uint32(4), uint32(50), []byte{0, 1, 2, 3, 8, 9}, []byte{1, 2})
	f.Fuzz(func(t *testing.T, ring, comb, usecs uint32, ops []byte, indir []byte) {
		r := newRig(t, 3, nil)
		ind := make([]uint32, len(indir))
		for i, b := range indir {
			ind[i] = uint32(b % 4)
		}
		on := ring%2 == 0
		_ = r.nic.Apply(&scenario.NIC{Rings: &scenario.Rings{RX: &ring}, Channels: &scenario.Channels{Combined: &comb},
			Coalesce: &scenario.Coalesce{RXUsecs: &usecs}, Offloads: &scenario.Offloads{GRO: &on, LRO: &on},
			RSS: &scenario.RSS{Indirection: ind}})
		r.send(0, 100, 500, func(i int) Flow {
			fl := udpFlow(i%7, 64+i%1400)
			fl.Proto, fl.Data = 6, i%3 != 0
			return fl
		})
		for i := 0; i+1 < len(ops); i += 2 {
			p := []nic.Param{{Name: fuzzParams[int(ops[i])%len(fuzzParams)], Value: uint32(ops[i+1]) * 37}}
			r.e.At(sim.Time(i)*1000, func() {
				_ = r.nic.SetRings(p)
				_ = r.nic.SetChannels(p)
				_ = r.nic.SetCoalesce(p)
				_ = r.nic.SetPause(p)
				_, _ = r.nic.SetFeatures([]nic.FeatureRequest{{Name: p[0].Name, On: p[0].Value%2 == 0}})
			})
		}
		r.e.Run()
		if r.st.delivered+r.st.dropped > 500 {
			t.Fatalf("delivered %d dropped %d of 500", r.st.delivered, r.st.dropped)
		}
		for _, q := range r.nic.rx {
			if q.ring.len() != 0 {
				t.Fatalf("queue %d holds %d frames after the run", q.idx, q.ring.len())
			}
		}
	})
}
