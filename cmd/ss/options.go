package ss

import "github.com/stackbox/stackbox/pkg/cli/getopt"

// IDs of long-only options.
const (
	optTIPC = 1000 + iota
	optTIPCInfo
	optVsock
	optXDP
	optTOS
	optCgroup
	optInetSockopt
	optJSON
)

// ssOptions are ss 6.1's options in the order of its long_opts table (the
// order glibc lists ambiguous abbreviations in), plus --json.
var ssOptions = []getopt.Option{
	{Short: 'n', Long: "numeric"},
	{Short: 'r', Long: "resolve"},
	{Short: 'o', Long: "options"},
	{Short: 'e', Long: "extended"},
	{Short: 'm', Long: "memory"},
	{Short: 'i', Long: "info"},
	{Short: 'p', Long: "processes"},
	{Short: 'T', Long: "threads"},
	{Short: 'b', Long: "bpf"},
	{Short: 'E', Long: "events"},
	{Short: 'd', Long: "dccp"},
	{Short: 't', Long: "tcp"},
	{Short: 'S', Long: "sctp"},
	{Short: 'u', Long: "udp"},
	{Short: 'w', Long: "raw"},
	{Short: 'x', Long: "unix"},
	{Long: "tipc", ID: optTIPC},
	{Long: "vsock", ID: optVsock},
	{Short: 'a', Long: "all"},
	{Short: 'l', Long: "listening"},
	{Short: '4', Long: "ipv4"},
	{Short: '6', Long: "ipv6"},
	{Short: '0', Long: "packet"},
	{Short: 'f', Long: "family", Arg: getopt.RequiredArgument},
	{Short: 'A', Long: "socket", Arg: getopt.RequiredArgument},
	{Short: 'A', Long: "query", Arg: getopt.RequiredArgument},
	{Short: 's', Long: "summary"},
	{Short: 'D', Long: "diag", Arg: getopt.RequiredArgument},
	{Short: 'F', Long: "filter", Arg: getopt.RequiredArgument},
	{Short: 'V', Long: "version"},
	{Short: 'h', Long: "help"},
	{Short: 'Z', Long: "context"},
	{Short: 'z', Long: "contexts"},
	{Short: 'N', Long: "net", Arg: getopt.RequiredArgument},
	{Long: "tipcinfo", ID: optTIPCInfo},
	{Long: "tos", ID: optTOS},
	{Long: "cgroup", ID: optCgroup},
	{Short: 'K', Long: "kill"},
	{Short: 'H', Long: "no-header"},
	{Long: "xdp", ID: optXDP},
	{Short: 'M', Long: "mptcp"},
	{Short: 'O', Long: "oneline"},
	{Long: "inet-sockopt", ID: optInetSockopt},
	{Short: 'v'},
	{Long: "json", ID: optJSON},
}
