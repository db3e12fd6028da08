package kernel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack"
)

// ctnetlink attribute numbers (linux/netfilter/nfnetlink_conntrack.h).
const (
	ctaTupleOrig     = 1
	ctaTupleReply    = 2
	ctaStatus        = 3
	ctaProtoinfo     = 4
	ctaHelp          = 5
	ctaTimeout       = 7
	ctaMark          = 8
	ctaCountersOrig  = 9
	ctaCountersReply = 10
	ctaUse           = 11
	ctaID            = 12
	ctaTupleMaster   = 14
	ctaSecmark       = 17
	ctaZone          = 18
	ctaSecctx        = 19
	ctaTimestamp     = 20
	ctaMarkMask      = 21
	ctaLabels        = 22
	ctaLabelsMask    = 23
	ctaStatusMask    = 26

	ctaTupleIP    = 1
	ctaTupleProto = 2
	ctaTupleZone  = 3

	ctaIPv4Src = 1
	ctaIPv4Dst = 2
	ctaIPv6Src = 3
	ctaIPv6Dst = 4

	ctaProtoNum        = 1
	ctaProtoSrcPort    = 2
	ctaProtoDstPort    = 3
	ctaProtoICMPID     = 4
	ctaProtoICMPType   = 5
	ctaProtoICMPCode   = 6
	ctaProtoICMPv6ID   = 7
	ctaProtoICMPv6Type = 8
	ctaProtoICMPv6Code = 9

	ctaProtoinfoTCP  = 1
	ctaProtoinfoDCCP = 2
	ctaProtoinfoSCTP = 3

	ctaProtoinfoTCPState      = 1
	ctaProtoinfoTCPWscaleOrig = 2
	ctaProtoinfoTCPWscaleRepl = 3
	ctaProtoinfoTCPFlagsOrig  = 4
	ctaProtoinfoTCPFlagsRepl  = 5

	ctaCountersPackets = 1
	ctaCountersBytes   = 2

	ctaTimestampStart = 1
	ctaTimestampStop  = 2

	ctaHelpName   = 1
	ctaSecctxName = 1

	ctaExpectMaster   = 1
	ctaExpectTuple    = 2
	ctaExpectMask     = 3
	ctaExpectTimeout  = 4
	ctaExpectID       = 5
	ctaExpectHelpName = 6
	ctaExpectZone     = 7
	ctaExpectFlags    = 8
	ctaExpectClass    = 9
	ctaExpectNAT      = 10
	ctaExpectFn       = 11

	ctaExpectNATDir   = 1
	ctaExpectNATTuple = 2

	ctaStatsGlobalEntries    = 1
	ctaStatsGlobalMaxEntries = 2

	nlaTypeMask = 0x3fff // without NLA_F_NESTED and NLA_F_NET_BYTEORDER
	nfgenLen    = 4      // struct nfgenmsg
)

// ctStatNames are conntrack -S's names of the CTA_STATS_* counters, by
// attribute number.
var ctStatNames = [...]string{
	1: "searched", 2: "found", 3: "new", 4: "invalid", 5: "ignore", 6: "delete",
	7: "delete_list", 8: "insert", 9: "insert_failed", 10: "drop", 11: "early_drop",
	12: "error", 13: "search_restart", 14: "clash_resolve", 15: "chaintoolong",
}

// ctExpStatNames are the CTA_STATS_EXP_* counters' names, by number.
var ctExpStatNames = [...]string{1: "expect_new", 2: "expect_create", 3: "expect_delete"}

var be = binary.BigEndian

// errBadFlow is a ctnetlink message that does not parse.
var errBadFlow = errors.New("malformed ctnetlink message")

// nlAttrs walks the netlink attributes in b, calling fn with each one's
// type (without flags) and payload. Padding and a truncated tail are
// errors.
func nlAttrs(b []byte, fn func(typ uint16, v []byte) error) error {
	for len(b) >= 4 {
		l := int(ne.Uint16(b))
		if l < 4 || l > len(b) {
			return fmt.Errorf("%w: attribute length %d with %d bytes left", errBadFlow, l, len(b))
		}
		if err := fn(ne.Uint16(b[2:])&nlaTypeMask, b[4:l]); err != nil {
			return err
		}
		next := (l + 3) &^ 3
		if next >= len(b) {
			return nil
		}
		b = b[next:]
	}
	if len(b) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", errBadFlow, len(b))
	}
	return nil
}

func attrU8(v []byte) (uint8, error) {
	if len(v) < 1 {
		return 0, fmt.Errorf("%w: short u8 attribute", errBadFlow)
	}
	return v[0], nil
}

func attrU16(v []byte) (uint16, error) {
	if len(v) < 2 {
		return 0, fmt.Errorf("%w: short u16 attribute", errBadFlow)
	}
	return be.Uint16(v), nil
}

func attrU32(v []byte) (uint32, error) {
	if len(v) < 4 {
		return 0, fmt.Errorf("%w: short u32 attribute", errBadFlow)
	}
	return be.Uint32(v), nil
}

