//go:build linux

package ssdiff

import (
	"fmt"
	"strings"
)

// The table of cases compared by TestSS. Group names prefix the subtests
// (table/, query/, family/, option/, state/, filter/, error/), so one group
// runs with -run 'TestSS/filter'. To add a case, add a line: the features
// it needs are derived from its arguments (see features); add Needs for
// anything else and Want for what the reference must show.
//
// What sockmix holds is described in package sockmix: TCP listeners on
// 22 80 5432(v6only) 443(dual) 8080 7 9(%lo) 12345 61000(mark 0x2a) 2000
// 3000 4444 25(sbv0), connections from 40001-40014 and 1023, UDP 53 123
// 5353 69 1 50000, raw, unix stream/dgram/seqpacket in {dir} and @sbt-*,
// packet, netlink, MPTCP 8443.
func allCases() []group {
	return []group{
		{"table", tableCases()},
		{"query", queryCases()},
		{"family", familyCases()},
		{"option", optionCases()},
		{"state", stateCases()},
		{"filter", filterCases()},
		{"error", errorCases()},
	}
}

type group struct {
	name  string
	cases []Case
}

func tableCases() []Case {
	return []Case{
		c("", "ESTAB", "u_str", "tcp", "udp"),
		c("-a", "LISTEN", "TIME-WAIT", "UNCONN", "nl", "p_raw", "u_seq", "mptcp", "raw"),
		c("-l", "LISTEN", "UNCONN"),
		c("-n"),
		c("-an", "127.0.0.1:22 ", "[::1]:5432"),
		c("-ln"),
		c("-t", "ESTAB", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "SYN-SENT", "127.0.0.1:ssh", "[::1]:postgresql"),
		c("-ta", "LISTEN", "SYN-RECV", "TIME-WAIT", "*:https", "[::]:postgresql", "0.0.0.0%lo:discard", "192.0.2.1%sbv0:smtp", "[::ffff:127.0.0.1]:https"),
		c("-tl", "LISTEN"),
		c("-tn", "127.0.0.1:40001"),
		c("-tan", "127.0.0.1:1023 ", "127.0.0.1%lo:40011"),
		c("-tln"),
		c("-u", "127.0.0.1:tftp", "127.0.0.1:domain"),
		c("-ua", "0.0.0.0:domain", "[::1]:ntp", "*:mdns", "127.0.0.1%lo:50000"),
		c("-ul"),
		c("-uan", "0.0.0.0:53 ", "[2001:db8::1]:53"),
		c("-w"),
		c("-wa", "icmp", "ipv6-icmp"),
		c("-wl"),
		c("-wan", ":255 "),
		c("-x", "u_str", "@sbt-abstract-stream", "stream.sock"),
		c("-xa", "u_seq", "u_dgr", "LISTEN", "@sbt-abstract-dgram", "seq.sock", "dgram.sock"),
		c("-xl", "LISTEN"),
		c("-xan"),
		c("-0", "p_raw", "p_dgr"),
		c("-0a"),
		c("-0n", "p_raw"),
		c("-M", "8443"),
		c("-Ma", "LISTEN"),
		c("-Ml"),
		c("-Man", "127.0.0.1:40014"),
		c("-S"),
		c("-Sa"),
		c("-d"),
		c("-da"),
		c("--vsock"),
		c("--vsock -a"),
		c("--tipc"),
		c("--tipc -a"),
		c("--xdp"),
		c("--xdp -a"),
		c("-tu"),
		c("-tua"),
		c("-tuwx -a"),
		c("-t -u -w -x -0 -M -a"),
		c("-tx -l"),
		c("--tcp --udp --raw --unix --packet --mptcp --all"),
		c("--listening --tcp"),
		c("--numeric --udp --all"),
		c("-a -n -t -l"),
		c("-tal -l -a"),
	}
}

// queryNames are every table name -A takes, with aliases.
var queryNames = []string{
	"all", "inet", "tcp", "mptcp", "udp", "raw", "unix", "unix_dgram", "unix_stream",
	"unix_seqpacket", "packet", "packet_raw", "packet_dgram", "netlink", "dccp", "sctp",
	"vsock", "vsock_stream", "vsock_dgram", "tipc", "xdp",
	"u_str", "u_dgr", "u_seq", "p_raw", "p_dgr", "v_str", "v_dgr",
}

