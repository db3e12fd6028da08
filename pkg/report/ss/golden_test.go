package ss

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// handNames resolves a few names for the hand-made fixtures.
type handNames struct{ fakeNames }

func (handNames) HostName(a netip.Addr) string {
	switch a.String() {
	case "10.0.0.1":
		return "gateway.example"
	case "2001:db8::5":
		return "2001:db8::5" // a name that is itself an address keeps brackets
	}
	return ""
}

func (handNames) CgroupPath(id uint64) string {
	if id == 0x1234 {
		return "/system.slice/demo.service"
	}
	return ""
}

// handSockets are made-up sockets for what the namespace captures do not
// show: timers, marks, uids, cgroups, TOS, shutdown states, IPv4-mapped
// peers, unknown interfaces, every tcp_info field, DCTCP, Vegas, MPTCP,
// packet rings, fanout and filters, connected netlink sockets, long unix
// names. The layout rules they go through are the ones the real captures
// confirm; the field formats follow ss.c (6.1) and are pinned here.
func handSockets() []*stack.Socket {
	full := &stack.TCPInfo{
		Len: 232, State: 1, CAState: 1, Retransmits: 1, Probes: 0, Backoff: 2,
		Options:   stack.TCPOptTimestamps | stack.TCPOptSACK | stack.TCPOptWscale | stack.TCPOptECN | stack.TCPOptECNSeen | stack.TCPOptSynData,
		SndWscale: 7, RcvWscale: 9, DeliveryRateAppLimited: true,
		RTO: 1234567, ATO: 40000, SndMSS: 1448, RcvMSS: 1448,
		Unacked: 12, Sacked: 3, Lost: 2, Retrans: 1, Fackets: 4,
		LastDataSent: 10, LastAckSent: 11, LastDataRecv: 12, LastAckRecv: 13,
		PMTU: 1500, RcvSsthresh: 64240, RTT: 23456, RTTVar: 789, SndSsthresh: 42, SndCwnd: 17,
		AdvMSS: 1460, Reordering: 5, RcvRTT: 30125, RcvSpace: 14600, TotalRetrans: 9,
		PacingRate: 1250000, MaxPacingRate: 125000000000, BytesAcked: 1 << 40, BytesReceived: 987654321,
		SegsOut: 1000, SegsIn: 900, NotsentBytes: 4096, MinRTT: 20001, DataSegsIn: 800, DataSegsOut: 950,
		DeliveryRate: 999, BusyTime: 3000000, RwndLimited: 1000000, SndbufLimited: 333333,
		Delivered: 940, DeliveredCE: 7, BytesSent: 1 << 41, BytesRetrans: 14480, DSACKDups: 1, ReordSeen: 2,
		RcvOOOPack: 6, SndWnd: 65535,
	}
	listenInfo := &stack.TCPInfo{Len: 232, State: 10, Sacked: 128, Unacked: 3, Reordering: 3, RTO: 3000000, MinRTT: 0xffffffff, PacingRate: ^uint64(0)}
	return []*stack.Socket{
		{Table: stack.TableTCP, Family: afInet, State: stack.StateEstablished, RecvQ: 4294967295, SendQ: 123456,
			Local: stack.Endpoint{Addr: addr("192.168.100.200"), Port: 22}, Peer: stack.Endpoint{Addr: addr("10.0.0.1"), Port: 51000},
			Inode: 77, UID: 1000, Cookie: 0xffffffffffffffff, Mark: 0x2a, HasMark: true, CgroupID: 0x1234,
			Timer: stack.Timer{Kind: 1, Expires: 200, Retrans: 2}, HasShutdown: true, Shutdown: 1,
			HasTOS: true, TOS: 0x10, HasClass: true, ClassID: 0x10001, HasSockOpt: true, SockOpt: 1<<1 | 1<<4 | 1<<8,
			Users: []stack.ProcessFD{{Name: "sshd", PID: 1, FD: 3, TID: 1}, {Name: "sshd: a (b)", PID: 2, FD: 4, TID: 5}},
			Mem:   &stack.MemInfo{RMem: 1, WMem: 2, FMem: 3, TMem: 4},
			TCP:   full, Cong: "dctcp-with-a-long-name", DCTCP: &stack.DCTCPInfo{Enabled: 1, CEState: 1, Alpha: 1024, ABEcn: 5, ABTot: 10},
			ULP: "tls"},
		{Table: stack.TableTCP, Family: afInet6, State: stack.StateEstablished,
			Local: stack.Endpoint{Addr: addr("::ffff:192.0.2.1"), Port: 443}, Peer: stack.Endpoint{Addr: addr("2001:db8::5"), Port: 40000},
			Inode: 78, Cookie: 0x10, Timer: stack.Timer{Kind: 2, Expires: 7140000}, HasShutdown: true, Shutdown: 2,
			HasTOS: true, HasTClass: true, TClass: 0xb8, SkMem: &stack.SkMemInfo{RMemAlloc: 1, RcvBuf: 2, WMemAlloc: 3, SndBuf: 4, FwdAlloc: 5, WMemQueued: 6, OptMem: 7, N: 7},
			TCP: &stack.TCPInfo{Len: 104, RTT: 1000, RTTVar: 500, SndMSS: 1000, SndCwnd: 10, Reordering: 3}, Cong: "vegas",
			Vegas: &stack.VegasInfo{Enabled: 1, RTT: 2000, MinRTT: 1500, RTTCount: 3}},
		{Table: stack.TableTCP, Family: afInet6, State: stack.StateListen, SendQ: 128,
			Local: stack.Endpoint{Addr: addr("fe80::abcd"), Port: 8443, Ifindex: 42}, Peer: stack.Endpoint{Addr: addr("::")},
			Inode: 79, HasV6Only: true, V6Only: true, HasShutdown: true, Shutdown: 3,
			TCP: listenInfo, Cong: "cubic", BBR: &stack.BBRInfo{BW: 125000, MinRTT: 1500}},
		{Table: stack.TableTCP, Family: afInet, State: stack.StateTimeWait,
			Local: stack.Endpoint{Addr: addr("127.0.0.1"), Port: 33000}, Peer: stack.Endpoint{Addr: addr("127.0.0.1"), Port: 80},
			Timer: stack.Timer{Kind: 3, Expires: 59500}},
		{Table: stack.TableTCP, Family: afInet, State: stack.StateFinWait1,
			Local: stack.Endpoint{Addr: addr("127.0.0.1"), Port: 33001}, Peer: stack.Endpoint{Addr: addr("127.0.0.2"), Port: 80},
			Inode: 80, Timer: stack.Timer{Kind: 4, Expires: 1500, Retrans: 3}},
		{Table: stack.TableTCP, Family: afInet, State: stack.State(13),
			Local: stack.Endpoint{Addr: addr("127.0.0.1"), Port: 33002}, Peer: stack.Endpoint{Addr: addr("127.0.0.3"), Port: 80},
			Inode: 81, Timer: stack.Timer{Kind: 9, Expires: 660000}},
		{Table: stack.TableMPTCP, Family: afInet, State: stack.StateEstablished,
			Local: stack.Endpoint{Addr: addr("10.1.1.1"), Port: 5201}, Peer: stack.Endpoint{Addr: addr("10.1.1.2"), Port: 50000},
			Inode: 82, MPTCP: &stack.MPTCPInfo{Subflows: 2, AddAddrSignal: 1, AddAddrAccepted: 1, SubflowsMax: 8, AddAddrSignalMax: 2, AddAddrAcceptedMax: 3,
				Flags: 3, Token: 0xdeadbeef, WriteSeq: 0x1122334455, SndUna: 0x11, RcvNxt: 0x22}},
		{Table: stack.TableUDP, Family: afInet6, State: stack.StateClose, Local: stack.Endpoint{Addr: addr("::"), Port: 5353},
			Peer: stack.Endpoint{Addr: addr("::")}, Inode: 83, HasV6Only: true, V6Only: true, HasShutdown: true},
		{Table: stack.TableRaw, Family: afInet, State: stack.StateClose, FromProc: true, Local: stack.Endpoint{Addr: addr("0.0.0.0"), Port: 255},
			Peer: stack.Endpoint{Addr: addr("0.0.0.0")}, Inode: 84, Timer: stack.Timer{Kind: 1, Expires: 5}},
		{Table: stack.TableUnixStream, Family: 1, State: stack.StateListen, SendQ: 4096,
			Local: stack.Endpoint{Path: "/run/a/very/long/socket/path/that/stretches/the/local/address/column/far/beyond/its/usual/width.sock", Inode: 1000},
			Inode: 1000, HasShutdown: true, UnixPending: []uint32{1001, 1002}, UnixVFS: &stack.UnixVFS{Inode: 5, Dev: 8<<20 | 1},
			SkMem: &stack.SkMemInfo{N: 9, Drops: 9}},
		{Table: stack.TableUnixDgram, Family: 1, State: stack.StateEstablished,
			Local: stack.Endpoint{Path: "\x00abs\x00name", Inode: 1003}, Peer: stack.Endpoint{Inode: 1004}, Inode: 1003,
			HasShutdown: true, Shutdown: 3},
		{Table: stack.TablePacketRaw, Family: 17, State: stack.StateClose, RecvQ: 5,
			Local: stack.Endpoint{Proto: 0x1234, Ifindex: 2}, Inode: 2000, UID: 65534, Cookie: 0xabc,
			Packet: &stack.PacketInfo{HasInfo: true, Version: 2, Copythresh: 64, Flags: 2 | 8,
				RxRing:    &stack.PacketRing{BlockSize: 4096, BlockNr: 64, FrameSize: 2048, FrameNr: 128, RetireTmo: 60, Features: 1},
				TxRing:    &stack.PacketRing{BlockSize: 4096, BlockNr: 1, FrameSize: 4096, FrameNr: 1},
				HasFanout: true, Fanout: 1<<16 | 7, HasFilter: true,
				Filter: []stack.BPFInstruction{{Code: 0x28, K: 12}, {Code: 0x15, JT: 0, JF: 1, K: 0x800}, {Code: 0x6, K: 0xffff}}},
			SkMem: &stack.SkMemInfo{N: 8}},
		{Table: stack.TablePacketDgram, Family: 17, State: stack.StateClose,
			Local: stack.Endpoint{Proto: 0x88cc}, Inode: 2001,
			Packet: &stack.PacketInfo{HasInfo: true, HasFanout: true, Fanout: 9 << 16}},
		{Table: stack.TableNetlink, Family: 16, State: stack.StateEstablished,
			Local: stack.Endpoint{Proto: 30, PortID: -1}, Netlink: &stack.NetlinkInfo{Connected: true}},
		{Table: stack.TableNetlink, Family: 16, State: stack.StateClose,
			Local: stack.Endpoint{Proto: 16, PortID: 4242, Groups: 0xdeadbeef}, Netlink: &stack.NetlinkInfo{Connected: true, DstGroup: 5, DstPortID: 77}},
	}
}

