package tune

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// ApplyOptions tunes Apply.
type ApplyOptions struct {
	// Dir is the journals' base directory (Dir's result).
	Dir string
	// Profile names the profile in the journal.
	Profile string
	// BeforeChange, when set, runs after change i is marked begun in the
	// journal and before it is made (tests stretch an apply with it to
	// kill it in the middle).
	BeforeChange func(i int)
}

// Outcome says what happened to one change.
type Outcome struct {
	Item   Item   `json:"item"`
	Result string `json:"result"` // "changed", "failed", "rolled back", "not attempted"
	Error  string `json:"error,omitempty"`
}

// ApplyError is an apply that failed: the change that failed, and how
// undoing the earlier ones went.
type ApplyError struct {
	Failed Item
	Err    error
	// RollbackErrs are the undos that failed too; the journal is then
	// kept for `tune rollback`.
	RollbackErrs []error
	Journal      string
}

func (e *ApplyError) Error() string {
	s := fmt.Sprintf("%s: %v", e.Failed.Label(), e.Err)
	if len(e.RollbackErrs) > 0 {
		s += fmt.Sprintf("; undoing the earlier changes failed too (%v): the journal %s keeps them for tune rollback", errors.Join(e.RollbackErrs...), e.Journal)
	}
	return s
}

func (e *ApplyError) Unwrap() error { return e.Err }

// ApplyResult is what Apply did.
type ApplyResult struct {
	Outcomes []Outcome `json:"outcomes"`
	// Journal is the journal's path ("" when not journalled).
	Journal string `json:"journal,omitempty"`
}

func entryOf(it Item) Entry {
	e := Entry{Kind: it.Kind, Old: it.Current, New: it.Want}
	if it.Kind == KindNIC {
		e.Dev, e.Group, e.Param = it.Dev, it.Group, it.Param
	} else {
		e.Name = it.Name
	}
	return e
}

// write makes one change (or undo) on the target.
func write(t Target, e Entry, value string) error {
	if e.Kind == KindSysctl {
		return t.SetSysctl(e.Name, value)
	}
	_, cfg, err := t.NIC(e.Dev)
	if err != nil {
		return err
	}
	return WriteNIC(cfg, e.Group, e.Param, value)
}

// Apply makes a plan's changes in order. Before the first, it writes a
// journal of every original value (unless the target's Key is empty);
// on a failure it undoes what it changed, last first, and returns an
// *ApplyError. The journal stays for Rollback after a success.
func Apply(t Target, items []Item, opts ApplyOptions) (*ApplyResult, error) {
	changes := Changes(items)
	res := &ApplyResult{}
	if len(changes) == 0 {
		return res, nil
	}
	if err := t.CanChange(); err != nil {
		return res, err
	}
	entries := make([]Entry, len(changes))
	for i, c := range changes {
		entries[i] = entryOf(c)
	}
	var j *Journal
	if t.Key() != "" {
		dir := TargetDir(opts.Dir, t)
		unlock, err := lockDir(dir)
		if err != nil {
			return res, err
		}
		defer unlock()
		j, err = createJournal(dir, header{Version: 1, Target: t.Name(), Profile: opts.Profile,
			Created: time.Now().UTC(), PID: os.Getpid(), Entries: entries})
		if err != nil {
			return res, err
		}
		defer j.close()
		res.Journal = j.Path
	}
	markJ := func(m mark) error {
		if j == nil {
			return nil
		}
		return j.mark(m)
	}
	for i := range changes {
		i := i
		err := markJ(mark{Begin: &i})
		if err == nil {
			if opts.BeforeChange != nil {
				opts.BeforeChange(i)
			}
			err = write(t, entries[i], entries[i].New)
		}
		if err == nil {
			if err = markJ(mark{Done: &i}); err == nil {
				res.Outcomes = append(res.Outcomes, Outcome{Item: changes[i], Result: "changed"})
				continue
			}
		}
		_ = markJ(mark{Failed: &i, Error: err.Error()})
		res.Outcomes = append(res.Outcomes, Outcome{Item: changes[i], Result: "failed", Error: err.Error()})
		// Undo i too: it may have been made in part (a vector), and
		// restoring an unchanged value is harmless.
		aerr := &ApplyError{Failed: changes[i], Err: err}
		undo := make([]Entry, 0, i+1)
		for k := i; k >= 0; k-- {
			undo = append(undo, entries[k])
		}
		errs := restoreAll(t, undo)
		for n, uerr := range errs {
			k := i - n
			if uerr != nil {
				aerr.RollbackErrs = append(aerr.RollbackErrs, fmt.Errorf("%s: %w", entries[k].Label(), uerr))
			} else if k < i {
				res.Outcomes[k].Result = "rolled back"
			}
		}
		for k := i + 1; k < len(changes); k++ {
			res.Outcomes = append(res.Outcomes, Outcome{Item: changes[k], Result: "not attempted"})
		}
		if j != nil {
			aerr.Journal = j.Path
			if len(aerr.RollbackErrs) == 0 && markJ(mark{State: stateRolledBack}) == nil {
				_ = retire(j.Path)
				res.Journal = ""
			}
		}
		return res, aerr
	}
	if err := markJ(mark{State: stateApplied}); err != nil {
		return res, err
	}
	return res, nil
}

