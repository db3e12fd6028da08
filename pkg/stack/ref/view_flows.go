package ref

import (
	"context"
	"syscall"
	"time"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

var _ stack.FlowStack = (*HostView)(nil)

// Flows calls fn for every flow of the host's conntrack table that q
// selects, in the order the entries were inserted (stack.FlowStack). A
// host without conntrack has an empty table.
func (v *HostView) Flows(ctx context.Context, q stack.FlowQuery, fn func(*stack.Flow) error) error {
	var f stack.Flow
	for c := v.Host.ct.head; c != nil; {
		if err := ctx.Err(); err != nil {
			return err
		}
		next := c.next // fn may delete c
		c.fillFlow(&f, false)
		if q.Match(&f) {
			if q.ZeroCounters {
				c.counters = [2]stack.FlowCounter{}
			}
			if err := fn(&f); err != nil {
				return err
			}
		}
		c = next
	}
	return nil
}

// ctLookup finds the entry with f's original tuple (or, without one, its
// reply tuple) in zone 0, the only zone of the reference stack.
func (h *Host) ctLookup(f *stack.Flow) (*Conn, error) {
	hasOrig := f.Has&stack.FlowHasOrig != 0 || f.Has&stack.FlowHasReply == 0 && f.Orig.Src.IsValid()
	var t ctTuple
	switch {
	case hasOrig:
		t = ctTupleFrom(&f.Orig)
	case f.Has&stack.FlowHasReply != 0:
		t = ctTupleFrom(&f.Reply)
	default:
		return nil, syscall.EINVAL
	}
	if f.Zone != 0 || f.Orig.Zone != 0 && f.Orig.HasZone {
		return nil, syscall.ENOENT
	}
	c := h.ct.byTuple[t]
	if c == nil || hasOrig && c.tuple[0] != t || !hasOrig && c.tuple[1] != t {
		return nil, syscall.ENOENT
	}
	if f.Has&stack.FlowHasID != 0 && f.ID != c.id {
		return nil, syscall.ENOENT
	}
	return c, nil
}

// GetFlow returns the flow with f's original tuple (or its reply tuple);
// ENOENT when there is none.
func (v *HostView) GetFlow(ctx context.Context, f *stack.Flow) (*stack.Flow, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := v.Host.ctLookup(f)
	if err != nil {
		return nil, err
	}
	out := new(stack.Flow)
	c.fillFlow(out, false)
	return out, nil
}

// CreateFlow adds f to the table, as conntrack -I does: both tuples and a
// timeout are required (EINVAL), an existing flow is EEXIST. The new flow
// is confirmed; its status, mark and TCP state are f's.
func (v *HostView) CreateFlow(ctx context.Context, f *stack.Flow) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h := v.Host
	if f.Has&stack.FlowHasOrig == 0 || f.Has&stack.FlowHasReply == 0 || f.Has&stack.FlowHasTimeout == 0 {
		return syscall.EINVAL
	}
	orig, reply := ctTupleFrom(&f.Orig), ctTupleFrom(&f.Reply)
	if !orig.src.IsValid() || !orig.dst.IsValid() || orig.src.Is4() != orig.dst.Is4() || orig.proto != reply.proto {
		return syscall.EINVAL
	}
	if f.Zone != 0 {
		return syscall.EOPNOTSUPP
	}
	h.ctInit()
	t := &h.ct
	if t.byTuple[orig] != nil || t.byTuple[reply] != nil {
		return syscall.EEXIST
	}
	if limit := h.Sysctl.Int(sysctl.NfConntrackMax); limit > 0 && int64(t.count)+1 > limit && !h.ctEarlyDrop() {
		return syscall.ENOMEM
	}
	c := &Conn{h: h, tuple: [2]ctTuple{orig, reply}, v6: orig.src.Is6()}
	c.cpu = uint16(orig.hash() % uint64(len(t.stats)))
	c.timeout = sim.Time(f.Timeout) * sim.Second
	if f.Has&stack.FlowHasStatus != 0 {
		c.status = f.Status & (stack.IPSSeenReply | stack.IPSAssured | stack.IPSFixedTimeout)
	}
	if f.Has&stack.FlowHasMark != 0 {
		c.mark = f.Mark
	}
	if orig.proto == protoTCP {
		c.tcp.lastIndex = tcpNoneSet
		if f.Has&stack.FlowHasProtoState != 0 && f.ProtoState < ctTCPMax {
			c.tcp.state = f.ProtoState
		}
	}
	h.ctInsert(c)
	c.events = ipctNew | ipctProtoinfo
	if c.mark != 0 {
		c.events |= ipctMark
	}
	h.ctDeliver(c)
	return nil
}

