package ss

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack"
)

// The fixtures below mirror, socket for socket, a network namespace the
// testdata/real captures were taken from with /usr/bin/ss (iproute2 6.1):
// a python3 process (pid 7147, a second thread 7189) holding TCP
// listeners and connections over IPv4, IPv6, a link-local address on veth
// "va" (ifindex 3) and a device-bound listener on lo, UDP sockets, unix
// stream, seqpacket and datagram sockets with path, abstract and no names,
// raw ICMP sockets (read from /proc/net/raw: the kernel has no raw_diag),
// packet sockets and netlink sockets. Every value was read off the
// captures (-e gave ino and sk, -i and -n the TCP info and exact rates).

const (
	pyPID = 7147
	pyTID = 7189
)

func addr(s string) netip.Addr { return netip.MustParseAddr(s) }

func users(fd int) []stack.ProcessFD {
	return []stack.ProcessFD{{Name: "python3", PID: pyPID, FD: fd}}
}

func skmem(r, rb, t, tb, f uint32) *stack.SkMemInfo {
	return &stack.SkMemInfo{RMemAlloc: r, RcvBuf: rb, WMemAlloc: t, SndBuf: tb, FwdAlloc: f, N: 9}
}

func tcpListener(fam uint8, a string, port uint16, ifindex uint32, ino uint32, sk uint64, fd int, v6only bool) *stack.Socket {
	peer := "0.0.0.0"
	if fam == afInet6 {
		peer = "::"
	}
	s := &stack.Socket{
		Table: stack.TableTCP, Family: fam, Protocol: 6, State: stack.StateListen,
		SendQ: 5,
		Local: stack.Endpoint{Addr: addr(a), Port: port, Ifindex: ifindex},
		Peer:  stack.Endpoint{Addr: addr(peer)},
		Inode: ino, Cookie: sk, CgroupID: 1,
		HasShutdown: true, HasTOS: true, HasClass: true,
		Users: users(fd),
		SkMem: skmem(0, 131072, 0, 16384, 0),
		TCP:   &stack.TCPInfo{Len: 232, State: 10, SndCwnd: 10, Reordering: 3},
		Cong:  "bbr",
	}
	if fam == afInet6 {
		s.HasV6Only, s.V6Only, s.HasTClass = true, v6only, true
	}
	return s
}

type estab struct {
	fam                  uint8
	laddr                string
	lport                uint16
	raddr                string
	rport                uint16
	ifindex              uint32
	rq                   uint32
	ino                  uint32
	sk                   uint64
	fd                   int
	r, f                 uint32
	ti                   stack.TCPInfo
	bbrBW                uint64
	bbrRTT, bbrPG, bbrCG uint32
}

func (e estab) socket() *stack.Socket {
	ti := e.ti
	ti.Len = 232
	ti.State = 1
	ti.Options = stack.TCPOptTimestamps | stack.TCPOptSACK | stack.TCPOptWscale
	ti.SndWscale, ti.RcvWscale = 10, 10
	ti.RTO = 204000
	ti.SndSsthresh = 2147483647
	ti.Reordering = 3
	ti.DeliveryRateAppLimited = true
	ti.LastDataSent, ti.LastDataRecv, ti.LastAckRecv = ti.LastAckSent, ti.LastAckSent, ti.LastAckSent
	ti.LastAckSent = 0
	ti.RcvSsthresh = ti.RcvSpace
	if e.ti.RcvSsthresh != 0 {
		ti.RcvSsthresh = e.ti.RcvSsthresh
	}
	ti.MinRTT = uint32(e.bbrRTT)
	s := &stack.Socket{
		Table: stack.TableTCP, Family: e.fam, Protocol: 6, State: stack.StateEstablished,
		RecvQ: e.rq,
		Local: stack.Endpoint{Addr: addr(e.laddr), Port: e.lport, Ifindex: e.ifindex},
		Peer:  stack.Endpoint{Addr: addr(e.raddr), Port: e.rport},
		Inode: e.ino, Cookie: e.sk, CgroupID: 1,
		HasShutdown: true, HasTOS: true, HasClass: true,
		Users: users(e.fd),
		SkMem: skmem(e.r, 131072, 0, 3939840, e.f),
		TCP:   &ti,
		Cong:  "bbr",
		BBR:   &stack.BBRInfo{BW: e.bbrBW, MinRTT: e.bbrRTT, PacingGain: e.bbrPG, CwndGain: e.bbrCG},
	}
	if e.fam == afInet6 {
		// The kernel reports v6only only for listening and closed sockets.
		s.HasTClass = true
	}
	return s
}