var goldenCases = []struct {
	name string
	o    Options
}{
	{"hand_plain", Options{}},
	{"hand_numeric", Options{Numeric: true}},
	{"hand_all", Options{Timers: true, Extended: true, Memory: true, Info: true, Processes: true, TOS: true, Cgroup: true, InetSockopt: true, BPF: true}},
	{"hand_all_numeric_oneline", Options{Numeric: true, Extended: true, Memory: true, Info: true, Threads: true, TOS: true, InetSockopt: true, BPF: true, OneLine: true}},
	{"hand_resolve", Options{Resolve: true, Info: true}},
	{"hand_noheader_tty80", Options{NoHeader: true, Terminal: true, Width: 80}},
	{"hand_tty30", Options{Terminal: true, Width: 30, Extended: true}},
	{"hand_events", Options{Events: true, Extended: true}},
	{"hand_json", Options{JSON: true, Timers: true, Extended: true, Memory: true, Info: true, Threads: true, TOS: true, Cgroup: true, InetSockopt: true, BPF: true, Resolve: true}},
	{"ns_json", Options{JSON: true, Timers: true, Extended: true, Memory: true, Info: true, Processes: true}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.o
			o.Tables, o.States = allTable, ssAll
			o.Names = handNames{fakeNames{ssPID: 12414}}
			o.DB = testDB()
			o.EphemeralPorts = [2]uint16{32768, 60999}
			socks := handSockets()
			if tc.name == "ns_json" {
				socks = append(append(append(append(append([]*stack.Socket{netlinkSocket(4, 12414, 0)}, packetSockets()...), unixSockets()...), rawSockets()...), udpSockets()...), tcpSockets()...)
			}
			var buf bytes.Buffer
			w := NewWriter(&buf, o)
			for _, s := range socks {
				if err := w.Socket(s); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", tc.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s\n%s", path, lineDiff(string(want), buf.String()))
			}
		})
	}
}

