package simnic

import (
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// gen sends one 64-byte frame per microsecond (1 Mpps) from 64 flows.
type gen struct {
	r     *rig
	t     sim.Timer
	i     int
	flows [64]Flow
}

func (g *gen) tick() {
	f := g.r.st.get()
	f.fl, f.at = g.flows[g.i%len(g.flows)], g.r.e.Now()
	g.i++
	g.r.nic.Receive(f)
	g.t.ResetAfter(sim.Microsecond)
}

// BenchmarkMpps64 runs 1 Mpps of 64-byte frames for 1 s of virtual time
// through a 4-queue NIC on 4 CPUs (one op is that second); it reports
// the wall time per packet and the wall seconds per virtual second.
func BenchmarkMpps64(b *testing.B) {
	b.ReportAllocs()
	var packets int
	start := time.Now()
	for range b.N {
		r := newRig(b, 4, nil)
		g := &gen{r: r}
		for i := range g.flows {
			g.flows[i] = udpFlow(i, 46)
		}
		g.t.Init(r.e, g.tick)
		g.t.Reset(0)
		r.e.RunUntil(sim.Second)
		packets += r.st.delivered
		if r.st.delivered < 999_000 {
			b.Fatalf("delivered %d", r.st.delivered)
		}
	}
	el := time.Since(start)
	b.ReportMetric(float64(el.Nanoseconds())/float64(packets), "ns/packet")
	b.ReportMetric(el.Seconds()/float64(b.N), "cpu-s/virtual-s")
}
