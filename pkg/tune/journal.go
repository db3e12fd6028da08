package tune

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// DefaultDir is where journals live unless $STACKBOX_TUNE_DIR says
// otherwise.
const DefaultDir = "/var/lib/stackbox/tune"

// Dir returns the journal directory: getenv("STACKBOX_TUNE_DIR") or
// DefaultDir.
func Dir(getenv func(string) string) string {
	if getenv != nil {
		if d := getenv("STACKBOX_TUNE_DIR"); d != "" {
			return d
		}
	}
	return DefaultDir
}

// Entry is one change a journal records: enough to undo it.
type Entry struct {
	Kind  Kind   `json:"kind"`
	Name  string `json:"name,omitempty"` // sysctl
	Dev   string `json:"dev,omitempty"`  // NIC
	Group string `json:"group,omitempty"`
	Param string `json:"param,omitempty"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Label names the entry for people.
func (e Entry) Label() string {
	if e.Kind == KindNIC {
		return e.Dev + " " + e.Group + "." + e.Param
	}
	return e.Name
}

// header is a journal's first line, written in one piece (the file is
// created under a temporary name, synced, then renamed into place) before
// anything changes.
type header struct {
	Version int       `json:"version"`
	Target  string    `json:"target"`
	Profile string    `json:"profile"`
	Created time.Time `json:"created"`
	PID     int       `json:"pid"`
	Entries []Entry   `json:"entries"`
}

// mark is one progress line appended (and synced) as the apply goes:
// {"begin":i} before change i is attempted, so that a crash leaves a
// journal that says which changes may have been made; {"done":i} after;
// {"failed":i,"error":...}; {"state":"applied"|"rolled-back"}.
type mark struct {
	Begin  *int   `json:"begin,omitempty"`
	Done   *int   `json:"done,omitempty"`
	Failed *int   `json:"failed,omitempty"`
	Error  string `json:"error,omitempty"`
	State  string `json:"state,omitempty"`
}

// Journal is an open journal file.
type Journal struct {
	Path string
	f    *os.File
}

// Journal states.
const (
	stateApplied    = "applied"
	stateRolledBack = "rolled-back"
)

// journalSuffix names live journals; undone ones get ".undone" after it.
const journalSuffix = ".journal"

// createJournal writes a new journal for entries under dir (created
// 0700), atomically: a reader sees the whole header or no file.
func createJournal(dir string, h header) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	seq := 1
	if js, err := journals(dir); err == nil && len(js) > 0 {
		seq = js[len(js)-1].seq + 1
	}
	b, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	b = append(b, '\n')
	tmp, err := os.CreateTemp(dir, ".tmp-journal-")
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	fail := func(err error) (*Journal, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("journal: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%06d%s", seq, journalSuffix))
	// Link, not rename: never replace a journal that appeared meanwhile.
	if err := os.Link(tmp.Name(), path); err != nil {
		return fail(err)
	}
	os.Remove(tmp.Name())
	if err := syncDir(dir); err != nil {
		return fail(err)
	}
	tmp.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return &Journal{Path: path, f: f}, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// mark appends one progress line and syncs it.
func (j *Journal) mark(m mark) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if _, err := j.f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("journal %s: %w", j.Path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("journal %s: %w", j.Path, err)
	}
	return nil
}

func (j *Journal) close() error { return j.f.Close() }

// retire renames a journal whose changes are undone (or never made):
// kept for the record, no longer rolled back.
func retire(path string) error {
	if err := os.Rename(path, path+".undone"); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return syncDir(filepath.Dir(path))
}

// JournalState is a journal read back.
type JournalState struct {
	Path    string
	Target  string
	Profile string
	Created time.Time
	Entries []Entry
	// Begun[i] means change i may have been made; Done[i] that it was.
	Begun, Done []bool
	// State is "applied", "rolled-back", or "" for an apply that did not
	// finish (it crashed, or failed and could not undo everything).
	State string
}

// Pending returns the indices of the changes to undo, last first.
func (s *JournalState) Pending() []int {
	var out []int
	for i := len(s.Entries) - 1; i >= 0; i-- {
		if s.State == stateApplied || s.Begun[i] {
			out = append(out, i)
		}
	}
	if s.State == stateRolledBack {
		return nil
	}
	return out
}

// ReadJournal reads a journal. A torn last line (a crash while
// appending) is ignored; anything else malformed is an error.
func ReadJournal(path string) (*JournalState, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return parseJournal(path, data)
}

func parseJournal(path string, data []byte) (*JournalState, error) {
	bad := func(line int, format string, args ...any) error {
		return fmt.Errorf("journal %s:%d: %s", path, line, fmt.Sprintf(format, args...))
	}
	lines := bytes.Split(data, []byte("\n"))
	// A crash while appending leaves a last line without its newline:
	// it is ignored when it does not parse.
	tornOK := len(lines) > 0 && len(lines[len(lines)-1]) > 0
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 || !bytes.HasSuffix(data, []byte("\n")) && len(lines) == 1 {
		return nil, bad(1, "no complete header")
	}
	var h header
	dec := json.NewDecoder(bytes.NewReader(lines[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, bad(1, "header: %v", err)
	}
	if h.Version != 1 {
		return nil, bad(1, "version %d, want 1", h.Version)
	}
	if len(h.Entries) > 1<<16 {
		return nil, bad(1, "%d entries", len(h.Entries))
	}
	s := &JournalState{Path: path, Target: h.Target, Profile: h.Profile, Created: h.Created, Entries: h.Entries,
		Begun: make([]bool, len(h.Entries)), Done: make([]bool, len(h.Entries))}
	for i, e := range h.Entries {
		if e.Kind != KindSysctl && e.Kind != KindNIC || e.Kind == KindSysctl && !validName(e.Name) ||
			e.Kind == KindNIC && (!validDev(e.Dev) || !slicesContains(NICGroups, e.Group) || !validFeature(e.Param)) {
			return nil, bad(1, "entry %d: bad setting", i)
		}
	}
	for n := 1; n < len(lines); n++ {
		var m mark
		if err := json.Unmarshal(lines[n], &m); err != nil {
			if tornOK && n == len(lines)-1 {
				break
			}
			return nil, bad(n+1, "%v", err)
		}
		idx := func(p *int) (int, error) {
			if *p < 0 || *p >= len(s.Entries) {
				return 0, bad(n+1, "change %d out of range", *p)
			}
			return *p, nil
		}
		switch {
		case m.Begin != nil:
			i, err := idx(m.Begin)
			if err != nil {
				return nil, err
			}
			s.Begun[i] = true
		case m.Done != nil:
			i, err := idx(m.Done)
			if err != nil {
				return nil, err
			}
			s.Begun[i], s.Done[i] = true, true
		case m.Failed != nil:
			if _, err := idx(m.Failed); err != nil {
				return nil, err
			}
		case m.State == stateApplied || m.State == stateRolledBack:
			s.State = m.State
		default:
			return nil, bad(n+1, "unknown mark")
		}
	}
	return s, nil
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type journalFile struct {
	seq  int
	path string
}

// journals lists the live journals of dir, oldest first.
func journals(dir string) ([]journalFile, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var out []journalFile
	for _, e := range ents {
		n, ok := strings.CutSuffix(e.Name(), journalSuffix)
		if !ok {
			continue
		}
		seq, err := strconv.Atoi(n)
		if err != nil || seq <= 0 {
			continue
		}
		out = append(out, journalFile{seq, filepath.Join(dir, e.Name())})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out, nil
}

// TargetDir is the journal directory of a target under base.
func TargetDir(base string, t Target) string { return filepath.Join(base, t.Key()) }

// Journals reads the live journals of a target, oldest first.
func Journals(base string, t Target) ([]*JournalState, error) {
	js, err := journals(TargetDir(base, t))
	if err != nil {
		return nil, err
	}
	var out []*JournalState
	for _, j := range js {
		s, err := ReadJournal(j.path)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
