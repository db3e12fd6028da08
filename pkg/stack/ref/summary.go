package ref

import (
	"slices"
	"strconv"
	"strings"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// Summary is what a scenario run measured so far: per workload its
// connections, bytes, goodput, retransmissions, request latencies, UDP
// loss and errors, and per link direction its frames and drops. Its text
// (Text) and JSON forms hold the same values; times are nanoseconds of
// virtual time, rates bits per second.
type Summary struct {
	Scenario  string            `json:"scenario"`
	Seed      uint64            `json:"seed"`
	TimeNS    int64             `json:"time_ns"` // the virtual time of the summary
	Events    uint64            `json:"events"`  // events the engine ran
	Workloads []WorkloadSummary `json:"workloads"`
	Links     []LinkSummary     `json:"links"`
	// Interfaces lists the interfaces that dropped packets, by host and
	// interface in scenario order.
	Interfaces []InterfaceSummary `json:"interfaces"`
}

// InterfaceSummary is an interface's drops (/proc/net/dev's): TxDropped
// counts packets the device refused (its link's queue full) or that
// waited for a neighbour that did not answer in time.
type InterfaceSummary struct {
	Host      string `json:"host"`
	Name      string `json:"name"`
	TxDropped uint64 `json:"tx_dropped"`
	RxDropped uint64 `json:"rx_dropped"`
}

// WorkloadSummary is one workload's measurements.
type WorkloadSummary struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Client names the client hosts (comma-separated), Server the server
	// host and Target the address and port the clients send to.
	Client string `json:"client"`
	Server string `json:"server"`
	Target string `json:"target"`
	// State is "waiting" before the start time, "running", or "stopped"
	// after the stop time (connections may still be draining).
	State   string `json:"state"`
	StartNS int64  `json:"start_ns"`
	StopNS  int64  `json:"stop_ns"`
	// Connections counts the TCP connections (nil for UDP and SYN floods).
	Connections *ConnSummary `json:"connections,omitempty"`
	// BytesSent and BytesReceived are application bytes written and read,
	// both directions together.
	BytesSent     uint64 `json:"bytes_sent"`
	BytesReceived uint64 `json:"bytes_received"`
	// GoodputBPS is BytesReceived in bits per second over the time from
	// the workload's start to the last byte read.
	GoodputBPS int64 `json:"goodput_bps"`
	// Retransmits is the sum of the connections' retransmitted segments
	// (tcpi_total_retrans), both sides.
	Retransmits uint64          `json:"retransmits"`
	Requests    *RequestSummary `json:"requests,omitempty"` // reqresp and storm
	UDP         *UDPSummary     `json:"udp,omitempty"`
	SYNs        *SYNSummary     `json:"syns,omitempty"`
	// Flows are the bulk streams, one each.
	Flows []FlowSummary `json:"flows,omitempty"`
	// Errors counts connection errors by errno name, sorted by name.
	Errors []ErrorCount `json:"errors,omitempty"`
}

// ConnSummary counts a workload's TCP connections.
type ConnSummary struct {
	Connects    uint64 `json:"connects"`    // connect() calls
	Established uint64 `json:"established"` // connects that succeeded
	Accepted    uint64 `json:"accepted"`    // accept() returns on the server
	Open        int    `json:"open"`        // client sockets not closed yet
}

// RequestSummary counts completed requests and their latencies: from the
// first byte of the request written to the last byte of the response read.
type RequestSummary struct {
	Completed uint64 `json:"completed"`
	// Skipped counts requests or connections an open-loop rate wanted but
	// the concurrency bound refused.
	Skipped uint64         `json:"skipped"`
	Latency LatencySummary `json:"latency"`
}

// LatencySummary holds exact percentiles (nearest rank over every sample).
type LatencySummary struct {
	Count  uint64 `json:"count"`
	MinNS  int64  `json:"min_ns"`
	P50NS  int64  `json:"p50_ns"`
	P90NS  int64  `json:"p90_ns"`
	P99NS  int64  `json:"p99_ns"`
	MaxNS  int64  `json:"max_ns"`
	MeanNS int64  `json:"mean_ns"`
}

// UDPSummary counts a UDP stream's datagrams. Lost is sent minus received
// (datagrams still in flight count as lost); RcvbufErrors is the part the
// receiving socket dropped for a full buffer.
type UDPSummary struct {
	Sent         uint64 `json:"sent"`
	SendErrors   uint64 `json:"send_errors"`
	Received     uint64 `json:"received"`
	Lost         uint64 `json:"lost"`
	RcvbufErrors uint64 `json:"rcvbuf_errors"`
}

