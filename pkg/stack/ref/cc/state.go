package cc

// Linux defaults for a new TCP socket (tcp_init_sock, include/net/tcp.h).
const (
	// InitCwnd is TCP_INIT_CWND, the initial congestion window in segments.
	InitCwnd = 10
	// InfiniteSSThresh is TCP_INFINITE_SSTHRESH, the slow start threshold
	// of a new connection.
	InfiniteSSThresh = 0x7fffffff
	// DefaultMSS is TCP_MSS_DEFAULT, mss_cache before the handshake sets it.
	DefaultMSS = 536
	// DefaultHZ is the jiffies rate the reference stack assumes unless a
	// host says otherwise (CONFIG_HZ=1000).
	DefaultHZ = 1000
	// DefaultGSOMaxSize is GSO_LEGACY_MAX_SIZE, the default sk_gso_max_size.
	DefaultGSOMaxSize = 65536
)

// CAState is the congestion-avoidance state of a connection
// (icsk_ca_state, enum tcp_ca_state), in Linux's numbering.
type CAState uint8

// The congestion-avoidance states.
const (
	// CAOpen: nothing bad has been seen; the normal state.
	CAOpen CAState = 0
	// CADisorder: duplicate ACKs or SACKs seen, no loss inferred yet.
	CADisorder CAState = 1
	// CACWR: the window is being reduced for a local congestion signal
	// (ECN ECE, local device congestion).
	CACWR CAState = 2
	// CARecovery: fast retransmit and recovery after inferred loss.
	CARecovery CAState = 3
	// CALoss: retransmission timeout (or SACK reneging) recovery.
	CALoss CAState = 4
)

var caStateNames = [...]string{"Open", "Disorder", "CWR", "Recovery", "Loss"}

// String returns the state's name as tcp_ca_state spells it ("Open", "Loss").
func (s CAState) String() string {
	if int(s) < len(caStateNames) {
		return caStateNames[s]
	}
	return "Unknown"
}

// Event is a congestion-control event (enum tcp_ca_event), in Linux's
// numbering.
type Event uint8

// The congestion-control events, and where Linux raises each.
const (
	// EventTxStart: new data is sent while nothing is in flight (first
	// transmission after idle); raised from tcp_event_data_sent before
	// lsndtime is updated.
	EventTxStart Event = 0
	// EventCwndRestart: the window is restarted after an idle period
	// longer than the RTO (tcp_slow_start_after_idle, tcp_cwnd_restart).
	EventCwndRestart Event = 1
	// EventCompleteCWR: a window reduction (CWR or Recovery) has ended and
	// cwnd has been set to ssthresh (tcp_end_cwnd_reduction).
	EventCompleteCWR Event = 2
	// EventLoss: a retransmission timeout entered the Loss state, raised
	// by tcp_enter_loss right after the new ssthresh is set.
	EventLoss Event = 3
	// EventECNNoCE: an ECT segment without CE arrived after CE ones.
	EventECNNoCE Event = 4
	// EventECNIsCE: an ECT segment with CE arrived after non-CE ones.
	EventECNIsCE Event = 5
)

// AckSample is what Linux's struct ack_sample carries to pkts_acked.
type AckSample struct {
	// PktsAcked is the number of segments this ACK newly acknowledged
	// cumulatively (0 for an ACK that only SACKs).
	PktsAcked uint32
	// RTTUs is the ACK's RTT sample in microseconds (Linux's ca_rtt_us):
	// measured from the most recently sent never-retransmitted segment
	// this ACK newly acknowledges or SACKs. Negative when there is none.
	RTTUs int32
	// InFlight is mss_cache times the segments this ACK delivered
	// (acknowledged or SACKed).
	InFlight uint32
}

