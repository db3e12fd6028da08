package kernel

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/stack"
)

func encodeAttrs(t *testing.T, fn func(ae *netlink.AttributeEncoder)) []byte {
	t.Helper()
	ae := netlink.NewAttributeEncoder()
	fn(ae)
	b, err := ae.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func u32s(v ...uint32) []byte {
	var b []byte
	for _, x := range v {
		b = ne.AppendUint32(b, x)
	}
	return b
}

// TestDecodeInetAttributes decodes a message carrying every attribute the
// decoder knows, several of which this kernel cannot produce (vegas,
// dctcp, tls, md5).
func TestDecodeInetAttributes(t *testing.T) {
	msg := []byte{afInet6, uint8(stack.StateEstablished), 1, 2}
	msg = append(msg, 0x1f, 0x90, 0xc3, 0x50) // ports 8080 -> 50000
	src := netip.MustParseAddr("2001:db8::1").As16()
	dst := netip.MustParseAddr("::ffff:192.0.2.7").As16()
	msg = append(msg, src[:]...)
	msg = append(msg, dst[:]...)
	msg = append(msg, u32s(3, 0x89abcdef, 0x01234567, 1500, 11, 22, 1000, 4242)...)
	if len(msg) != inetDiagMsgLen {
		t.Fatalf("built %d bytes", len(msg))
	}
	msg = append(msg, encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Bytes(inetDiagMeminfo, u32s(1, 2, 3, 4))
		ae.Bytes(inetDiagVegasinfo, u32s(1, 5, 6, 7))
		ae.String(inetDiagCong, "vegas")
		ae.Uint8(inetDiagTOS, 0x10)
		ae.Uint8(inetDiagTClass, 0x20)
		ae.Bytes(inetDiagSkmeminfo, u32s(1, 2, 3, 4, 5, 6, 7)) // an old kernel's 7 values
		ae.Uint8(inetDiagShutdown, 2)
		ae.Bytes(inetDiagDCTCPInfo, append([]byte{1, 0, 3, 0}, u32s(4, 5, 6)...))
		ae.Uint8(inetDiagProtocol, ipprotoTCP)
		ae.Uint8(inetDiagSkV6Only, 1)
		ae.Uint32(inetDiagMark, 0x77)
		ae.Bytes(inetDiagBBRInfo, u32s(2, 1, 30, 256, 512))
		ae.Uint32(inetDiagClassID, 0x10001)
		md5 := make([]byte, 100)
		md5[0], md5[1], md5[2] = afInet, 24, 3 // 10.1.2.0/24, key "abc"
		copy(md5[4:], []byte{10, 1, 2, 0})
		copy(md5[20:], "abc")
		ae.Bytes(inetDiagMD5Sig, md5)
		ae.Nested(inetDiagULPInfo, func(nae *netlink.AttributeEncoder) error {
			nae.String(inetULPInfoName, "tls")
			nae.Nested(inetULPInfoTLS, func(tae *netlink.AttributeEncoder) error {
				tae.Uint16(1, 0x0303) // TLS_INFO_VERSION
				return nil
			})
			return nil
		})
		ae.Uint64(inetDiagCgroupID, 9876)
		ae.Bytes(inetDiagSockopt, []byte{0x05, 0x02})
		ae.Bytes(99, []byte{1, 2, 3}) // unknown: skipped
	})...)

	var d decoder
	s, err := d.decodeInet(stack.TableTCP, msg)
	if err != nil {
		t.Fatal(err)
	}
	want := stack.Socket{
		Table: stack.TableTCP, Family: afInet6, Protocol: ipprotoTCP, State: stack.StateEstablished,
		RecvQ: 11, SendQ: 22,
		Local:  stack.Endpoint{Addr: netip.AddrFrom16(src), Port: 8080, Ifindex: 3},
		Peer:   stack.Endpoint{Addr: netip.AddrFrom16(dst), Port: 50000},
		Inode:  4242,
		UID:    1000,
		Cookie: 0x0123456789abcdef,
		Timer:  stack.Timer{Kind: 1, Retrans: 2, Expires: 1500},
		Mark:   0x77, HasMark: true, CgroupID: 9876, ClassID: 0x10001, HasClass: true,
		TOS: 0x10, HasTOS: true, TClass: 0x20, HasTClass: true,
		Shutdown: 2, HasShutdown: true, V6Only: true, HasV6Only: true,
		Mem:     &stack.MemInfo{RMem: 1, WMem: 2, FMem: 3, TMem: 4},
		SkMem:   &stack.SkMemInfo{RMemAlloc: 1, RcvBuf: 2, WMemAlloc: 3, SndBuf: 4, FwdAlloc: 5, WMemQueued: 6, OptMem: 7, N: 7},
		Cong:    "vegas",
		Vegas:   &stack.VegasInfo{Enabled: 1, RTTCount: 5, RTT: 6, MinRTT: 7},
		DCTCP:   &stack.DCTCPInfo{Enabled: 1, CEState: 3, Alpha: 4, ABEcn: 5, ABTot: 6},
		BBR:     &stack.BBRInfo{BW: 1<<32 | 2, MinRTT: 30, PacingGain: 256, CwndGain: 512},
		ULP:     "tls",
		TLS:     &stack.TLSInfo{Has: 1 << stack.TLSVersion, Version: 0x0303},
		MD5Sig:  true,
		MD5Keys: []stack.MD5Key{{Addr: netip.MustParseAddr("10.1.2.0"), PrefixLen: 24, Key: []byte("abc")}},
		SockOpt: 0x0205, HasSockOpt: true,
	}
	if diff := cmp.Diff(want, *s, addrCmp); diff != "" {
		t.Errorf("decoded socket (-want +got):\n%s", diff)
	}

	// INET_DIAG_INFO is a tcp_info for tcp, an mptcp_info for mptcp,
	// and nothing for udp.
	info := append(append([]byte(nil), msg[:inetDiagMsgLen]...), encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Bytes(inetDiagInfo, append([]byte{1, 2, 3, 4, 5, 6, 0x74, 0x05}, make([]byte, 40)...))
	})...)
	s, _ = d.decodeInet(stack.TableTCP, info)
	if s.TCP == nil || s.TCP.Len != 48 || s.TCP.SndWscale != 4 || s.TCP.RcvWscale != 7 || !s.TCP.DeliveryRateAppLimited || s.TCP.FastopenClientFail != 2 || s.MPTCP != nil {
		t.Errorf("tcp: %+v %+v", s.TCP, s.MPTCP)
	}
	s, _ = d.decodeInet(stack.TableMPTCP, info)
	if s.MPTCP == nil || s.MPTCP.Subflows != 1 || s.TCP != nil {
		t.Errorf("mptcp: %+v %+v", s.TCP, s.MPTCP)
	}
	s, _ = d.decodeInet(stack.TableUDP, info)
	if s.MPTCP != nil || s.TCP != nil || s.Protocol != ipprotoUDP {
		t.Errorf("udp: %+v %+v protocol %d", s.TCP, s.MPTCP, s.Protocol)
	}
	// An event's table comes from its protocol.
	s, _ = d.decodeInet(stack.TableNone, msg)
	if s.Table != stack.TableTCP {
		t.Errorf("event table %s", s.Table)
	}

	// The Socket is reused: nothing of the last message stays.
	s, _ = d.decodeInet(stack.TableRaw, msg[:inetDiagMsgLen])
	if s.Mem != nil || s.Cong != "" || s.HasMark || s.Protocol != ipprotoRaw {
		t.Errorf("reused socket kept old parts: %+v", s)
	}
	if _, err := d.decodeInet(stack.TableTCP, msg[:inetDiagMsgLen-1]); err == nil {
		t.Error("a short message decoded")
	}
	if _, err := d.decodeInet(stack.TableTCP, append(msg[:inetDiagMsgLen:inetDiagMsgLen], 9, 0, 1, 0)); err == nil {
		t.Error("a message with a bad attribute decoded")
	}
}

