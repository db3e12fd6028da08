package stack

import (
	"context"
	"net/netip"
	"time"
)

// FlowStack is a stack with a connection tracking table: the kernel's
// nf_conntrack (through ctnetlink) or the reference stack's.
//
// Errors from the kernel wrap its errno (errors.As with syscall.Errno
// finds it), so that callers can print conntrack-tools' message for it.
type FlowStack interface {
	// Flows calls fn for every flow q selects, in the order the stack
	// dumps them, without holding the whole table in memory. The *Flow is
	// valid only during the call. An error from fn stops the dump and is
	// returned.
	Flows(ctx context.Context, q FlowQuery, fn func(*Flow) error) error
	// GetFlow returns the flow with f's original tuple (or, when f has
	// none, its reply tuple) in f's zone.
	GetFlow(ctx context.Context, f *Flow) (*Flow, error)
	// CreateFlow adds f to the table.
	CreateFlow(ctx context.Context, f *Flow) error
	// UpdateFlow changes the flow with f's tuples: its mark, status,
	// timeout, protocol state, labels and helper, as f has them set.
	UpdateFlow(ctx context.Context, f *Flow) error
	// DeleteFlow removes the flow with f's tuples (and f.ID, when set).
	DeleteFlow(ctx context.Context, f *Flow) error
	// FlushFlows removes every flow of family (0: all families).
	FlushFlows(ctx context.Context, family uint8) error
	// FlowCount returns the number of flows and the table's maximum.
	FlowCount(ctx context.Context) (FlowCount, error)
	// FlowStats returns the per-CPU statistics (conntrack -S).
	FlowStats(ctx context.Context) ([]FlowCPUStats, error)
	// FlowEvents calls fn for every event q selects until ctx is done or
	// fn returns an error.
	FlowEvents(ctx context.Context, q FlowEventQuery, fn func(*FlowEvent) error) error

	// Expectations calls fn for every expectation of family (0: all).
	Expectations(ctx context.Context, family uint8, fn func(*Expectation) error) error
	// GetExpectation returns the expectation with e's tuple.
	GetExpectation(ctx context.Context, e *Expectation) (*Expectation, error)
	// CreateExpectation adds e (its master flow must exist).
	CreateExpectation(ctx context.Context, e *Expectation) error
	// DeleteExpectation removes the expectation with e's tuple.
	DeleteExpectation(ctx context.Context, e *Expectation) error
	// FlushExpectations removes every expectation of family (0: all).
	FlushExpectations(ctx context.Context, family uint8) error
	// ExpectationStats returns the per-CPU expectation statistics
	// (conntrack -S expect).
	ExpectationStats(ctx context.Context) ([]FlowCPUStats, error)
}

// FlowQuery selects flows. The fields are those a kernel can filter on;
// a stack that cannot (an older kernel) filters in user space, so the
// flows returned always match. Other criteria are the caller's to apply.
type FlowQuery struct {
	// Family is AF_INET or AF_INET6; 0 means every family.
	Family uint8
	// Mark and MarkMask select flows with mark&MarkMask == Mark, when
	// HasMark is set.
	Mark, MarkMask uint32
	HasMark        bool
	// Zone selects the flows of one zone, when HasZone is set: the zone
	// of both directions (Flow.Zone; 0 for a flow with none, or with a
	// zone in one direction only).
	Zone    uint16
	HasZone bool
	// Status selects flows with all of these IPS_* bits set (none: 0).
	Status uint32
	// Orig and Reply select flows whose original (reply) tuple has the
	// fields OrigFields (ReplyFields) names equal to theirs. Port and ICMP
	// fields count only with TupleProto.
	Orig, Reply             FlowTuple
	OrigFields, ReplyFields TupleFields
	// ZeroCounters zeroes the counters of the flows dumped, atomically
	// with the dump (conntrack -L -z).
	ZeroCounters bool
}

// TupleFields is a set of the fields of a FlowTuple.
type TupleFields uint16