// SYNSummary counts a SYN flood's packets.
type SYNSummary struct {
	Sent       uint64 `json:"sent"`
	SendErrors uint64 `json:"send_errors"`
}

// FlowSummary is one bulk stream, seen from its sender.
type FlowSummary struct {
	ID          int    `json:"id"`
	Local       string `json:"local"`  // the client's address and port
	Remote      string `json:"remote"` // the server's
	Bytes       uint64 `json:"bytes"`  // bytes the receiver read
	GoodputBPS  int64  `json:"goodput_bps"`
	Retransmits uint64 `json:"retransmits"`
	SRTTNS      int64  `json:"srtt_ns"`
	Cwnd        uint32 `json:"cwnd"`
	Error       string `json:"error,omitempty"`
}

// ErrorCount is how many times an error happened.
type ErrorCount struct {
	Error string `json:"error"`
	Count uint64 `json:"count"`
}

// LinkSummary is one direction of a link.
type LinkSummary struct {
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
	// Frames and Bytes were offered to the link; Dropped were refused by
	// its full queue, Lost lost on the wire.
	Frames   uint64 `json:"frames"`
	Bytes    uint64 `json:"bytes"`
	Dropped  uint64 `json:"dropped"`
	Lost     uint64 `json:"lost"`
	MaxQueue int    `json:"max_queue"` // frames
}

// Summary returns what the run measured up to now. It works before Start
// (no workloads) and at any time of the run.
func (n *Network) Summary() *Summary {
	now := n.Engine.Now()
	s := &Summary{TimeNS: int64(now), Events: n.Engine.Events(), Seed: n.Engine.Seed(),
		Workloads: []WorkloadSummary{}, Links: []LinkSummary{}, Interfaces: []InterfaceSummary{}}
	if n.Scenario != nil {
		s.Scenario = n.Scenario.Name
	}
	if n.work != nil {
		for _, w := range n.work.list {
			s.Workloads = append(s.Workloads, w.summary(now))
		}
	}
	for i, l := range n.Links {
		name, a, b := l.Name, "a", "b"
		if n.Scenario != nil && i < len(n.Scenario.Links) {
			sl := n.Scenario.Links[i]
			a, b = sl.Endpoints[0].String(), sl.Endpoints[1].String()
		}
		if name == "" {
			name = "links[" + strconv.Itoa(i) + "]"
		}
		s.Links = append(s.Links, linkSummary(name, a, b, l.AB), linkSummary(name, b, a, l.BA))
	}
	for _, h := range n.Hosts {
		for _, ifc := range h.Ifaces {
			if st := ifc.Stats; st.TxDropped != 0 || st.RxDropped != 0 {
				s.Interfaces = append(s.Interfaces, InterfaceSummary{Host: h.Name, Name: ifc.Name, TxDropped: st.TxDropped, RxDropped: st.RxDropped})
			}
		}
	}
	return s
}

func linkSummary(name, from, to string, l *sim.Link[*Packet]) LinkSummary {
	st := l.Stats()
	return LinkSummary{Name: name, From: from, To: to, Frames: st.SentFrames, Bytes: st.SentBytes,
		Dropped: st.DroppedFrames, Lost: st.LostFrames, MaxQueue: st.MaxQueueFrames}
}

// summary returns w's measurements at time now.
func (w *workload) summary(now sim.Time) WorkloadSummary {
	ws := WorkloadSummary{Name: w.spec.Name, Kind: string(w.spec.Kind), StartNS: int64(w.start), StopNS: int64(w.stop)}
	switch {
	case w.stopped:
		ws.State = "stopped"
	case w.started:
		ws.State = "running"
	default:
		ws.State = "waiting"
	}
	m := &w.m
	ws.BytesSent, ws.BytesReceived = m.sent, m.recv
	if w.started && m.lastRecv > w.begun {
		ws.GoodputBPS = rateBPS(m.recv, m.lastRecv-w.begun)
	}
	w.d.fill(&ws)
	if len(m.errs) > 0 {
		ws.Errors = slices.Clone(m.errs)
		slices.SortFunc(ws.Errors, func(a, b ErrorCount) int { return strings.Compare(a.Error, b.Error) })
	}
	return ws
}

// requestSummary summarises the requests of w.
func (w *workload) requestSummary() *RequestSummary {
	return &RequestSummary{Completed: w.m.requests, Skipped: w.m.skipped, Latency: latencySummary(w.m.latency)}
}

// rateBPS is bytes over d in bits per second, rounded down.
func rateBPS(bytes uint64, d sim.Time) int64 {
	if d <= 0 {
		return 0
	}
	f := float64(bytes) * 8 / d.Seconds()
	if f >= 1<<62 {
		return 1 << 62
	}
	return int64(f)
}
