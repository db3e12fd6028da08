// Package kernel is the host Linux kernel behind stack.Stack: the sockets
// of the current or a named network namespace, as ss 6.1 sees them.
//
// Sockets are listed over NETLINK_SOCK_DIAG with the requests ss sends:
// inet_diag for tcp, udp, raw, dccp, sctp and mptcp (AF_INET, then
// AF_INET6, or ss's preferred family alone),
// unix_diag, packet_diag and netlink_diag, asking for the extensions the
// query's Want names and attaching the filter's inet_diag bytecode when it
// has one. Replies are decoded in place, a socket at a time, into one
// reused stack.Socket; a table the kernel cannot dump falls back to
// /proc/net where ss's does (raw_diag is often missing).
//
// DestroySocket is ss -K (SOCK_DESTROY), SocketEvents ss -E (the destroy
// multicast groups) and SocketSummary ss -s (/proc/net/sockstat and snmp).
// Processes, for ss -p (Threads for -T), maps socket inodes to the
// processes holding them, in ss's order: with the rights to, through a BPF
// task_file iterator that walks every task's descriptors in the kernel
// (about a tenth of the cost); else, or when STACKBOX_PROCSCAN=proc, by
// reading /proc/PID/fd as ss does. DumpRaw is ss -D.
//
// Counters (nstat) reads /proc/net/sctp/snmp, snmp, snmp6 and netstat in
// nstat's order, and Softnet /proc/net/softnet_stat; the parsers are plain
// functions over io.Reader (ParseCounters, ParseSoftnet) so that captured
// files and the reference stack can use them.
//
// A Kernel with a NetNS does everything inside that namespace: Do runs a
// function on an OS thread that joined it (one thread, kept while in use), and other packages use it to
// resolve interface names or read /proc/thread-self/net files there.
//
// Everything but the message decoders is Linux-only; on other systems the
// methods return an error wrapping stack.ErrNotSupported.
package kernel