func queryCases() []Case {
	var cs []Case
	for _, q := range queryNames {
		cs = append(cs, c("-a -A "+q))
	}
	cs = append(cs,
		c("-A tcp", "ESTAB"),
		c("-A unix", "u_str"),
		c("-A netlink"),
		c("-A packet"),
		c("-A tcp,udp -a", "tcp", "udp"),
		c("-A tcp -A udp -a", "tcp", "udp"),
		c("-a -A all,!tcp", "udp", "u_str"),
		c("-a -A inet,!udp,!raw", "tcp"),
		c("-a -A !tcp"),
		c("-a -A unix,!u_str", "u_dgr", "u_seq"),
		c("-a -A packet,!p_raw", "ip:lo"),
		c("-a -A all,!netlink,!unix"),
		c("-a -A tcp,!tcp"),
		c("-a --query=tcp,udp"),
		c("-a --query udp"),
		c("-a --socket=unix_stream"),
		c("-a -Aunix_dgram"),
		c("-a -A u_str,u_dgr,u_seq,p_raw,p_dgr"),
		c("-l -A tcp", "LISTEN"),
		c("-t -A udp -a"),
		c("-A mptcp,tcp -a"),
	)
	return cs
}

func familyCases() []Case {
	cs := []Case{
		c("-4 -a", "127.0.0.1"),
		c("-6 -a", "[::1]"),
		c("-4"),
		c("-6"),
		c("-4 -t -a"),
		c("-6 -t -a", "*:https"),
		c("-4 -u -a"),
		c("-6 -u -a"),
		c("-4 -w -a"),
		c("-6 -w -a"),
		c("-4 -x -a"),
		c("-6 -0 -a"),
		c("-4 -6 -a"),
		c("-6 -4 -ta"),
		c("--ipv4 --tcp --all"),
		c("--ipv6 --udp --all"),
		c("-f link"),
		c("-f netlink"),
		c("--family=inet6 -a"),
		c("--family inet -t"),
		c("-finet -a"),
		c("-f inet -f unix -a"),
		c("-f unix -f netlink -a"),
		c("-f inet6 -A tcp -a"),
		c("-4 -f inet6 -a"),
		c("-t -f unix -a"),
		c("-a --net={ns} -t", "LISTEN"),
		c("-a --net {ns} -u", "UNCONN"),
	}
	for _, f := range []string{"inet", "inet6", "unix", "link", "netlink", "vsock", "tipc", "xdp"} {
		cs = append(cs, c("-a -f "+f))
	}
	return cs
}

func optionCases() []Case {
	return []Case{
		c("-to -a", "timer:(keepalive", "timer:(timewait", "timer:(on", "timer:(persist"),
		c("-tao -n"),
		c("-uo -a"),
		c("-xo -a"),
		c("-te -a", "ino:", "sk:", "v6only:1", "fwmark:0x2a", "<->"),
		c("-ue -a", "ino:"),
		c("-xe -a", "<->"),
		c("-we -a"),
		c("-0e", "ver:"),
		c("-f netlink -e -a"),
		c("-tm -a", "skmem:("),
		c("-um -a", "skmem:("),
		c("-xm -a", "skmem:("),
		c("-0m"),
		c("-f netlink -m -a"),
		c("-wm -a"),
		c("-ti -a", "rto:", "cwnd:", "rcv_space:", "lastsnd:"),
		c("-tin -a"),
		c("-ti state established"),
		c("-Mi -a"),
		c("-ui -a"),
		c("-xi -a"),
		c("-tp -a", `users:(("sockmix",pid=`),
		c("-up -a", "sockmix"),
		c("-xp -a", "sockmix"),
		c("-0p", "sockmix"),
		c("-wp -a", "sockmix"),
		c("-f netlink -p -a"),
		c("-s", "Total:", "TCP:", "Transport Total"),
		c("-s -t"),
		c("-s -a -x"),
		c("-s -n sport = :22"),
		c("-H -ta", "LISTEN"),
		c("-H -x"),
		c("-O -tai"),
		c("-O -taeimo"),
		c("-O -xae"),
		c("-O -0e"),
		c("-b -0", "bpf filter (1)", "bpf filter (3)"),
		c("-b -ta"),
		c("-b -w -a"),
		c("--inet-sockopt -ta", "inet-sockopt:"),
		c("--inet-sockopt -ua"),
		c("--tos -ta", "tos:"),
		c("--tos -ua"),
		c("--tos -wa"),
		c("--cgroup -ta"),
		c("--cgroup -xa"),
		c("-tanoeimp"),
		c("-uanoeimp"),
		c("-xanoeimp"),
		c("-aeimop"),
		c("-aeimopb --tos --inet-sockopt"),
		c("-r -ta src 127.0.0.1 and dst 127.0.0.1", "localhost:"),
		c("-rn -ta src 127.0.0.1", "localhost:"),
		c("-r -x"),
		c("--resolve --tcp dst localhost", "localhost:"),
		c("-Ht", "ESTAB"),
		c("-Htn"),
		c("--no-header --oneline -ta"),
		c("--extended --memory --info --options --tcp"),
		// -T reads every thread's fds in /proc: slow on a busy host,
		// so once only.
		c("--processes --threads --tcp --all", "tid="),
		c("--summary"),
		c("--bpf --packet"),
		// -h, -V and -f help print usage or version and exit.
		c("-h", "Usage:"),
		c("--help"),
		c("-V", "iproute2"),
		c("--version"),
		c("-f help", "Usage:"),
		c("-t -h"),
	}
}

