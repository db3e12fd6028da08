package ss

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"net/netip"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

// socketFromBytes builds an arbitrary socket: the renderer is handed
// whatever a stack decoded from the kernel, so no value may panic it.
func socketFromBytes(data []byte) (*stack.Socket, Options) {
	var buf [256]byte
	copy(buf[:], data)
	u32 := func(i int) uint32 { return binary.LittleEndian.Uint32(buf[i:]) }
	u64 := func(i int) uint64 { return binary.LittleEndian.Uint64(buf[i:]) }
	var a16 [16]byte
	copy(a16[:], buf[40:56])
	s := &stack.Socket{
		Table: stack.Table(buf[0] % 12), Family: []uint8{afInet, afInet6, 1, 16, 17}[buf[1]%5],
		State: stack.State(buf[2] % 16), RecvQ: u32(4), SendQ: u32(8),
		Local: stack.Endpoint{Addr: netip.AddrFrom16(a16), Port: uint16(u32(12)), Ifindex: u32(16) % 5,
			Path: string(data[min(len(data), 200):]), Inode: u32(20), Proto: uint16(u32(24)), PortID: int32(u32(28)), Groups: u32(32)},
		Peer:  stack.Endpoint{Addr: netip.AddrFrom4([4]byte{buf[36], buf[37], buf[38], buf[39]}), Port: uint16(u32(36)), Inode: u32(60)},
		Inode: u32(64), UID: u32(68), Cookie: u64(72), Mark: u32(80), CgroupID: u64(84),
		Timer: stack.Timer{Kind: buf[92], Expires: u32(93), Retrans: buf[97]},
		TOS:   buf[98], HasTOS: buf[99]&1 != 0, HasTClass: buf[99]&2 != 0, HasClass: buf[99]&4 != 0,
		HasShutdown: buf[99]&8 != 0, Shutdown: buf[100], HasV6Only: buf[99]&16 != 0, V6Only: buf[99]&32 != 0,
		FromProc: buf[99]&64 != 0, HasSockOpt: buf[99]&128 != 0, SockOpt: uint16(u32(101)),
		Cong:  string(buf[105:125]),
		Users: []stack.ProcessFD{{Name: string(buf[125:135]), PID: int(int32(u32(135))), FD: int(u32(139)), TID: int(u32(143))}},
	}
	if buf[147]&1 != 0 {
		s.TCP = &stack.TCPInfo{Len: int(buf[148]), RTT: u32(150), RTO: u32(154), SndMSS: u32(158), SndCwnd: u32(162),
			PacingRate: u64(166), MaxPacingRate: u64(174), BusyTime: u64(182), RwndLimited: u64(190), MinRTT: u32(198),
			Options: buf[202], Reordering: u32(203), DeliveryRate: u64(207)}
	}
	if buf[147]&2 != 0 {
		s.BBR = &stack.BBRInfo{BW: u64(215), MinRTT: u32(223), PacingGain: u32(227)}
	}
	if buf[147]&4 != 0 {
		s.SkMem = &stack.SkMemInfo{RMemAlloc: u32(231), N: int(buf[235]) - 128}
	}
	if buf[147]&8 != 0 {
		s.Packet = &stack.PacketInfo{HasInfo: true, Flags: u32(236), HasFanout: true, Fanout: u32(240), HasFilter: true,
			Filter: []stack.BPFInstruction{{Code: uint16(u32(244)), K: u32(248)}}, RxRing: &stack.PacketRing{BlockSize: u32(250)}}
	}
	if buf[147]&16 != 0 {
		s.Netlink = &stack.NetlinkInfo{Connected: true, DstGroup: u32(240), DstPortID: int32(u32(244))}
	}
	if buf[147]&32 != 0 {
		s.UnixVFS = &stack.UnixVFS{Inode: u32(240), Dev: u32(244)}
		s.UnixPending = []uint32{u32(248)}
		s.MPTCP = &stack.MPTCPInfo{Subflows: buf[250], Token: u32(251)}
		s.DCTCP = &stack.DCTCPInfo{Enabled: uint16(buf[252] & 1)}
		s.Vegas = &stack.VegasInfo{Enabled: 1, RTT: u32(252)}
	}
	f := buf[149]
	o := Options{
		Tables: stack.TableSet(u32(236)), States: stack.StateSet(u32(240)),
		Numeric: f&1 != 0, Timers: f&2 != 0, Extended: f&4 != 0, Memory: f&8 != 0, Info: f&16 != 0,
		Processes: f&32 != 0, Threads: f&64 != 0, OneLine: f&128 != 0, BPF: buf[99]&1 != 0, TOS: buf[99]&2 != 0,
		Cgroup: true, InetSockopt: true, Resolve: buf[100]&4 != 0,
		Terminal: buf[100]&8 != 0, Width: int(buf[101]),
		Names: fakeNames{ssPID: 4}, DB: testDB(), EphemeralPorts: [2]uint16{32768, 60999},
	}
	return s, o
}

func FuzzRender(f *testing.F) {
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0xff}, 300))
	f.Add(bytes.Repeat([]byte{0x01, 0x80, 0x7f}, 100))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, o := socketFromBytes(data)
		var buf bytes.Buffer
		w := NewWriter(&buf, o)
		for i := 0; i < 3; i++ {
			if err := w.Socket(s); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		o.JSON = true
		w = NewWriter(&buf, o)
		w.Socket(s)
		w.Flush()
		if buf.Len() > 0 && !json.Valid(buf.Bytes()) {
			t.Fatalf("invalid JSON: %s", buf.Bytes())
		}
	})
}