func tcpSockets() []*stack.Socket {
	v4, v6 := uint8(afInet), uint8(afInet6)
	return []*stack.Socket{
		tcpListener(v4, "127.0.0.1", 7000, 0, 9083, 0x1067, 7, false),
		tcpListener(v4, "0.0.0.0", 5000, 1, 9082, 0x1068, 6, false),
		tcpListener(v4, "0.0.0.0", 80, 0, 9079, 0x1069, 3, false),
		estab{fam: v4, laddr: "127.0.0.1", lport: 47884, raddr: "127.0.0.1", rport: 7000, ino: 9084, sk: 0x106a, fd: 8,
			ti: stack.TCPInfo{RTT: 44, RTTVar: 24, SndMSS: 35328, PMTU: 65535, RcvMSS: 536, AdvMSS: 65483, SndCwnd: 11,
				BytesSent: 1000, BytesAcked: 1001, SegsOut: 3, SegsIn: 2, DataSegsOut: 1, LastAckSent: 289276,
				PacingRate: 19493522725, DeliveryRate: 1859368421, Delivered: 2, RcvSpace: 65495, SndWnd: 70656},
			bbrBW: 1859367645, bbrRTT: 19, bbrPG: 739, bbrCG: 739}.socket(),
		estab{fam: v4, laddr: "127.0.0.1", lport: 7000, raddr: "127.0.0.1", rport: 47884, rq: 1000, ino: 9085, sk: 0x106b, fd: 9, r: 1832, f: 2264,
			ti: stack.TCPInfo{RTT: 39, RTTVar: 19, ATO: 40000, SndMSS: 32768, PMTU: 65535, RcvMSS: 1000, AdvMSS: 65483, SndCwnd: 10,
				BytesReceived: 1000, SegsOut: 1, SegsIn: 3, DataSegsIn: 1, LastAckSent: 289284,
				PacingRate: 24011813953, Delivered: 1, RcvSpace: 65483, RcvSsthresh: 70173, SndWnd: 65536},
			bbrRTT: 39}.socket(),
		tcpListener(v6, "::1", 7001, 0, 9086, 0x106c, 11, true),
		tcpListener(v6, "::", 8080, 0, 9080, 0x106d, 4, true),
		tcpListener(v6, "2001:db8:1234:5678:9abc:def0:1234:5678", 12345, 0, 9094, 0x106e, 17, true),
		tcpListener(v6, "::", 443, 0, 9081, 0x106f, 5, false),
		tcpListener(v6, "fe80::1", 9000, 3, 9089, 0x1070, 14, true),
		estab{fam: v6, laddr: "fe80::1", lport: 55512, raddr: "fe80::1", rport: 9000, ifindex: 3, ino: 9091, sk: 0x1071, fd: 15,
			ti: stack.TCPInfo{RTT: 16, RTTVar: 8, SndMSS: 32732, PMTU: 65536, RcvMSS: 536, AdvMSS: 65464, SndCwnd: 10,
				BytesAcked: 1, SegsOut: 2, SegsIn: 1, LastAckSent: 289296,
				PacingRate: 58464498339, Delivered: 1, RcvSpace: 65476, SndWnd: 65464},
			bbrRTT: 16, bbrPG: 256, bbrCG: 256}.socket(),
		estab{fam: v6, laddr: "::1", lport: 7001, raddr: "::1", rport: 42754, ino: 9088, sk: 0x1072, fd: 13,
			ti: stack.TCPInfo{RTT: 32, RTTVar: 17, SndMSS: 32768, PMTU: 65536, RcvMSS: 536, AdvMSS: 65464, SndCwnd: 11,
				BytesSent: 77, BytesAcked: 77, SegsOut: 1, SegsIn: 3, DataSegsOut: 1, LastAckSent: 289300,
				PacingRate: 26756021262, DeliveryRate: 2048000000, Delivered: 2, RcvSpace: 65464, SndWnd: 65536},
			bbrBW: 2048000000, bbrRTT: 16, bbrPG: 739, bbrCG: 739}.socket(),
		estab{fam: v6, laddr: "fe80::1", lport: 9000, raddr: "fe80::1", rport: 55512, ifindex: 3, ino: 9093, sk: 0x1073, fd: 16,
			ti: stack.TCPInfo{RTT: 15, RTTVar: 7, SndMSS: 32768, PMTU: 65536, RcvMSS: 536, AdvMSS: 65464, SndCwnd: 10,
				SegsIn: 2, LastAckSent: 289308,
				PacingRate: 62430716278, Delivered: 1, RcvSpace: 65464, SndWnd: 65536},
			bbrRTT: 15}.socket(),
		estab{fam: v6, laddr: "::1", lport: 42754, raddr: "::1", rport: 7001, rq: 77, ino: 9087, sk: 0x1074, fd: 12, r: 909, f: 3187,
			ti: stack.TCPInfo{RTT: 104, RTTVar: 52, ATO: 40000, SndMSS: 32768, PMTU: 65536, RcvMSS: 536, AdvMSS: 65464, SndCwnd: 10,
				BytesAcked: 1, BytesReceived: 77, SegsOut: 3, SegsIn: 2, DataSegsIn: 1, LastAckSent: 289316,
				PacingRate: 8994533488, Delivered: 1, RcvSpace: 65476, SndWnd: 65536},
			bbrRTT: 104, bbrPG: 256, bbrCG: 256}.socket(),
	}
}