// Fields of a FlowTuple, for FlowQuery.
const (
	TupleSrc TupleFields = 1 << iota
	TupleDst
	TupleProto
	TupleSrcPort
	TupleDstPort
	TupleICMPType
	TupleICMPCode
	TupleICMPID
)

// matchTuple reports whether t has the fields of want that fields names.
func matchTuple(t, want *FlowTuple, fields TupleFields) bool {
	if fields&TupleSrc != 0 && t.Src != want.Src {
		return false
	}
	if fields&TupleDst != 0 && t.Dst != want.Dst {
		return false
	}
	if fields&TupleProto == 0 {
		return true
	}
	switch {
	case t.Proto != want.Proto:
		return false
	case fields&TupleSrcPort != 0 && t.SrcPort != want.SrcPort,
		fields&TupleDstPort != 0 && t.DstPort != want.DstPort,
		fields&TupleICMPType != 0 && t.ICMPType != want.ICMPType,
		fields&TupleICMPCode != 0 && t.ICMPCode != want.ICMPCode,
		fields&TupleICMPID != 0 && t.ICMPID != want.ICMPID:
		return false
	}
	return true
}

// Match reports whether f matches q's criteria.
func (q *FlowQuery) Match(f *Flow) bool {
	if q.Family != 0 && f.Family != q.Family {
		return false
	}
	if q.HasMark && f.Mark&q.MarkMask != q.Mark&q.MarkMask {
		return false
	}
	if q.HasZone && f.Zone != q.Zone {
		return false
	}
	if q.OrigFields != 0 && !matchTuple(&f.Orig, &q.Orig, q.OrigFields) {
		return false
	}
	if q.ReplyFields != 0 && !matchTuple(&f.Reply, &q.Reply, q.ReplyFields) {
		return false
	}
	return f.Status&q.Status == q.Status
}

// FlowAttrs is a set of the optional parts of a Flow: those the table
// sent (or, for a flow to create, those the caller set).
type FlowAttrs uint32

// The optional parts of a Flow.
const (
	FlowHasID FlowAttrs = 1 << iota
	FlowHasTimeout
	FlowHasStatus
	FlowHasMark
	FlowHasUse
	FlowHasZone
	FlowHasProtoState // ProtoState (TCP, SCTP or DCCP state)
	FlowHasCounters   // Counters (nf_conntrack_acct)
	FlowHasTimestamp  // Start and Stop (nf_conntrack_timestamp)
	FlowHasLabels
	FlowHasHelper
	FlowHasSecCtx
	FlowHasSecmark
	FlowHasMaster
	FlowHasOrig  // the original tuple
	FlowHasReply // the reply tuple
)

// IPS_* status bits (include/uapi/linux/netfilter/nf_conntrack_common.h).
const (
	IPSExpected     = 1 << 0
	IPSSeenReply    = 1 << 1
	IPSAssured      = 1 << 2
	IPSConfirmed    = 1 << 3
	IPSSrcNAT       = 1 << 4
	IPSDstNAT       = 1 << 5
	IPSSeqAdjust    = 1 << 6
	IPSSrcNATDone   = 1 << 7
	IPSDstNATDone   = 1 << 8
	IPSDying        = 1 << 9
	IPSFixedTimeout = 1 << 10
	IPSTemplate     = 1 << 11
	IPSUntracked    = 1 << 12
	IPSHelper       = 1 << 13
	IPSOffload      = 1 << 14
	IPSHWOffload    = 1 << 15
)

// FlowTuple is one direction of a flow.
type FlowTuple struct {
	Src, Dst netip.Addr
	Proto    uint8
	// SrcPort and DstPort are the ports of TCP, UDP, UDP-Lite, SCTP and
	// DCCP (GRE: the keys).
	SrcPort, DstPort uint16
	// ICMPType, ICMPCode and ICMPID are ICMP's (and ICMPv6's).
	ICMPType, ICMPCode uint8
	ICMPID             uint16
	// Zone is the tuple's own zone (CTA_TUPLE_ZONE), when HasZone.
	Zone    uint16
	HasZone bool
}

// FlowCounter is one direction's traffic (nf_conntrack_acct).
type FlowCounter struct {
	Packets, Bytes uint64
}

