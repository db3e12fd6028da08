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

	Mem    *MemInfo   // INET_DIAG_MEMINFO (ss -m without skmem)
	SkMem  *SkMemInfo // INET_DIAG_SKMEMINFO / UNIX_DIAG_MEMINFO
	TCP    *TCPInfo   // INET_DIAG_INFO for TCP
	Cong   string     // congestion control algorithm name
	Vegas  *VegasInfo
	DCTCP  *DCTCPInfo
	BBR    *BBRInfo
	ULP    string // upper layer protocol name (tls, mptcp)
	MD5Sig bool
	MPTCP  *MPTCPInfo

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
}

// NetlinkInfo holds AF_NETLINK details (netlink_diag).
type NetlinkInfo struct {
	DstPortID int32
	DstGroup  uint32
	Flags     uint32
	HasFlags  bool
}

// ProcessFD is one file descriptor a process holds on a socket.
type ProcessFD struct {
	Name string // the command name (comm)
	PID  int
	FD   int
}
