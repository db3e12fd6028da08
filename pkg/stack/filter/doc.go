// Package filter is ss's filter language: the "state"/"exclude" words and
// the expression of ss 6.1 (misc/ssfilter.y and the helpers of misc/ss.c),
// parsed with the same words, the same errors and exit statuses, matched
// in user space and compiled to the kernel's inet_diag bytecode.
//
// # Use
//
//	f, err := filter.Parse(args, filter.Options{TCP: true, UDP: true})
//	var fe *filter.Error
//	if errors.As(err, &fe) {
//		// write fe.Msg (then ss's usage if fe.Usage) to stderr, exit fe.Code
//	}
//	if f.HasStates { states = f.States }   // when not zero, see Filter.States
//	if f.Family != 0 { families = just f.Family }
//	q.Filter = f                            // stack.Filter and stack.BytecodeFilter
//
// Parse takes the words left after ss's options, and Options.File the -F
// file (ParseReader reads a file alone). Names are resolved while parsing
// through Options.Resolver (SystemResolver by default): host names through
// /etc/hosts and DNS, service names through /etc/services, interface names,
// cgroup paths through the cgroup2 mount. Run Parse in the network
// namespace being inspected.
//
// # Language
//
//	FILTER := [ state STATE | exclude STATE | excl STATE ]... [ EXPR ]
//	EXPR   := TERM | EXPR and TERM | EXPR or TERM | EXPR TERM
//	TERM   := ( EXPR ) | not TERM | COND | autobound
//	COND   := src [=] ADDR | dst [=] ADDR
//	        | sport OP PORT | dport OP PORT
//	        | dev {=|!=} NAME-OR-INDEX | fwmark {=|!=} MARK[/MASK]
//	        | cgroup {=|!=} PATH
//
// "and" is also "&" or "&&", "or" "|" or "||", "not" "!"; "and", "or" and
// juxtaposition have one precedence and group left to right ("a or b and
// c" is "(a or b) and c"). OP is "=" ("==", "eq", or nothing), "!=" ("ne",
// "neq"), ">=" ("ge", "geq"), "<=" ("le", "leq"), ">" ("gt") or "<" ("lt").
// Each command-line word is split again at spaces and tabs, so
// "sport = :22" may be one word; a backslash escapes the next character.
//
// STATE is all, connected, synchronized, bucket, big, or one of
// established, syn-sent, syn-recv (syn-rcv), fin-wait-1, fin-wait-2,
// time-wait, unconnected (close, closed), close-wait, last-ack, listening,
// closing, unknown, in any case. The first "state" starts from no state
// and the first "exclude" from all; later words add or remove.
//
// ADDR is [HOST][:PORT], [IPV6][:PORT], *[:PORT] or :PORT, where HOST is
// an IPv4 address (in iproute2's loose form: 10.8 is 10.8.0.0), an IPv6
// address with a prefix length (fe80::/64), "default", "any", "all", or a
// host name; a prefix length may be a dotted netmask. PORT is a number
// (C syntax: 0x16, 026) or a service name of the tcp/udp tables shown, and
// "*" is any. "unix:GLOB", "link:PROTO[:IFACE]", "netlink:PROTO[:PORTID]",
// "vsock:CID[:PORT]", "inet:ADDR" and "inet6:ADDR" read an address in that
// family (and make ss show that family only, see Filter.Family); so does
// ss's preferred family (Options.Family: -4, -6, -x, -0, -f). Unix
// patterns match the socket's name with fnmatch, ignoring case. For
// sport and dport the word is a port only.
//
// # Matching
//
// Filter.Match decides like ss: for inet sockets it applies both the
// kernel's reading of the compiled program and ss's own user-space test
// (ss dumps with the program and tests every answer again), for unix,
// packet and netlink sockets the user-space test, in which "sport" and
// "dport" are the inode and peer inode (unix), the interface (packet) or
// the port id (netlink). autobound is a local port in the ephemeral range
// (inet), an autobind name (unix), no protocol and device (packet), or a
// kernel-assigned port id (netlink).
//
// # Deviations from ss 6.1
//
//   - A host name with several addresses matches any of them, in the kernel
//     program too; ss's program tests the first address repeatedly.
//   - ss's probe for kernel support of cgroup filters (kernels before 5.9)
//     is not made. "cgroup = PATH" is looked up as ss does: PATH as it
//     stands first (so "/" is the root directory, matching no socket),
//     then inside the cgroup2 mount.
//   - Host names are resolved by Go's resolver; ss's rpcinfo service names
//     (ss -r) are not looked up.
//   - "autobound" on inet sockets is tested on the port range only: the
//     kernel's test (the port was not bound explicitly) cannot be made
//     from a stack.Socket, so Match does not run the program then.
//   - Conditions whose family cannot meet (a unix pattern on an inet
//     socket, an address on a named unix socket) never match, where ss
//     compares pointer bytes; no compiled program holds unix, link,
//     netlink or vsock conditions (ss would send one the kernel rejects).
package filter