// restoreAll restores entries in the order given (last change first) and
// returns each one's error. Entries that fail are tried again after the
// others, up to three rounds: one offload may depend on another (TSO on
// scatter-gather) that a later entry restores.
func restoreAll(t Target, entries []Entry) []error {
	errs := make([]error, len(entries))
	todo := make([]int, len(entries))
	for i := range todo {
		todo[i] = i
	}
	for round := 0; round < 3 && len(todo) > 0; round++ {
		var again []int
		for _, i := range todo {
			if errs[i] = restore(t, entries[i]); errs[i] != nil {
				again = append(again, i)
			}
		}
		if len(again) == len(todo) {
			break
		}
		todo = again
	}
	return errs
}

// restore writes an entry's original value back, unless it is there.
func restore(t Target, e Entry) error {
	if cur, err := current(t, e); err == nil && sameValue(cur, e.Old) {
		return nil
	}
	return write(t, e, e.Old)
}

// current reads an entry's value now.
func current(t Target, e Entry) (string, error) {
	if e.Kind == KindSysctl {
		return t.Sysctl(e.Name)
	}
	d, _, err := t.NIC(e.Dev)
	if err != nil {
		return "", err
	}
	ps, err := ReadNIC(d, e.Group)
	if err != nil {
		return "", err
	}
	p, ok := findParam(ps, e.Param)
	if !ok {
		return "", fmt.Errorf("%s: not reported", e.Label())
	}
	return p.Value, nil
}

// Restored is one undone change.
type Restored struct {
	Entry Entry  `json:"entry"`
	Error string `json:"error,omitempty"`
}

// RollbackResult is what Rollback did to one journal.
type RollbackResult struct {
	Journal  string     `json:"journal"`
	Profile  string     `json:"profile"`
	Restored []Restored `json:"restored"`
}

// Rollback undoes the target's latest journal (all of them with all):
// every change it may have made gets its original value back, last
// first. A journal whose undo fails in part is kept, so that Rollback can
// be run again. ErrNoJournal when there is none.
func Rollback(t Target, base string, all bool) ([]RollbackResult, error) {
	if t.Key() == "" {
		return nil, fmt.Errorf("%w: changes to %s last for its run only", ErrNoJournal, t.Name())
	}
	dir := TargetDir(base, t)
	js, err := journals(dir)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if len(js) == 0 {
		return nil, fmt.Errorf("%w for %s in %s", ErrNoJournal, t.Name(), dir)
	}
	if err := t.CanChange(); err != nil {
		return nil, err
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []RollbackResult
	for k := len(js) - 1; k >= 0; k-- {
		s, err := ReadJournal(js[k].path)
		if err != nil {
			return out, err
		}
		r := RollbackResult{Journal: s.Path, Profile: s.Profile}
		var failed []error
		pending := s.Pending()
		undo := make([]Entry, len(pending))
		for n, i := range pending {
			undo[n] = s.Entries[i]
		}
		for n, err := range restoreAll(t, undo) {
			rs := Restored{Entry: undo[n]}
			if err != nil {
				rs.Error = err.Error()
				failed = append(failed, fmt.Errorf("%s: %w", undo[n].Label(), err))
			}
			r.Restored = append(r.Restored, rs)
		}
		out = append(out, r)
		if len(failed) > 0 {
			return out, fmt.Errorf("rollback of %s incomplete (journal kept): %w", s.Path, errors.Join(failed...))
		}
		if err := retire(s.Path); err != nil {
			return out, err
		}
		if !all {
			break
		}
	}
	return out, nil
}
