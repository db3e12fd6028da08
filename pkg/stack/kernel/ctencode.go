package kernel

import (
	"github.com/stackbox/stackbox/pkg/stack"
)

// ctnetlink message types and flags.
const (
	nfnlSubsysCT    = 1
	nfnlSubsysCTExp = 2

	ctMsgNew         = 0
	ctMsgGet         = 1
	ctMsgDelete      = 2
	ctMsgGetCtrZero  = 3
	ctMsgGetStatsCPU = 4

	expMsgNew         = 0
	expMsgGet         = 1
	expMsgDelete      = 2
	expMsgGetStatsCPU = 3

	nlmFExcl   = 0x200
	nlmFCreate = 0x400

	nlaFNested = 0x8000
)

// nfRequest builds netlink requests for nfnetlink subsystems: a header,
// a struct nfgenmsg and attributes, appended to one buffer.
type nfRequest struct {
	b     []byte
	nests []int
}

// begin starts a request of subsystem subsys, message type typ, with
// flags and the nfgenmsg family.
func newNFRequest(subsys, typ uint8, flags uint16, family uint8) *nfRequest {
	r := &nfRequest{b: make([]byte, nlmsgHdrLen, 256)}
	ne.PutUint16(r.b[4:], uint16(subsys)<<8|uint16(typ))
	ne.PutUint16(r.b[6:], flags)
	ne.PutUint32(r.b[8:], 1) // sequence number
	r.b = append(r.b, family, 0 /* NFNETLINK_V0 */, 0, 0)
	return r
}

func (r *nfRequest) attr(typ uint16, v []byte) {
	l := 4 + len(v)
	r.b = ne.AppendUint16(r.b, uint16(l))
	r.b = ne.AppendUint16(r.b, typ)
	r.b = append(r.b, v...)
	for len(r.b)%4 != 0 {
		r.b = append(r.b, 0)
	}
}

func (r *nfRequest) u8(typ uint16, v uint8)   { r.attr(typ, []byte{v}) }
func (r *nfRequest) u16(typ uint16, v uint16) { r.attr(typ, be.AppendUint16(nil, v)) }
func (r *nfRequest) u32(typ uint16, v uint32) { r.attr(typ, be.AppendUint32(nil, v)) }

// u32h is a u32 attribute in host byte order (CTA_FILTER's flags).
func (r *nfRequest) u32h(typ uint16, v uint32) { r.attr(typ, ne.AppendUint32(nil, v)) }
func (r *nfRequest) str(typ uint16, s string)  { r.attr(typ, append([]byte(s), 0)) }

// nest runs fn with attributes going into a nested attribute typ.
func (r *nfRequest) nest(typ uint16, fn func()) {
	start := len(r.b)
	r.b = append(r.b, 0, 0, 0, 0)
	ne.PutUint16(r.b[start+2:], typ|nlaFNested)
	fn()
	ne.PutUint16(r.b[start:], uint16(len(r.b)-start))
}

// bytes finishes the request and returns it.
func (r *nfRequest) bytes() []byte {
	ne.PutUint32(r.b, uint32(len(r.b)))
	return r.b
}

// tuple encodes t as the nested attribute typ (CTA_TUPLE_ORIG, ...).
func (r *nfRequest) tuple(typ uint16, t *stack.FlowTuple) {
	r.nest(typ, func() {
		r.nest(ctaTupleIP, func() {
			if t.Src.Is4() || t.Dst.Is4() {
				if t.Src.IsValid() {
					r.attr(ctaIPv4Src, t.Src.AsSlice())
				}
				if t.Dst.IsValid() {
					r.attr(ctaIPv4Dst, t.Dst.AsSlice())
				}
			} else {
				if t.Src.IsValid() {
					r.attr(ctaIPv6Src, t.Src.AsSlice())
				}
				if t.Dst.IsValid() {
					r.attr(ctaIPv6Dst, t.Dst.AsSlice())
				}
			}
		})
		r.nest(ctaTupleProto, func() {
			r.u8(ctaProtoNum, t.Proto)
			switch t.Proto {
			case 1: // ICMP
				r.u8(ctaProtoICMPType, t.ICMPType)
				r.u8(ctaProtoICMPCode, t.ICMPCode)
				r.u16(ctaProtoICMPID, t.ICMPID)
			case 58: // ICMPv6
				r.u8(ctaProtoICMPv6Type, t.ICMPType)
				r.u8(ctaProtoICMPv6Code, t.ICMPCode)
				r.u16(ctaProtoICMPv6ID, t.ICMPID)
			default:
				r.u16(ctaProtoSrcPort, t.SrcPort)
				r.u16(ctaProtoDstPort, t.DstPort)
			}
		})
		if t.HasZone {
			r.u16(ctaTupleZone, t.Zone)
		}
	})
}

