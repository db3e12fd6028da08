package kernel

import (
	"fmt"
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack"
)

// defaultProtocol is the IPPROTO_* of a table's sockets until the reply's
// INET_DIAG_PROTOCOL says otherwise.
func defaultProtocol(t stack.Table) uint8 {
	switch t {
	case stack.TableTCP, stack.TableMPTCP:
		return ipprotoTCP
	case stack.TableUDP:
		return ipprotoUDP
	case stack.TableRaw:
		return ipprotoRaw
	case stack.TableDCCP:
		return ipprotoDCCP
	case stack.TableSCTP:
		return ipprotoSCTP
	}
	return 0
}

// tableOfProtocol is the table a destroy event's socket belongs to.
func tableOfProtocol(p uint8) stack.Table {
	switch p {
	case ipprotoTCP:
		return stack.TableTCP
	case ipprotoUDP, 136: // IPPROTO_UDPLITE shares the UDP groups
		return stack.TableUDP
	}
	return stack.TableRaw
}

// inetAddr reads an idiag_src/idiag_dst field.
func inetAddr(family uint8, b []byte) netip.Addr {
	switch family {
	case afInet:
		return netip.AddrFrom4([4]byte(b[:4]))
	case afInet6:
		return netip.AddrFrom16([16]byte(b[:16]))
	}
	return netip.Addr{}
}

// decodeInet decodes a struct inet_diag_msg and its attributes, a socket
// of table t (TableNone: decide from INET_DIAG_PROTOCOL, for events).
func (d *decoder) decodeInet(t stack.Table, b []byte) (*stack.Socket, error) {
	if len(b) < inetDiagMsgLen {
		return nil, fmt.Errorf("%w: inet_diag_msg of %d bytes", errShortMessage, len(b))
	}
	s := d.reset()
	s.Family = b[0]
	s.State = stack.State(b[1])
	s.Timer = stack.Timer{Kind: b[2], Retrans: b[3], Expires: ne.Uint32(b[52:])}
	s.Local.Port = uint16(b[4])<<8 | uint16(b[5])
	s.Peer.Port = uint16(b[6])<<8 | uint16(b[7])
	s.Local.Addr = inetAddr(s.Family, b[8:24])
	s.Peer.Addr = inetAddr(s.Family, b[24:40])
	s.Local.Ifindex = ne.Uint32(b[40:])
	s.Cookie = cookie(b, 44)
	s.RecvQ = ne.Uint32(b[56:])
	s.SendQ = ne.Uint32(b[60:])
	s.UID = ne.Uint32(b[64:])
	s.Inode = ne.Uint32(b[68:])
	s.Table = t
	s.Protocol = defaultProtocol(t)

	var info []byte
	ad := newAttrDecoder(b[inetDiagMsgLen:])
	for ad.Next() {
		switch ad.Type() {
		case inetDiagMeminfo:
			s.Mem = d.decodeMem(ad.Bytes())
		case inetDiagInfo:
			info = ad.Bytes()
		case inetDiagVegasinfo:
			v := ad.Bytes()
			d.vegas = stack.VegasInfo{Enabled: u32at(v, 0), RTTCount: u32at(v, 4), RTT: u32at(v, 8), MinRTT: u32at(v, 12)}
			s.Vegas = &d.vegas
		case inetDiagCong:
			s.Cong = d.intern(cstring(ad.Bytes()))
		case inetDiagTOS:
			s.TOS, s.HasTOS = ad.Uint8(), true
		case inetDiagTClass:
			s.TClass, s.HasTClass = ad.Uint8(), true
		case inetDiagSkmeminfo:
			s.SkMem = d.decodeSkMem(ad.Bytes())
		case inetDiagShutdown:
			s.Shutdown, s.HasShutdown = ad.Uint8(), true
		case inetDiagDCTCPInfo:
			v := ad.Bytes()
			d.dctcp = stack.DCTCPInfo{Enabled: u16at(v, 0), CEState: u16at(v, 2), Alpha: u32at(v, 4), ABEcn: u32at(v, 8), ABTot: u32at(v, 12)}
			s.DCTCP = &d.dctcp
		case inetDiagProtocol:
			s.Protocol = ad.Uint8()
		case inetDiagSkV6Only:
			s.V6Only, s.HasV6Only = ad.Uint8() != 0, true
		case inetDiagMark:
			s.Mark, s.HasMark = ad.Uint32(), true
		case inetDiagBBRInfo:
			v := ad.Bytes()
			d.bbr = stack.BBRInfo{BW: uint64(u32at(v, 0)) | uint64(u32at(v, 4))<<32, MinRTT: u32at(v, 8), PacingGain: u32at(v, 12), CwndGain: u32at(v, 16)}
			s.BBR = &d.bbr
		case inetDiagClassID:
			s.ClassID, s.HasClass = ad.Uint32(), true
		case inetDiagMD5Sig:
			s.MD5Sig = true
			s.MD5Keys = decodeMD5Keys(ad.Bytes(), d.md5[:0])
			d.md5 = s.MD5Keys
		case inetDiagULPInfo:
			nad := newAttrDecoder(ad.Bytes())
			for nad.Next() {
				switch nad.Type() {
				case inetULPInfoName:
					s.ULP = d.intern(cstring(nad.Bytes()))
				case inetULPInfoTLS:
					if err := decodeTLS(nad.Bytes(), &d.tls); err != nil {
						return nil, err
					}
					s.TLS = &d.tls
				case inetULPInfoMPTCP:
					if err := decodeSubflow(nad.Bytes(), &d.subflow); err != nil {
						return nil, err
					}
					s.Subflow = &d.subflow
				}
			}
			if err := nad.Err(); err != nil {
				return nil, fmt.Errorf("INET_DIAG_ULP_INFO: %w", err)
			}
		case inetDiagCgroupID:
			s.CgroupID = ad.Uint64()
		case inetDiagSockopt:
			v := ad.Bytes()
			s.SockOpt, s.HasSockOpt = uint16(u8at(v, 0))|uint16(u8at(v, 1))<<8, true
		}
	}
	if err := ad.Err(); err != nil {
		return nil, fmt.Errorf("inet_diag_msg: %w", err)
	}
	if s.Table == stack.TableNone {
		s.Table = tableOfProtocol(s.Protocol)
	}
	if info != nil {
		switch s.Table {
		case stack.TableTCP:
			decodeTCPInfo(info, &d.tcp)
			s.TCP = &d.tcp
		case stack.TableMPTCP:
			decodeMPTCPInfo(info, &d.mptcp)
			s.MPTCP = &d.mptcp
		}
	}
	return s, nil
}