// stateNames are every name state/exclude take, as ss spells and aliases
// them.
var stateNames = []string{
	"established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait",
	"closed", "close-wait", "last-ack", "listening", "closing",
	"all", "connected", "synchronized", "bucket", "big",
	"close", "syn-rcv", "unconnected", "ESTABLISHED", "Listening", "TIME-WAIT",
}

func stateCases() []Case {
	var cs []Case
	for _, s := range stateNames {
		cs = append(cs, c("-tn state "+s))
		cs = append(cs, c("-tn exclude "+s))
	}
	cs = append(cs,
		c("-tn state syn-sent", "127.0.0.1:40010"),
		c("-tn state syn-recv", "127.0.0.1:40008"),
		c("-tn state time-wait", "12345"),
		c("-tn state fin-wait-1", "40005"),
		c("-tn state close-wait", "40006"),
		c("-tn excl listening"),
		c("-tn state established state listening"),
		c("-tn state established state time-wait state syn-sent"),
		c("-tn exclude listening exclude established"),
		c("-tn state all exclude established"),
		c("-tn state listening exclude listening"),
		c("-tn exclude bucket state time-wait"),
		c("-un state all"),
		c("-un state established"),
		c("-un state closed"),
		c("-un state unconnected"),
		c("-xn state all"),
		c("-xn state listening"),
		c("-xn state connected"),
		c("-xn exclude established"),
		c("-wn state all"),
		c("-0 state all"),
		c("-0 state established"),
		c("-f netlink state all"),
		c("-f netlink state established"),
		c("-an state established"),
		c("-ln state established"),
		c("-Mn state all"),
		c("state all"),
		c("state connected"),
		c("exclude connected"),
		c("-a state listening -n"),
	)
	return cs
}

// portOps are every comparison the port filters take, with aliases.
var portOps = []string{"=", "==", "eq", "!=", "ne", "neq", ">", "gt", "<", "lt", ">=", "ge", "geq", "<=", "le", "leq"}