func TestDecodeUnix(t *testing.T) {
	msg := []byte{afUnix, sockSeqpacket, uint8(stack.StateListen), 0}
	msg = append(msg, u32s(555, 7, 0)...)
	msg = append(msg, encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Bytes(unixDiagName, []byte("\x00abc\x00d"))
		ae.Bytes(unixDiagVFS, u32s(99, 0x800003))
		ae.Uint32(unixDiagPeer, 0)
		ae.Bytes(unixDiagIcons, u32s(601, 602))
		ae.Bytes(unixDiagRQLen, u32s(2, 128))
		ae.Bytes(unixDiagMeminfo, u32s(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
		ae.Uint8(unixDiagShutdown, 1)
		ae.Uint32(unixDiagUID, 1000)
	})...)
	var d decoder
	s, err := d.decodeUnix(allTables(), msg)
	if err != nil {
		t.Fatal(err)
	}
	want := stack.Socket{
		Table: stack.TableUnixSeqpacket, Family: afUnix, State: stack.StateListen,
		RecvQ: 2, SendQ: 128, Inode: 555, UID: 1000, Cookie: 7,
		Local:       stack.Endpoint{Path: "@abc@d", Inode: 555},
		Shutdown:    1,
		HasShutdown: true,
		SkMem:       &stack.SkMemInfo{RMemAlloc: 1, RcvBuf: 2, WMemAlloc: 3, SndBuf: 4, FwdAlloc: 5, WMemQueued: 6, OptMem: 7, Backlog: 8, Drops: 9, N: 9},
		UnixPending: []uint32{601, 602},
		UnixRQlen:   &[2]uint32{2, 128},
		UnixVFS:     &stack.UnixVFS{Inode: 99, Dev: 0x800003},
	}
	if diff := cmp.Diff(want, *s, addrCmp); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if s, err := d.decodeUnix(stack.TableSet(0).With(stack.TableUnixStream), msg); s != nil || err != nil {
		t.Errorf("a seqpacket socket when only stream ones are wanted: %v %v", s, err)
	}
	// A path ends at its NUL; an unknown type counts as datagram.
	msg = append([]byte{afUnix, 9, 7, 0}, u32s(1, 0, 0)...)
	msg = append(msg, encodeAttrs(t, func(ae *netlink.AttributeEncoder) { ae.Bytes(unixDiagName, []byte("/run/x\x00")) })...)
	if s, _ := d.decodeUnix(allTables(), msg); s.Local.Path != "/run/x" || s.Table != stack.TableUnixDgram || s.UnixPending != nil {
		t.Errorf("got %q in %s, pending %v", s.Local.Path, s.Table, s.UnixPending)
	}
}

