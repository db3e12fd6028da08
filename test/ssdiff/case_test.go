//go:build linux

package ssdiff

import (
	"sort"
	"strings"
)

// Case is one argument list given to both tools.
type Case struct {
	// Name names the subtest; it defaults to the arguments.
	Name string
	// Args follow "-N NS". In them "{dir}" is the directory of sockmix's
	// unix sockets, "{file}" a file holding File, and "{ns}" the target
	// namespace's name (then -N NS is not put in front).
	Args []string
	// Stdin is the tools' standard input.
	Stdin string
	// File is the content of the file named by {file}.
	File string
	// NoNS leaves out the -N NS in front of Args.
	NoNS bool
	// Needs lists features beyond those derived from Args (see features).
	Needs []string
	// Want lists strings the reference's stdout or stderr must contain:
	// a check that the fixture really exercises the case. Without it a
	// case that shows nothing on both sides would pass unnoticed.
	Want []string
}

// c makes a case from a blank-separated argument string; want is Case.Want.
func c(args string, want ...string) Case {
	return Case{Args: strings.Fields(args), Want: want}
}

// cn is c with extra needed features.
func cn(needs []string, args string, want ...string) Case {
	k := c(args, want...)
	k.Needs = needs
	return k
}

// Features name what a case needs the candidate to implement, so a run
// can be limited to what is ready (-ssdiff.only, -ssdiff.skip). Most are
// derived from the arguments by features; cases add others in Needs.
const (
	fTCP      = "tcp"
	fUDP      = "udp"
	fRaw      = "raw"
	fUnix     = "unix"
	fPacket   = "packet"
	fNetlink  = "netlink"
	fMPTCP    = "mptcp"
	fSCTP     = "sctp"
	fDCCP     = "dccp"
	fVsock    = "vsock"
	fTIPC     = "tipc"
	fXDP      = "xdp"
	fAllTabs  = "all-tables" // no table chosen: every table
	fQuery    = "query"      // -A
	fFamily   = "family"     // -f, -4, -6
	fListen   = "listening"  // -l
	fAll      = "all"        // -a
	fNumeric  = "numeric"    // -n
	fServices = "services"   // port names without -n
	fResolve  = "resolve"    // -r
	fTimers   = "timers"     // -o
	fExtended = "extended"   // -e
	fMemory   = "memory"     // -m
	fInfo     = "info"       // -i
	fProcess  = "process"    // -p
	fThreads  = "threads"    // -T
	fSummary  = "summary"    // -s
	fBPF      = "bpf"        // -b
	fOneline  = "oneline"    // -O
	fNoHeader = "no-header"  // -H
	fSockopt  = "inet-sockopt"
	fTOS      = "tos"
	fCgroup   = "cgroup"  // --cgroup
	fSELinux  = "selinux" // -Z -z
	fHelp     = "help"    // -h -V -f help
	fNetns    = "netns"   // -N / --net forms
	fState    = "state"   // state / exclude
	fFPort    = "filter-port"
	fFAddr    = "filter-addr"
	fFHost    = "filter-host" // host names looked up (localhost)
	fFDev     = "filter-dev"
	fFMark    = "filter-mark"
	fFCgroup  = "filter-cgroup"
	fFAuto    = "filter-autobound"
	fFLogic   = "filter-logic" // and, or, not, parentheses
	fFFile    = "filter-file"  // -F
	fErrors   = "errors"       // bad input: messages and exit status
	fKill     = "kill"         // -K
	fEvents   = "events"       // -E
	fDiag     = "diag"         // -D
	fDispatch = "dispatch"     // stackbox ss ARGS
)

var shortFeatures = map[byte][]string{
	't': {fTCP}, 'u': {fUDP}, 'w': {fRaw}, 'x': {fUnix}, '0': {fPacket},
	'M': {fMPTCP}, 'S': {fSCTP}, 'd': {fDCCP},
	'a': {fAll}, 'l': {fListen}, 'n': {fNumeric}, 'r': {fResolve},
	'o': {fTimers}, 'e': {fExtended}, 'm': {fMemory}, 'i': {fInfo},
	'p': {fProcess}, 'T': {fThreads}, 's': {fSummary}, 'b': {fBPF},
	'O': {fOneline}, 'H': {fNoHeader}, '4': {fFamily}, '6': {fFamily},
	'f': {fFamily}, 'A': {fQuery}, 'F': {fFFile}, 'K': {fKill},
	'E': {fEvents}, 'D': {fDiag}, 'Z': {fSELinux}, 'z': {fSELinux},
	'h': {fHelp}, 'V': {fHelp}, 'N': {fNetns},
}

