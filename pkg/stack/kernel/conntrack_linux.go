package kernel

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"syscall"
	"time"

	"github.com/mdlayher/netlink"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/ti-mo/conntrack"
	"github.com/ti-mo/netfilter"
	"golang.org/x/sys/unix"
)

// The kernel's conntrack table is read and changed over ctnetlink.
//
// Deleting and flushing flows and the table's global statistics go
// through github.com/ti-mo/conntrack. Dumps, lookups, events, creations
// and updates use this package's own requests and its raw receive loop:
// the library's Dump collects the whole table before returning (stackbox
// prints while it reads), its Flow does not say which attributes the
// kernel sent (conntrack prints "packets=0" for a flow with zeroed
// counters but nothing for one without accounting), its Create and
// Update leave out zero values (conntrack -U -m 0 clears a mark, -I -t x
// creates a flow with a zero timeout) and send a TCP window scale
// conntrack does not, and its event workers stop at the first ENOBUFS,
// where conntrack -E reports the loss and goes on.

// ctState is the part of a Kernel holding its ctnetlink sockets, opened
// on first use and kept for the following requests (conntrack -D and -U
// send one request per flow).
type ctState struct {
	mu  sync.Mutex
	req *diagConn       // requests answered by flows or acks
	lib *conntrack.Conn // the library's connection
}

// CloseFlows closes the ctnetlink sockets the Kernel keeps open.
func (k *Kernel) CloseFlows() error {
	k.ct.mu.Lock()
	defer k.ct.mu.Unlock()
	var err error
	if k.ct.req != nil {
		err = k.ct.req.Close()
		k.ct.req = nil
	}
	if k.ct.lib != nil {
		err = errors.Join(err, k.ct.lib.Close())
		k.ct.lib = nil
	}
	return err
}

// dialCT opens a NETLINK_NETFILTER socket in the kernel's namespace,
// joined to the multicast groups in the bit mask groups.
func (k *Kernel) dialCT(groups uint32) (*diagConn, error) {
	var c *netlink.Conn
	err := k.Do(func() error {
		var err error
		c, err = netlink.Dial(unix.NETLINK_NETFILTER, &netlink.Config{Groups: groups})
		return err
	})
	if err != nil {
		var nserr *NetNSError
		if errors.As(err, &nserr) {
			return nil, err
		}
		return nil, fmt.Errorf("ctnetlink socket: %w", err)
	}
	_ = c.SetReadBuffer(1 << 20)
	return newDiagConn(c), nil
}

// ctRequest runs fn with the kept request socket.
func (k *Kernel) ctRequest(fn func(dc *diagConn) error) error {
	k.ct.mu.Lock()
	defer k.ct.mu.Unlock()
	if k.ct.req == nil {
		dc, err := k.dialCT(0)
		if err != nil {
			return err
		}
		k.ct.req = dc
	}
	err := fn(k.ct.req)
	if err != nil && !isKernelRefusal(err) {
		// The socket may hold a half-read reply: start afresh next time.
		k.ct.req.Close()
		k.ct.req = nil
	}
	return err
}

// ctLibrary runs fn with the library's connection.
func (k *Kernel) ctLibrary(fn func(c *conntrack.Conn) error) error {
	k.ct.mu.Lock()
	defer k.ct.mu.Unlock()
	if k.ct.lib == nil {
		var c *conntrack.Conn
		err := k.Do(func() error {
			var err error
			c, err = conntrack.Dial(nil)
			return err
		})
		if err != nil {
			var nserr *NetNSError
			if errors.As(err, &nserr) {
				return err
			}
			return fmt.Errorf("ctnetlink socket: %w", err)
		}
		k.ct.lib = c
	}
	return fn(k.ct.lib)
}