func filterCases() []Case {
	var cs []Case
	for _, op := range portOps {
		cs = append(cs, c(fmt.Sprintf("-tan sport %s :80", op)))
		cs = append(cs, c(fmt.Sprintf("-tan dport %s :8080", op)))
	}
	cs = append(cs,
		c("-tan sport :22", ":22 "),
		c("-tan sport 22"),
		c("-tan sport = 22"),
		c("-tan dport = :http"),
		c("-ta sport = :ssh", "ssh"),
		c("-ta sport = :postgresql"),
		c("-ta sport = :https", "https"),
		c("-ta dport = :http-alt"),
		c("-ua sport = :domain", "domain"),
		c("-ua sport = :ntp"),
		c("-ua dport = :tftp"),
		c("-a sport = :domain"),
		c("-tan sport = :*"),
		c("-tan dport = :0"),
		c("-tan sport >= :1 and sport <= :100"),
		c("-tan sport > :40000 sport < :40010"),
		c("-tan dport > :1023"),
		c("-uan sport < :100"),
		c("-xan sport = :22"),

		// Addresses and prefixes.
		c("-tan src 127.0.0.1"),
		c("-tan src 127.0.0.1:80"),
		c("-tan dst 127.0.0.1:80"),
		c("-tan dst 127.0.0.1:http"),
		c("-tan src 127.0.0.0/8"),
		c("-tan src 127.0.0.2/32", "127.0.0.2"),
		c("-tan src 127.0.0.0/31"),
		c("-tan dst 192.0.2.0/24", "192.0.2.1"),
		c("-tan src 192.0.2.1"),
		c("-tan src 0.0.0.0"),
		c("-tan src 0.0.0.0/0"),
		c("-tan src [::1]", "[::1]"),
		c("-tan src [::1]:8080"),
		c("-tan dst [::1]/128"),
		c("-tan src ::1"),
		c("-tan src [::]"),
		c("-tan src ::/0"),
		c("-tan src [::ffff:127.0.0.1]"),
		c("-tan src [::ffff:127.0.0.1]:443"),
		c("-uan src 2001:db8::/32", "2001:db8::1"),
		c("-uan src [2001:db8::1]:53"),
		c("-tan src *"),
		c("-tan src *:22"),
		c("-tan src :22"),
		c("-tan src inet:127.0.0.1"),
		c("-tan src inet6:[::1]"),
		c("-tan src inet6:::1"),
		c("-tan dst 127.0.0.2:2000"),
		c("-tan src 127.0.0.1 or src ::1"),
		c("-uan dst 127.0.0.1:53"),
		c("-wan src 127.0.0.1"),
		c("-tan src localhost", "127.0.0.1"),
		c("-tan dst localhost:http"),
		c("-ta src localhost:ssh"),
		c("-4 -tan src localhost"),

		// Unix, packet and netlink addresses.
		c("-xa src {dir}/stream.sock", "stream.sock"),
		c("-xa src {dir}/*", "seq.sock"),
		c("-xa src unix:{dir}/dgram.sock"),
		c("-xa src @sbt-abstract-*", "@sbt-abstract"),
		c("-xa dst {dir}/stream.sock"),
		c("-xa src *"),
		c("-a src unix:*"),
		c("-x src {dir}/nosuch.sock"),
		c("-0 src link:ip"),
		c("-0 src link:*:lo"),
		c("-0 src ip:lo"),
		c("-0 src *:*"),
		c("-0 src link:all"),
		c("-a -f netlink src netlink:rtnl"),
		c("-a -f netlink src rtnl:kernel"),
		c("-a -f netlink src genl:*"),
		c("-a -f netlink src netlink:*:0"),

		// Devices, marks, cgroups, autobound.
		c("-tan dev lo", "%lo"),
		c("-tan dev = lo"),
		c("-tan dev sbv0", "%sbv0"),
		c("-tan dev != lo"),
		c("-tan dev 1"),
		c("-uan dev lo"),
		c("-uan dev sbv0"),
		c("-tan fwmark 0x2a", "61000"),
		c("-tan fwmark = 0x2a/0xff"),
		c("-tan fwmark 42"),
		c("-tan fwmark != 0x2a"),
		c("-tan fwmark 0x20/0xf0"),
		c("-tan fwmark 0/0xffffffff"),
		c("-uan fwmark 0x2a", "50000"),
		c("-ten fwmark 0x2a/0x2a"),
		c("-tan cgroup /"),
		c("-tan cgroup != /"),
		c("-tan autobound"),
		c("-uan autobound"),
		c("-xan autobound"),
		c("-0 autobound"),
		c("-a -f netlink autobound"),
		c("-tan not autobound"),

		// Logic: and, or, not, parentheses and precedence. The grammar
		// reads left to right with no precedence between and and or.
		c("-tan sport = :80 or dport = :80"),
		c("-tan sport = :80 || dport = :80"),
		c("-tan sport = :80 | dport = :80"),
		c("-tan sport = :80 and dst 127.0.0.1"),
		c("-tan sport = :80 && dst 127.0.0.1"),
		c("-tan sport = :80 & dst 127.0.0.1"),
		c("-tan sport = :80 dst 127.0.0.1"),
		c("-tan not sport = :80"),
		c("-tan ! sport = :80"),
		c("-tan ( sport = :80 or sport = :22 ) and dport >= :40000"),
		c("-tan sport = :80 or sport = :22 and dport >= :40000"),
		c("-tan sport = :22 or ( sport = :80 and dport >= :40000 )"),
		c("-tan not sport = :80 or sport = :22"),
		c("-tan not ( sport = :80 or sport = :22 )"),
		c("-tan ( ( sport = :80 ) )"),
		c("-tan not not sport = :80"),
		c("-tan src 127.0.0.1 and not dst 127.0.0.1"),
		c("-tan ( src [::1] or src 192.0.2.1 ) and ! dport = :0"),
		c("-an ( sport = :22 or sport = :53 )"),
		Case{Args: []string{"-tan", "sport = :80 or sport = :22"}},
		Case{Args: []string{"-tan", "( sport = :80 )", "or", "dport = :80"}},
		c("-tan state established ( dport = :ssh or sport = :ssh )"),
		c("-tan exclude time-wait src 127.0.0.1"),

		// Filters read from a file or from standard input.
		Case{Args: []string{"-tan", "-F", "{file}"}, File: "sport = :80\nor dport = :80\n"},
		Case{Args: []string{"-tan", "-F", "{file}"}, File: "# comment\nsport = :22\n"},
		Case{Args: []string{"-tan", "-F", "{file}"}, File: "0 a line starting with 0 is skipped\nsport = :22\n"},
		Case{Args: []string{"-tan", "-F", "{file}"}, File: "src 127.0.0.1\n\nand dport = :http\n"},
		Case{Args: []string{"-tan", "-F", "{file}"}, File: ""},
		Case{Args: []string{"-tan", "--filter={file}"}, File: "sport = :8080"},
		Case{Args: []string{"-tan", "-F", "-"}, Stdin: "sport = :22 or sport = :80\n"},
		Case{Args: []string{"-tan", "-F", "{file}", "dport", "=", ":80"}, File: "sport = :22\n"},
		Case{Args: []string{"-tan", "-F", "{file}"}, File: "state established\n"},
	)
	return cs
}