func attrU64(v []byte) (uint64, error) {
	if len(v) < 8 {
		return 0, fmt.Errorf("%w: short u64 attribute", errBadFlow)
	}
	return be.Uint64(v), nil
}

// attrString is a NUL-terminated string attribute.
func attrString(v []byte) string {
	for i, c := range v {
		if c == 0 {
			return string(v[:i])
		}
	}
	return string(v)
}

// decodeFlow parses a ctnetlink flow message's payload (struct nfgenmsg
// and attributes) into f, which it resets first. Slices in f (labels)
// are reused when large enough.
func decodeFlow(payload []byte, f *stack.Flow) error {
	if len(payload) < nfgenLen {
		return fmt.Errorf("%w: short nfgenmsg", errBadFlow)
	}
	labels := f.Labels[:0]
	*f = stack.Flow{Family: payload[0]}
	return nlAttrs(payload[nfgenLen:], func(typ uint16, v []byte) error {
		var err error
		switch typ {
		case ctaTupleOrig:
			f.Has |= stack.FlowHasOrig
			err = decodeTuple(v, &f.Orig)
		case ctaTupleReply:
			f.Has |= stack.FlowHasReply
			err = decodeTuple(v, &f.Reply)
		case ctaTupleMaster:
			f.Has |= stack.FlowHasMaster
			err = decodeTuple(v, &f.Master)
		case ctaStatus:
			f.Has |= stack.FlowHasStatus
			f.Status, err = attrU32(v)
		case ctaTimeout:
			f.Has |= stack.FlowHasTimeout
			f.Timeout, err = attrU32(v)
		case ctaMark:
			f.Has |= stack.FlowHasMark
			f.Mark, err = attrU32(v)
		case ctaUse:
			f.Has |= stack.FlowHasUse
			f.Use, err = attrU32(v)
		case ctaID:
			f.Has |= stack.FlowHasID
			f.ID, err = attrU32(v)
		case ctaSecmark:
			f.Has |= stack.FlowHasSecmark
			f.Secmark, err = attrU32(v)
		case ctaZone:
			f.Has |= stack.FlowHasZone
			f.Zone, err = attrU16(v)
		case ctaProtoinfo:
			err = decodeProtoinfo(v, f)
		case ctaCountersOrig, ctaCountersReply:
			f.Has |= stack.FlowHasCounters
			err = decodeCounter(v, &f.Counters[typ-ctaCountersOrig])
		case ctaTimestamp:
			f.Has |= stack.FlowHasTimestamp
			err = nlAttrs(v, func(t uint16, v []byte) error {
				var err error
				switch t {
				case ctaTimestampStart:
					f.Start, err = attrU64(v)
				case ctaTimestampStop:
					f.Stop, err = attrU64(v)
				}
				return err
			})
		case ctaLabels:
			f.Has |= stack.FlowHasLabels
			f.Labels = append(labels, v...)
		case ctaHelp:
			err = nlAttrs(v, func(t uint16, v []byte) error {
				if t == ctaHelpName {
					f.Has |= stack.FlowHasHelper
					f.Helper = attrString(v)
				}
				return nil
			})
		case ctaSecctx:
			err = nlAttrs(v, func(t uint16, v []byte) error {
				if t == ctaSecctxName {
					f.Has |= stack.FlowHasSecCtx
					f.SecCtx = attrString(v)
				}
				return nil
			})
		}
		return err
	})
}

func decodeTuple(b []byte, t *stack.FlowTuple) error {
	return nlAttrs(b, func(typ uint16, v []byte) error {
		switch typ {
		case ctaTupleIP:
			return nlAttrs(v, func(typ uint16, v []byte) error {
				var a netip.Addr
				switch typ {
				case ctaIPv4Src, ctaIPv4Dst:
					if len(v) < 4 {
						return fmt.Errorf("%w: short IPv4 address", errBadFlow)
					}
					a = netip.AddrFrom4([4]byte(v[:4]))
				case ctaIPv6Src, ctaIPv6Dst:
					if len(v) < 16 {
						return fmt.Errorf("%w: short IPv6 address", errBadFlow)
					}
					a = netip.AddrFrom16([16]byte(v[:16]))
				default:
					return nil
				}
				if typ == ctaIPv4Src || typ == ctaIPv6Src {
					t.Src = a
				} else {
					t.Dst = a
				}
				return nil
			})
		case ctaTupleProto:
			return nlAttrs(v, func(typ uint16, v []byte) error {
				var err error
				switch typ {
				case ctaProtoNum:
					t.Proto, err = attrU8(v)
				case ctaProtoSrcPort:
					t.SrcPort, err = attrU16(v)
				case ctaProtoDstPort:
					t.DstPort, err = attrU16(v)
				case ctaProtoICMPID, ctaProtoICMPv6ID:
					t.ICMPID, err = attrU16(v)
				case ctaProtoICMPType, ctaProtoICMPv6Type:
					t.ICMPType, err = attrU8(v)
				case ctaProtoICMPCode, ctaProtoICMPv6Code:
					t.ICMPCode, err = attrU8(v)
				}
				return err
			})
		case ctaTupleZone:
			z, err := attrU16(v)
			t.Zone, t.HasZone = z, err == nil
			return err
		}
		return nil
	})
}