// isKernelRefusal reports whether err is the kernel's answer to a
// request (an errno in NLMSG_ERROR), after which the socket is clean.
func isKernelRefusal(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

// libError turns the library's errors for refused requests into an
// *Error carrying the errno.
func libError(op string, err error) error {
	if err == nil {
		return nil
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return &Error{Op: op, Err: errno}
	}
	return err
}

// Flows calls fn for every flow q selects (stack.FlowStack).
func (k *Kernel) Flows(ctx context.Context, q stack.FlowQuery, fn func(*stack.Flow) error) error {
	dc, err := k.dialCT(0)
	if err != nil {
		return err
	}
	defer dc.Close()
	var f stack.Flow
	return dc.dump(ctx, dumpFlowsRequest(&q), func(typ uint16, payload []byte) error {
		if typ>>8 != nfnlSubsysCT {
			return nil
		}
		if err := decodeFlow(payload, &f); err != nil {
			return err
		}
		if !q.Match(&f) {
			return nil
		}
		return fn(&f)
	})
}

// GetFlow returns the flow with f's tuple (stack.FlowStack).
func (k *Kernel) GetFlow(ctx context.Context, f *stack.Flow) (*stack.Flow, error) {
	var got *stack.Flow
	err := k.ctRequest(func(dc *diagConn) error {
		return dc.dump(ctx, getFlowRequest(f), func(typ uint16, payload []byte) error {
			if typ>>8 != nfnlSubsysCT || got != nil {
				return nil
			}
			got = new(stack.Flow)
			return decodeFlow(payload, got)
		})
	})
	if err != nil {
		return nil, relabel(err, "get")
	}
	if got == nil {
		return nil, &Error{Op: "get", Err: unix.ENOENT}
	}
	return got, nil
}

// relabel names the operation of a kernel refusal.
func relabel(err error, op string) error {
	var e *Error
	if errors.As(err, &e) {
		return &Error{Op: op, Err: e.Err}
	}
	return err
}

// UpdateFlow changes the flow with f's tuple (stack.FlowStack).
func (k *Kernel) UpdateFlow(ctx context.Context, f *stack.Flow) error {
	err := k.ctRequest(func(dc *diagConn) error {
		return dc.dump(ctx, updateFlowRequest(f), func(uint16, []byte) error { return nil })
	})
	return relabel(err, "update")
}

// CreateFlow adds f to the table (stack.FlowStack).
func (k *Kernel) CreateFlow(ctx context.Context, f *stack.Flow) error {
	if f.Has&(stack.FlowHasOrig|stack.FlowHasReply) == 0 {
		return errors.New("a flow needs its original or reply tuple")
	}
	err := k.ctRequest(func(dc *diagConn) error {
		return dc.dump(ctx, createFlowRequest(f), func(uint16, []byte) error { return nil })
	})
	return relabel(err, "create")
}

// DeleteFlow removes the flow with f's tuples (stack.FlowStack).
func (k *Kernel) DeleteFlow(ctx context.Context, f *stack.Flow) error {
	lf, err := libFlow(f)
	if err != nil {
		return err
	}
	return k.ctLibrary(func(c *conntrack.Conn) error { return libError("delete", c.Delete(lf)) })
}

// FlushFlows removes every flow of family (stack.FlowStack).
func (k *Kernel) FlushFlows(ctx context.Context, family uint8) error {
	return k.ctLibrary(func(c *conntrack.Conn) error {
		if family == 0 {
			return libError("flush", c.Flush())
		}
		return libError("flush", c.FlushFilter(conntrack.NewFilter().Family(netfilter.ProtoFamily(family))))
	})
}

// FlowCount returns the table's size (stack.FlowStack).
func (k *Kernel) FlowCount(ctx context.Context) (stack.FlowCount, error) {
	var n stack.FlowCount
	err := k.ctLibrary(func(c *conntrack.Conn) error {
		sg, err := c.StatsGlobal()
		if err != nil {
			return libError("count", err)
		}
		n = stack.FlowCount{Entries: sg.Entries, Max: sg.MaxEntries}
		return nil
	})
	return n, err
}

// FlowStats returns the per-CPU statistics (stack.FlowStack).
func (k *Kernel) FlowStats(ctx context.Context) ([]stack.FlowCPUStats, error) {
	return k.cpuStats(ctx, nfnlSubsysCT, ctMsgGetStatsCPU, ctStatNames[:])
}

// ExpectationStats returns the per-CPU expectation statistics.
func (k *Kernel) ExpectationStats(ctx context.Context) ([]stack.FlowCPUStats, error) {
	return k.cpuStats(ctx, nfnlSubsysCTExp, expMsgGetStatsCPU, ctExpStatNames[:])
}

func (k *Kernel) cpuStats(ctx context.Context, subsys, typ uint8, names []string) ([]stack.FlowCPUStats, error) {
	var out []stack.FlowCPUStats
	err := k.ctRequest(func(dc *diagConn) error {
		req := newNFRequest(subsys, typ, nlmFRequest|nlmFDump, 0).bytes()
		// Every reply is one CPU's: Linux labels the expectation
		// statistics with the conntrack subsystem, not the
		// expectations' (ctnetlink_exp_stat_fill_info).
		return dc.dump(ctx, req, func(t uint16, payload []byte) error {
			s, err := decodeStats(payload, names)
			out = append(out, s)
			return err
		})
	})
	return out, relabel(err, "stats")
}

// ctGroups are the ctnetlink multicast groups (NFNLGRP_CONNTRACK_*),
// as the bits netlink.Config.Groups takes.
const (
	grpCTNew        = 1 << 0
	grpCTUpdate     = 1 << 1
	grpCTDestroy    = 1 << 2
	grpCTExpNew     = 1 << 3
	grpCTExpDestroy = 1 << 4
)

// defaultEventBuffer is the receive buffer events get unless asked
// otherwise: a busy table sends tens of thousands of events a second.
const defaultEventBuffer = 8 << 20

// FlowEvents calls fn for every event q selects (stack.FlowStack).
func (k *Kernel) FlowEvents(ctx context.Context, q stack.FlowEventQuery, fn func(*stack.FlowEvent) error) error {
	types := q.Types
	if types == 0 {
		types = stack.FlowEventNew | stack.FlowEventUpdate | stack.FlowEventDestroy
	}
	var groups uint32
	if q.Expectations {
		if types&stack.FlowEventNew != 0 {
			groups |= grpCTExpNew
		}
		if types&stack.FlowEventDestroy != 0 {
			groups |= grpCTExpDestroy
		}
	} else {
		if types&stack.FlowEventNew != 0 {
			groups |= grpCTNew
		}
		if types&stack.FlowEventUpdate != 0 {
			groups |= grpCTUpdate
		}
		if types&stack.FlowEventDestroy != 0 {
			groups |= grpCTDestroy
		}
	}
	if groups == 0 {
		<-ctx.Done()
		return nil
	}
	dc, err := k.dialCT(groups)
	if err != nil {
		return err
	}
	defer dc.Close()
	size := q.BufferSize
	if size == 0 {
		size = defaultEventBuffer
	}
	setRecvBuffer(dc, size)

	stop := dc.watch(ctx)
	defer stop()
	var f stack.Flow
	var e stack.Expectation
	ev := stack.FlowEvent{}
	names := portNames{k: k}
	msg := func(typ, flags uint16, portID uint32, payload []byte) error {
		ev = stack.FlowEvent{Time: time.Now(), PortID: portID}
		switch {
		case typ == nfnlSubsysCT<<8|ctMsgNew && flags&(nlmFCreate|nlmFExcl) != 0:
			ev.Type = stack.FlowEventNew
		case typ == nfnlSubsysCT<<8|ctMsgNew:
			ev.Type = stack.FlowEventUpdate
		case typ == nfnlSubsysCT<<8|ctMsgDelete:
			ev.Type = stack.FlowEventDestroy
		case typ == nfnlSubsysCTExp<<8|expMsgNew:
			ev.Type = stack.FlowEventNew
		case typ == nfnlSubsysCTExp<<8|expMsgDelete:
			ev.Type = stack.FlowEventDestroy
		default:
			return nil
		}
		if ev.Type&types == 0 {
			return nil
		}
		if portID != 0 {
			ev.Program = names.lookup(portID)
		}
		if typ>>8 == nfnlSubsysCTExp {
			if err := decodeExpect(payload, &e); err != nil {
				return err
			}
			ev.Expectation = &e
			return fn(&ev)
		}
		if err := decodeFlow(payload, &f); err != nil {
			return err
		}
		if !q.Flows.Match(&f) {
			return nil
		}
		ev.Flow = &f
		return fn(&ev)
	}
	for {
		n, err := dc.recv()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, unix.ENOBUFS) {
				overrun := &Error{Op: "events", Err: unix.ENOBUFS}
				if q.OnOverrun == nil {
					return overrun
				}
				if err := q.OnOverrun(overrun); err != nil {
					return err
				}
				continue
			}
			return err
		}
		if err := walkMessageHeaders(dc.buf[:n], "events", msg); err != nil && err != errDone {
			return err
		}
	}
}

