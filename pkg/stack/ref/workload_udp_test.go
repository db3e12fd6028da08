package ref

import (
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// twoHosts is a client and a server on one link; workloads are appended.
const twoHosts = `
name: pair
seed: 3
duration: 2s
hosts:
  - name: client
    interfaces:
      - name: eth0
        addresses: [10.0.0.1/24, fd00::1/64]
  - name: server
    interfaces:
      - name: eth0
        addresses: [10.0.0.2/24, fd00::2/64]
links:
  - name: wire
    endpoints: [client:eth0, server:eth0]
    bandwidth: 100Mbit
    delay: 1ms
workloads:
`

// started builds a network from yaml and starts its workloads.
func started(t *testing.T, yaml string) *Network {
	t.Helper()
	n := build(t, yaml)
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUDPStreamInterval(t *testing.T) {
	n := started(t, twoHosts+`
  - name: stream
    start: 100ms
    stop: 1100ms
    udp:
      client: client
      server: server
      port: 9000
      size: 1000B
      interval: 10ms
      burst: 2
      flows: 2
`)
	n.Run(2 * sim.Second)
	s := n.Summary()
	w := s.Workloads[0]
	// 100 bursts of 2 between 100 ms and 1100 ms (the one due at 1100 ms
	// is not sent).
	if w.UDP == nil || w.UDP.Sent != 200 || w.UDP.Received != 200 || w.UDP.Lost != 0 {
		t.Fatalf("udp %+v, want 200 sent and received", w.UDP)
	}
	if w.BytesSent != 200_000 || w.BytesReceived != 200_000 {
		t.Errorf("bytes %d sent, %d received, want 200000", w.BytesSent, w.BytesReceived)
	}
	// 200 kB over the ~1 s from the start to the last datagram: ~1.6 Mbit/s.
	if w.GoodputBPS < 1_580_000 || w.GoodputBPS > 1_620_000 {
		t.Errorf("goodput %d bit/s, want about 1.6 Mbit/s", w.GoodputBPS)
	}
	if w.State != "stopped" {
		t.Errorf("state %q, want stopped", w.State)
	}
	client, server := n.Host("client"), n.Host("server")
	if got := client.MIB.Get(UdpOutDatagrams); got != 200 {
		t.Errorf("client UdpOutDatagrams %d, want 200", got)
	}
	if got := server.MIB.Get(UdpInDatagrams); got != 200 {
		t.Errorf("server UdpInDatagrams %d, want 200", got)
	}
	// The server's socket stays, owned by the workload's process; the
	// client's two closed at the stop time.
	if socks := server.UDPSockets(); len(socks) != 1 || socks[0].Proc == nil || socks[0].Proc.Name != "stream" {
		t.Errorf("server sockets %v, want one owned by stream", socks)
	}
	if socks := client.UDPSockets(); len(socks) != 0 {
		t.Errorf("client has %d sockets after stop, want 0", len(socks))
	}
}

func TestUDPStreamRateLossAndRcvbuf(t *testing.T) {
	// 200 Mbit/s into a 100 Mbit/s link for the 250 ms the 5000
	// datagrams take: the link carries a bit less than half of them in
	// that time, its queue holds 1000 more, the rest is dropped.
	n := started(t, twoHosts+`
  - name: flood
    stop: 500ms
    udp:
      client: client
      server: server
      address: fd00::2
      size: 1250B
      rate: 200Mbit
      count: 5000
`)
	n.Run(sim.Second)
	s := n.Summary()
	u := s.Workloads[0].UDP
	// 1250 B at 200 Mbit/s: one every 50 us, 10000 in 500 ms, cut at 5000.
	if u.Sent != 5000 {
		t.Errorf("sent %d, want 5000 (count)", u.Sent)
	}
	if u.Received+u.Lost != u.Sent || u.Lost < 1500 || u.Lost > 2000 {
		t.Errorf("udp %+v: want 1500 to 2000 lost", u)
	}
	var dropped uint64
	for _, l := range s.Links {
		dropped += l.Dropped
	}
	if dropped != u.Lost {
		t.Errorf("links dropped %d, udp lost %d: want the same", dropped, u.Lost)
	}
	if !strings.Contains(s.Text(), "flood") {
		t.Errorf("text lacks the workload:\n%s", s.Text())
	}
}

func TestUDPRcvbufErrors(t *testing.T) {
	// A tiny receive buffer on a reader that keeps up drops nothing; the
	// option is honoured (twice the value, like Linux).
	n := started(t, twoHosts+`
  - udp:
      client: client
      server: server
      interval: 1ms
      server_socket:
        rcvbuf: 2000B
`)
	n.Run(100 * sim.Millisecond)
	srv := n.Host("server").UDPSockets()[0]
	if srv.RcvBuf != 4000 {
		t.Errorf("rcvbuf %d, want 4000", srv.RcvBuf)
	}
	if u := n.Summary().Workloads[0].UDP; u.RcvbufErrors != 0 || u.Received == 0 {
		t.Errorf("udp %+v: want datagrams received, none dropped", u)
	}
}

// BenchmarkUDPStream runs one second of a 1 Gbit/s UDP stream of
// 1472-byte datagrams (about 85000 datagrams).
func BenchmarkUDPStream(b *testing.B) {
	sc := `
name: bench
duration: 1s
hosts:
  - name: a
    interfaces: [{name: eth0, addresses: [10.0.0.1/24]}]
  - name: b
    interfaces: [{name: eth0, addresses: [10.0.0.2/24]}]
links:
  - endpoints: [a:eth0, b:eth0]
    bandwidth: 10Gbit
    delay: 1ms
workloads:
  - udp: {client: a, server: b, rate: 1Gbit}
`
	var events uint64
	for b.Loop() {
		n := build(&testing.T{}, sc)
		if err := n.Start(); err != nil {
			b.Fatal(err)
		}
		n.Run(sim.Second)
		events = n.Engine.Events()
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
