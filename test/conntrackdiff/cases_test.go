//go:build linux

package conntrackdiff

// Case is one comparison: both tools run with Args.
type Case struct {
	Args []string
	// Norm says how the outputs are compared (normalize_test.go).
	Norm norm
	// Want are strings the reference's stdout or stderr must hold: they
	// show the fixture exercises what the case is about.
	Want []string
	// Fail says the reference must exit non-zero.
	Fail bool
}

// c is shorthand for a Case with the arguments args.
func c(args ...string) Case { return Case{Args: args} }

// want returns k with the reference output strings w.
func (k Case) want(w ...string) Case { k.Want = append(k.Want, w...); return k }

// fails returns k expecting the reference to fail.
func (k Case) fails() Case { k.Fail = true; return k }

// with returns k compared under n.
func (k Case) with(n norm) Case { k.Norm = n; return k }

// listCases are the listings and their filters and output formats, run in
// the fixture with real traffic.
var listCases = []Case{
	c("-L").want("SYN_SENT2", "[ASSURED]", "zone=7", "zone-orig=3", "zone-reply=4", "delta-time=", "src=127.0.0.1"),
	c("-L", "conntrack"),
	c("--dump"),
	c("-L", "-f", "ipv4"),
	c("-L", "-f", "ipv6").want("icmpv6", "src=::1"),
	c("-L", "--family", "ipv6"),
	// Protocols, by name and number.
	c("-L", "-p", "tcp").want("TIME_WAIT", "ESTABLISHED"),
	c("-L", "-p", "udp"),
	c("-L", "-p", "icmp").want("type=8", "type=0 code=0 id=4660"),
	c("-L", "-p", "icmpv6").want("type=129"),
	c("-L", "-p", "udplite"),
	c("-L", "-p", "sctp"),
	c("-L", "-p", "dccp"),
	c("-L", "-p", "gre").want("srckey=0x1"),
	c("-L", "-p", "6"),
	c("-L", "-p", "17"),
	c("-L", "-p", "47"),
	c("-L", "-p", "253"),
	// Protocol options.
	c("-L", "-p", "tcp", "--sport", "41003").want("sport=41003"),
	c("-L", "-p", "tcp", "--dport", "443"),
	c("-L", "-p", "tcp", "--orig-port-src", "41004"),
	c("-L", "-p", "tcp", "--reply-port-src", "22"),
	c("-L", "-p", "tcp", "--reply-port-dst", "41007"),
	c("-L", "-p", "tcp", "--state", "ESTABLISHED"),
	c("-L", "-p", "tcp", "--state", "TIME_WAIT"),
	c("-L", "-p", "tcp", "--state", "SYN_SENT"),
	c("-L", "-p", "tcp", "--state", "SYN_RECV"),
	c("-L", "-p", "tcp", "--state", "FIN_WAIT"),
	c("-L", "-p", "tcp", "--state", "CLOSE_WAIT"),
	c("-L", "-p", "tcp", "--state", "LAST_ACK"),
	c("-L", "-p", "tcp", "--state", "CLOSE"),
	c("-L", "-p", "tcp", "--state", "LISTEN"),
	c("-L", "-p", "tcp", "--state", "NONE"),
	c("-L", "-p", "tcp", "--state", "ESTABLISHED", "--dport", "443"),
	c("-L", "-p", "udp", "--dport", "53"),
	c("-L", "-p", "udp", "--sport", "5354", "--dport", "53"),
	c("-L", "-p", "icmp", "--icmp-type", "8"),
	c("-L", "-p", "icmp", "--icmp-type", "13"),
	c("-L", "-p", "icmp", "--icmp-id", "101"),
	c("-L", "-p", "icmp", "--icmp-type", "8", "--icmp-code", "0", "--icmp-id", "100"),
	c("-L", "-p", "icmpv6", "--icmpv6-type", "128"),
	c("-L", "-p", "icmpv6", "--icmpv6-id", "201"),
	c("-L", "-p", "sctp", "--state", "ESTABLISHED"),
	c("-L", "-p", "dccp", "--state", "OPEN"),
	c("-L", "-p", "gre", "--srckey", "1"),
	// Addresses and masks.
	c("-L", "-s", "192.0.2.1"),
	c("-L", "--orig-src", "192.0.2.2"),
	c("-L", "-d", "198.51.100.1"),
	c("-L", "--orig-dst", "198.51.100.2"),
	c("-L", "-r", "198.51.100.2"),
	c("-L", "--reply-src", "203.0.113.53"),
	c("-L", "-q", "192.0.2.3"),
	c("-L", "--reply-dst", "192.0.2.5"),
	c("-L", "-s", "192.0.2.0/30"),
	c("-L", "-s", "192.0.2.0/24", "-d", "198.51.100.0/31"),
	c("-L", "-d", "203.0.113.0/25"),
	c("-L", "-s", "192.0.2.1", "--mask-src", "255.255.255.0"),
	c("-L", "-d", "198.51.100.1", "--mask-dst", "255.255.255.254"),
	c("-L", "-s", "2001:db8::1"),
	c("-L", "-s", "2001:db8::/64"),
	c("-L", "-d", "2001:db8::53/128"),
	c("-L", "-f", "ipv6", "-s", "2001:db8::2"),
	c("-L", "-s", "127.0.0.1"),
	c("-L", "-s", "::1"),
	c("-L", "-s", "0.0.0.0/0"),
	c("-L", "-p", "udp", "-s", "192.0.2.5", "-d", "203.0.113.53"),
	// NAT filters: no flow is NATed, the filters still parse and match.
	c("-L", "-n", "192.0.2.1"),
	c("-L", "-g", "198.51.100.1"),
	c("-L", "-j", "192.0.2.1"),
	c("-L", "--src-nat"),
	c("-L", "--dst-nat"),
	// Marks.
	c("-L", "-m", "1").want("mark=1 "),
	c("-L", "-m", "2"),
	c("-L", "-m", "0"),
	c("-L", "-m", "0x10"),
	c("-L", "-m", "16"),
	c("-L", "-m", "0x10/0xf0").want("mark=16 ", "mark=17 "),
	c("-L", "-m", "0x100/0x100"),
	c("-L", "-m", "1/0xff"),
	c("-L", "-m", "0/0"),
	c("-L", "--mark", "3"),
	c("-L", "-p", "tcp", "-m", "1"),
	// Statuses.
	c("-L", "-u", "ASSURED"),
	c("-L", "-u", "SEEN_REPLY"),
	c("-L", "-u", "FIXED_TIMEOUT"),
	c("-L", "-u", "ASSURED,SEEN_REPLY"),
	c("-L", "-u", "EXPECTED"),
	c("-L", "-u", "UNSET"),
	c("-L", "--status", "SEEN_REPLY", "-p", "udp"),
	// Zones.
	c("-L", "-w", "7"),
	c("-L", "--zone", "5"),
	c("-L", "-w", "0"),
	c("-L", "--orig-zone", "3"),
	c("-L", "--orig-zone", "9"),
	c("-L", "--reply-zone", "4"),
	c("-L", "-f", "ipv6", "-w", "7"),
	// Output formats.
	c("-L", "-o", "extended").want("ipv4     2 tcp      6 "),
	c("-L", "-o", "id").want(" id="),
	c("-L", "-o", "timestamp"),
	c("-L", "-o", "ktimestamp").want("[start="),
	c("-L", "-o", "labels").want("nfct_labelmap_new"),
	c("-L", "-o", "xml").want("<?xml", "<zone>3</zone>"),
	c("-L", "-o", "extended,id"),
	c("-L", "-o", "extended,ktimestamp,id"),
	c("-L", "-o", "xml,id"),
	c("-L", "-o", "xml,ktimestamp"),
	c("-L", "-o", "xml,extended"),
	c("-L", "-o", "userspace"),
	c("-L", "--output", "extended", "-p", "udp"),
	c("-L", "-f", "ipv6", "-o", "xml"),
	// Get.
	c("-G", "-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "443").want("use="),
	c("-G", "-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "444").fails(),
	c("-G", "-p", "tcp", "-s", "192.0.2.4", "-d", "198.51.100.4", "--sport", "41011", "--dport", "80", "-w", "5"),
	c("-G", "-p", "tcp", "-s", "192.0.2.4", "-d", "198.51.100.4", "--sport", "41011", "--dport", "80").fails(),
	c("-G", "-p", "tcp", "-s", "2001:db8::1", "-d", "2001:db8::2", "--sport", "42001", "--dport", "443", "-w", "7"),
	c("-G", "-p", "udp", "-s", "192.0.2.5", "-d", "203.0.113.53", "--sport", "5353", "--dport", "53", "-o", "xml"),
	c("-G", "-p", "udp", "-s", "192.0.2.5", "-d", "203.0.113.53", "--sport", "5353", "--dport", "53", "-o", "extended,id"),
	c("-G", "-p", "icmp", "-s", "192.0.2.7", "-d", "203.0.113.1", "--icmp-type", "8", "--icmp-code", "0", "--icmp-id", "100"),
	c("-G", "-p", "udp", "-r", "203.0.113.53", "-q", "192.0.2.5", "--reply-port-src", "53", "--reply-port-dst", "5353"),
	c("--get", "-p", "udp", "-s", "192.0.2.6", "-d", "203.0.113.53", "--sport", "5355", "--dport", "53", "--orig-zone", "3"),
	// Counting, statistics, expectations and the other tables.
	c("-C"),
	c("--count"),
	c("-C", "conntrack"),
	c("-S").with(norm{stats: true}).want("cpu=0", "found="),
	c("--stats").with(norm{stats: true}),
	c("-L", "expect"),
	c("-L", "expect", "-o", "xml"),
	c("-C", "expect"),
	c("-S", "expect").with(norm{stats: true}).want("expect_new="),
	c("-L", "dying"),
	c("-L", "unconfirmed"),
	c("-C", "dying"),
}

// labelCases are listings that use label names, run with the label map
// over /etc (where.labels) in a fixture whose flows carry labels.
var labelCases = []Case{
	c("-L", "-o", "labels").want("labels=one,five"),
	c("-L", "-l", "one"),
	c("-L", "-l", "five"),
	c("-L", "-l", "one,five"),
	c("-L", "--label", "last"),
	c("-L", "-l", "zero"),
	c("-L", "-l", "nosuchlabel").fails(),
	c("-L", "-o", "xml,labels"),
	c("-L", "-o", "extended,labels", "-l", "sixtyfour"),
	c("-G", "-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "443", "-o", "labels"),
}

// labelFlows are created (with label names, so through the label map) in
// the label fixture on top of flows.
var labelFlows = [][]string{
	{"-p", "tcp", "-s", "192.0.2.20", "-d", "198.51.100.20", "--sport", "43001", "--dport", "80", "--state", "ESTABLISHED", "--label-add", "one,five"},
	{"-p", "tcp", "-s", "192.0.2.20", "-d", "198.51.100.20", "--sport", "43002", "--dport", "80", "--state", "ESTABLISHED", "--label-add", "sixtyfour"},
	{"-p", "udp", "-s", "192.0.2.20", "-d", "198.51.100.20", "--sport", "43003", "--dport", "53", "--label-add", "last,zero", "-m", "9"},
}

// errorCases are bad command lines: every one gets conntrack-tools'
// message and exit status. They run in a fixture of their own, since a
// candidate that wrongly accepts a change would change the table.
var errorCases = []Case{
	c().want("Usage: conntrack"),
	c("-h"),
	c("--help"),
	c("-V"),
	c("--version"),
	c("--bogus").fails(),
	c("-X").fails(),
	c("-L", "-p").fails(),
	c("-L", "-o").fails(),
	c("-L", "-s").fails(),
	c("-L", "-D").fails().want("Invalid commands combination"),
	c("-L", "-I").fails(),
	c("-E", "-L").fails(),
	c("-G", "-L").fails(),
	c("-L", "-F").fails(),
	c("-C", "-S").fails(),
	c("-L", "bogus").fails(),
	c("-L", "conntrack", "extra"),
	c("-L", "-p", "foo").fails().want("unsupported protocol"),
	c("-L", "-p", "300").fails(),
	c("-L", "-p", "tcp", "--state", "FOO").fails().want("unknown TCP state"),
	c("-L", "--state", "ESTABLISHED").fails(),
	c("-L", "-p", "udp", "--state", "ESTABLISHED").fails(),
	// Not here: `-L -p sctp --state FOO`, which crashes conntrack 1.4.7
	// (SIGSEGV): there is no output to compare with.
	c("-L", "-p", "dccp", "--state", "FOO").fails(),
	c("-L", "-p", "tcp", "--sport", "x"),
	c("-L", "-p", "tcp", "--sport", "70000"),
	c("-L", "-p", "tcp", "--icmp-type", "8").fails(),
	c("-L", "-p", "icmp", "--icmp-type", "x"),
	c("-L", "-p", "icmp", "--icmp-type", "300"),
	c("-L", "-f", "ipv6", "-s", "1.2.3.4").fails().want("mismatched address family"),
	c("-L", "-f", "ipv4", "-s", "2001:db8::1").fails(),
	c("-L", "-s", "2001:db8::1", "-d", "1.2.3.4").fails(),
	c("-L", "-f", "ipx").fails(),
	c("-L", "-s", "foo").fails().want("Invalid IP address"),
	c("-L", "-s", "1.2.3.4/33").fails().want("Invalid netmask"),
	c("-L", "-s", "2001:db8::/129").fails(),
	c("-L", "-s", "1.2.3.4/x").fails(),
	c("-L", "-s", "1.2.3.4", "--mask-src", "foo").fails(),
	c("-L", "--mask-src", "255.255.255.0").fails(),
	c("-L", "-m", "foo"),
	c("-L", "-m", "1/"),
	c("-L", "-m", "0x1/0xzz"),
	c("-L", "-m", "99999999999"),
	c("-L", "-u", "FOO").fails().want("Bad parameter `FOO'"),
	c("-L", "-u", "assured"),
	c("-L", "-o", "bogus").fails(),
	c("-L", "-o", "xml,bogus").fails(),
	c("-L", "-w", "x"),
	c("-L", "-w", "70000"),
	c("-L", "-t", "10").fails().want("Illegal option `--timeout'"),
	c("-L", "-e", "NEW").fails(),
	c("-E", "-e", "FOO").fails(),
	c("-L", "-z", "-p", "tcp").fails().want("Can't use -z with filtering parameters"),
	c("-L", "-b", "x"),
	c("-L", "-c", "1"),
	c("-L", "-l", "one").fails(),
	c("-F", "-s", "1.2.3.4").fails(),
	c("-C", "-p", "tcp").fails(),
	c("-S", "-p", "tcp").fails(),
	c("-S", "-o", "xml").fails(),
	c("-G").fails(),
	c("-G", "-p", "tcp").fails(),
	c("-G", "-p", "tcp", "-s", "1.2.3.4").fails(),
	c("-G", "expect").fails(),
	c("-I", "-s", "1.2.3.4").fails().want("You need to supply the `--protonum' option"),
	c("-I", "-p", "tcp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--sport", "1", "--dport", "2", "--state", "ESTABLISHED").fails().want("`--timeout'"),
	c("-I", "-p", "tcp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--sport", "1", "--dport", "2", "-t", "10").fails(),
	c("-I", "-p", "tcp", "-s", "1.2.3.4", "--sport", "1", "--dport", "2", "--state", "ESTABLISHED", "-t", "10").fails(),
	c("-I", "-f", "ipv6", "-p", "udp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--sport", "1", "--dport", "2", "-t", "10").fails(),
	c("-I", "-p", "udp", "-s", "1.2.3.4", "-d", "2001:db8::1", "--sport", "1", "--dport", "2", "-t", "10").fails(),
	c("-I", "-p", "tcp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--sport", "1", "--dport", "2", "--state", "FOO", "-t", "10").fails(),
	c("-I", "-p", "udp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--sport", "1", "--dport", "2", "-t", "x"),
	c("-I", "-p", "udp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--sport", "1", "--dport", "2", "-t", "10", "-u", "FOO").fails(),
	c("-I", "-p", "udp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--sport", "1", "--dport", "2", "-t", "10", "--orig-zone", "1", "--reply-zone", "2").fails(),
	c("-I", "-p", "udp", "-s", "1.2.3.4", "-d", "1.2.3.5", "--sport", "1", "--dport", "2", "-t", "10", "--label-add", "one").fails(),
	c("-D", "-p", "tcp", "--state", "FOO").fails(),
	c("-D", "-p", "foo").fails(),
	c("-D", "-t", "10").fails(),
	c("-U", "-p", "foo").fails(),
	c("-U", "-p", "tcp", "--state", "BAR").fails(),
	c("-U", "-s", "1.2.3.4", "-m", "x/y"),
	c("-E", "-o", "bogus").fails(),
	c("-R").fails(),
	c("-R", "/nonexistent/conntrackdiff-commands").fails(),
}
