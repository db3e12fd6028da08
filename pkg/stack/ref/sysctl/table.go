package sysctl

import "math"

// HZ is the reference kernel's tick rate (CONFIG_HZ). It fixes the range of
// the knobs Linux keeps in jiffies but shows in seconds (their magnitude may
// not exceed INT_MAX/HZ) and the default of net.core.netdev_budget_usecs
// (two ticks). 250 is Debian's and this machine's setting.
const HZ = 250

const (
	intMin   = math.MinInt32
	intMax   = math.MaxInt32
	uintMax  = math.MaxUint32
	ulongMax = math.MaxInt64 // Linux accepts up to 2^64-1; the tree stops at 2^63-1
	jiffyMax = intMax / HZ   // proc_dointvec_jiffies: |seconds| <= INT_MAX/HZ
)

// scope says where a knob lives in Linux, which decides what a fresh network
// namespace shows.
type scope uint8

const (
	// perNetns knobs have one value per network namespace, writable in each.
	perNetns scope = iota
	// perNetnsInitWrite knobs have one value per namespace, writable only in
	// the initial one (read-only elsewhere).
	perNetnsInitWrite
	// global knobs have one value per kernel.
	global
)

// strKind tells the string knobs apart.
type strKind uint8

const (
	notString strKind = iota
	strCongestionControl
	strAvailableCongestionControl
	strAllowedCongestionControl
	strDefaultQdisc
)

// def describes one sysctl: its name, where its values live in the tree,
// how Linux parses and bounds a write, and its default.
type def struct {
	name string
	str  strKind
	slot Knob  // first value; a vector's values follow
	n    uint8 // number of values (0 for strings)
	// signed is false for the unsigned handlers (proc_douintvec,
	// proc_dou8vec_minmax, proc_doulongvec_minmax), which reject any '-'.
	signed   bool
	min, max int64
	// minRef and maxRef, when set, name a knob whose current value is a
	// further bound (extra1/extra2 pointing at another sysctl), stored +1 so
	// that the zero value means none.
	minRef, maxRef Knob
	readOnly       bool
	scope          scope
	// atomic vectors are validated as a whole before any value is stored
	// (ip_local_port_range); the others store each value as it passes, as
	// proc_dointvec_minmax does.
	atomic bool
	// check validates a whole new value against the rest of the tree.
	check func(t *Tree, v []int64) error
	// ms marks proc_dointvec_ms_jiffies: milliseconds kept in jiffies, so a
	// written value reads back rounded up to a whole tick (1001 -> 1004 at
	// HZ 250, and INT_MAX -> 2^31).
	ms   bool
	dflt [3]int64
}

func ref(k Knob) Knob { return k + 1 }

// integer kinds, after the proc handlers Linux uses for them
func sInt(name string, k Knob, sc scope, dflt, min, max int64) def {
	return def{name: name, slot: k, n: 1, signed: true, min: min, max: max, scope: sc, dflt: [3]int64{dflt}}
}

func uInt(name string, k Knob, sc scope, dflt, min, max int64) def {
	return def{name: name, slot: k, n: 1, min: min, max: max, scope: sc, dflt: [3]int64{dflt}}
}

// anyInt is proc_dointvec without bounds: any 32-bit int.
func anyInt(name string, k Knob, sc scope, dflt int64) def {
	return sInt(name, k, sc, dflt, intMin, intMax)
}

// u8 is proc_dou8vec_minmax without explicit bounds: 0..255.
func u8(name string, k Knob, dflt int64) def {
	return uInt(name, k, perNetns, dflt, 0, 255)
}

// jiffies is proc_dointvec_jiffies: seconds, either sign, |v| <= INT_MAX/HZ.
func jiffies(name string, k Knob, dflt int64) def {
	return sInt(name, k, perNetns, dflt, -jiffyMax, jiffyMax)
}

func vec(name string, k Knob, sc scope, signed bool, min, max int64, dflt ...int64) def {
	d := def{name: name, slot: k, n: uint8(len(dflt)), signed: signed, min: min, max: max, scope: sc}
	copy(d.dflt[:], dflt)
	return d
}

func str(name string, kind strKind, sc scope, readOnly bool) def {
	return def{name: name, str: kind, scope: sc, readOnly: readOnly}
}

func (d def) ro() def                { d.readOnly = true; return d }
func (d def) bounds(lo, hi Knob) def { d.minRef, d.maxRef = lo, hi; return d }

