package ss

import (
	"strings"

	"github.com/stackbox/stackbox/pkg/stack"
)

// stateNames are the names `state` and `exclude` accept for single states,
// indexed by state (ss's sstate_namel).
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

// scanState maps a state name or group to its set, case-insensitively, as
// ss's scan_state.
func scanState(name string) (stack.StateSet, bool) {
	eq := strings.EqualFold
	switch {
	case eq(name, "close"), eq(name, "closed"):
		return 1 << stack.StateClose, true
	case eq(name, "syn-rcv"):
		return 1 << stack.StateSynRecv, true
	case eq(name, "established"):
		return 1 << stack.StateEstablished, true
	case eq(name, "all"):
		return stack.StatesAll, true
	case eq(name, "connected"):
		return stack.StatesConnected, true
	case eq(name, "synchronized"):
		return stack.StatesSynchronized, true
	case eq(name, "bucket"):
		return stack.StatesBucket, true
	case eq(name, "big"):
		return stack.StatesBig, true
	}
	for i, n := range stateNames {
		if eq(name, n) {
			return 1 << i, true
		}
	}
	return 0, false
}

// stateWord is one `state X` or `exclude X` from the command line.
type stateWord struct {
	exclude bool
	set     stack.StateSet
}

type stateWords []stateWord

// apply folds the words into ss's state_filter as ss's main() does: the
// first `state` starts from nothing, the first `exclude` from all.
func (ws stateWords) apply(filter stack.StateSet) stack.StateSet {
	for i, w := range ws {
		if w.exclude {
			if i == 0 {
				filter = stack.StatesAll
			}
			filter &^= w.set
		} else {
			if i == 0 {
				filter = 0
			}
			filter |= w.set
		}
	}
	return filter
}

// scanStates takes the leading state/exclude words off args.
func scanStates(args []string) (stateWords, bool, []string, error) {
	var ws stateWords
	for len(args) > 0 {
		excl := false
		switch args[0] {
		case "state":
		case "exclude", "excl":
			excl = true
		default:
			return ws, len(ws) > 0, args, nil
		}
		if len(args) < 2 {
			return nil, false, nil, &plainError{`Command line is not complete. Try option "help"`, 255}
		}
		set, ok := scanState(args[1])
		if !ok {
			return nil, false, nil, &plainError{"ss: wrong state name: " + args[1], 255}
		}
		ws = append(ws, stateWord{exclude: excl, set: set})
		args = args[2:]
	}
	return ws, len(ws) > 0, args, nil
}
