// Package doctor is `stackbox tune doctor`: the seed text's systematic
// approach to a slow or lossy network stack, as checks run on one snapshot
// of a target (the host kernel, a network namespace, or a host of the
// reference stack). Each check that finds something returns a Finding: its
// severity, a title, the evidence (the numbers it read, named as the tools
// that show them name them), what it means, and the command lines that fix
// it.
//
// # Input
//
// A Snapshot holds everything the checks read: the protocol counters
// (nstat's names), /proc/net/softnet_stat, the socket summary (ss -s) and
// the TCP sockets, the conntrack table's fill and statistics, the sysctls
// the checks compare against, each NIC's rings, channels and driver
// statistics, the TCP memory in use (sockstat's mem, where the target has
// it) and the file descriptors (fs.file-nr and the RLIMIT_NOFILE of the
// processes holding sockets, on the host). Gather takes one from a Source;
// a part a target cannot give is recorded in Snapshot.Missing and the
// checks that need it are listed as skipped, never failed.
//
// # Rates
//
// Most counters are cumulative. By default the checks use one snapshot
// and read them over the whole uptime (the host's /proc/uptime, the
// simulation's virtual time): a drop counted once, long ago, still shows.
// With an interval, two snapshots are taken that far apart (on the
// reference stack: at T-interval and at T of virtual time) and Delta keeps
// the difference of every cumulative value and the second snapshot's
// gauges (socket counts, table fill, memory), so a finding says that the
// problem is happening now. The thresholds are ratios and counts, the same
// in both modes.
//
// # Checks and thresholds
//
//	softnet-drops      any CPU's softnet_stat dropped column > 0 (the per-CPU
//	                   backlog, netdev_max_backlog, overflowed): warning.
//	softnet-squeeze    time_squeeze >= 1 per 1000 packets processed on a CPU
//	                   (NAPI ran out of netdev_budget or netdev_budget_usecs
//	                   with work left): warning.
//	nic-ring-drops     a NIC's drop statistics (ethtool -S names with missed,
//	                   no_buffer, out_of_buffer, no_dma, fifo_errors,
//	                   rx_discards, or rx...drop) > 0: warning. When the RX
//	                   ring is below a quarter of its maximum the finding says
//	                   so (the "ring far below its maximum while it drops"
//	                   inconsistency) and the fix raises it to the maximum;
//	                   at the maximum the fix spreads the load over more
//	                   channels.
//	listen-overflow    TcpExtListenOverflows or TcpExtListenDrops > 0 (an
//	                   accept queue was full): warning.
//	retransmissions    TcpRetransSegs / TcpOutSegs >= 1% with at least 1000
//	                   segments sent: warning; >= 5%: critical.
//	time-wait          TIME_WAIT sockets >= 80% of tcp_max_tw_buckets, or
//	                   TcpExtTCPTimeWaitOverflow > 0: warning.
//	local-ports        the TCP sockets holding ports of ip_local_port_range
//	                   towards one destination (address and port) >= 80% of
//	                   the range: warning.
//	conntrack          entries >= 80% of nf_conntrack_max, or early_drop or
//	                   insert_failed > 0: warning; drop > 0 (new flows
//	                   refused): critical.
//	socket-memory      sockstat's TCP mem (pages) >= tcp_mem's pressure
//	                   value, or TcpExtTCPMemoryPressures > 0: warning; >=
//	                   tcp_mem's high value: critical.
//	file-descriptors   fs.file-nr's allocated >= 80% of fs.file-max, or a
//	                   process holding sockets with open files >= 80% of its
//	                   RLIMIT_NOFILE soft limit: warning; >= 95%: critical.
//	buffer-limits      net.core.rmem_max below tcp_rmem's maximum (wmem_max
//	                   below tcp_wmem's) when either is not a kernel default
//	                   (rmem_max/wmem_max 212992 or 4 MiB; tcp_rmem's maximum
//	                   6 or 32 MiB, tcp_wmem's 4 MiB): buffers tuned half-way,
//	                   so applications that set SO_RCVBUF get less than
//	                   autotuning would: info. The kernels' own pairs are
//	                   consistent: autotuning is not bound by rmem_max.
//	bbr-pacing         tcp_congestion_control (or a socket's) is bbr and
//	                   net.core.default_qdisc is not fq: warning.
//
// # Severity and exit status
//
// Severities are info, warning and critical. The command exits 0 when no
// finding is a warning or worse, 3 when one is (so scripts and CI can
// gate on it; 1 is a failure to look, 2 a usage error).
package doctor