// msJiffies is proc_dointvec_ms_jiffies: milliseconds, 0..INT_MAX on write.
func msJiffies(name string, k Knob, dflt int64) def {
	d := sInt(name, k, perNetns, dflt, 0, intMax)
	d.ms = true
	return d
}

// msPerTick is the resolution of the ms_jiffies knobs.
const msPerTick = 1000 / HZ

// Minimum socket buffer sizes on 64-bit Linux: SOCK_MIN_RCVBUF is
// TCP_SKB_MIN_TRUESIZE (2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff)) = 2304)
// and SOCK_MIN_SNDBUF twice that.
const (
	sockMinRcvbuf = 2304
	sockMinSndbuf = 2 * sockMinRcvbuf
)

// skMemDefault is net.core.[rw]mem_default: SKB_TRUESIZE(256) * 256 on x86-64.
const skMemDefault = 212992

// table lists every sysctl of the tree. Defaults are those of Linux 6.18 in
// a fresh network namespace; the memory-derived ones are filled in by
// applyMemory. Ranges are what the kernel's handler enforces, as measured
// by writing to a fresh namespace of 6.18 (see kernel_linux_test.go).
var table = []def{
	vec("fs.file-max", FsFileMax, global, false, 0, ulongMax, 0),
	sInt("fs.nr_open", FsNrOpen, global, 1048576, 64, 2147483584),

	sInt("net.core.busy_poll", CoreBusyPoll, global, 0, 0, intMax),
	sInt("net.core.busy_read", CoreBusyRead, global, 0, 0, intMax),
	str("net.core.default_qdisc", strDefaultQdisc, global, false),
	sInt("net.core.dev_weight", CoreDevWeight, global, 64, 1, intMax),
	sInt("net.core.dev_weight_rx_bias", CoreDevWeightRxBias, global, 1, 1, intMax),
	sInt("net.core.dev_weight_tx_bias", CoreDevWeightTxBias, global, 1, 1, intMax),
	sInt("net.core.gro_normal_batch", CoreGroNormalBatch, global, 8, 1, intMax),
	anyInt("net.core.netdev_budget", CoreNetdevBudget, global, 300),
	sInt("net.core.netdev_budget_usecs", CoreNetdevBudgetUsecs, global, 2*1000000/HZ, 0, intMax),
	anyInt("net.core.netdev_max_backlog", CoreNetdevMaxBacklog, global, 1000),
	anyInt("net.core.netdev_tstamp_prequeue", CoreNetdevTstampPrequeue, global, 1),
	sInt("net.core.optmem_max", CoreOptmemMax, perNetns, 131072, 0, intMax),
	sInt("net.core.rmem_default", CoreRmemDefault, perNetnsInitWrite, skMemDefault, sockMinRcvbuf, intMax),
	sInt("net.core.rmem_max", CoreRmemMax, perNetnsInitWrite, 4194304, sockMinRcvbuf, intMax),
	sInt("net.core.somaxconn", CoreSomaxconn, perNetns, 4096, 0, intMax),
	sInt("net.core.wmem_default", CoreWmemDefault, perNetnsInitWrite, skMemDefault, sockMinSndbuf, intMax),
	sInt("net.core.wmem_max", CoreWmemMax, perNetnsInitWrite, 4194304, sockMinSndbuf, intMax),

	uInt("net.ipv4.icmp_echo_ignore_all", ICMPEchoIgnoreAll, perNetns, 0, 0, 1),
	uInt("net.ipv4.icmp_echo_ignore_broadcasts", ICMPEchoIgnoreBroadcasts, perNetns, 1, 0, 1),
	uInt("net.ipv4.icmp_ignore_bogus_error_responses", ICMPIgnoreBogusErrorResponses, perNetns, 1, 0, 1),
	sInt("net.ipv4.icmp_msgs_burst", ICMPMsgsBurst, perNetns, 50, 0, intMax),
	sInt("net.ipv4.icmp_msgs_per_sec", ICMPMsgsPerSec, perNetns, 1000, 0, intMax),
	// Linux's ms_jiffies conversion also wraps for values past 2^32, which
	// the tree refuses instead.
	msJiffies("net.ipv4.icmp_ratelimit", ICMPRatelimit, 1000),
	anyInt("net.ipv4.icmp_ratemask", ICMPRatemask, perNetns, 6168),
	uInt("net.ipv4.ip_default_ttl", IPDefaultTTL, perNetns, 64, 1, 255),
	anyInt("net.ipv4.ip_forward", IPForward, perNetns, 0),
	func() def {
		d := vec("net.ipv4.ip_local_port_range", IPLocalPortRangeLow, perNetns, true, 1, 65535, 32768, 60999)
		d.atomic, d.check = true, checkLocalPortRange
		return d
	}(),
	u8("net.ipv4.ip_no_pmtu_disc", IPNoPMTUDisc, 0),
	u8("net.ipv4.ip_nonlocal_bind", IPNonlocalBind, 0),
	func() def {
		d := sInt("net.ipv4.ip_unprivileged_port_start", IPUnprivilegedPortStart, perNetns, 1024, 0, 65535)
		d.check = checkUnprivilegedPortStart
		return d
	}(),
	vec("net.ipv4.ipfrag_high_thresh", IPFragHighThresh, perNetns, false, 0, ulongMax, 4194304).bounds(ref(IPFragLowThresh), 0),
	vec("net.ipv4.ipfrag_low_thresh", IPFragLowThresh, perNetns, false, 0, ulongMax, 3145728).bounds(0, ref(IPFragHighThresh)),
	sInt("net.ipv4.ipfrag_max_dist", IPFragMaxDist, perNetns, 64, 0, intMax),
	jiffies("net.ipv4.ipfrag_time", IPFragTime, 30),

	u8("net.ipv4.tcp_abort_on_overflow", TCPAbortOnOverflow, 0),
	sInt("net.ipv4.tcp_adv_win_scale", TCPAdvWinScale, perNetns, 1, -31, 31),
	str("net.ipv4.tcp_allowed_congestion_control", strAllowedCongestionControl, global, false),
	uInt("net.ipv4.tcp_app_win", TCPAppWin, perNetns, 31, 0, 31),
	uInt("net.ipv4.tcp_autocorking", TCPAutocorking, perNetns, 1, 0, 1),
	str("net.ipv4.tcp_available_congestion_control", strAvailableCongestionControl, global, true),
	anyInt("net.ipv4.tcp_base_mss", TCPBaseMSS, perNetns, 1024),
	anyInt("net.ipv4.tcp_challenge_ack_limit", TCPChallengeAckLimit, perNetns, intMax),
	str("net.ipv4.tcp_congestion_control", strCongestionControl, perNetns, false),
	u8("net.ipv4.tcp_dsack", TCPDSACK, 1),
	uInt("net.ipv4.tcp_early_retrans", TCPEarlyRetrans, perNetns, 3, 0, 4),
	uInt("net.ipv4.tcp_ecn", TCPECN, perNetns, 2, 0, 2),
	uInt("net.ipv4.tcp_ecn_fallback", TCPECNFallback, perNetns, 1, 0, 1),
	u8("net.ipv4.tcp_fack", TCPFACK, 0),
	anyInt("net.ipv4.tcp_fastopen", TCPFastopen, perNetns, 1),
	jiffies("net.ipv4.tcp_fin_timeout", TCPFinTimeout, 60),
	u8("net.ipv4.tcp_frto", TCPFRTO, 2),
	msJiffies("net.ipv4.tcp_invalid_ratelimit", TCPInvalidRatelimit, 500),
	jiffies("net.ipv4.tcp_keepalive_intvl", TCPKeepaliveIntvl, 75),
	u8("net.ipv4.tcp_keepalive_probes", TCPKeepaliveProbes, 9),
	jiffies("net.ipv4.tcp_keepalive_time", TCPKeepaliveTime, 7200),
	uInt("net.ipv4.tcp_l3mdev_accept", TCPL3mdevAccept, perNetns, 0, 0, 1),
	anyInt("net.ipv4.tcp_limit_output_bytes", TCPLimitOutputBytes, perNetns, 4194304),
	anyInt("net.ipv4.tcp_max_orphans", TCPMaxOrphans, global, 0),
	sInt("net.ipv4.tcp_max_reordering", TCPMaxReordering, perNetns, 300, 1, intMax),
	anyInt("net.ipv4.tcp_max_syn_backlog", TCPMaxSynBacklog, perNetns, 0),
	anyInt("net.ipv4.tcp_max_tw_buckets", TCPMaxTwBuckets, perNetns, 0),
	vec("net.ipv4.tcp_mem", TCPMemLow, global, false, 0, ulongMax, 0, 0, 0),
	sInt("net.ipv4.tcp_min_rtt_wlen", TCPMinRTTWlen, perNetns, 300, 0, 86400),
	sInt("net.ipv4.tcp_min_snd_mss", TCPMinSndMSS, perNetns, 48, 48, 65535),
	uInt("net.ipv4.tcp_min_tso_segs", TCPMinTSOSegs, perNetns, 2, 1, 255),
	u8("net.ipv4.tcp_moderate_rcvbuf", TCPModerateRcvbuf, 1),
	sInt("net.ipv4.tcp_mtu_probe_floor", TCPMTUProbeFloor, perNetns, 48, 48, 65535),
	u8("net.ipv4.tcp_mtu_probing", TCPMTUProbing, 0),
	u8("net.ipv4.tcp_no_metrics_save", TCPNoMetricsSave, 0),
	uInt("net.ipv4.tcp_notsent_lowat", TCPNotsentLowat, perNetns, uintMax, 0, uintMax),
	u8("net.ipv4.tcp_orphan_retries", TCPOrphanRetries, 0),
	sInt("net.ipv4.tcp_pacing_ca_ratio", TCPPacingCARatio, perNetns, 120, 0, 1000),
	sInt("net.ipv4.tcp_pacing_ss_ratio", TCPPacingSSRatio, perNetns, 200, 0, 1000),
	uInt("net.ipv4.tcp_pingpong_thresh", TCPPingpongThresh, perNetns, 1, 1, 255),
	u8("net.ipv4.tcp_recovery", TCPRecovery, 1),
	sInt("net.ipv4.tcp_reordering", TCPReordering, perNetns, 3, 1, intMax).bounds(0, ref(TCPMaxReordering)),
	u8("net.ipv4.tcp_retrans_collapse", TCPRetransCollapse, 1),
	u8("net.ipv4.tcp_retries1", TCPRetries1, 3),
	u8("net.ipv4.tcp_retries2", TCPRetries2, 15),
	u8("net.ipv4.tcp_rfc1337", TCPRFC1337, 0),
	vec("net.ipv4.tcp_rmem", TCPRmemMin, perNetns, true, 1, intMax, 4096, 131072, 0),
	sInt("net.ipv4.tcp_rto_max_ms", TCPRTOMaxMs, perNetns, 120000, 1000, 120000),
	sInt("net.ipv4.tcp_rto_min_us", TCPRTOMinUs, perNetns, 200000, 1, intMax),
	u8("net.ipv4.tcp_sack", TCPSACK, 1),
	u8("net.ipv4.tcp_slow_start_after_idle", TCPSlowStartAfterIdle, 1),
	u8("net.ipv4.tcp_stdurg", TCPStdurg, 0),
	uInt("net.ipv4.tcp_syn_linear_timeouts", TCPSynLinearTimeouts, perNetns, 4, 0, 127),
	uInt("net.ipv4.tcp_syn_retries", TCPSynRetries, perNetns, 6, 1, 127),
	u8("net.ipv4.tcp_synack_retries", TCPSynackRetries, 5),
	u8("net.ipv4.tcp_syncookies", TCPSyncookies, 1),
	u8("net.ipv4.tcp_thin_linear_timeouts", TCPThinLinearTimeouts, 0),
	u8("net.ipv4.tcp_timestamps", TCPTimestamps, 1),
	u8("net.ipv4.tcp_tso_rtt_log", TCPTSORTTLog, 9),
	u8("net.ipv4.tcp_tso_win_divisor", TCPTSOWinDivisor, 3),
	uInt("net.ipv4.tcp_tw_reuse", TCPTwReuse, perNetns, 2, 0, 2),
	uInt("net.ipv4.tcp_tw_reuse_delay", TCPTwReuseDelay, perNetns, 1000, 1, 60000),
	u8("net.ipv4.tcp_window_scaling", TCPWindowScaling, 1),
	vec("net.ipv4.tcp_wmem", TCPWmemMin, perNetns, true, 1, intMax, 4096, 16384, 0),
	vec("net.ipv4.udp_mem", UDPMemLow, global, false, 0, ulongMax, 0, 0, 0),
	sInt("net.ipv4.udp_rmem_min", UDPRmemMin, perNetns, 4096, 1, intMax),
	sInt("net.ipv4.udp_wmem_min", UDPWmemMin, perNetns, 4096, 1, intMax),

	uInt("net.ipv6.conf.all.hop_limit", IPv6AllHopLimit, perNetns, 64, 1, 255),
	sInt("net.ipv6.conf.all.mtu", IPv6AllMTU, perNetns, 1280, 1280, intMax),
	uInt("net.ipv6.conf.default.hop_limit", IPv6DefaultHopLimit, perNetns, 64, 1, 255),
	sInt("net.ipv6.conf.default.mtu", IPv6DefaultMTU, perNetns, 1280, 1280, intMax),

	uInt("net.netfilter.nf_conntrack_acct", NfConntrackAcct, perNetns, 0, 0, 1),
	anyInt("net.netfilter.nf_conntrack_buckets", NfConntrackBuckets, perNetnsInitWrite, 0).ro(),
	uInt("net.netfilter.nf_conntrack_checksum", NfConntrackChecksum, perNetns, 1, 0, 1),
	anyInt("net.netfilter.nf_conntrack_count", NfConntrackCount, perNetnsInitWrite, 0).ro(),
	uInt("net.netfilter.nf_conntrack_events", NfConntrackEvents, perNetns, 2, 0, 2),
	sInt("net.netfilter.nf_conntrack_expect_max", NfConntrackExpectMax, perNetnsInitWrite, 4096, 1, intMax),
	jiffies("net.netfilter.nf_conntrack_generic_timeout", NfConntrackGenericTimeout, 600),
	jiffies("net.netfilter.nf_conntrack_icmp_timeout", NfConntrackICMPTimeout, 30),
	jiffies("net.netfilter.nf_conntrack_icmpv6_timeout", NfConntrackICMPv6Timeout, 30),
	u8("net.netfilter.nf_conntrack_log_invalid", NfConntrackLogInvalid, 0),
	sInt("net.netfilter.nf_conntrack_max", NfConntrackMax, perNetnsInitWrite, 0, 0, intMax),
	uInt("net.netfilter.nf_conntrack_tcp_be_liberal", NfConntrackTCPBeLiberal, perNetns, 0, 0, 1),
	uInt("net.netfilter.nf_conntrack_tcp_ignore_invalid_rst", NfConntrackTCPIgnoreInvalidRST, perNetns, 0, 0, 1),
	uInt("net.netfilter.nf_conntrack_tcp_loose", NfConntrackTCPLoose, perNetns, 1, 0, 1),
	u8("net.netfilter.nf_conntrack_tcp_max_retrans", NfConntrackTCPMaxRetrans, 3),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_close", NfConntrackTCPTimeoutClose, 10),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_close_wait", NfConntrackTCPTimeoutCloseWait, 60),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_established", NfConntrackTCPTimeoutEstablished, 432000),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_fin_wait", NfConntrackTCPTimeoutFinWait, 120),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_last_ack", NfConntrackTCPTimeoutLastAck, 30),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_max_retrans", NfConntrackTCPTimeoutMaxRetrans, 300),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_syn_recv", NfConntrackTCPTimeoutSynRecv, 60),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_syn_sent", NfConntrackTCPTimeoutSynSent, 120),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_time_wait", NfConntrackTCPTimeoutTimeWait, 120),
	jiffies("net.netfilter.nf_conntrack_tcp_timeout_unacknowledged", NfConntrackTCPTimeoutUnacknowledged, 300),
	uInt("net.netfilter.nf_conntrack_timestamp", NfConntrackTimestamp, perNetns, 0, 0, 1),
	jiffies("net.netfilter.nf_conntrack_udp_timeout", NfConntrackUDPTimeout, 30),
	jiffies("net.netfilter.nf_conntrack_udp_timeout_stream", NfConntrackUDPTimeoutStream, 120),

	anyInt("net.unix.max_dgram_qlen", UnixMaxDgramQlen, perNetns, 10),
}

// checkLocalPortRange is ipv4_local_port_range's test: the range may not be
// reversed nor reach below ip_unprivileged_port_start.
func checkLocalPortRange(t *Tree, v []int64) error {
	if v[1] < v[0] {
		return invalidf("range end %d below start %d", v[1], v[0])
	}
	if p := t.ints[IPUnprivilegedPortStart]; v[0] < p {
		return invalidf("range start %d below ip_unprivileged_port_start %d", v[0], p)
	}
	return nil
}

// checkUnprivilegedPortStart is ipv4_privileged_ports's test: the
// privileged ports may not overlap the local port range.
func checkUnprivilegedPortStart(t *Tree, v []int64) error {
	if lo := t.ints[IPLocalPortRangeLow]; v[0] > lo {
		return invalidf("%d above ip_local_port_range start %d", v[0], lo)
	}
	return nil
}