// flowFamily is the address family of f's tuples.
func flowFamily(f *stack.Flow) uint8 {
	if f.Family != 0 {
		return f.Family
	}
	for _, t := range []*stack.FlowTuple{&f.Orig, &f.Reply} {
		if t.Src.Is6() || t.Dst.Is6() {
			return afInet6
		}
	}
	return afInet
}

// flowLookup adds what identifies f in the table: its original tuple
// (or its reply tuple when it has none), its zone and its ID.
func (r *nfRequest) flowLookup(f *stack.Flow, both bool) {
	if f.Has&stack.FlowHasOrig != 0 {
		r.tuple(ctaTupleOrig, &f.Orig)
	}
	if f.Has&stack.FlowHasReply != 0 && (both || f.Has&stack.FlowHasOrig == 0) {
		r.tuple(ctaTupleReply, &f.Reply)
	}
	if f.Has&stack.FlowHasZone != 0 {
		r.u16(ctaZone, f.Zone)
	}
	if f.Has&stack.FlowHasID != 0 {
		r.u32(ctaID, f.ID)
	}
}

// getFlowRequest is IPCTNL_MSG_CT_GET for one flow.
func getFlowRequest(f *stack.Flow) []byte {
	r := newNFRequest(nfnlSubsysCT, ctMsgGet, nlmFRequest|nlmFAck, flowFamily(f))
	r.flowLookup(f, false)
	return r.bytes()
}

// updateFlowRequest is IPCTNL_MSG_CT_NEW without NLM_F_CREATE: it
// changes the parts of the flow f has set (a zero mark included, which
// clears the mark).
func updateFlowRequest(f *stack.Flow) []byte {
	r := newNFRequest(nfnlSubsysCT, ctMsgNew, nlmFRequest|nlmFAck, flowFamily(f))
	r.flowLookup(f, false)
	r.flowSettings(f)
	return r.bytes()
}

// flowSettings adds the changeable parts f has set: timeout, status, mark,
// protocol state, helper, labels.
func (r *nfRequest) flowSettings(f *stack.Flow) {
	if f.Has&stack.FlowHasTimeout != 0 {
		r.u32(ctaTimeout, f.Timeout)
	}
	if f.Has&stack.FlowHasStatus != 0 {
		r.u32(ctaStatus, f.Status)
	}
	if f.Has&stack.FlowHasMark != 0 {
		r.u32(ctaMark, f.Mark)
	}
	if f.Has&stack.FlowHasProtoState != 0 {
		r.protoinfo(f)
	}
	if f.Has&stack.FlowHasHelper != 0 {
		r.nest(ctaHelp, func() { r.str(ctaHelpName, f.Helper) })
	}
	if f.Has&stack.FlowHasLabels != 0 {
		r.attr(ctaLabels, f.Labels)
		if len(f.LabelsMask) > 0 {
			r.attr(ctaLabelsMask, f.LabelsMask)
		}
	}
}