var longFeatures = map[string][]string{
	"tcp": {fTCP}, "udp": {fUDP}, "raw": {fRaw}, "unix": {fUnix}, "packet": {fPacket},
	"mptcp": {fMPTCP}, "sctp": {fSCTP}, "dccp": {fDCCP}, "vsock": {fVsock}, "tipc": {fTIPC},
	"xdp": {fXDP}, "all": {fAll}, "listening": {fListen}, "numeric": {fNumeric},
	"resolve": {fResolve}, "options": {fTimers}, "extended": {fExtended}, "memory": {fMemory},
	"info": {fInfo}, "processes": {fProcess}, "threads": {fThreads}, "summary": {fSummary},
	"bpf": {fBPF}, "oneline": {fOneline}, "no-header": {fNoHeader}, "ipv4": {fFamily},
	"ipv6": {fFamily}, "family": {fFamily}, "query": {fQuery}, "socket": {fQuery},
	"filter": {fFFile}, "kill": {fKill}, "events": {fEvents}, "diag": {fDiag},
	"context": {fSELinux}, "contexts": {fSELinux}, "help": {fHelp}, "version": {fHelp},
	"net": {fNetns}, "inet-sockopt": {fSockopt}, "tos": {fTOS}, "cgroup": {fCgroup},
	"tipcinfo": {fTIPC},
}

// tableFeatures maps -A names and -f families to features.
var tableFeatures = map[string]string{
	"tcp": fTCP, "udp": fUDP, "raw": fRaw, "unix": fUnix, "unix_dgram": fUnix,
	"unix_stream": fUnix, "unix_seqpacket": fUnix, "u_str": fUnix, "u_dgr": fUnix,
	"u_seq": fUnix, "packet": fPacket, "packet_raw": fPacket, "packet_dgram": fPacket,
	"p_raw": fPacket, "p_dgr": fPacket, "link": fPacket, "netlink": fNetlink,
	"mptcp": fMPTCP, "sctp": fSCTP, "dccp": fDCCP, "vsock": fVsock, "vsock_stream": fVsock,
	"vsock_dgram": fVsock, "v_str": fVsock, "v_dgr": fVsock, "tipc": fTIPC, "xdp": fXDP,
	"inet": fTCP, "inet6": fTCP, "all": fAllTabs,
}

var filterWords = map[string]string{
	"state": fState, "exclude": fState, "excl": fState,
	"sport": fFPort, "dport": fFPort, "src": fFAddr, "dst": fFAddr,
	"dev": fFDev, "fwmark": fFMark, "cgroup": fFCgroup, "autobound": fFAuto,
	"and": fFLogic, "or": fFLogic, "not": fFLogic, "!": fFLogic, "&&": fFLogic,
	"||": fFLogic, "&": fFLogic, "|": fFLogic, "(": fFLogic, ")": fFLogic,
}

// tableOptions are the options that choose tables; a case with none of
// them shows every table.
const tableOptions = "tuwx0MSdAf46"

// features derives the features a case needs from its arguments and adds
// Needs. The result is sorted.
func (k *Case) features() []string {
	set := map[string]bool{}
	add := func(fs ...string) {
		for _, f := range fs {
			set[f] = true
		}
	}
	add(k.Needs...)
	tables := false
	var words []string
	args := k.Args
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			add(longFeatures[name]...)
			switch name {
			case "tcp", "udp", "raw", "unix", "packet", "mptcp", "sctp", "dccp", "vsock", "tipc", "xdp", "ipv4", "ipv6":
				tables = true
			case "family", "query", "socket":
				tables = true
				if !hasVal && i+1 < len(args) {
					i++
					val = args[i]
				}
				addTables(val, add)
			case "filter", "diag", "net":
				if !hasVal {
					i++
				}
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				ch := a[j]
				add(shortFeatures[ch]...)
				if strings.IndexByte(tableOptions, ch) >= 0 {
					tables = true
				}
				if strings.IndexByte("fADFN", ch) >= 0 { // options with a value
					val := a[j+1:]
					if val == "" && i+1 < len(args) {
						i++
						val = args[i]
					}
					if ch == 'f' || ch == 'A' {
						addTables(val, add)
					}
					break
				}
			}
		default:
			words = append(words, strings.Fields(a)...)
		}
	}
	if !tables {
		add(fAllTabs)
	}
	if !set[fNumeric] && (set[fTCP] || set[fUDP] || set[fAllTabs] || set[fMPTCP]) {
		add(fServices)
	}
	for _, w := range words {
		if f, ok := filterWords[w]; ok {
			add(f)
		}
		if strings.Contains(w, "localhost") {
			add(fFHost)
		}
	}
	if set[fFFile] {
		for _, w := range strings.Fields(k.File + " " + k.Stdin) {
			if f, ok := filterWords[w]; ok {
				add(f)
			}
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

func addTables(list string, add func(...string)) {
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimPrefix(name, "!")
		if f, ok := tableFeatures[name]; ok {
			add(f)
		}
		if name == "inet" || name == "inet6" {
			add(fUDP, fRaw)
		}
	}
}

// selected reports whether the -ssdiff.only and -ssdiff.skip flags let a
// case with these features run, and if not, why.
func selected(feats []string, only, skip string) (bool, string) {
	if skip != "" {
		for _, s := range strings.Split(skip, ",") {
			for _, f := range feats {
				if f == strings.TrimSpace(s) {
					return false, "needs " + f + ", left out by -ssdiff.skip"
				}
			}
		}
	}
	if only != "" {
		allowed := map[string]bool{}
		for _, s := range strings.Split(only, ",") {
			allowed[strings.TrimSpace(s)] = true
		}
		for _, f := range feats {
			if !allowed[f] {
				return false, "needs " + f + ", not in -ssdiff.only"
			}
		}
	}
	return true, ""
}