// decodeSubflow decodes the nested MPTCP_SUBFLOW_ATTR_* attributes.
func decodeSubflow(b []byte, f *stack.MPTCPSubflow) error {
	*f = stack.MPTCPSubflow{}
	ad := newAttrDecoder(b)
	for ad.Next() {
		t := int(ad.Type())
		switch t {
		case stack.SubflowTokenRem:
			f.TokenRem = ad.Uint32()
		case stack.SubflowTokenLoc:
			f.TokenLoc = ad.Uint32()
		case stack.SubflowRelWriteSeq:
			f.RelWriteSeq = ad.Uint64()
		case stack.SubflowMapSeq:
			f.MapSeq = ad.Uint64()
		case stack.SubflowMapSfSeq:
			f.MapSfSeq = ad.Uint32()
		case stack.SubflowSSNOffset:
			f.SSNOffset = ad.Uint32()
		case stack.SubflowMapDataLen:
			f.MapDataLen = ad.Uint32()
		case stack.SubflowFlags:
			f.Flags = ad.Uint32()
		case stack.SubflowIDRem:
			f.IDRem = ad.Uint8()
		case stack.SubflowIDLoc:
			f.IDLoc = ad.Uint8()
		default:
			continue
		}
		f.Has |= 1 << t
	}
	if err := ad.Err(); err != nil {
		return fmt.Errorf("INET_ULP_INFO_MPTCP: %w", err)
	}
	return nil
}

// md5SigLen is sizeof(struct tcp_diag_md5sig): family, prefix length,
// key length (u16), a 16-byte address and an 80-byte key.
const md5SigLen = 100

// decodeMD5Keys decodes an array of struct tcp_diag_md5sig into keys,
// reusing its storage. A short trailing entry is dropped.
func decodeMD5Keys(b []byte, keys []stack.MD5Key) []stack.MD5Key {
	for ; len(b) >= md5SigLen; b = b[md5SigLen:] {
		k := stack.MD5Key{PrefixLen: b[1]}
		n := int(ne.Uint16(b[2:]))
		if n > 80 {
			n = 80
		}
		k.Key = append([]byte(nil), b[20:20+n]...)
		switch b[0] {
		case afInet:
			k.Addr = netip.AddrFrom4([4]byte(b[4:8]))
		case afInet6:
			k.Addr = netip.AddrFrom16([16]byte(b[4:20]))
		}
		keys = append(keys, k)
	}
	return keys
}

// decodeTLS decodes the nested TLS_INFO_* attributes.
func decodeTLS(b []byte, t *stack.TLSInfo) error {
	*t = stack.TLSInfo{}
	ad := newAttrDecoder(b)
	for ad.Next() {
		n := int(ad.Type())
		switch n {
		case stack.TLSVersion:
			t.Version = ad.Uint16()
		case stack.TLSCipher:
			t.Cipher = ad.Uint16()
		case stack.TLSTxConf:
			t.TxConf = ad.Uint16()
		case stack.TLSRxConf:
			t.RxConf = ad.Uint16()
		case stack.TLSZcRoTx, stack.TLSRxNoPad:
		default:
			continue
		}
		t.Has |= 1 << n
	}
	if err := ad.Err(); err != nil {
		return fmt.Errorf("INET_ULP_INFO_TLS: %w", err)
	}
	return nil
}