func udpSockets() []*stack.Socket {
	mk := func(fam uint8, st stack.State, la string, lp uint16, ra string, rp uint16, rq, ino uint32, sk uint64, fd int, f uint32) *stack.Socket {
		s := &stack.Socket{
			Table: stack.TableUDP, Family: fam, Protocol: 17, State: st, RecvQ: rq,
			Local: stack.Endpoint{Addr: addr(la), Port: lp}, Peer: stack.Endpoint{Addr: addr(ra), Port: rp},
			Inode: ino, Cookie: sk, CgroupID: 1, HasShutdown: true, HasTOS: true, HasClass: true,
			Users: users(fd), SkMem: skmem(rq, 212992, 0, 212992, f),
		}
		if fam == afInet6 {
			s.HasV6Only, s.HasTClass = true, true
		}
		return s
	}
	return []*stack.Socket{
		mk(afInet, stack.StateClose, "0.0.0.0", 53, "0.0.0.0", 0, 832, 9095, 0x1064, 18, 3264),
		mk(afInet, stack.StateEstablished, "127.0.0.1", 5353, "127.0.0.1", 53, 0, 9096, 0x1065, 19, 0),
		mk(afInet6, stack.StateClose, "::", 123, "::", 0, 0, 9097, 0x1066, 20, 0),
	}
}

func rawSockets() []*stack.Socket {
	return []*stack.Socket{
		{Table: stack.TableRaw, Family: afInet, Protocol: 1, State: stack.StateClose, FromProc: true,
			Local: stack.Endpoint{Addr: addr("0.0.0.0"), Port: 1}, Peer: stack.Endpoint{Addr: addr("0.0.0.0")},
			Inode: 9107, Users: users(30)},
		{Table: stack.TableRaw, Family: afInet6, Protocol: 58, State: stack.StateClose, FromProc: true,
			Local: stack.Endpoint{Addr: addr("::"), Port: 58}, Peer: stack.Endpoint{Addr: addr("::")},
			Inode: 9108, Users: users(31)},
	}
}

