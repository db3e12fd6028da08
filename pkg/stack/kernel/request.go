package kernel

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack"
)

// The requests below are the bytes ss 6.1 sends (checked against strace
// captures in testdata/requests): the same header flags, sequence number,
// request structs and attributes.

// appendHeader appends a netlink message header for a message of length
// total (header included).
func appendHeader(b []byte, total int, typ, flags uint16, seq uint32) []byte {
	b = ne.AppendUint32(b, uint32(total))
	b = ne.AppendUint16(b, typ)
	b = ne.AppendUint16(b, flags)
	b = ne.AppendUint32(b, seq)
	return ne.AppendUint32(b, 0) // nlmsg_pid: the kernel
}

// appendAttr appends one netlink attribute, padded to 4 bytes.
func appendAttr(b []byte, typ uint16, val []byte) []byte {
	b = ne.AppendUint16(b, uint16(nlaHdrLen+len(val)))
	b = ne.AppendUint16(b, typ)
	b = append(b, val...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func attrLen(n int) int { return (nlaHdrLen + n + 3) &^ 3 }

// inetExt is the idiag_ext mask ss asks for with the options w stands for.
func inetExt(w stack.Want) uint8 {
	var ext uint8
	bit := func(attr int) uint8 { return 1 << (attr - 1) }
	if w.Mem {
		ext |= bit(inetDiagMeminfo) | bit(inetDiagSkmeminfo)
	}
	if w.TCPInfo {
		ext |= bit(inetDiagInfo) | bit(inetDiagVegasinfo) | bit(inetDiagCong)
	}
	if w.TOS {
		ext |= bit(inetDiagTOS) | bit(inetDiagTClass)
	}
	return ext
}

// inetSockID is struct inet_diag_sockid.
type inetSockID struct {
	SPort, DPort uint16
	Src, Dst     netip.Addr
	If           uint32
	Cookie       [2]uint32
}

func appendSockID(b []byte, id inetSockID) []byte {
	b = append(b, byte(id.SPort>>8), byte(id.SPort), byte(id.DPort>>8), byte(id.DPort))
	b = appendAddr16(b, id.Src)
	b = appendAddr16(b, id.Dst)
	b = ne.AppendUint32(b, id.If)
	b = ne.AppendUint32(b, id.Cookie[0])
	return ne.AppendUint32(b, id.Cookie[1])
}

// appendAddr16 appends a as the 16 bytes of an idiag_src/idiag_dst field:
// an IPv4 address fills the first 4.
func appendAddr16(b []byte, a netip.Addr) []byte {
	var buf [16]byte
	switch {
	case a.Is4():
		v := a.As4()
		copy(buf[:], v[:])
	case a.Is6():
		buf = a.As16()
	}
	return append(b, buf[:]...)
}

// inetRequest builds a SOCK_DIAG_BY_FAMILY dump request (struct
// inet_diag_req_v2) for one family and protocol. Protocols above 255
// (MPTCP) go as IPPROTO_TCP plus an INET_DIAG_REQ_PROTOCOL attribute, after
// the bytecode, as ss does.
func inetRequest(family uint8, protocol int, ext uint8, states stack.StateSet, bytecode []byte) []byte {
	total := nlmsgHdrLen + inetDiagReqV2Len
	if len(bytecode) > 0 {
		total += attrLen(len(bytecode))
	}
	if protocol > 255 {
		total += attrLen(4)
	}
	b := make([]byte, 0, total)
	b = appendHeader(b, total, sockDiagByFamily, nlmFRequest|nlmFDump, diagSeq)
	proto := uint8(protocol)
	if protocol > 255 {
		proto = ipprotoTCP
	}
	b = append(b, family, proto, ext, 0)
	b = ne.AppendUint32(b, uint32(states))
	b = appendSockID(b, inetSockID{})
	if len(bytecode) > 0 {
		b = appendAttr(b, inetDiagReqBytecode, bytecode)
	}
	if protocol > 255 {
		b = appendAttr(b, inetDiagReqProtocol, ne.AppendUint32(nil, uint32(protocol)))
	}
	return b
}

// legacyInetRequest is the pre-sock_diag inet_diag request (struct
// inet_diag_req under TCPDIAG_GETSOCK or DCCPDIAG_GETSOCK), which ss falls
// back to when the kernel knows no sock_diag handler for tcp or dccp.
func legacyInetRequest(msgType uint16, states stack.StateSet) []byte {
	total := nlmsgHdrLen + legacyInetDiagReqLen
	b := make([]byte, 0, total)
	b = appendHeader(b, total, msgType, nlmFRequest|nlmFDump, diagSeq)
	b = append(b, afInet, 0, 0, 0) // family, src_len, dst_len, ext
	b = appendSockID(b, inetSockID{})
	b = ne.AppendUint32(b, uint32(states))
	b = ne.AppendUint32(b, 0) // idiag_dbs
	return b
}

// unixShow is the udiag_show mask ss asks for.
func unixShow(w stack.Want) uint32 {
	show := uint32(udiagShowName | udiagShowPeer | udiagShowRQLen)
	if w.Details {
		show |= udiagShowVFS | udiagShowIcons
	}
	if w.UnixPeer {
		show |= udiagShowIcons
	}
	if w.Mem {
		show |= udiagShowMeminfo
	}
	return show
}

// unixRequest builds a unix_diag dump request: one request for every
// unix socket type; the reply says each socket's type.
func unixRequest(states stack.StateSet, show uint32) []byte {
	total := nlmsgHdrLen + unixDiagReqLen
	b := make([]byte, 0, total)
	b = appendHeader(b, total, sockDiagByFamily, nlmFRequest|nlmFDump, diagSeq)
	b = append(b, afUnix, 0, 0, 0)
	b = ne.AppendUint32(b, uint32(states))
	b = ne.AppendUint32(b, 0) // udiag_ino
	b = ne.AppendUint32(b, show)
	b = ne.AppendUint32(b, 0)
	return ne.AppendUint32(b, 0)
}

// packetShow is what ss asks packet_diag for, whatever its options.
const packetShow = packetShowInfo | packetShowMeminfo | packetShowFilter | packetShowRingCfg | packetShowFanout

// packetRequest builds a packet_diag dump request.
func packetRequest() []byte {
	total := nlmsgHdrLen + packetDiagReqLen
	b := make([]byte, 0, total)
	b = appendHeader(b, total, sockDiagByFamily, nlmFRequest|nlmFDump, diagSeq)
	b = append(b, afPacket, 0, 0, 0)
	b = ne.AppendUint32(b, 0) // pdiag_ino
	b = ne.AppendUint32(b, packetShow)
	b = ne.AppendUint32(b, 0)
	return ne.AppendUint32(b, 0)
}

// netlinkRequest builds a netlink_diag dump request for every protocol.
func netlinkRequest() []byte {
	total := nlmsgHdrLen + netlinkDiagReqLen
	b := make([]byte, 0, total)
	b = appendHeader(b, total, sockDiagByFamily, nlmFRequest|nlmFDump, diagSeq)
	b = append(b, afNetlink, ndiagProtoAll, 0, 0)
	b = ne.AppendUint32(b, 0) // ndiag_ino
	b = ne.AppendUint32(b, ndiagShowMeminfo|ndiagShowGroups)
	b = ne.AppendUint32(b, 0)
	return ne.AppendUint32(b, 0)
}

// destroyPayload builds the inet_diag_req_v2 of a SOCK_DESTROY request for
// s, naming it by its full identity (addresses, ports, device and cookie)
// as ss -K does. ok is false for sockets SOCK_DESTROY cannot name.
func destroyPayload(s *stack.Socket) (b []byte, ok bool) {
	if s.Family != afInet && s.Family != afInet6 {
		return nil, false
	}
	var proto, rawProto uint8
	switch s.Table {
	case stack.TableTCP, stack.TableMPTCP:
		// ss puts IPPROTO_MPTCP in the u8 field, which leaves TCP.
		proto = ipprotoTCP
	case stack.TableUDP:
		proto = ipprotoUDP
	case stack.TableRaw:
		proto, rawProto = ipprotoRaw, s.Protocol
	default:
		return nil, false
	}
	b = make([]byte, 0, inetDiagReqV2Len)
	b = append(b, s.Family, proto, 0, rawProto)
	b = ne.AppendUint32(b, 0) // idiag_states
	return appendSockID(b, inetSockID{
		SPort:  s.Local.Port,
		DPort:  s.Peer.Port,
		Src:    s.Local.Addr,
		Dst:    s.Peer.Addr,
		If:     s.Local.Ifindex,
		Cookie: [2]uint32{uint32(s.Cookie), uint32(s.Cookie >> 32)},
	}), true
}
