package kernel

// Numbers of the sock_diag protocol from the kernel's uapi headers
// (linux/sock_diag.h, inet_diag.h, unix_diag.h, packet_diag.h,
// netlink_diag.h). They are spelled out here: golang.org/x/sys/unix has
// few of them, and its Linux constants would keep the message decoders
// from building (and being fuzzed) on other systems. consts_linux_test.go
// checks those unix has.
const (
	sockDiagByFamily = 20 // SOCK_DIAG_BY_FAMILY
	tcpDiagGetSock   = 18 // TCPDIAG_GETSOCK, the legacy inet_diag request
	dccpDiagGetSock  = 19 // DCCPDIAG_GETSOCK

	legacyInetDiagReqLen = 60 // struct inet_diag_req
	sockDestroy          = 21 // SOCK_DESTROY

	// nlmsghdr flags and types.
	nlmFRequest = 0x1
	nlmFMulti   = 0x2
	nlmFAck     = 0x4
	nlmFRoot    = 0x100
	nlmFMatch   = 0x200
	nlmFDump    = nlmFRoot | nlmFMatch
	nlmsgNoop   = 0x1
	nlmsgError  = 0x2
	nlmsgDone   = 0x3

	nlmsgHdrLen = 16
	nlaHdrLen   = 4

	// diagSeq is the sequence number ss puts in its dump requests
	// (MAGIC_SEQ); we send the same bytes.
	diagSeq = 123456
)

// Address families and protocols (linux/socket.h, linux/in.h).
const (
	afUnix    = 1
	afInet    = 2
	afInet6   = 10
	afNetlink = 16
	afPacket  = 17

	ipprotoTCP   = 6
	ipprotoUDP   = 17
	ipprotoRaw   = 255
	ipprotoMPTCP = 262
	ipprotoDCCP  = 33
	ipprotoSCTP  = 132

	sockStream    = 1
	sockDgram     = 2
	sockRaw       = 3
	sockSeqpacket = 5
)

// inet_diag request attributes (INET_DIAG_REQ_*).
const (
	inetDiagReqBytecode = 1
	inetDiagReqProtocol = 3
)

// inet_diag reply attributes (INET_DIAG_*). Those up to SHUTDOWN can be
// asked for with bit (attr-1) of idiag_ext.
const (
	inetDiagMeminfo   = 1
	inetDiagInfo      = 2
	inetDiagVegasinfo = 3
	inetDiagCong      = 4
	inetDiagTOS       = 5
	inetDiagTClass    = 6
	inetDiagSkmeminfo = 7
	inetDiagShutdown  = 8
	inetDiagDCTCPInfo = 9
	inetDiagProtocol  = 10
	inetDiagSkV6Only  = 11
	inetDiagMark      = 15
	inetDiagBBRInfo   = 16
	inetDiagClassID   = 17
	inetDiagMD5Sig    = 18
	inetDiagULPInfo   = 19
	inetDiagCgroupID  = 21
	inetDiagSockopt   = 22

	inetULPInfoName  = 1
	inetULPInfoTLS   = 2
	inetULPInfoMPTCP = 3
)

// unix_diag (UDIAG_SHOW_* request bits, UNIX_DIAG_* attributes).
const (
	udiagShowName    = 0x01
	udiagShowVFS     = 0x02
	udiagShowPeer    = 0x04
	udiagShowIcons   = 0x08
	udiagShowRQLen   = 0x10
	udiagShowMeminfo = 0x20
	udiagShowUID     = 0x40

	unixDiagName     = 0
	unixDiagVFS      = 1
	unixDiagPeer     = 2
	unixDiagIcons    = 3
	unixDiagRQLen    = 4
	unixDiagMeminfo  = 5
	unixDiagShutdown = 6
	unixDiagUID      = 7
)

// packet_diag (PACKET_SHOW_* request bits, PACKET_DIAG_* attributes).
const (
	packetShowInfo    = 0x01
	packetShowMclist  = 0x02
	packetShowRingCfg = 0x04
	packetShowFanout  = 0x08
	packetShowMeminfo = 0x10
	packetShowFilter  = 0x20

	packetDiagInfo    = 0
	packetDiagMclist  = 1
	packetDiagRxRing  = 2
	packetDiagTxRing  = 3
	packetDiagFanout  = 4
	packetDiagUID     = 5
	packetDiagMeminfo = 6
	packetDiagFilter  = 7
)

// netlink_diag (NDIAG_SHOW_* request bits, NETLINK_DIAG_* attributes).
const (
	ndiagProtoAll    = 0xff
	ndiagShowMeminfo = 0x1
	ndiagShowGroups  = 0x2
	ndiagShowFlags   = 0x8

	netlinkDiagMeminfo = 0
	netlinkDiagGroups  = 1
	netlinkDiagFlags   = 4

	netlinkConnected = 1
)

// sock_diag multicast groups (enum sknetlink_groups).
const (
	sknlgrpInetTCPDestroy  = 1
	sknlgrpInetUDPDestroy  = 2
	sknlgrpInet6TCPDestroy = 3
	sknlgrpInet6UDPDestroy = 4
)

// Fixed sizes of the structs the decoders read.
const (
	inetDiagMsgLen    = 72 // struct inet_diag_msg
	inetDiagReqV2Len  = 56 // struct inet_diag_req_v2
	unixDiagMsgLen    = 16 // struct unix_diag_msg
	unixDiagReqLen    = 24 // struct unix_diag_req
	packetDiagMsgLen  = 16 // struct packet_diag_msg
	packetDiagReqLen  = 20 // struct packet_diag_req
	netlinkDiagMsgLen = 28 // struct netlink_diag_msg
	netlinkDiagReqLen = 20 // struct netlink_diag_req
)
