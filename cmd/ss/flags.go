package ss

import (
	"fmt"

	"github.com/stackbox/stackbox/internal/simtarget"
	"github.com/stackbox/stackbox/pkg/cli/getopt"
	"github.com/stackbox/stackbox/pkg/stack"
)

// flags holds ss's parsed options.
type flags struct {
	numeric, resolve                 bool
	timers, details, memory, tcpInfo bool
	processes, threads, bpf          bool
	events, summary, kill            bool
	noHeader, oneline, json          bool
	tos, cgroup, inetSockopt         bool
	version, help                    bool
	diagFile, filterFile, netns      string
	sim                              simtarget.Spec // --sim, --at, --host

	sel         selection
	stateFilter stack.StateSet // ss's state_filter
	sawQuery    bool

	operands []string
}

// usageError is a bad command line: ss prints the message, then its usage to
// stderr, and exits 255.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// plainError is printed as is and exits with code.
type plainError struct {
	msg  string
	code int
}

func (e *plainError) Error() string { return e.msg }

// parseFlags parses ss's command line the way ss 6.1's main() does.
func parseFlags(args []string) (*flags, error) {
	args, sim, simErr := takeSim(args)
	opts, operands, err := getopt.Parse("ss", args, ssOptions)
	f := &flags{sel: newSelection(), operands: operands, sim: sim}
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	if simErr != nil {
		return nil, simErr
	}
	for _, o := range opts {
		if err := f.apply(o); err != nil {
			return nil, err
		}
		if f.help || f.version {
			return f, nil
		}
	}
	return f, nil
}

func (f *flags) apply(o getopt.Parsed) error {
	switch o.ID {
	case 'n':
		f.numeric = true
	case 'r':
		f.resolve = true
	case 'o':
		f.timers = true
	case 'e':
		f.timers, f.details = true, true
	case 'm':
		f.memory = true
	case 'i':
		f.tcpInfo = true
	case 'p':
		f.processes = true
	case 'T':
		f.threads = true
	case 'b':
		f.timers, f.bpf = true, true
	case 'E':
		f.events = true
	case 'd':
		f.sel.setDB(dbDCCP, true)
	case 't':
		f.sel.setDB(dbTCP, true)
	case 'M':
		f.sel.setDB(dbMPTCP, true)
	case 'S':
		f.sel.setDB(dbSCTP, true)
	case 'u':
		f.sel.setDB(dbUDP, true)
	case 'w':
		f.sel.setDB(dbRaw, true)
	case 'x':
		f.sel.setAF(afUnix)
	case optVsock:
		f.sel.setAF(afVsock)
	case optTIPC:
		f.sel.setAF(afTIPC)
	case optXDP:
		f.sel.setAF(afXDP)
	case 'a':
		f.stateFilter = ssAll
	case 'l':
		f.stateFilter = 1<<stack.StateListen | 1<<stack.StateClose
	case '4':
		f.sel.setAF(afInet)
	case '6':
		f.sel.setAF(afInet6)
	case '0':
		f.sel.setAF(afPack)
	case 'f':
		return f.family(o.Arg)
	case 'A':
		if !f.sawQuery {
			f.sel.dbs = 0
			if f.stateFilter == 0 {
				f.stateFilter = ssConn
			}
			f.sawQuery = true
			f.sel.doDefault = false
		}
		for _, name := range splitComma(o.Arg) {
			if !f.sel.parseDB(name) {
				return &usageError{fmt.Sprintf("ss: \"%s\" is illegal socket table id", name)}
			}
		}
	case 's':
		f.summary = true
	case 'D':
		f.diagFile = o.Arg
	case 'F':
		if f.filterFile != "" {
			return &plainError{"More than one filter file", 255}
		}
		f.filterFile = o.Arg
	case 'v', 'V':
		f.version = true
	case 'h':
		f.help = true
	case 'Z', 'z':
		return &plainError{"ss: SELinux is not enabled.", 1}
	case 'N':
		f.netns = o.Arg
	case 'K':
		f.kill = true
	case 'H':
		f.noHeader = true
	case 'O':
		f.oneline = true
	case optTOS:
		f.tos = true
	case optCgroup:
		f.cgroup = true
	case optInetSockopt:
		f.inetSockopt = true
	case optTIPCInfo:
		// TIPC sockets are not dumped; the flag is accepted.
	case optJSON:
		f.json = true
	}
	return nil
}

func (f *flags) family(name string) error {
	switch name {
	case "inet":
		f.sel.setAF(afInet)
	case "inet6":
		f.sel.setAF(afInet6)
	case "link":
		f.sel.setAF(afPack)
	case "unix":
		f.sel.setAF(afUnix)
	case "netlink":
		f.sel.setAF(afNL)
	case "tipc":
		f.sel.setAF(afTIPC)
	case "vsock":
		f.sel.setAF(afVsock)
	case "xdp":
		f.sel.setAF(afXDP)
	case "help":
		f.help = true
	default:
		return &usageError{fmt.Sprintf("ss: \"%s\" is invalid family", name)}
	}
	return nil
}

// splitComma splits like ss's strchr loop: "a,,b" gives "a", "", "b".
func splitComma(s string) []string {
	var out []string
	for {
		i := indexByte(s, ',')
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
