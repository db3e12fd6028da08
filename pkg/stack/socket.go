package stack

import "net/netip"

// Endpoint is one end of a socket.
//
// For inet sockets Addr and Port are set (an unspecified Addr is the
// wildcard, an invalid one unknown). For unix sockets Path is the bound name
// (abstract names start with "@") and Inode the socket inode of the end.
// For packet sockets Proto is the ethertype and Ifindex the bound device; for
// netlink sockets Proto is the netlink protocol and PortID the port.
type Endpoint struct {
	Addr    netip.Addr
	Port    uint16
	Ifindex uint32 // bound device or IPv6 scope
	Path    string // AF_UNIX name
	Inode   uint32 // AF_UNIX: the socket's (local) or peer's (peer) inode
	Proto   uint16 // AF_PACKET ethertype, AF_NETLINK protocol
	PortID  int32  // AF_NETLINK port id (negative for kernel-assigned)
	Groups  uint32 // AF_NETLINK multicast groups (first 32)
}

// Timer is the socket timer sock_diag reports (idiag_timer).
type Timer struct {
	Kind    uint8  // 0 off, 1 on (retransmit), 2 keepalive, 3 timewait, 4 persist
	Expires uint32 // milliseconds
	Retrans uint8
}

// Socket is one socket as sock_diag describes it. Optional parts are nil or
// have their Has flag false when the kernel (or the reference stack) did not
// report them.
type Socket struct {
	Table    Table
	Family   uint8 // AF_INET, AF_INET6, AF_UNIX, AF_PACKET, AF_NETLINK
	Protocol uint8 // IPPROTO_* for inet sockets (raw: the socket's protocol)
	State    State

	RecvQ, SendQ uint32
	Local, Peer  Endpoint

	Inode  uint32
	UID    uint32
	Cookie uint64 // the socket cookie (sk in ss -e), 0 when unknown

	Timer Timer

	Mark     uint32
	HasMark  bool
	CgroupID uint64
	ClassID  uint32
	HasClass bool

	TOS         uint8
	HasTOS      bool
	TClass      uint8
	HasTClass   bool
	Shutdown    uint8 // bit 0: receive shut down, bit 1: send shut down
	HasShutdown bool
	V6Only      bool
	HasV6Only   bool

	Mem   *MemInfo   // INET_DIAG_MEMINFO (ss -m without skmem)
	SkMem *SkMemInfo // INET_DIAG_SKMEMINFO / UNIX_DIAG_MEMINFO
	TCP   *TCPInfo   // INET_DIAG_INFO for TCP
	Cong  string     // congestion control algorithm name
	Vegas *VegasInfo
	DCTCP *DCTCPInfo
	BBR   *BBRInfo
	ULP   string // upper layer protocol name (tls, mptcp)
	// Subflow is an MPTCP subflow's state (INET_ULP_INFO_MPTCP), for a TCP
	// socket whose ULP is mptcp.
	Subflow *MPTCPSubflow
	MD5Sig  bool
	// MD5Keys are the socket's TCP-MD5 keys (INET_DIAG_MD5SIG, root only).
	MD5Keys []MD5Key
	// TLS is the kernel TLS state of a socket whose ULP is tls.
	TLS   *TLSInfo
	MPTCP *MPTCPInfo

	// Unix specific.
	UnixPending []uint32 // inodes of sockets waiting in accept (UNIX_DIAG_ICONS)
	UnixRQlen   *[2]uint32

	// Packet specific.
	Packet *PacketInfo

	// Netlink specific.
	Netlink *NetlinkInfo

	// Users are the processes holding the socket open (ss -p), filled by
	// the caller from a ProcessMap.
	Users []ProcessFD

	// Added for the kernel backend (ss -e, --inet-sockopt).
	UnixVFS    *UnixVFS // UNIX_DIAG_VFS: the bound file's inode and device
	SockOpt    uint16   // INET_DIAG_SOCKOPT: struct inet_diag_sockopt, byte 0 in the low bits
	HasSockOpt bool

	// FromProc is set when the socket was read from a /proc/net table
	// instead of sock_diag (ss does so for raw sockets on kernels without
	// raw_diag): ss then prints no -e, -o, -m or -i details for UDP and
	// raw sockets. Added for the ss renderer.
	FromProc bool
}

// UnixVFS is struct unix_diag_vfs: the inode and device of the file a unix
// socket is bound to.
type UnixVFS struct {
	Inode uint32
	Dev   uint32 // the kernel's dev_t encoding (major<<20 | minor)
}

// PacketRing is struct packet_diag_ring (PACKET_DIAG_RX_RING/TX_RING).
type PacketRing struct {
	BlockSize, BlockNr, FrameSize, FrameNr, RetireTmo, SizeofPriv, Features uint32
}

// BPFInstruction is one classic BPF instruction (struct sock_filter).
type BPFInstruction struct {
	Code   uint16
	JT, JF uint8
	K      uint32
}