func errorCases() []Case {
	return []Case{
		c("-f bogus", "invalid family"),
		c("-A bogus", "illegal socket table id"),
		c("-A UNIX_STREAM"),
		c("-A tcp,bogus"),
		c("state bogus", "wrong state name"),
		c("exclude bogus"),
		c("state"),
		c("-t state"),
		c("--bogus"),
		c("-y"),
		c("-Z"),
		c("-z"),
		c("-tan sport = :nosuchsvc", "does not look like a port"),
		c("-tan src nosuchhost.invalid"),
		c("-tan sport = :22 and"),
		c("-tan ( sport = :22"),
		c("-tan sport = :22 )"),
		c("-tan sport >"),
		c("-tan sport"),
		c("-tan and"),
		c("-tan bogusword"),
		c("-tan dev nosuchdev", "Cannot parse device"),
		c("-tan fwmark zz"),
		c("-tan fwmark 1/zz"),
		c("-tan cgroup /nonexistent"),
		c("-tan src [::1"),
		c("-tan src 300.1.1.1"),
		c("-tan src 127.0.0.1/33"),
		c("-tan dport = :70000"),
		c("-tan sport = :-1"),
		c("-F /nonexistent/filter"),
		Case{Args: []string{"-tan", "-F", "{file}", "-F", "{file}"}, File: "sport = :22\n"},
		Case{Args: []string{"-tan", "-F", "{file}"}, File: "sport = :22 and\n"},
		c("-D"),
		c("-f"),
		c("-A"),
		c("-F"),
		c("-x -D /dev/null"),
		Case{Args: []string{"-N"}, NoNS: true},
		Case{Args: []string{"-N", "sbt-no-such-namespace", "-t"}, NoNS: true, Want: []string{"sbt-no-such-namespace"}},
		Case{Args: []string{"--net=sbt-no-such-namespace"}, NoNS: true},
		c("-a -A !tcp", "no socket tables"),
		c("-4 -x"),
		c("-x -4"),
		c("-0 state established"),
		c("-t -f bogus"),
		c("-tn state time-wait state bogus"),
	}
}

// expand replaces the placeholders of Case.Args.
func expand(args []string, dir, file, ns string) []string {
	out := make([]string, len(args))
	r := strings.NewReplacer("{dir}", dir, "{file}", file, "{ns}", ns)
	for i, a := range args {
		out[i] = r.Replace(a)
	}
	return out
}