// State is the part of a TCP socket (struct tcp_sock and struct sock) that
// congestion-control hooks read and write. The engine owns it, one per
// connection, keeps the fields current as documented on each, and passes
// it to every hook. Sequence numbers are 32-bit and compared with
// wrap-around.
type State struct {
	// Cwnd is snd_cwnd, the congestion window in segments.
	Cwnd uint32
	// SSThresh is snd_ssthresh, the slow start threshold in segments.
	SSThresh uint32
	// CwndCnt is snd_cwnd_cnt, ACKed segments counted towards the next
	// additive increase. The engine zeroes it when a window reduction
	// starts (tcp_init_cwnd_reduction) and on cwnd restart.
	CwndCnt uint32
	// CwndClamp is snd_cwnd_clamp, the largest Cwnd allowed.
	CwndClamp uint32
	// MSS is mss_cache, the current effective send MSS in bytes.
	MSS uint32
	// SRTTUs is srtt_us as Linux stores it: the smoothed RTT in
	// microseconds, shifted left by 3.
	SRTTUs uint32
	// PriorCwnd is prior_cwnd: Cwnd saved when a window reduction or Loss
	// began, before SSThresh is called; UndoCwnd restores from it.
	PriorCwnd uint32
	// SndUna is snd_una, the oldest unacknowledged sequence number; the
	// engine updates it before calling PktsAcked.
	SndUna uint32
	// SndNxt is snd_nxt, the next sequence number to send.
	SndNxt uint32
	// LSndTime is lsndtime, the Jiffies of the last data transmission;
	// the engine updates it after raising EventTxStart.
	LSndTime uint32
	// MaxPacketsOut is max_packets_out, the largest packets_out seen in
	// the last window (tcp_cwnd_validate).
	MaxPacketsOut uint32
	// IsCwndLimited is is_cwnd_limited: the sender was limited by Cwnd
	// (not by the application) in the last window (tcp_cwnd_validate).
	IsCwndLimited bool
	// CAState is icsk_ca_state. During SetState it still holds the old
	// state; the engine stores the new one after the hook returns.
	CAState CAState

	// NowUs is tcp_mstamp: the time, in microseconds, at which the
	// current ACK or event is processed. Set it with SetClock.
	NowUs uint64
	// Jiffies is tcp_jiffies32, the same instant in jiffies (HZ per
	// second, starting at Linux's INITIAL_JIFFIES). Set it with SetClock.
	Jiffies uint32
	// HZ is the jiffies rate (CONFIG_HZ); 0 means DefaultHZ.
	HZ uint32

	// PacingRate is sk_pacing_rate in bytes per second, 0 if the engine
	// does not compute one. HyStart's ACK-train test widens its threshold
	// by the time one GSO burst takes at this rate.
	PacingRate uint64
	// Paced is true when sk_pacing_status is not SK_PACING_NONE (fq or
	// internal pacing in use).
	Paced bool
	// GSOMaxSize is sk_gso_max_size in bytes.
	GSOMaxSize uint32

	// Counters receives the MIB increments the algorithms make
	// (TcpExtTCPHystart*). Nil discards them.
	Counters *Counters
}

// NewState returns a State holding Linux's values for a new socket
// (tcp_init_sock): cwnd 10, ssthresh infinite, clamp unlimited, MSS 536,
// HZ 1000, GSO max size 64 KiB.
func NewState() State {
	return State{
		Cwnd:       InitCwnd,
		SSThresh:   InfiniteSSThresh,
		CwndClamp:  ^uint32(0),
		MSS:        DefaultMSS,
		HZ:         DefaultHZ,
		GSOMaxSize: DefaultGSOMaxSize,
	}
}

// SetClock sets NowUs and Jiffies from the engine's virtual time in
// nanoseconds (Linux's tcp_mstamp_refresh). Call it before every hook
// call that processes an ACK or event at a new instant.
func (s *State) SetClock(nowNs int64) {
	if nowNs < 0 {
		nowNs = 0
	}
	s.NowUs = uint64(nowNs) / 1000
	s.Jiffies = Jiffies(nowNs, s.hz())
}

// hz returns HZ, or DefaultHZ when it is unset.
func (s *State) hz() uint32 {
	if s.HZ == 0 {
		return DefaultHZ
	}
	return s.HZ
}

// Jiffies converts virtual time in nanoseconds to Linux's 32-bit jiffies
// counter at hz ticks per second, which starts at INITIAL_JIFFIES (five
// minutes before wrapping) as in the kernel.
func Jiffies(nowNs int64, hz uint32) uint32 {
	if nowNs < 0 {
		nowNs = 0
	}
	if hz == 0 {
		hz = DefaultHZ
	}
	initial := uint32(-300 * int64(hz))
	return initial + uint32(uint64(nowNs)*uint64(hz)/1e9)
}

// usecsToJiffies is usecs_to_jiffies: microseconds to jiffies, rounded up.
func usecsToJiffies(us uint32, hz uint32) uint32 {
	return uint32((uint64(us)*uint64(hz) + 999999) / 1000000)
}

// after reports whether sequence number (or 32-bit time) a is after b,
// with wrap-around (Linux's after()).
func after(a, b uint32) bool { return int32(b-a) < 0 }