// setRecvBuffer sets the socket's receive buffer to size bytes, beyond
// net.core.rmem_max when the caller may (SO_RCVBUFFORCE needs
// CAP_NET_ADMIN), as conntrack does.
func setRecvBuffer(dc *diagConn, size int) {
	if dc.rc == nil {
		return
	}
	var err error
	_ = dc.rc.Control(func(fd uintptr) {
		err = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, size)
	})
	if err != nil {
		_ = dc.c.SetReadBuffer(size)
	}
}

// Expectations calls fn for every expectation of family.
func (k *Kernel) Expectations(ctx context.Context, family uint8, fn func(*stack.Expectation) error) error {
	dc, err := k.dialCT(0)
	if err != nil {
		return err
	}
	defer dc.Close()
	var e stack.Expectation
	req := newNFRequest(nfnlSubsysCTExp, expMsgGet, nlmFRequest|nlmFDump, family).bytes()
	return dc.dump(ctx, req, func(typ uint16, payload []byte) error {
		if typ>>8 != nfnlSubsysCTExp {
			return nil
		}
		if err := decodeExpect(payload, &e); err != nil {
			return err
		}
		if family != 0 && e.Family != family {
			return nil
		}
		return fn(&e)
	})
}

// GetExpectation returns the expectation with e's tuple.
func (k *Kernel) GetExpectation(ctx context.Context, e *stack.Expectation) (*stack.Expectation, error) {
	var got *stack.Expectation
	err := k.ctRequest(func(dc *diagConn) error {
		r := newNFRequest(nfnlSubsysCTExp, expMsgGet, nlmFRequest|nlmFAck, expectFamily(e))
		r.expectLookup(e)
		return dc.dump(ctx, r.bytes(), func(typ uint16, payload []byte) error {
			if typ>>8 != nfnlSubsysCTExp || got != nil {
				return nil
			}
			got = new(stack.Expectation)
			return decodeExpect(payload, got)
		})
	})
	if err != nil {
		return nil, relabel(err, "get")
	}
	if got == nil {
		return nil, &Error{Op: "get", Err: unix.ENOENT}
	}
	return got, nil
}