// TestLongField checks ss's 65535-byte cut of a field: a socket held by
// thousands of processes.
func TestLongField(t *testing.T) {
	s := tcpSockets()[0]
	s.Users = nil
	for i := 0; i < 5000; i++ {
		s.Users = append(s.Users, stack.ProcessFD{Name: "worker", PID: 100000 + i, FD: 3})
	}
	var buf bytes.Buffer
	w := NewWriter(&buf, Options{Processes: true, NoHeader: true, Tables: 1 << stack.TableTCP, States: ssAll, DB: testDB()})
	w.Socket(s)
	w.Flush()
	line := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	i := bytes.Index(line, []byte(" users:("))
	if i < 0 || len(line)-i != tokenMax {
		t.Fatalf("Process field is %d bytes, want %d", len(line)-i, tokenMax)
	}
}

// TestBoundedMemory renders more sockets than one batch holds and checks
// that the buffer stays within ss's five chunks.
func TestBoundedMemory(t *testing.T) {
	socks := benchSockets(150000)
	var out bytes.Buffer
	w := NewWriter(&out, Options{Numeric: true, Tables: 1 << stack.TableTCP, States: ssAll})
	peak := 0
	for i := range socks {
		w.Socket(&socks[i])
		if len(w.t.arena) > peak {
			peak = len(w.t.arena)
		}
	}
	w.Flush()
	if peak > bufChunksMax*chunkData+tokenMax {
		t.Errorf("buffered %d bytes, more than ss's %d", peak, bufChunksMax*chunkData)
	}
	if n := bytes.Count(out.Bytes(), []byte("\n")); n != len(socks)+1 {
		t.Errorf("printed %d lines, want %d", n, len(socks)+1)
	}
}
