package ref

import (
	"time"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// ctEpoch is the wall-clock time of virtual time zero, for the flows'
// start and stop timestamps and the events' times: 2025-01-01T00:00:00Z.
const ctEpoch = 1735689600 * int64(time.Second)

// ctWall converts virtual time to nanoseconds since the Unix epoch.
func ctWall(t sim.Time) uint64 { return uint64(ctEpoch + int64(t)) }

// maxCTEvents bounds the event history of a host; later events are lost
// (and FlowEvents reports an overrun, as a full netlink socket does).
const maxCTEvents = 1 << 17

// ctStats are one CPU's conntrack statistics (conntrack -S), those the
// reference stack counts. found stays zero as on Linux 6.x, which no
// longer counts successful lookups; search_restart and chaintoolong have no
// cause in a table without hash chains.
type ctStats struct {
	found, invalid, insert, insertFailed, drop, earlyDrop, error,
	searchRestart, clashResolve, chainTooLong uint64
}

// counters returns the statistics in the kernel's attribute order.
func (s *ctStats) counters() []stack.Counter {
	return []stack.Counter{
		{Name: "found", Value: s.found},
		{Name: "invalid", Value: s.invalid},
		{Name: "insert", Value: s.insert},
		{Name: "insert_failed", Value: s.insertFailed},
		{Name: "drop", Value: s.drop},
		{Name: "early_drop", Value: s.earlyDrop},
		{Name: "error", Value: s.error},
		{Name: "search_restart", Value: s.searchRestart},
		{Name: "clash_resolve", Value: s.clashResolve},
		{Name: "chaintoolong", Value: s.chainTooLong},
	}
}

// stat returns the statistics of the CPU a tuple hash falls on.
func (t *connTable) stat(hash uint64) *ctStats {
	return &t.stats[hash%uint64(len(t.stats))]
}

// ctEvent is one recorded event.
type ctEvent struct {
	at   sim.Time
	typ  stack.FlowEventType
	flow stack.Flow
}

// ctDeliver records an entry's cached events as one message, as
// ctnetlink_conntrack_event builds it, when net.netfilter.nf_conntrack_events
// is on (the reference stack counts every reader of the history as a
// listener, so 2, "when someone listens", records too).
func (h *Host) ctDeliver(c *Conn) {
	ev := c.events
	c.events = 0
	if ev == 0 || !h.Sysctl.Bool(sysctl.NfConntrackEvents) {
		return
	}
	t := &h.ct
	if len(t.log) >= maxCTEvents {
		t.lost++
		return
	}
	e := ctEvent{at: h.Now()}
	f := &e.flow
	c.fillFlow(f, false)
	f.Has &^= stack.FlowHasUse | stack.FlowHasTimeout | stack.FlowHasProtoState | stack.FlowHasMark |
		stack.FlowHasCounters | stack.FlowHasTimestamp
	switch {
	case ev&ipctDestroy != 0:
		e.typ = stack.FlowEventDestroy
		if h.Sysctl.Bool(sysctl.NfConntrackAcct) {
			f.Has |= stack.FlowHasCounters
		}
		if c.stamped {
			f.Has |= stack.FlowHasTimestamp
		}
		if c.tuple[0].proto == protoTCP {
			f.Has |= stack.FlowHasProtoState
			f.TCPFlags, f.TCPWScale = [2]uint16{}, [2]uint8{}
		}
	default:
		e.typ = stack.FlowEventUpdate
		if ev&(ipctNew|ipctRelated) != 0 {
			e.typ = stack.FlowEventNew
		}
		f.Has |= stack.FlowHasTimeout
		if ev&ipctProtoinfo != 0 {
			f.Has |= stack.FlowHasProtoState
		}
	}
	if c.mark != 0 || ev&ipctMark != 0 {
		f.Has |= stack.FlowHasMark
	}
	t.log = append(t.log, e)
}

// fillFlow sets f to the entry as a table dump (ctnetlink_fill_info)
// gives it.
func (c *Conn) fillFlow(f *stack.Flow, zero bool) {
	h := c.h
	*f = stack.Flow{
		Family: viewAFInetFor(c.v6),
		Has: stack.FlowHasOrig | stack.FlowHasReply | stack.FlowHasID | stack.FlowHasStatus |
			stack.FlowHasTimeout | stack.FlowHasMark | stack.FlowHasUse,
		Orig:   c.tuple[0].flowTuple(),
		Reply:  c.tuple[1].flowTuple(),
		ID:     c.id,
		Status: c.status,
		Mark:   c.mark,
		Use:    1,
	}
	if c.inTable {
		if left := c.expires - h.Now(); left > 0 {
			f.Timeout = uint32(left / sim.Second)
		}
	}
	if c.tuple[0].proto == protoTCP {
		f.Has |= stack.FlowHasProtoState
		f.ProtoState = c.tcp.state
		f.TCPFlags = [2]uint16{uint16(c.tcp.seen[0].flags), uint16(c.tcp.seen[1].flags)}
		f.TCPWScale = [2]uint8{c.tcp.seen[0].scale, c.tcp.seen[1].scale}
	}
	if h.Sysctl.Bool(sysctl.NfConntrackAcct) {
		f.Has |= stack.FlowHasCounters
		f.Counters = c.counters
		if zero {
			c.counters = [2]stack.FlowCounter{}
		}
	}
	if c.stamped {
		f.Has |= stack.FlowHasTimestamp
		f.Start = ctWall(c.start)
		if c.status&stack.IPSDying != 0 {
			f.Stop = ctWall(c.stop)
		}
	}
}

// viewAFInetFor returns AF_INET or AF_INET6.
func viewAFInetFor(v6 bool) uint8 {
	if v6 {
		return 10
	}
	return 2
}