func TestDecodePacket(t *testing.T) {
	msg := []byte{afPacket, sockRaw}
	msg = ne.AppendUint16(msg, 3) // ETH_P_ALL, in host order
	msg = append(msg, u32s(77, 1, 0)...)
	msg = append(msg, encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Bytes(packetDiagInfo, u32s(2, 3, 4, 5, 6, 0x11))
		ae.Bytes(packetDiagRxRing, u32s(4096, 2, 2048, 4, 0, 0, 1))
		ae.Bytes(packetDiagTxRing, u32s(8192, 1, 2048, 4, 0, 0, 0))
		ae.Uint32(packetDiagFanout, 5|2<<16)
		ae.Uint32(packetDiagUID, 0)
		ae.Bytes(packetDiagMeminfo, u32s(300, 212992, 0, 212992, 0, 0, 0, 0, 0))
		ae.Bytes(packetDiagFilter, []byte{0x28, 0, 1, 2, 12, 0, 0, 0, 0x06, 0, 0, 0, 0xff, 0xff, 0, 0})
	})...)
	var d decoder
	s, err := d.decodePacket(allTables(), msg)
	if err != nil {
		t.Fatal(err)
	}
	want := stack.Socket{
		Table: stack.TablePacketRaw, Family: afPacket, State: stack.StateClose,
		RecvQ: 300, Inode: 77, Cookie: 1,
		Local: stack.Endpoint{Proto: 3, Ifindex: 2},
		SkMem: &stack.SkMemInfo{RMemAlloc: 300, RcvBuf: 212992, SndBuf: 212992, N: 9},
		Packet: &stack.PacketInfo{
			Type: sockRaw, Num: 3, HasInfo: true, Version: 3, Reserve: 4, Copythresh: 5, Tstamp: 6, Flags: 0x11,
			Fanout: 5 | 2<<16, HasFanout: true, HasFilter: true, FilterLen: 2,
			RxRing: &stack.PacketRing{BlockSize: 4096, BlockNr: 2, FrameSize: 2048, FrameNr: 4, Features: 1},
			TxRing: &stack.PacketRing{BlockSize: 8192, BlockNr: 1, FrameSize: 2048, FrameNr: 4},
			Filter: []stack.BPFInstruction{{Code: 0x28, JT: 1, JF: 2, K: 12}, {Code: 6, K: 0xffff}},
		},
	}
	if diff := cmp.Diff(want, *s, addrCmp); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// The next socket has no filter of its own.
	plain := append([]byte{afPacket, sockDgram, 0, 8}, u32s(78, 0, 0)...)
	if s, _ := d.decodePacket(allTables(), plain); s.Packet.Filter != nil || s.Packet.HasFilter || s.Table != stack.TablePacketDgram {
		t.Errorf("got %+v", s.Packet)
	}
	// ss shows both packet types when either table is asked for.
	if s, err := d.decodePacket(stack.TableSet(0).With(stack.TablePacketRaw), plain); s == nil || err != nil || s.Table != stack.TablePacketDgram {
		t.Errorf("no dgram socket when raw ones are wanted: %v %v", s, err)
	}
	if s, err := d.decodePacket(stack.TableSet(0).With(stack.TableTCP), plain); s != nil || err != nil {
		t.Errorf("a packet socket when no packet table is wanted: %v %v", s, err)
	}
}