// MemInfo is struct inet_diag_meminfo.
type MemInfo struct {
	RMem, WMem, FMem, TMem uint32
}

// SkMemInfo is the kernel's SK_MEMINFO_* array.
type SkMemInfo struct {
	RMemAlloc, RcvBuf, WMemAlloc, SndBuf, FwdAlloc, WMemQueued, OptMem, Backlog, Drops uint32
	N                                                                                  int // how many of the fields the kernel sent
}

// VegasInfo is struct tcpvegas_info.
type VegasInfo struct {
	Enabled, RTTCount, RTT, MinRTT uint32
}

// DCTCPInfo is struct tcp_dctcp_info.
type DCTCPInfo struct {
	Enabled             uint16
	CEState             uint16
	Alpha, ABEcn, ABTot uint32
}

// BBRInfo is struct tcp_bbr_info.
type BBRInfo struct {
	BW         uint64 // bytes per second
	MinRTT     uint32 // microseconds
	PacingGain uint32 // << 8
	CwndGain   uint32 // << 8
}

// MPTCPInfo is the subset of struct mptcp_info ss prints.
type MPTCPInfo struct {
	SubflowsMax, AddAddrSignalMax, AddAddrAcceptedMax, LocalAddrMax uint8
	Subflows, AddAddrSignal, AddAddrAccepted                        uint8
	Flags                                                           uint32
	Token                                                           uint32
	WriteSeq, SndUna, RcvNxt                                        uint64
	LocalAddrUsed                                                   uint8
	LocalAddrMaxUsed                                                uint8
	CsumEnabled                                                     uint8
}

// MD5Key is one struct tcp_diag_md5sig.
type MD5Key struct {
	Addr      netip.Addr
	PrefixLen uint8
	Key       []byte
}

// TLSInfo is the kernel's TLS_INFO_* set. Has records which attributes
// were present, one bit per attribute number (TLSVersion...).
type TLSInfo struct {
	Has                             uint32
	Version, Cipher, TxConf, RxConf uint16
}

// The TLS_INFO_* attribute numbers, as bits of TLSInfo.Has.
const (
	TLSVersion = 1
	TLSCipher  = 2
	TLSTxConf  = 3
	TLSRxConf  = 4
	TLSZcRoTx  = 5 // a flag: zero-copy read-only transmit is on
	TLSRxNoPad = 6 // a flag: the receiver expects no padding
)

// Present reports whether attribute attr (a TLS* constant) was sent.
func (t *TLSInfo) Present(attr int) bool { return t.Has&(1<<attr) != 0 }

// MPTCPSubflow is the kernel's MPTCP_SUBFLOW_ATTR_* set for one TCP
// subflow. Has records which attributes were present, one bit per
// attribute number.
type MPTCPSubflow struct {
	Has                uint32
	TokenRem, TokenLoc uint32
	RelWriteSeq        uint64
	MapSeq             uint64
	MapSfSeq           uint32
	SSNOffset          uint32
	MapDataLen         uint32
	Flags              uint32
	IDRem, IDLoc       uint8
}

// The MPTCP_SUBFLOW_ATTR_* numbers, as bits of MPTCPSubflow.Has.
const (
	SubflowTokenRem    = 1
	SubflowTokenLoc    = 2
	SubflowRelWriteSeq = 3
	SubflowMapSeq      = 4
	SubflowMapSfSeq    = 5
	SubflowSSNOffset   = 6
	SubflowMapDataLen  = 7
	SubflowFlags       = 8
	SubflowIDRem       = 9
	SubflowIDLoc       = 10
)

// Present reports whether attribute attr (a Subflow* constant) was sent.
func (f *MPTCPSubflow) Present(attr int) bool { return f.Has&(1<<attr) != 0 }

// PacketInfo holds AF_PACKET details (packet_diag).
type PacketInfo struct {
	Type       uint8 // SOCK_RAW or SOCK_DGRAM
	Num        uint16
	HasInfo    bool
	Version    uint32
	Reserve    uint32
	Copythresh uint32
	Tstamp     uint32
	Flags      uint32
	Fanout     uint32
	HasFanout  bool
	HasFilter  bool
	FilterLen  int

	// Added for the kernel backend (ss -0e, -0b).
	RxRing, TxRing *PacketRing
	Filter         []BPFInstruction // the attached filter, FilterLen instructions
}

// NetlinkInfo holds AF_NETLINK details (netlink_diag).
type NetlinkInfo struct {
	DstPortID int32
	DstGroup  uint32
	Flags     uint32
	HasFlags  bool
	Connected bool // NETLINK_CONNECTED: Peer holds dst_group and dst_portid
}

// ProcessFD is one file descriptor a process holds on a socket.
type ProcessFD struct {
	Name string // the command name (comm)
	PID  int
	FD   int
	TID  int // the thread (ss -T prints tid=); 0 when threads were not scanned
}
