package sysctl

// Knob names one integer value of the tree: a scalar sysctl, or one element
// of a vector sysctl (TCPRmemMin, TCPRmemDefault and TCPRmemMax are the three
// values of net.ipv4.tcp_rmem). The engine reads knobs with Tree.Int and
// Tree.Bool, which index an array: no map lookup, no parsing.
type Knob uint16

// The integer knobs, grouped by the /proc/sys directory they live in.
const (
	FsFileMax Knob = iota // fs.file-max
	FsNrOpen              // fs.nr_open

	CoreBusyPoll             // net.core.busy_poll
	CoreBusyRead             // net.core.busy_read
	CoreDevWeight            // net.core.dev_weight
	CoreDevWeightRxBias      // net.core.dev_weight_rx_bias
	CoreDevWeightTxBias      // net.core.dev_weight_tx_bias
	CoreGroNormalBatch       // net.core.gro_normal_batch
	CoreNetdevBudget         // net.core.netdev_budget
	CoreNetdevBudgetUsecs    // net.core.netdev_budget_usecs
	CoreNetdevMaxBacklog     // net.core.netdev_max_backlog
	CoreNetdevTstampPrequeue // net.core.netdev_tstamp_prequeue
	CoreOptmemMax            // net.core.optmem_max
	CoreRmemDefault          // net.core.rmem_default
	CoreRmemMax              // net.core.rmem_max
	CoreSomaxconn            // net.core.somaxconn
	CoreWmemDefault          // net.core.wmem_default
	CoreWmemMax              // net.core.wmem_max

	ICMPEchoIgnoreAll             // net.ipv4.icmp_echo_ignore_all
	ICMPEchoIgnoreBroadcasts      // net.ipv4.icmp_echo_ignore_broadcasts
	ICMPIgnoreBogusErrorResponses // net.ipv4.icmp_ignore_bogus_error_responses
	ICMPMsgsBurst                 // net.ipv4.icmp_msgs_burst
	ICMPMsgsPerSec                // net.ipv4.icmp_msgs_per_sec
	ICMPRatelimit                 // net.ipv4.icmp_ratelimit (milliseconds)
	ICMPRatemask                  // net.ipv4.icmp_ratemask
	IPDefaultTTL                  // net.ipv4.ip_default_ttl
	IPForward                     // net.ipv4.ip_forward
	IPLocalPortRangeLow           // net.ipv4.ip_local_port_range[0]
	IPLocalPortRangeHigh          // net.ipv4.ip_local_port_range[1]
	IPNoPMTUDisc                  // net.ipv4.ip_no_pmtu_disc
	IPNonlocalBind                // net.ipv4.ip_nonlocal_bind
	IPUnprivilegedPortStart       // net.ipv4.ip_unprivileged_port_start
	IPFragHighThresh              // net.ipv4.ipfrag_high_thresh
	IPFragLowThresh               // net.ipv4.ipfrag_low_thresh
	IPFragMaxDist                 // net.ipv4.ipfrag_max_dist
	IPFragTime                    // net.ipv4.ipfrag_time (seconds)

	TCPAbortOnOverflow    // net.ipv4.tcp_abort_on_overflow
	TCPAdvWinScale        // net.ipv4.tcp_adv_win_scale
	TCPAppWin             // net.ipv4.tcp_app_win
	TCPAutocorking        // net.ipv4.tcp_autocorking
	TCPBaseMSS            // net.ipv4.tcp_base_mss
	TCPChallengeAckLimit  // net.ipv4.tcp_challenge_ack_limit
	TCPDSACK              // net.ipv4.tcp_dsack
	TCPEarlyRetrans       // net.ipv4.tcp_early_retrans
	TCPECN                // net.ipv4.tcp_ecn
	TCPECNFallback        // net.ipv4.tcp_ecn_fallback
	TCPFACK               // net.ipv4.tcp_fack (obsolete, kept by Linux)
	TCPFastopen           // net.ipv4.tcp_fastopen
	TCPFinTimeout         // net.ipv4.tcp_fin_timeout (seconds)
	TCPFRTO               // net.ipv4.tcp_frto
	TCPInvalidRatelimit   // net.ipv4.tcp_invalid_ratelimit (milliseconds)
	TCPKeepaliveIntvl     // net.ipv4.tcp_keepalive_intvl (seconds)
	TCPKeepaliveProbes    // net.ipv4.tcp_keepalive_probes
	TCPKeepaliveTime      // net.ipv4.tcp_keepalive_time (seconds)
	TCPL3mdevAccept       // net.ipv4.tcp_l3mdev_accept
	TCPLimitOutputBytes   // net.ipv4.tcp_limit_output_bytes
	TCPMaxOrphans         // net.ipv4.tcp_max_orphans
	TCPMaxReordering      // net.ipv4.tcp_max_reordering
	TCPMaxSynBacklog      // net.ipv4.tcp_max_syn_backlog
	TCPMaxTwBuckets       // net.ipv4.tcp_max_tw_buckets
	TCPMemLow             // net.ipv4.tcp_mem[0] (pages)
	TCPMemPressure        // net.ipv4.tcp_mem[1] (pages)
	TCPMemHigh            // net.ipv4.tcp_mem[2] (pages)
	TCPMinRTTWlen         // net.ipv4.tcp_min_rtt_wlen (seconds)
	TCPMinSndMSS          // net.ipv4.tcp_min_snd_mss
	TCPMinTSOSegs         // net.ipv4.tcp_min_tso_segs
	TCPModerateRcvbuf     // net.ipv4.tcp_moderate_rcvbuf
	TCPMTUProbeFloor      // net.ipv4.tcp_mtu_probe_floor
	TCPMTUProbing         // net.ipv4.tcp_mtu_probing
	TCPNoMetricsSave      // net.ipv4.tcp_no_metrics_save
	TCPNotsentLowat       // net.ipv4.tcp_notsent_lowat
	TCPOrphanRetries      // net.ipv4.tcp_orphan_retries
	TCPPacingCARatio      // net.ipv4.tcp_pacing_ca_ratio
	TCPPacingSSRatio      // net.ipv4.tcp_pacing_ss_ratio
	TCPPingpongThresh     // net.ipv4.tcp_pingpong_thresh
	TCPRecovery           // net.ipv4.tcp_recovery
	TCPReordering         // net.ipv4.tcp_reordering
	TCPRetransCollapse    // net.ipv4.tcp_retrans_collapse
	TCPRetries1           // net.ipv4.tcp_retries1
	TCPRetries2           // net.ipv4.tcp_retries2
	TCPRFC1337            // net.ipv4.tcp_rfc1337
	TCPRmemMin            // net.ipv4.tcp_rmem[0]
	TCPRmemDefault        // net.ipv4.tcp_rmem[1]
	TCPRmemMax            // net.ipv4.tcp_rmem[2]
	TCPRTOMaxMs           // net.ipv4.tcp_rto_max_ms
	TCPRTOMinUs           // net.ipv4.tcp_rto_min_us
	TCPSACK               // net.ipv4.tcp_sack
	TCPSlowStartAfterIdle // net.ipv4.tcp_slow_start_after_idle
	TCPStdurg             // net.ipv4.tcp_stdurg
	TCPSynLinearTimeouts  // net.ipv4.tcp_syn_linear_timeouts
	TCPSynRetries         // net.ipv4.tcp_syn_retries
	TCPSynackRetries      // net.ipv4.tcp_synack_retries
	TCPSyncookies         // net.ipv4.tcp_syncookies
	TCPThinLinearTimeouts // net.ipv4.tcp_thin_linear_timeouts
	TCPTimestamps         // net.ipv4.tcp_timestamps
	TCPTSORTTLog          // net.ipv4.tcp_tso_rtt_log
	TCPTSOWinDivisor      // net.ipv4.tcp_tso_win_divisor
	TCPTwReuse            // net.ipv4.tcp_tw_reuse
	TCPTwReuseDelay       // net.ipv4.tcp_tw_reuse_delay (milliseconds)
	TCPWindowScaling      // net.ipv4.tcp_window_scaling
	TCPWmemMin            // net.ipv4.tcp_wmem[0]
	TCPWmemDefault        // net.ipv4.tcp_wmem[1]
	TCPWmemMax            // net.ipv4.tcp_wmem[2]
	UDPMemLow             // net.ipv4.udp_mem[0] (pages)
	UDPMemPressure        // net.ipv4.udp_mem[1] (pages)
	UDPMemHigh            // net.ipv4.udp_mem[2] (pages)
	UDPRmemMin            // net.ipv4.udp_rmem_min
	UDPWmemMin            // net.ipv4.udp_wmem_min

	IPv6AllHopLimit     // net.ipv6.conf.all.hop_limit
	IPv6AllMTU          // net.ipv6.conf.all.mtu
	IPv6DefaultHopLimit // net.ipv6.conf.default.hop_limit
	IPv6DefaultMTU      // net.ipv6.conf.default.mtu

	NfConntrackAcct                     // net.netfilter.nf_conntrack_acct
	NfConntrackBuckets                  // net.netfilter.nf_conntrack_buckets (read-only)
	NfConntrackChecksum                 // net.netfilter.nf_conntrack_checksum
	NfConntrackCount                    // net.netfilter.nf_conntrack_count (read-only)
	NfConntrackEvents                   // net.netfilter.nf_conntrack_events
	NfConntrackExpectMax                // net.netfilter.nf_conntrack_expect_max
	NfConntrackGenericTimeout           // net.netfilter.nf_conntrack_generic_timeout (seconds)
	NfConntrackICMPTimeout              // net.netfilter.nf_conntrack_icmp_timeout (seconds)
	NfConntrackICMPv6Timeout            // net.netfilter.nf_conntrack_icmpv6_timeout (seconds)
	NfConntrackLogInvalid               // net.netfilter.nf_conntrack_log_invalid
	NfConntrackMax                      // net.netfilter.nf_conntrack_max
	NfConntrackTCPBeLiberal             // net.netfilter.nf_conntrack_tcp_be_liberal
	NfConntrackTCPIgnoreInvalidRST      // net.netfilter.nf_conntrack_tcp_ignore_invalid_rst
	NfConntrackTCPLoose                 // net.netfilter.nf_conntrack_tcp_loose
	NfConntrackTCPMaxRetrans            // net.netfilter.nf_conntrack_tcp_max_retrans
	NfConntrackTCPTimeoutClose          // net.netfilter.nf_conntrack_tcp_timeout_close (seconds)
	NfConntrackTCPTimeoutCloseWait      // net.netfilter.nf_conntrack_tcp_timeout_close_wait (seconds)
	NfConntrackTCPTimeoutEstablished    // net.netfilter.nf_conntrack_tcp_timeout_established (seconds)
	NfConntrackTCPTimeoutFinWait        // net.netfilter.nf_conntrack_tcp_timeout_fin_wait (seconds)
	NfConntrackTCPTimeoutLastAck        // net.netfilter.nf_conntrack_tcp_timeout_last_ack (seconds)
	NfConntrackTCPTimeoutMaxRetrans     // net.netfilter.nf_conntrack_tcp_timeout_max_retrans (seconds)
	NfConntrackTCPTimeoutSynRecv        // net.netfilter.nf_conntrack_tcp_timeout_syn_recv (seconds)
	NfConntrackTCPTimeoutSynSent        // net.netfilter.nf_conntrack_tcp_timeout_syn_sent (seconds)
	NfConntrackTCPTimeoutTimeWait       // net.netfilter.nf_conntrack_tcp_timeout_time_wait (seconds)
	NfConntrackTCPTimeoutUnacknowledged // net.netfilter.nf_conntrack_tcp_timeout_unacknowledged (seconds)
	NfConntrackTimestamp                // net.netfilter.nf_conntrack_timestamp
	NfConntrackUDPTimeout               // net.netfilter.nf_conntrack_udp_timeout (seconds)
	NfConntrackUDPTimeoutStream         // net.netfilter.nf_conntrack_udp_timeout_stream (seconds)

	UnixMaxDgramQlen // net.unix.max_dgram_qlen

	numKnobs
)
