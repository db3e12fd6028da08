package ss

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/filter"
)

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
func scanStates(args []string) (stateWords, []string, error) {
	var ws stateWords
	for len(args) > 0 {
		excl := false
		switch args[0] {
		case "state":
		case "exclude", "excl":
			excl = true
		default:
			return ws, args, nil
		}
		if len(args) < 2 {
			return nil, nil, &plainError{`Command line is not complete. Try option "help"`, 255}
		}
		set, ok := filter.ScanState(args[1])
		if !ok {
			return nil, nil, &plainError{"ss: wrong state name: " + args[1], 255}
		}
		ws = append(ws, stateWord{exclude: excl, set: set})
		args = args[2:]
	}
	return ws, args, nil
}