// UpdateFlow changes the flow with f's tuples (conntrack -U): its
// timeout, mark, status bits (SEEN_REPLY and ASSURED may only be set) and
// TCP state, as f has them set.
func (v *HostView) UpdateFlow(ctx context.Context, f *stack.Flow) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h := v.Host
	c, err := h.ctLookup(f)
	if err != nil {
		return err
	}
	if f.Has&stack.FlowHasStatus != 0 {
		if c.status&^f.Status&(stack.IPSSeenReply|stack.IPSAssured) != 0 {
			return syscall.EBUSY
		}
		c.status |= f.Status & (stack.IPSSeenReply | stack.IPSAssured)
	}
	if f.Has&stack.FlowHasTimeout != 0 {
		c.expires = h.Now() + sim.Time(f.Timeout)*sim.Second
		c.timer.Reset(c.expires)
	}
	if f.Has&stack.FlowHasMark != 0 && f.Mark != c.mark {
		c.mark = f.Mark
		c.events |= ipctMark
	}
	if f.Has&stack.FlowHasProtoState != 0 && c.tuple[0].proto == protoTCP {
		if f.ProtoState >= ctTCPMax {
			return syscall.EINVAL
		}
		c.tcp.state = f.ProtoState
		c.events |= ipctProtoinfo
	}
	c.events |= ipctStatus // any change is an update message
	h.ctDeliver(c)
	return nil
}

// DeleteFlow removes the flow with f's tuples (and ID, when set).
func (v *HostView) DeleteFlow(ctx context.Context, f *stack.Flow) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c, err := v.Host.ctLookup(f)
	if err != nil {
		return err
	}
	v.Host.ctKill(c)
	return nil
}

// FlushFlows removes every flow of family (0: all), each with its destroy
// event.
func (v *HostView) FlushFlows(ctx context.Context, family uint8) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h := v.Host
	for c := h.ct.head; c != nil; {
		next := c.next
		if family == 0 || viewAFInetFor(c.v6) == family {
			h.ctKill(c)
		}
		c = next
	}
	return nil
}

// FlowCount returns the table's size and nf_conntrack_max.
func (v *HostView) FlowCount(ctx context.Context) (stack.FlowCount, error) {
	if err := ctx.Err(); err != nil {
		return stack.FlowCount{}, err
	}
	h := v.Host
	return stack.FlowCount{Entries: uint32(h.ct.count), Max: uint32(max(h.Sysctl.Int(sysctl.NfConntrackMax), 0))}, nil
}

// FlowStats returns each CPU's statistics, with conntrack -S's names in
// the kernel's order (zeros while conntrack is off).
func (v *HostView) FlowStats(ctx context.Context) ([]stack.FlowCPUStats, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h := v.Host
	out := make([]stack.FlowCPUStats, max(h.CPUs, 1))
	for i := range out {
		var s ctStats
		if i < len(h.ct.stats) {
			s = h.ct.stats[i]
		}
		out[i] = stack.FlowCPUStats{CPU: i, Counters: s.counters()}
	}
	return out, nil
}

// FlowEvents calls fn for every event q selects that the host recorded
// from the start of the run up to the current virtual time, in order, and
// then returns: the simulation is not live, so there is nothing to wait
// for. Events are recorded while net.netfilter.nf_conntrack_events is not
// 0; past 131072 of them the rest are lost and, once the recorded ones
// are delivered, q.OnOverrun sees ENOBUFS (without it, FlowEvents
// returns it). A host has no expectations: their events are none.
func (v *HostView) FlowEvents(ctx context.Context, q stack.FlowEventQuery, fn func(*stack.FlowEvent) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if q.Expectations {
		return nil
	}
	h := v.Host
	types := q.Types
	if types == 0 {
		types = stack.FlowEventNew | stack.FlowEventUpdate | stack.FlowEventDestroy
	}
	var ev stack.FlowEvent
	var f stack.Flow
	for i := range h.ct.log {
		e := &h.ct.log[i]
		if e.typ&types == 0 || !q.Flows.Match(&e.flow) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		f = e.flow
		ev = stack.FlowEvent{Type: e.typ, Time: time.Unix(0, int64(ctWall(e.at))).UTC(), Flow: &f}
		if err := fn(&ev); err != nil {
			return err
		}
	}
	if h.ct.lost > 0 {
		if q.OnOverrun == nil {
			return syscall.ENOBUFS
		}
		return q.OnOverrun(syscall.ENOBUFS)
	}
	return nil
}

// Expectations calls fn for no expectation: the reference stack has no
// conntrack helpers.
func (v *HostView) Expectations(ctx context.Context, family uint8, fn func(*stack.Expectation) error) error {
	return ctx.Err()
}

// GetExpectation returns ENOENT: there are no expectations.
func (v *HostView) GetExpectation(ctx context.Context, e *stack.Expectation) (*stack.Expectation, error) {
	return nil, syscall.ENOENT
}

// CreateExpectation returns EOPNOTSUPP: the reference stack has no
// helpers to expect flows.
func (v *HostView) CreateExpectation(ctx context.Context, e *stack.Expectation) error {
	return syscall.EOPNOTSUPP
}

// DeleteExpectation returns ENOENT: there are no expectations.
func (v *HostView) DeleteExpectation(ctx context.Context, e *stack.Expectation) error {
	return syscall.ENOENT
}

// FlushExpectations removes nothing: there are no expectations.
func (v *HostView) FlushExpectations(ctx context.Context, family uint8) error { return ctx.Err() }

// ExpectationStats returns each CPU's expectation statistics: all zero.
func (v *HostView) ExpectationStats(ctx context.Context) ([]stack.FlowCPUStats, error) {
	out := make([]stack.FlowCPUStats, max(v.Host.CPUs, 1))
	for i := range out {
		out[i] = stack.FlowCPUStats{CPU: i, Counters: []stack.Counter{
			{Name: "expect_new"}, {Name: "expect_create"}, {Name: "expect_delete"},
		}}
	}
	return out, nil
}
