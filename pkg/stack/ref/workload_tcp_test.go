package ref

import (
	"runtime"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// tcpStates counts h's TCP sockets in state st.
func tcpStates(t *testing.T, h *Host, st stack.State) int {
	t.Helper()
	n := 0
	q := stack.SocketQuery{Tables: 1 << stack.TableTCP, States: 1 << st}
	err := h.dumpTCP(q, func(s *stack.Socket) error {
		if s.State == st {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func noErrors(t *testing.T, w WorkloadSummary) {
	t.Helper()
	if len(w.Errors) > 0 {
		t.Errorf("%s: errors %+v", w.Name, w.Errors)
	}
}

func TestBulkBytes(t *testing.T) {
	n := started(t, twoHosts+`
  - name: iperf
    bulk:
      client: client
      server: server
      bytes: 1MB
      write: 64KiB
`)
	n.Run(2 * sim.Second)
	w := n.Summary().Workloads[0]
	noErrors(t, w)
	if w.BytesSent != 1e6 || w.BytesReceived != 1e6 {
		t.Errorf("bytes sent %d received %d, want 1MB each", w.BytesSent, w.BytesReceived)
	}
	if c := w.Connections; c.Connects != 1 || c.Established != 1 || c.Accepted != 1 || c.Open != 0 {
		t.Errorf("connections %+v, want 1 connect, established, accepted, closed", c)
	}
	if len(w.Flows) != 1 || w.Flows[0].Bytes != 1e6 {
		t.Fatalf("flows %+v, want one of 1MB", w.Flows)
	}
	// 1 MB over 100 Mbit/s with a 2 ms RTT: slow start, then the link.
	if g := w.Flows[0].GoodputBPS; g < 20e6 || g > 100e6 {
		t.Errorf("goodput %d bit/s, want 20 to 100 Mbit/s", g)
	}
	if srtt := w.Flows[0].SRTTNS; srtt < int64(2*sim.Millisecond) || srtt > int64(50*sim.Millisecond) {
		t.Errorf("srtt %d ns, want at least the 2 ms RTT", srtt)
	}
	procs := n.Host("server").Processes()
	if len(procs) != 1 || procs[0].Name != "iperf" {
		t.Errorf("server processes %v, want iperf", procs)
	}
}

func TestBulkReverseUntilStop(t *testing.T) {
	n := started(t, twoHosts+`
  - bulk:
      client: client
      server: server
      streams: 2
      reverse: true
    stop: 500ms
`)
	n.Run(2 * sim.Second)
	w := n.Summary().Workloads[0]
	noErrors(t, w)
	if w.BytesReceived == 0 || w.BytesReceived != w.BytesSent {
		t.Errorf("sent %d, received %d: want all that was sent received", w.BytesSent, w.BytesReceived)
	}
	// Two streams share 100 Mbit/s for 0.5 s: at most 6.25 MB.
	if w.BytesReceived > 6_250_000 || w.BytesReceived < 2_000_000 {
		t.Errorf("received %d bytes in 0.5 s of a 100 Mbit/s link", w.BytesReceived)
	}
	if len(w.Flows) != 2 || w.Flows[0].Bytes == 0 || w.Flows[1].Bytes == 0 {
		t.Errorf("flows %+v, want two that moved data", w.Flows)
	}
	if w.Connections.Open != 0 {
		t.Errorf("%d connections open after the stop", w.Connections.Open)
	}
}

func TestReqRespClosedLoop(t *testing.T) {
	for _, newConn := range []bool{false, true} {
		yaml := twoHosts + `
  - name: http
    reqresp:
      clients: [client]
      server: server
      concurrency: 2
      requests: 5
      request: 200B
      response: uniform:1KB-20KB
      think: 10ms
      service: 1ms
      new_connection: ` + map[bool]string{false: "false", true: "true"}[newConn] + `
`
		n := started(t, yaml)
		n.Run(2 * sim.Second)
		w := n.Summary().Workloads[0]
		noErrors(t, w)
		r := w.Requests
		if r == nil || r.Completed != 10 || r.Latency.Count != 10 {
			t.Fatalf("new_connection %v: requests %+v, want 10", newConn, r)
		}
		wantConns := uint64(2)
		if newConn {
			wantConns = 10
		}
		if w.Connections.Connects != wantConns || w.Connections.Established != wantConns || w.Connections.Open != 0 {
			t.Errorf("new_connection %v: connections %+v, want %d, all closed", newConn, w.Connections, wantConns)
		}
		// A 2 ms RTT, 1 ms of service, up to 20 KB in slow start.
		l := r.Latency
		if l.MinNS < int64(3*sim.Millisecond) || l.MaxNS > int64(30*sim.Millisecond) ||
			!(l.MinNS <= l.P50NS && l.P50NS <= l.P90NS && l.P90NS <= l.P99NS && l.P99NS <= l.MaxNS) {
			t.Errorf("new_connection %v: latency %+v, want ordered, 3 to 30 ms", newConn, l)
		}
		if w.BytesSent != w.BytesReceived || w.BytesSent < 10*(200+1000) {
			t.Errorf("bytes sent %d, received %d", w.BytesSent, w.BytesReceived)
		}
	}
}

func TestReqRespOpenLoop(t *testing.T) {
	n := started(t, twoHosts+`
  - reqresp:
      clients: [client]
      server: server
      concurrency: 4
      rate: 200/s
      response: 2KB
    stop: 1s
`)
	n.Run(2 * sim.Second)
	w := n.Summary().Workloads[0]
	noErrors(t, w)
	r := w.Requests
	if r.Completed+r.Skipped != 200 || r.Completed < 190 {
		t.Errorf("requests %+v, want 200 asked and nearly all done", r)
	}
	if w.Connections.Connects != 4 {
		t.Errorf("connections %+v, want 4 kept alive", w.Connections)
	}
}

func TestStormTimeWait(t *testing.T) {
	for _, closer := range []string{"client", "server"} {
		n := started(t, twoHosts+`
  - storm:
      client: client
      server: server
      rate: 100/s
      closer: `+closer+`
    stop: 1s
`)
		n.Run(1500 * sim.Millisecond)
		w := n.Summary().Workloads[0]
		noErrors(t, w)
		if w.Requests.Completed != 100 || w.Connections.Established != 100 || w.Connections.Open != 0 {
			t.Errorf("closer %s: requests %+v, connections %+v, want 100 done and closed", closer, w.Requests, w.Connections)
		}
		tw := n.Host(closer)
		other := n.Host(map[string]string{"client": "server", "server": "client"}[closer])
		if got := tcpStates(t, tw, stack.StateTimeWait); got != 100 {
			t.Errorf("closer %s: %d TIME_WAIT sockets there, want 100", closer, got)
		}
		if got := tcpStates(t, other, stack.StateTimeWait); got != 0 {
			t.Errorf("closer %s: %d TIME_WAIT sockets on the other side, want 0", closer, got)
		}
		if l := w.Requests.Latency; l.P50NS < int64(2*sim.Millisecond) || l.P99NS > int64(20*sim.Millisecond) {
			t.Errorf("closer %s: latency %+v, want about the 2 ms RTT", closer, l)
		}
	}
}

func TestStormLingerZeroSkipsTimeWait(t *testing.T) {
	n := started(t, twoHosts+`
  - storm:
      client: client
      server: server
      count: 20
      socket:
        linger: 0s
`)
	n.Run(sim.Second)
	w := n.Summary().Workloads[0]
	if w.Requests.Completed != 20 {
		t.Errorf("requests %+v, want 20", w.Requests)
	}
	if got := tcpStates(t, n.Host("client"), stack.StateTimeWait); got != 0 {
		t.Errorf("%d TIME_WAIT sockets after RST closes, want 0", got)
	}
}

func TestStormRefused(t *testing.T) {
	n := started(t, twoHosts+`
  - storm:
      client: client
      server: server
      count: 3
`)
	// The server goes away before the storm starts.
	n.work.list[0].d.(*stormDriver).lis.ls.Close()
	n.Run(5 * sim.Second)
	w := n.Summary().Workloads[0]
	if len(w.Errors) != 1 || w.Errors[0].Error != "ECONNREFUSED" || w.Errors[0].Count != 3 {
		t.Errorf("errors %+v, want 3 ECONNREFUSED", w.Errors)
	}
}

func TestIdleConnections(t *testing.T) {
	n := started(t, twoHosts+`
  - idle:
      client: client
      server: server
      count: 3
      socket:
        keepalive: true
        keepidle: 1s
        keepintvl: 1s
`)
	n.Run(1500 * sim.Millisecond)
	w := n.Summary().Workloads[0]
	noErrors(t, w)
	if c := w.Connections; c.Established != 3 || c.Open != 3 || c.Accepted != 3 {
		t.Errorf("connections %+v, want 3 open", c)
	}
	if got := tcpStates(t, n.Host("client"), stack.StateEstablished); got != 3 {
		t.Errorf("%d established on the client, want 3", got)
	}
}

// TestWorkloadsDeterministic runs a mix of workloads twice, and under
// another GOMAXPROCS, and wants the same summary.
func TestWorkloadsDeterministic(t *testing.T) {
	yaml := twoHosts + `
  - reqresp:
      clients: [client]
      server: server
      concurrency: 3
      response: exp:8KB
      think: exp:5ms
  - bulk:
      client: client
      server: server
    start: 300ms
    stop: 800ms
  - storm:
      client: client
      server: server
      rate: 300/s
  - udp:
      client: server
      server: client
      rate: 5Mbit
`
	run := func() string {
		n := started(t, yaml)
		n.Run(sim.Second)
		return n.Summary().Text()
	}
	a := run()
	prev := runtime.GOMAXPROCS(1)
	b := run()
	runtime.GOMAXPROCS(prev)
	if a != b {
		t.Errorf("two runs differ:\n%s\n---\n%s", a, b)
	}
}