// createFlowRequest is IPCTNL_MSG_CT_NEW creating f, with the parts f
// has set (a zero timeout included: conntrack -I -t x sends one).
func createFlowRequest(f *stack.Flow) []byte {
	r := newNFRequest(nfnlSubsysCT, ctMsgNew, nlmFRequest|nlmFAck|nlmFCreate|nlmFExcl, flowFamily(f))
	if f.Has&stack.FlowHasOrig != 0 {
		r.tuple(ctaTupleOrig, &f.Orig)
	}
	if f.Has&stack.FlowHasReply != 0 {
		r.tuple(ctaTupleReply, &f.Reply)
	}
	if f.Has&stack.FlowHasMaster != 0 {
		r.tuple(ctaTupleMaster, &f.Master)
	}
	if f.Has&stack.FlowHasZone != 0 {
		r.u16(ctaZone, f.Zone)
	}
	r.flowSettings(f)
	return r.bytes()
}

// protoinfo adds the protocol state of f (and TCP's per-direction flags,
// when set: struct nf_ct_tcp_flags, flags then mask).
func (r *nfRequest) protoinfo(f *stack.Flow) {
	r.nest(ctaProtoinfo, func() {
		switch f.Orig.Proto {
		case 6:
			r.nest(ctaProtoinfoTCP, func() {
				r.u8(ctaProtoinfoTCPState, f.ProtoState)
				if f.TCPFlags != [2]uint16{} {
					r.u16(ctaProtoinfoTCPFlagsOrig, f.TCPFlags[0])
					r.u16(ctaProtoinfoTCPFlagsRepl, f.TCPFlags[1])
				}
			})
		case 33:
			r.nest(ctaProtoinfoDCCP, func() { r.u8(1, f.ProtoState) })
		case 132:
			r.nest(ctaProtoinfoSCTP, func() { r.u8(1, f.ProtoState) })
		}
	})
}

// dumpFlowsRequest is the dump request for q, with the kernel-side
// filters ctnetlink has: mark and mask (Linux 2.6.36), the family (4.20),
// status (5.15), zone (6.8). Older kernels ignore what they do not know.
func dumpFlowsRequest(q *stack.FlowQuery) []byte {
	typ := uint8(ctMsgGet)
	if q.ZeroCounters {
		typ = ctMsgGetCtrZero
	}
	family := q.Family
	if family == 0 {
		// Address filters need the family; an IPv4 address matches
		// only IPv4 flows anyway.
		for _, t := range []*stack.FlowTuple{&q.Orig, &q.Reply} {
			if t.Src.Is4() || t.Dst.Is4() {
				family = afInet
			} else if t.Src.Is6() || t.Dst.Is6() {
				family = afInet6
			}
		}
	}
	r := newNFRequest(nfnlSubsysCT, typ, nlmFRequest|nlmFDump, family)
	if q.HasMark {
		// The kernel compares mark&mask with the value unmasked.
		r.u32(ctaMark, q.Mark&q.MarkMask)
		r.u32(ctaMarkMask, q.MarkMask)
	}
	// The kernel matches a zone in either direction, where the query
	// means the flow's zone (CTA_ZONE, both directions): for a zone
	// other than 0 that is a superset, refined in user space; for zone 0
	// it would drop flows with a zone in one direction only.
	if q.HasZone && q.Zone != 0 {
		r.u16(ctaZone, q.Zone)
	}
	if q.Status != 0 {
		r.u32(ctaStatus, q.Status)
		r.u32(ctaStatusMask, q.Status)
	}
	// The kernel compares tuples only within one family (it refuses a
	// tuple filter for AF_UNSPEC); dumping each family in turn would
	// change the order of the flows, so without one it is user space's.
	if family != 0 && (q.OrigFields != 0 || q.ReplyFields != 0) {
		r.tupleFilter(ctaTupleOrig, &q.Orig, q.OrigFields)
		r.tupleFilter(ctaTupleReply, &q.Reply, q.ReplyFields)
		r.nest(ctaFilter, func() {
			r.u32h(ctaFilterOrigFlags, filterFlags(family, &q.Orig, q.OrigFields))
			r.u32h(ctaFilterReplyFlags, filterFlags(family, &q.Reply, q.ReplyFields))
		})
	}
	return r.bytes()
}