func unixSockets() []*stack.Socket {
	vfsDev := uint32(254 << 20)
	mk := func(t stack.Table, st stack.State, path string, ino, peer, rq, wq uint32, fd int, vfs uint32, t768 uint32) *stack.Socket {
		s := &stack.Socket{
			Table: t, Family: 1, State: st, RecvQ: rq, SendQ: wq,
			Local: stack.Endpoint{Path: path, Inode: ino}, Peer: stack.Endpoint{Inode: peer},
			Inode: ino, HasShutdown: true, Users: users(fd),
			SkMem: skmem(0, 212992, t768, 212992, 0),
		}
		if vfs != 0 {
			s.UnixVFS = &stack.UnixVFS{Inode: vfs, Dev: vfsDev}
		}
		return s
	}
	return []*stack.Socket{
		mk(stack.TableUnixStream, stack.StateEstablished, "", 9104, 9103, 0, 0, 27, 0, 0),
		mk(stack.TableUnixStream, stack.StateEstablished, "", 9103, 9104, 0, 0, 26, 0, 0),
		mk(stack.TableUnixSeqpacket, stack.StateEstablished, "", 9106, 9105, 0, 0, 29, 0, 0),
		mk(stack.TableUnixStream, stack.StateEstablished, "/tmp/ssx/stream.sock", 9100, 9099, 10, 0, 23, 9978729, 0),
		mk(stack.TableUnixStream, stack.StateListen, "/tmp/ssx/stream.sock", 9098, 0, 0, 5, 21, 9978729, 0),
		mk(stack.TableUnixDgram, stack.StateClose, "/tmp/ssx/dgram.sock", 9102, 0, 0, 0, 25, 9978730, 0),
		mk(stack.TableUnixSeqpacket, stack.StateEstablished, "", 9105, 9106, 0, 0, 28, 0, 0),
		mk(stack.TableUnixStream, stack.StateEstablished, "", 9099, 9100, 0, 768, 22, 0, 768),
		mk(stack.TableUnixStream, stack.StateListen, "@abstractname", 9101, 0, 0, 1, 24, 0, 0),
	}
}

func packetSockets() []*stack.Socket {
	mk := func(t stack.Table, proto uint16, ifindex, ino uint32, sk uint64, fd int) *stack.Socket {
		return &stack.Socket{
			Table: t, Family: 17, State: stack.StateClose,
			Local: stack.Endpoint{Proto: proto, Ifindex: ifindex},
			Inode: ino, Cookie: sk, Users: users(fd),
			SkMem:  skmem(0, 212992, 0, 212992, 0),
			Packet: &stack.PacketInfo{Type: 3, Num: proto, HasInfo: true, Flags: 1},
		}
	}
	p := []*stack.Socket{
		mk(stack.TablePacketRaw, 3, 1, 9109, 0x1058, 32),
		mk(stack.TablePacketDgram, 0x0800, 0, 9110, 0x1059, 33),
		mk(stack.TablePacketRaw, 0x86dd, 0, 9111, 0x105a, 34),
	}
	p[1].Packet.Type = 2
	return p
}

// netlinkSocket returns the netlink socket of protocol proto and port id
// pid; ssPID marks the port of the capturing ss itself.
func netlinkSocket(proto uint16, pid int32, groups uint32) *stack.Socket {
	s := &stack.Socket{
		Table: stack.TableNetlink, Family: 16, State: stack.StateClose,
		Local: stack.Endpoint{Proto: proto, PortID: pid, Groups: groups},
		SkMem: skmem(0, 212992, 0, 212992, 0),
	}
	if proto == 4 && pid == 0 {
		s.RecvQ, s.SkMem.RMemAlloc = 832, 832
	}
	if proto == 4 && pid > 0 {
		s.RecvQ = 4352
		s.SkMem = skmem(4352, 2097152, 0, 65536, 0)
	}
	return s
}

// fakeNames knows the namespace's interfaces and processes.
type fakeNames struct{ ssPID int32 }

func (f fakeNames) InterfaceName(i uint32) string {
	switch i {
	case 1:
		return "lo"
	case 2:
		return "vb"
	case 3:
		return "va"
	}
	return ""
}

func (fakeNames) HostName(netip.Addr) string { return "" }

func (f fakeNames) ProcessName(pid int32) string {
	switch pid {
	case pyPID:
		return "python3"
	case f.ssPID:
		return "ss"
	}
	return ""
}

func (fakeNames) CgroupPath(uint64) string { return "" }
