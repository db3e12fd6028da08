package kernel

import "github.com/stackbox/stackbox/pkg/stack"

// decodeTCPInfo fills t from a struct tcp_info of any length: older
// kernels send a shorter struct (Len tells how much; later fields stay
// zero) and newer ones a longer one, whose extra fields are ignored.
func decodeTCPInfo(b []byte, t *stack.TCPInfo) {
	*t = stack.TCPInfo{
		Len: len(b),

		State:                  u8at(b, 0),
		CAState:                u8at(b, 1),
		Retransmits:            u8at(b, 2),
		Probes:                 u8at(b, 3),
		Backoff:                u8at(b, 4),
		Options:                u8at(b, 5),
		SndWscale:              u8at(b, 6) & 0x0f,
		RcvWscale:              u8at(b, 6) >> 4,
		DeliveryRateAppLimited: u8at(b, 7)&1 != 0,
		FastopenClientFail:     u8at(b, 7) >> 1 & 3,

		RTO:    u32at(b, 8),
		ATO:    u32at(b, 12),
		SndMSS: u32at(b, 16),
		RcvMSS: u32at(b, 20),

		Unacked: u32at(b, 24),
		Sacked:  u32at(b, 28),
		Lost:    u32at(b, 32),
		Retrans: u32at(b, 36),
		Fackets: u32at(b, 40),

		LastDataSent: u32at(b, 44),
		LastAckSent:  u32at(b, 48),
		LastDataRecv: u32at(b, 52),
		LastAckRecv:  u32at(b, 56),

		PMTU:        u32at(b, 60),
		RcvSsthresh: u32at(b, 64),
		RTT:         u32at(b, 68),
		RTTVar:      u32at(b, 72),
		SndSsthresh: u32at(b, 76),
		SndCwnd:     u32at(b, 80),
		AdvMSS:      u32at(b, 84),
		Reordering:  u32at(b, 88),

		RcvRTT:   u32at(b, 92),
		RcvSpace: u32at(b, 96),

		TotalRetrans: u32at(b, 100),

		PacingRate:    u64at(b, stack.TCPInfoOffPacingRate),
		MaxPacingRate: u64at(b, 112),
		BytesAcked:    u64at(b, stack.TCPInfoOffBytesAcked),
		BytesReceived: u64at(b, 128),
		SegsOut:       u32at(b, 136),
		SegsIn:        u32at(b, 140),

		NotsentBytes: u32at(b, stack.TCPInfoOffNotsentBytes),
		MinRTT:       u32at(b, stack.TCPInfoOffMinRTT),
		DataSegsIn:   u32at(b, 152),
		DataSegsOut:  u32at(b, 156),

		DeliveryRate: u64at(b, stack.TCPInfoOffDeliveryRate),

		BusyTime:      u64at(b, stack.TCPInfoOffBusyTime),
		RwndLimited:   u64at(b, 176),
		SndbufLimited: u64at(b, 184),

		Delivered:   u32at(b, stack.TCPInfoOffDelivered),
		DeliveredCE: u32at(b, 196),

		BytesSent:    u64at(b, stack.TCPInfoOffBytesSent),
		BytesRetrans: u64at(b, 208),
		DSACKDups:    u32at(b, stack.TCPInfoOffDSACKDups),
		ReordSeen:    u32at(b, 220),

		RcvOOOPack: u32at(b, stack.TCPInfoOffRcvOOOPack),

		SndWnd: u32at(b, stack.TCPInfoOffSndWnd),

		RcvWnd:             u32at(b, stack.TCPInfoOffRcvWnd),
		Rehash:             u32at(b, stack.TCPInfoOffRehash),
		TotalRTO:           u16at(b, stack.TCPInfoOffTotalRTO),
		TotalRTORecoveries: u16at(b, 242),
		TotalRTOTime:       u32at(b, 244),
	}
}

// decodeMPTCPInfo fills m from a struct mptcp_info of any length.
func decodeMPTCPInfo(b []byte, m *stack.MPTCPInfo) {
	*m = stack.MPTCPInfo{
		Subflows:           u8at(b, 0),
		AddAddrSignal:      u8at(b, 1),
		AddAddrAccepted:    u8at(b, 2),
		SubflowsMax:        u8at(b, 3),
		AddAddrSignalMax:   u8at(b, 4),
		AddAddrAcceptedMax: u8at(b, 5),
		Flags:              u32at(b, 8),
		Token:              u32at(b, 12),
		WriteSeq:           u64at(b, 16),
		SndUna:             u64at(b, 24),
		RcvNxt:             u64at(b, 32),
		LocalAddrUsed:      u8at(b, 40),
		LocalAddrMax:       u8at(b, 41),
		// mptcp_info has no separate "max used": the field mirrors
		// local_addr_max.
		LocalAddrMaxUsed: u8at(b, 41),
		CsumEnabled:      u8at(b, 42),
	}
}