func TestDecodeNetlink(t *testing.T) {
	msg := []byte{afNetlink, sockRaw, 0 /* NETLINK_ROUTE */, netlinkConnected}
	msg = append(msg, u32s(0xfffffff0, 0, 5, 321, 4, 0)...)
	msg = append(msg, encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Bytes(netlinkDiagMeminfo, u32s(10, 20, 30, 40, 0, 0, 0, 0, 0))
		ae.Bytes(netlinkDiagGroups, append(u32s(0x41), make([]byte, 4)...))
		ae.Uint32(netlinkDiagFlags, 0x3)
	})...)
	var d decoder
	s, err := d.decodeNetlink(msg)
	if err != nil {
		t.Fatal(err)
	}
	want := stack.Socket{
		Table: stack.TableNetlink, Family: afNetlink, State: stack.StateClose,
		RecvQ: 10, SendQ: 30, Inode: 321, Cookie: 4,
		Local:   stack.Endpoint{Proto: 0, PortID: -16, Groups: 0x41},
		Peer:    stack.Endpoint{PortID: 0, Groups: 5},
		SkMem:   &stack.SkMemInfo{RMemAlloc: 10, RcvBuf: 20, WMemAlloc: 30, SndBuf: 40, N: 9},
		Netlink: &stack.NetlinkInfo{DstPortID: 0, DstGroup: 5, Flags: 3, HasFlags: true, Connected: true},
	}
	if diff := cmp.Diff(want, *s, addrCmp); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// addrCmp lets cmp compare netip.Addr values.
var addrCmp = cmp.Comparer(func(a, b netip.Addr) bool { return a == b })
