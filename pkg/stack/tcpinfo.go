package stack

// TCPInfo is the kernel's struct tcp_info, field for field. Len is how many
// bytes of it the kernel sent: fields past Len are zero and were not
// reported (older kernels send a shorter struct), which ss takes into
// account before printing the newer fields.
type TCPInfo struct {
	Len int

	State                  uint8
	CAState                uint8
	Retransmits            uint8
	Probes                 uint8
	Backoff                uint8
	Options                uint8
	SndWscale              uint8 // 4 bits
	RcvWscale              uint8 // 4 bits
	DeliveryRateAppLimited bool
	FastopenClientFail     uint8 // 2 bits

	RTO    uint32 // microseconds
	ATO    uint32 // microseconds
	SndMSS uint32
	RcvMSS uint32

	Unacked uint32
	Sacked  uint32
	Lost    uint32
	Retrans uint32
	Fackets uint32

	LastDataSent uint32 // milliseconds ago
	LastAckSent  uint32
	LastDataRecv uint32
	LastAckRecv  uint32

	PMTU        uint32
	RcvSsthresh uint32
	RTT         uint32 // microseconds
	RTTVar      uint32 // microseconds
	SndSsthresh uint32
	SndCwnd     uint32
	AdvMSS      uint32
	Reordering  uint32

	RcvRTT   uint32 // microseconds
	RcvSpace uint32

	TotalRetrans uint32

	PacingRate    uint64 // bytes per second
	MaxPacingRate uint64
	BytesAcked    uint64
	BytesReceived uint64
	SegsOut       uint32
	SegsIn        uint32

	NotsentBytes uint32
	MinRTT       uint32 // microseconds
	DataSegsIn   uint32
	DataSegsOut  uint32

	DeliveryRate uint64 // bytes per second

	BusyTime      uint64 // microseconds
	RwndLimited   uint64 // microseconds
	SndbufLimited uint64 // microseconds

	Delivered   uint32
	DeliveredCE uint32

	BytesSent    uint64
	BytesRetrans uint64
	DSACKDups    uint32
	ReordSeen    uint32

	RcvOOOPack uint32

	SndWnd uint32

	// Newer kernels (6.6+).
	RcvWnd             uint32
	Rehash             uint32
	TotalRTO           uint16
	TotalRTORecoveries uint16
	TotalRTOTime       uint32
}

// TCP option bits in TCPInfo.Options.
const (
	TCPOptTimestamps = 1
	TCPOptSACK       = 2
	TCPOptWscale     = 4
	TCPOptECN        = 8
	TCPOptECNSeen    = 16
	TCPOptSynData    = 32
	TCPOptUSecTS     = 64
)

// Byte offsets of struct tcp_info fields, used to tell whether a field was
// reported (Len > offset).
const (
	TCPInfoOffPacingRate   = 104
	TCPInfoOffBytesAcked   = 120
	TCPInfoOffNotsentBytes = 144
	TCPInfoOffMinRTT       = 148
	TCPInfoOffDeliveryRate = 160
	TCPInfoOffBusyTime     = 168
	TCPInfoOffDelivered    = 192
	TCPInfoOffBytesSent    = 200
	TCPInfoOffDSACKDups    = 216
	TCPInfoOffRcvOOOPack   = 224
	TCPInfoOffSndWnd       = 228
	TCPInfoOffRcvWnd       = 232
	TCPInfoOffRehash       = 236
	TCPInfoOffTotalRTO     = 240
)