// Flow is one entry of a connection tracking table.
type Flow struct {
	// Family is AF_INET or AF_INET6.
	Family uint8
	// Has says which optional parts are set.
	Has FlowAttrs

	Orig, Reply FlowTuple
	// Master is the tuple of the flow this one was expected by.
	Master FlowTuple

	ID      uint32
	Timeout uint32 // seconds left
	Status  uint32 // IPS_* bits
	Mark    uint32
	Use     uint32
	Secmark uint32
	Zone    uint16
	// ProtoState is the TCP, SCTP or DCCP state number.
	ProtoState uint8
	// TCPFlags and TCPWScale are the TCP tracker's per-direction flags
	// and window scale (original, reply), as the table sent them.
	TCPFlags  [2]uint16
	TCPWScale [2]uint8

	Counters [2]FlowCounter // original, reply

	// Start and Stop are the flow's times (nanoseconds since the Unix
	// epoch); Stop is zero while the flow lives.
	Start, Stop uint64

	Labels []byte // a bit set
	// LabelsMask, for an update, says which bits of Labels to change.
	LabelsMask []byte
	Helper     string
	SecCtx     string
}

// FlowCount is the table's size (conntrack -C).
type FlowCount struct {
	Entries uint32
	// Max is the table's limit (nf_conntrack_max), 0 when unknown.
	Max uint32
}

// FlowCPUStats is one CPU's statistics: the counters the stack has, in
// its order, named as conntrack -S names them ("found", "invalid", ...).
type FlowCPUStats struct {
	CPU      int
	Counters []Counter
}

// FlowEventType says what happened to a flow or an expectation.
type FlowEventType uint8

// Flow event types.
const (
	FlowEventNew FlowEventType = 1 << iota
	FlowEventUpdate
	FlowEventDestroy
)

// FlowEventQuery selects events.
type FlowEventQuery struct {
	// Types is the set of event types wanted (0: all).
	Types FlowEventType
	// Expectations asks for expectation events instead of flow events.
	Expectations bool
	// Flows narrows flow events as a dump query does (kernel-side where
	// the kernel can).
	Flows FlowQuery
	// BufferSize is the socket receive buffer to ask for (0: the stack's
	// default, large enough for a busy table).
	BufferSize int
	// OnOverrun, when set, is called when events were lost because the
	// receiver did not keep up (ENOBUFS); if it returns nil, listening
	// goes on. Unset, an overrun ends FlowEvents with its error.
	OnOverrun func(err error) error
}

// FlowEvent is one event.
type FlowEvent struct {
	Type FlowEventType
	// Time is when the event was received.
	Time time.Time
	// Flow or Expectation is set, as the query asked.
	Flow        *Flow
	Expectation *Expectation
	// PortID is the netlink port ID of the process whose request caused
	// the event (the message's nlmsg_pid), 0 for the kernel's own;
	// conntrack 1.4.7 prints it as "[USERSPACE] portid=N".
	PortID uint32
	// Program is that process's name, when known (conntrack's
	// "progname=").
	Program string
}

// Expectation is an expected flow (conntrack -L expect).
type Expectation struct {
	Family uint8
	// Tuple is the expected flow's tuple, Mask which of its parts must
	// match, Master the flow that expects it.
	Tuple, Mask, Master FlowTuple
	// NAT, when HasNAT, is where the expected flow is NATed to
	// (direction NATDir).
	NAT    FlowTuple
	NATDir uint32
	HasNAT bool

	Timeout uint32
	ID      uint32
	Zone    uint16
	Flags   uint32 // NF_CT_EXPECT_* bits
	Class   uint32
	Helper  string
	Fn      string
	Has     ExpectAttrs
}

// ExpectAttrs is a set of the optional parts of an Expectation.
type ExpectAttrs uint16

// The optional parts of an Expectation.
const (
	ExpectHasTimeout ExpectAttrs = 1 << iota
	ExpectHasID
	ExpectHasZone
	ExpectHasFlags
	ExpectHasClass
	ExpectHasHelper
	ExpectHasFn
)