func decodeProtoinfo(b []byte, f *stack.Flow) error {
	return nlAttrs(b, func(typ uint16, v []byte) error {
		switch typ {
		case ctaProtoinfoTCP:
			return nlAttrs(v, func(typ uint16, v []byte) error {
				var err error
				switch typ {
				case ctaProtoinfoTCPState:
					f.Has |= stack.FlowHasProtoState
					f.ProtoState, err = attrU8(v)
				case ctaProtoinfoTCPWscaleOrig, ctaProtoinfoTCPWscaleRepl:
					f.TCPWScale[typ-ctaProtoinfoTCPWscaleOrig], err = attrU8(v)
				case ctaProtoinfoTCPFlagsOrig, ctaProtoinfoTCPFlagsRepl:
					// struct nf_ct_tcp_flags: flags, mask (u8 each).
					f.TCPFlags[typ-ctaProtoinfoTCPFlagsOrig], err = attrU16(v)
				}
				return err
			})
		case ctaProtoinfoDCCP, ctaProtoinfoSCTP:
			// The state is attribute 1 in both.
			return nlAttrs(v, func(typ uint16, v []byte) error {
				if typ != 1 {
					return nil
				}
				var err error
				f.Has |= stack.FlowHasProtoState
				f.ProtoState, err = attrU8(v)
				return err
			})
		}
		return nil
	})
}

func decodeCounter(b []byte, c *stack.FlowCounter) error {
	return nlAttrs(b, func(typ uint16, v []byte) error {
		var err error
		switch typ {
		case ctaCountersPackets:
			c.Packets, err = attrU64(v)
		case ctaCountersBytes:
			c.Bytes, err = attrU64(v)
		}
		return err
	})
}

// decodeExpect parses a ctnetlink expectation message's payload.
func decodeExpect(payload []byte, e *stack.Expectation) error {
	if len(payload) < nfgenLen {
		return fmt.Errorf("%w: short nfgenmsg", errBadFlow)
	}
	*e = stack.Expectation{Family: payload[0]}
	return nlAttrs(payload[nfgenLen:], func(typ uint16, v []byte) error {
		var err error
		switch typ {
		case ctaExpectMaster:
			err = decodeTuple(v, &e.Master)
		case ctaExpectTuple:
			err = decodeTuple(v, &e.Tuple)
		case ctaExpectMask:
			err = decodeTuple(v, &e.Mask)
		case ctaExpectTimeout:
			e.Has |= stack.ExpectHasTimeout
			e.Timeout, err = attrU32(v)
		case ctaExpectID:
			e.Has |= stack.ExpectHasID
			e.ID, err = attrU32(v)
		case ctaExpectZone:
			e.Has |= stack.ExpectHasZone
			e.Zone, err = attrU16(v)
		case ctaExpectFlags:
			e.Has |= stack.ExpectHasFlags
			e.Flags, err = attrU32(v)
		case ctaExpectClass:
			e.Has |= stack.ExpectHasClass
			e.Class, err = attrU32(v)
		case ctaExpectHelpName:
			e.Has |= stack.ExpectHasHelper
			e.Helper = attrString(v)
		case ctaExpectFn:
			e.Has |= stack.ExpectHasFn
			e.Fn = attrString(v)
		case ctaExpectNAT:
			e.HasNAT = true
			err = nlAttrs(v, func(typ uint16, v []byte) error {
				var err error
				switch typ {
				case ctaExpectNATDir:
					e.NATDir, err = attrU32(v)
				case ctaExpectNATTuple:
					err = decodeTuple(v, &e.NAT)
				}
				return err
			})
		}
		return err
	})
}

// decodeStats parses one CPU's statistics message (IPCTNL_MSG_CT_GET_STATS_CPU
// or IPCTNL_MSG_EXP_GET_STATS_CPU): the CPU is the nfgenmsg's res_id, and
// names gives the counters' names by attribute number.
func decodeStats(payload []byte, names []string) (stack.FlowCPUStats, error) {
	var s stack.FlowCPUStats
	if len(payload) < nfgenLen {
		return s, fmt.Errorf("%w: short nfgenmsg", errBadFlow)
	}
	s.CPU = int(be.Uint16(payload[2:]))
	err := nlAttrs(payload[nfgenLen:], func(typ uint16, v []byte) error {
		if int(typ) >= len(names) || names[typ] == "" {
			return nil
		}
		n, err := attrU32(v)
		s.Counters = append(s.Counters, stack.Counter{Name: names[typ], Value: uint64(n)})
		return err
	})
	return s, err
}
