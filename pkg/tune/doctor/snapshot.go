package doctor

import (
	"strconv"
	"strings"
	"time"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack"
)

// Snapshot is what the checks read from one target at one time. Maps are
// only looked up, never iterated into output.
type Snapshot struct {
	// Target names what was looked at.
	Target string
	// Elapsed is the time the cumulative values cover (the uptime, or the
	// interval after Delta); 0 when unknown.
	Elapsed  time.Duration
	Interval bool

	// Counters are the protocol counters by nstat name (cumulative).
	Counters map[string]uint64
	// Softnet is softnet_stat, one entry per CPU (cumulative).
	Softnet []stack.SoftnetStat
	// Sockets is ss -s's summary (gauges).
	Sockets *stack.SocketSummary
	// Ports is the ephemeral port use of the TCP sockets; Listeners the
	// listening TCP sockets with their accept queues; Congestion the
	// congestion control algorithms the TCP sockets use, sorted.
	Ports      PortUse
	Listeners  []Listener
	Congestion []string
	// Flows is the conntrack table; nil when the target has none.
	Flows *FlowState
	// Sysctls holds the values the checks compare against, as /proc/sys
	// shows them; a knob missing on the target is absent.
	Sysctls map[string]string
	// NICs are the network devices, in the target's order.
	NICs []NICState
	// TCPMemPages is sockstat's "TCP: ... mem" (pages), -1 when unknown.
	TCPMemPages int64
	// Files are the file descriptor figures; nil when unknown.
	Files *Files
	// Missing says what the target could not give, one line each:
	// "part: reason".
	Missing []string
}

// PortUse counts TCP sockets holding a port of ip_local_port_range.
type PortUse struct {
	// InRange is every socket with a local port in the range (listeners
	// aside).
	InRange int
	// Top is the destination with the most of them and Count its
	// sockets; Top is empty when there are none.
	Top   string
	Count int
}

// Listener is a listening TCP socket: Queue is its accept queue now, Backlog
// its limit (ss's Recv-Q and Send-Q).
type Listener struct {
	Local          string
	Queue, Backlog uint32
}

// FlowState is the conntrack table's fill and statistics.
type FlowState struct {
	Count stack.FlowCount
	// Stats sums conntrack -S's counters over the CPUs (cumulative), by
	// name.
	Stats map[string]uint64
}

// NICState is one device's rings, channels and driver statistics. Err
// parts are nil pointers when the device does not report them.
type NICState struct {
	Name     string
	Rings    *nic.Rings
	Channels *nic.Channels
	// Stats are the driver statistics in its order (cumulative).
	Stats []nic.Stat
}

// Files are the file descriptor figures.
type Files struct {
	// Allocated and Max are fs.file-nr's first and fs.file-max; Max 0
	// when unknown.
	Allocated, Max uint64
	// Procs are the processes holding sockets whose limits could be read,
	// by PID.
	Procs []ProcFiles
}

// ProcFiles is one process's open files against its RLIMIT_NOFILE.
type ProcFiles struct {
	PID       int
	Name      string
	Open      uint64
	SoftLimit uint64
}

// counter returns a counter's value and whether the target has it.
func (s *Snapshot) counter(name string) (uint64, bool) {
	v, ok := s.Counters[name]
	return v, ok
}

// sysctl returns a knob's text, and false when the target lacks it.
func (s *Snapshot) sysctl(name string) (string, bool) {
	v, ok := s.Sysctls[name]
	return v, ok
}

// sysctlInts returns a knob's integers (one for a scalar, several for a
// vector), and false when it is missing or not numeric.
func (s *Snapshot) sysctlInts(name string) ([]int64, bool) {
	v, ok := s.Sysctls[name]
	if !ok {
		return nil, false
	}
	f := strings.Fields(v)
	if len(f) == 0 {
		return nil, false
	}
	out := make([]int64, len(f))
	for i, w := range f {
		n, err := strconv.ParseInt(w, 10, 64)
		if err != nil {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}

// sysctlInt returns a scalar knob's value.
func (s *Snapshot) sysctlInt(name string) (int64, bool) {
	v, ok := s.sysctlInts(name)
	if !ok || len(v) != 1 {
		return 0, false
	}
	return v[0], true
}

// Delta returns the snapshot of what happened between prev and cur: the
// cumulative values (counters, softnet_stat, conntrack statistics, driver
// statistics) are cur's minus prev's, the gauges and settings cur's, and
// Elapsed the time between them. A value that went down (a counter reset,
// a device that came back) counts from zero.
func Delta(prev, cur *Snapshot, between time.Duration) *Snapshot {
	d := *cur
	d.Elapsed, d.Interval = between, true
	d.Counters = make(map[string]uint64, len(cur.Counters))
	for k, v := range cur.Counters {
		d.Counters[k] = sub(v, prev.Counters[k])
	}
	d.Softnet = make([]stack.SoftnetStat, len(cur.Softnet))
	for i, c := range cur.Softnet {
		var p stack.SoftnetStat
		for _, q := range prev.Softnet {
			if q.CPU == c.CPU {
				p = q
				break
			}
		}
		c.Processed = sub32(c.Processed, p.Processed)
		c.Dropped = sub32(c.Dropped, p.Dropped)
		c.TimeSqueeze = sub32(c.TimeSqueeze, p.TimeSqueeze)
		c.ReceivedRPS = sub32(c.ReceivedRPS, p.ReceivedRPS)
		c.FlowLimit = sub32(c.FlowLimit, p.FlowLimit)
		c.Columns = nil
		d.Softnet[i] = c
	}
	if cur.Flows != nil {
		f := *cur.Flows
		f.Stats = make(map[string]uint64, len(cur.Flows.Stats))
		for k, v := range cur.Flows.Stats {
			var old uint64
			if prev.Flows != nil {
				old = prev.Flows.Stats[k]
			}
			f.Stats[k] = sub(v, old)
		}
		d.Flows = &f
	}
	d.NICs = make([]NICState, len(cur.NICs))
	for i, n := range cur.NICs {
		var old []nic.Stat
		for _, p := range prev.NICs {
			if p.Name == n.Name {
				old = p.Stats
			}
		}
		stats := make([]nic.Stat, len(n.Stats))
		for j, st := range n.Stats {
			var o uint64
			if j < len(old) && old[j].Name == st.Name {
				o = old[j].Value
			} else {
				for _, x := range old {
					if x.Name == st.Name {
						o = x.Value
						break
					}
				}
			}
			stats[j] = nic.Stat{Name: st.Name, Value: sub(st.Value, o)}
		}
		n.Stats = stats
		d.NICs[i] = n
	}
	return &d
}

func sub(a, b uint64) uint64 {
	if a < b {
		return a
	}
	return a - b
}

func sub32(a, b uint32) uint32 {
	if a < b {
		return a
	}
	return a - b
}