// CTA_FILTER (Linux 5.8): which tuple attributes a dump compares.
const (
	ctaFilter           = 25
	ctaFilterOrigFlags  = 1
	ctaFilterReplyFlags = 2

	ctaFilterIPSrc    = 1 << 0
	ctaFilterIPDst    = 1 << 1
	ctaFilterProtoNum = 1 << 3
	ctaFilterSrcPort  = 1 << 4
	ctaFilterDstPort  = 1 << 5
	ctaFilterICMPType = 1 << 6
	ctaFilterICMPCode = 1 << 7
	ctaFilterICMPID   = 1 << 8
	// The ICMPv6 flags (1<<9, 1<<10, 1<<11) are ICMP's shifted by 3.
)

// filterFlags is the CTA_FILTER flags word for comparing fields of t. The
// kernel compares ports only for TCP and UDP; for other protocols the
// ports are left to user space. So are IPv6 addresses: Linux's comparison
// of them is inverted (ctnetlink_filter_match_tuple tests
// !ipv6_addr_cmp(), true for equal addresses, up to 6.18 at least), so a
// filter on one would drop exactly the flows wanted.
func filterFlags(family uint8, t *stack.FlowTuple, fields stack.TupleFields) uint32 {
	var fl uint32
	if fields&stack.TupleSrc != 0 && family == afInet {
		fl |= ctaFilterIPSrc
	}
	if fields&stack.TupleDst != 0 && family == afInet {
		fl |= ctaFilterIPDst
	}
	if fields&stack.TupleProto == 0 {
		return fl
	}
	fl |= ctaFilterProtoNum
	switch t.Proto {
	case 6, 17:
		if fields&stack.TupleSrcPort != 0 {
			fl |= ctaFilterSrcPort
		}
		if fields&stack.TupleDstPort != 0 {
			fl |= ctaFilterDstPort
		}
	case 1, 58:
		var icmp uint32
		if fields&stack.TupleICMPType != 0 {
			icmp |= ctaFilterICMPType
		}
		if fields&stack.TupleICMPCode != 0 {
			icmp |= ctaFilterICMPCode
		}
		if fields&stack.TupleICMPID != 0 {
			icmp |= ctaFilterICMPID
		}
		if t.Proto == 58 {
			icmp <<= 3
		}
		fl |= icmp
	}
	return fl
}

// tupleFilter adds t as the tuple a dump filter compares with.
func (r *nfRequest) tupleFilter(typ uint16, t *stack.FlowTuple, fields stack.TupleFields) {
	if fields == 0 {
		return
	}
	r.tuple(typ, t)
}

// expectLookup adds what identifies e: its tuple, its zone.
func (r *nfRequest) expectLookup(e *stack.Expectation) {
	r.tuple(ctaExpectTuple, &e.Tuple)
	if e.Has&stack.ExpectHasZone != 0 {
		r.u16(ctaExpectZone, e.Zone)
	}
}

// expectFamily is the address family of e's tuple.
func expectFamily(e *stack.Expectation) uint8 {
	if e.Family != 0 {
		return e.Family
	}
	if e.Tuple.Src.Is6() || e.Tuple.Dst.Is6() {
		return afInet6
	}
	return afInet
}

// newExpectRequest is IPCTNL_MSG_EXP_NEW creating e.
func newExpectRequest(e *stack.Expectation) []byte {
	r := newNFRequest(nfnlSubsysCTExp, expMsgNew, nlmFRequest|nlmFAck|nlmFCreate|nlmFExcl, expectFamily(e))
	r.tuple(ctaExpectMaster, &e.Master)
	r.tuple(ctaExpectTuple, &e.Tuple)
	r.tuple(ctaExpectMask, &e.Mask)
	r.u32(ctaExpectTimeout, e.Timeout)
	if e.Has&stack.ExpectHasZone != 0 {
		r.u16(ctaExpectZone, e.Zone)
	}
	if e.Has&stack.ExpectHasFlags != 0 {
		r.u32(ctaExpectFlags, e.Flags)
	}
	if e.Has&stack.ExpectHasClass != 0 {
		r.u32(ctaExpectClass, e.Class)
	}
	if e.Has&stack.ExpectHasHelper != 0 {
		r.str(ctaExpectHelpName, e.Helper)
	}
	return r.bytes()
}
