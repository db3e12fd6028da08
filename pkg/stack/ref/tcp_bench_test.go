package ref

import (
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// bulk10G is two hosts on one 10 Gbit/s link, 1500-byte MTU, 20 µs of
// delay each way, buffers large enough for the window.
const bulk10G = `
name: bulk10g
duration: 1s
hosts:
  - name: client
    interfaces:
      - name: eth0
        addresses: [10.0.0.1/24]
  - name: server
    interfaces:
      - name: eth0
        addresses: [10.0.0.2/24]
links:
  - endpoints: [client:eth0, server:eth0]
    bandwidth: 10Gbit
    delay: 20us
`

// startBulk starts one flow from client to server that writes whenever
// there is room; the server reads everything at once.
func startBulk(tb testing.TB, n *Network) *TCPSocket {
	client, server := n.Host("client"), n.Host("server")
	l, err := server.TCPListen(serverAddr, 128, TCPOptions{}, server.NewProcess("sink"))
	if err != nil {
		tb.Fatal(err)
	}
	l.OnAccept = func(l *TCPSocket) {
		for c := l.Accept(); c != nil; c = l.Accept() {
			c.OnReadable = func(c *TCPSocket) { c.Read(1 << 30) }
		}
	}
	s, err := client.TCPConnect(serverAddr, TCPOptions{}, client.NewProcess("source"))
	if err != nil {
		tb.Fatal(err)
	}
	fill := func(s *TCPSocket) {
		for s.Write(1<<30) > 0 {
		}
	}
	s.OnConnect = func(s *TCPSocket, err error) {
		if err == nil {
			fill(s)
		}
	}
	s.OnWritable = fill
	return s
}

// BenchmarkBulk10G runs one bulk flow over 10 Gbit/s for 1 s of virtual
// time and reports the engine's events per second, nanoseconds per event,
// CPU seconds per virtual second and the peak of packets allocated.
func BenchmarkBulk10G(b *testing.B) {
	b.ReportAllocs()
	var events uint64
	var made int
	var goodput float64
	start := time.Now()
	for i := 0; i < b.N; i++ {
		n, err := Build(mustScenario(b, bulk10G))
		if err != nil {
			b.Fatal(err)
		}
		s := startBulk(b, n)
		n.Run(sim.Second)
		events += n.Engine.Events()
		made = n.pool.made
		goodput = float64(s.Stats().BytesAcked) * 8 / 1e9
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(events)/el, "events/s")
	b.ReportMetric(el*1e9/float64(events), "ns/event")
	b.ReportMetric(el/float64(b.N), "cpu-s/virtual-s")
	b.ReportMetric(float64(made), "packets-made")
	b.ReportMetric(goodput, "Gbit/s")
}

// mustScenario parses an inline scenario.
func mustScenario(tb testing.TB, yaml string) *scenario.Scenario {
	tb.Helper()
	sc, err := scenario.Parse("bench.yaml", []byte(yaml))
	if err != nil {
		tb.Fatal(err)
	}
	return sc
}