// CreateExpectation adds e.
func (k *Kernel) CreateExpectation(ctx context.Context, e *stack.Expectation) error {
	err := k.ctRequest(func(dc *diagConn) error {
		return dc.dump(ctx, newExpectRequest(e), func(uint16, []byte) error { return nil })
	})
	return relabel(err, "create")
}

// DeleteExpectation removes the expectation with e's tuple.
func (k *Kernel) DeleteExpectation(ctx context.Context, e *stack.Expectation) error {
	err := k.ctRequest(func(dc *diagConn) error {
		r := newNFRequest(nfnlSubsysCTExp, expMsgDelete, nlmFRequest|nlmFAck, expectFamily(e))
		r.expectLookup(e)
		return dc.dump(ctx, r.bytes(), func(uint16, []byte) error { return nil })
	})
	return relabel(err, "delete")
}

// FlushExpectations removes every expectation of family.
func (k *Kernel) FlushExpectations(ctx context.Context, family uint8) error {
	err := k.ctRequest(func(dc *diagConn) error {
		req := newNFRequest(nfnlSubsysCTExp, expMsgDelete, nlmFRequest|nlmFAck, family).bytes()
		return dc.dump(ctx, req, func(uint16, []byte) error { return nil })
	})
	return relabel(err, "flush")
}

// libFlow converts f to the library's Flow, for creating or deleting it.
func libFlow(f *stack.Flow) (conntrack.Flow, error) {
	var lf conntrack.Flow
	if f.Has&(stack.FlowHasOrig|stack.FlowHasReply) == 0 {
		return lf, errors.New("a flow needs its original or reply tuple")
	}
	if f.Has&stack.FlowHasOrig != 0 {
		lf.TupleOrig = libTuple(&f.Orig)
	}
	if f.Has&stack.FlowHasReply != 0 {
		lf.TupleReply = libTuple(&f.Reply)
	}
	if f.Has&stack.FlowHasMaster != 0 {
		lf.TupleMaster = libTuple(&f.Master)
	}
	lf.Timeout = f.Timeout
	lf.Status = conntrack.Status(f.Status)
	lf.Mark = f.Mark
	lf.Zone = f.Zone
	if f.Has&stack.FlowHasProtoState != 0 {
		switch f.Orig.Proto {
		case unix.IPPROTO_TCP:
			lf.ProtoInfo.TCP = &conntrack.ProtoInfoTCP{State: f.ProtoState}
		case unix.IPPROTO_DCCP:
			lf.ProtoInfo.DCCP = &conntrack.ProtoInfoDCCP{State: f.ProtoState}
		case unix.IPPROTO_SCTP:
			lf.ProtoInfo.SCTP = &conntrack.ProtoInfoSCTP{State: f.ProtoState}
		}
	}
	if f.Has&stack.FlowHasHelper != 0 {
		lf.Helper.Name = f.Helper
	}
	if f.Has&stack.FlowHasLabels != 0 {
		lf.Labels = f.Labels
		lf.LabelsMask = f.LabelsMask
	}
	return lf, nil
}

func libTuple(t *stack.FlowTuple) conntrack.Tuple {
	lt := conntrack.Tuple{
		IP: conntrack.IPTuple{SourceAddress: unmapped(t.Src), DestinationAddress: unmapped(t.Dst)},
		Proto: conntrack.ProtoTuple{
			Protocol: t.Proto, SourcePort: t.SrcPort, DestinationPort: t.DstPort,
			ICMPID: t.ICMPID, ICMPType: t.ICMPType, ICMPCode: t.ICMPCode,
		},
	}
	if t.HasZone {
		lt.Zone = t.Zone
	}
	return lt
}

func unmapped(a netip.Addr) netip.Addr {
	if a.Is4In6() {
		return a.Unmap()
	}
	return a
}
