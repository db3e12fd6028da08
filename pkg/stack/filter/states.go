package filter

import (
	"strings"

	"github.com/stackbox/stackbox/pkg/stack"
)

// stateNames are the single-state names ss's scan_state compares
// (case-insensitively) after its groups, indexed by state.
var stateNames = [...]string{
	stack.StateUnknown:     "UNKNOWN",
	stack.StateEstablished: "established",
	stack.StateSynSent:     "syn-sent",
	stack.StateSynRecv:     "syn-recv",
	stack.StateFinWait1:    "fin-wait-1",
	stack.StateFinWait2:    "fin-wait-2",
	stack.StateTimeWait:    "time-wait",
	stack.StateClose:       "unconnected",
	stack.StateCloseWait:   "close-wait",
	stack.StateLastAck:     "last-ack",
	stack.StateListen:      "listening",
	stack.StateClosing:     "closing",
}

// ScanState returns the states a `state` or `exclude` word names, as ss
// 6.1 reads it: a group (all, connected, synchronized, bucket, big), an
// alias (close, closed, syn-rcv) or one state name, all case-insensitive.
// ok is false for anything else (ss: "wrong state name").
func ScanState(name string) (set stack.StateSet, ok bool) {
	switch {
	case strings.EqualFold(name, "close"), strings.EqualFold(name, "closed"):
		return 1 << stack.StateClose, true
	case strings.EqualFold(name, "syn-rcv"):
		return 1 << stack.StateSynRecv, true
	case strings.EqualFold(name, "established"):
		return 1 << stack.StateEstablished, true
	case strings.EqualFold(name, "all"):
		return stack.StatesAll, true
	case strings.EqualFold(name, "connected"):
		return stack.StatesConnected, true
	case strings.EqualFold(name, "synchronized"):
		return stack.StatesSynchronized, true
	case strings.EqualFold(name, "bucket"):
		return stack.StatesBucket, true
	case strings.EqualFold(name, "big"):
		return stack.StatesBig, true
	}
	for st, n := range stateNames {
		if strings.EqualFold(name, n) {
			return 1 << st, true
		}
	}
	return 0, false
}

// scanStates consumes the leading state/exclude/excl words of args the
// way ss's main loop does and returns the remaining words.
func scanStates(args []string, f *Filter) ([]string, error) {
	for len(args) > 0 {
		w := args[0]
		if w != "state" && w != "exclude" && w != "excl" {
			break
		}
		if len(args) < 2 {
			return nil, &Error{Msg: "Command line is not complete. Try option \"help\"\n", Code: 255}
		}
		set, ok := ScanState(args[1])
		if !ok {
			return nil, &Error{Msg: "ss: wrong state name: " + args[1] + "\n", Code: 255}
		}
		if w == "state" {
			if !f.HasStates {
				f.States = 0
			}
			f.States |= set
		} else {
			if !f.HasStates {
				f.States = stack.StatesAll
			}
			f.States &^= set
		}
		f.HasStates = true
		args = args[2:]
	}
	return args, nil
}
