package kernel

import (
	"github.com/stackbox/stackbox/pkg/stack"
)

// decoder turns sock_diag replies into stack.Socket values. It owns one
// Socket and every part a Socket can point to, and reuses them for each
// message, so that a dump of many thousands of sockets allocates next to
// nothing: a *stack.Socket it returns is valid only until the next call.
type decoder struct {
	sock stack.Socket

	mem     stack.MemInfo
	skmem   stack.SkMemInfo
	tcp     stack.TCPInfo
	vegas   stack.VegasInfo
	dctcp   stack.DCTCPInfo
	bbr     stack.BBRInfo
	mptcp   stack.MPTCPInfo
	subflow stack.MPTCPSubflow
	tls     stack.TLSInfo
	md5     []stack.MD5Key
	rqlen   [2]uint32
	vfs     stack.UnixVFS
	pending []uint32
	packet  stack.PacketInfo
	rxRing  stack.PacketRing
	txRing  stack.PacketRing
	filter  []stack.BPFInstruction
	netlink stack.NetlinkInfo

	// names interns congestion control and ULP names, which repeat
	// across sockets.
	names map[string]string
}

// intern returns b as a string, allocating only the first time a name is
// seen (and never more than a few dozen names).
func (d *decoder) intern(b []byte) string {
	if s, ok := d.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if d.names == nil {
		d.names = make(map[string]string)
	}
	if len(d.names) < 64 {
		d.names[s] = s
	}
	return s
}

// reset clears the socket for the next message.
func (d *decoder) reset() *stack.Socket {
	d.sock = stack.Socket{}
	return &d.sock
}

// decodeSkMem fills d.skmem from an SK_MEMINFO_* array of any length.
func (d *decoder) decodeSkMem(b []byte) *stack.SkMemInfo {
	m := &d.skmem
	n := len(b) / 4
	if n > 9 {
		n = 9
	}
	*m = stack.SkMemInfo{N: n}
	fields := [...]*uint32{&m.RMemAlloc, &m.RcvBuf, &m.WMemAlloc, &m.SndBuf, &m.FwdAlloc, &m.WMemQueued, &m.OptMem, &m.Backlog, &m.Drops}
	for i := 0; i < n; i++ {
		*fields[i] = ne.Uint32(b[4*i:])
	}
	return m
}

// decodeMem fills d.mem from struct inet_diag_meminfo.
func (d *decoder) decodeMem(b []byte) *stack.MemInfo {
	d.mem = stack.MemInfo{RMem: u32at(b, 0), WMem: u32at(b, 4), FMem: u32at(b, 8), TMem: u32at(b, 12)}
	return &d.mem
}

// cookie reads a socket cookie ([2]u32, low word first) at off.
func cookie(b []byte, off int) uint64 {
	return uint64(u32at(b, off)) | uint64(u32at(b, off+4))<<32
}
