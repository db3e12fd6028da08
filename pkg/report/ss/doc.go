// Package ss renders sockets as iproute2's ss 6.1 prints them, byte for
// byte, and as JSON lines.
//
// # Text
//
// A Writer reproduces ss's column model: the fields of each socket (Netid,
// State, Recv-Q, Send-Q, local address and port, peer address and port,
// and a Process column that also carries every detail -o, -e, -m, -i and
// the others add) are buffered as tokens, and rendered with per-column
// widths: on a terminal the spare width is spread between the columns,
// otherwise columns are as wide as their longest field. Netid is shown
// only when more than one table is dumped (Options.Tables), State only when
// more than one state is asked for (Options.States). Like ss, a Writer
// buffers about five MiB of fields at most: each time a line ends with
// that much buffered it prints what it has, so a large dump comes out in
// the same batches, with the same widths, as ss's, and memory stays
// bounded. ss's quirks are kept: widths never shrink from one batch to the
// next, the last socket's Process field does not count towards the width
// of its batch, fields are cut at 65535 bytes.
//
// Names (interfaces, hosts with -r, netlink port owners, cgroup paths)
// come from Options.Names; services and IP protocols from package netdb
// (/etc/services, /etc/protocols). Ports in the local port range get no
// service name, as in ss.
//
// Known differences from ss 6.1: the MD5 keys (md5keys:), the TLS details
// after tcp-ulp-tls, vsock, TIPC and XDP sockets, SELinux contexts (-Z, -z) and rpcinfo service names are not
// printed, for stack.Socket does not carry them; states past Closing print
// as UNKNOWN (ss 6.1 reads past its table); TCP sockets read from
// /proc/net/tcp print no -i details.
//
// # JSON
//
// With Options.JSON each socket is one JSON object on its own line (JSON
// Lines): the output can be streamed and cut at any line, read by line
// oriented tools, and -E (events), which has no end, works the same way.
// There is no header. Numbers are numbers, with their unit in the key
// where they have one; a field appears when the option that prints it in
// text is given, and when the stack reported it. Keys:
//
//	netid, state, recv_q, send_q       always
//	local, peer                        objects: inet {address, host (-r),
//	                                   port, service, ifindex, interface};
//	                                   unix {path, inode}; packet {protocol,
//	                                   protocol_name, ifindex, interface};
//	                                   netlink {protocol, protocol_name,
//	                                   portid, process} and, when connected,
//	                                   peer {group, portid}
//	users                              -p, -T: [{name, pid, tid (-T), fd}]
//	timer                              -o: {name, expires_ms, retrans}
//	uid, inode, cookie, mark, v6only,  -e (inet and packet sockets)
//	shutdown {recv, send}
//	cgroup_id, cgroup                  -e or --cgroup
//	vfs {inode, dev_major, dev_minor}, -e (unix sockets)
//	pending [inode...]
//	groups                             -e (netlink sockets)
//	packet {version, copy_thresh,      -e (packet sockets)
//	flags [..], ring_rx, ring_tx
//	{block_size, block_nr, frame_size,
//	frame_nr, retire_tmo_ms, features},
//	fanout {id, type}}
//	bpf_filter [{code, jt, jf, k}]     -b
//	tos, tclass, class_id              --tos
//	inet_sockopt [name...]             --inet-sockopt
//	skmem {rmem_alloc, rcvbuf,         -m (bytes; drops is a count)
//	wmem_alloc, sndbuf, fwd_alloc,
//	wmem_queued, optmem, backlog,
//	drops} or mem {rmem, wmem, fmem, tmem}
//	subflow {flags, token_rem, id_rem, -i (MPTCP subflows)
//	token_loc, id_loc, map_seq,
//	map_sfseq, ssn_offset, map_datalen}
//	cong, ulp, bbr {bw_bps,            -i
//	min_rtt_ms, pacing_gain, cwnd_gain},
//	dctcp {enabled, ce_state, alpha,
//	ab_ecn, ab_tot}, vegas {enabled,
//	rtt_count, rtt_ms, min_rtt_ms},
//	mptcp {...}, tcp_info {...}
//
// tcp_info holds every field of struct tcp_info the kernel reported, named
// after the kernel's fields without the tcpi_ prefix: times the text shows
// in milliseconds as *_ms (microsecond precision: rto_ms, ato_ms, rtt_ms,
// rttvar_ms, rcv_rtt_ms, min_rtt_ms), the last_* times and total_rto_time
// in whole milliseconds (*_ms), busy_time_us, rwnd_limited_us,
// sndbuf_limited_us in microseconds, rates in bits per second
// (pacing_rate_bps, max_pacing_rate_bps, delivery_rate_bps and the
// computed send_bps), byte counts as bytes_*, the rest as counts; options
// is an object of booleans (ts, sack, wscale, ecn, ecn_seen, syn_data,
// usec_ts).
//
// WriteSummary prints ss -s, or one JSON object: {total, tcp {total,
// estab, closed, orphaned, timewait}, transport {raw, udp, tcp, inet, frag:
// {total, ipv4, ipv6}}}.
package ss
