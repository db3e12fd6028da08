package session

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/stackbox/stackbox/pkg/scenario"
)

// ErrNotFound is returned (wrapped) for a session that does not exist.
var ErrNotFound = errors.New("no such session")

// ErrExists is returned (wrapped) by Create for a name already taken.
var ErrExists = errors.New("session exists")

// Store is a directory of session files.
type Store struct {
	Dir string
}

// DefaultDir returns the directory sessions live in, reading the
// environment through getenv (see the package comment).
func DefaultDir(getenv func(string) string) string {
	if d := getenv("STACKBOX_SIM_DIR"); d != "" {
		return d
	}
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "stackbox", "sim")
	}
	if h := getenv("HOME"); h != "" && filepath.IsAbs(h) {
		return filepath.Join(h, ".local", "state", "stackbox", "sim")
	}
	return filepath.Join(os.TempDir(), "stackbox-sim-"+strconv.Itoa(os.Getuid()))
}

// Default returns the store in DefaultDir(os.Getenv).
func Default() *Store { return &Store{Dir: DefaultDir(os.Getenv)} }

func (st *Store) path(name string) string { return filepath.Join(st.Dir, name+".json") }

// Exists reports whether a session named name exists (false for a name
// no session can have).
func (st *Store) Exists(name string) bool {
	if CheckName(name) != nil {
		return false
	}
	fi, err := os.Stat(st.path(name))
	return err == nil && fi.Mode().IsRegular()
}

// Load reads the session named name.
func (st *Store) Load(name string) (*Session, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	p := st.path(name)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("session %s: %w (in %s; create it with: stackbox sim new %s --scenario SCENARIO)", name, ErrNotFound, st.Dir, name)
	}
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", name, err)
	}
	s, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if s.Name != name {
		return nil, fmt.Errorf("%s: holds session %q", p, s.Name)
	}
	return s, nil
}

// New returns a session named name at time 0 with no changes, over the
// scenario arg names: a scenario file (kept under its absolute path) or
// a shipped scenario's name. The scenario must parse. Nothing is written.
func New(name, arg string) (*Session, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	s := &Session{Name: name}
	if fi, err := os.Stat(arg); err == nil && fi.Mode().IsRegular() {
		data, err := os.ReadFile(arg)
		if err != nil {
			return nil, fmt.Errorf("scenario: %w", err)
		}
		abs, err := filepath.Abs(arg)
		if err != nil {
			return nil, fmt.Errorf("scenario: %w", err)
		}
		s.Scenario, s.File, s.Source = abs, arg, data
	} else {
		data, err := scenario.ShippedFile(arg)
		if err != nil {
			return nil, err
		}
		s.Scenario, s.File, s.Source = arg, arg+".yaml", data
	}
	if _, err := s.ParseScenario(); err != nil {
		return nil, err
	}
	return s, nil
}

// Create writes s as a new session; ErrExists when its name is taken.
func (st *Store) Create(s *Session) error {
	return st.write(s, true)
}

// Save writes s over its file.
func (st *Store) Save(s *Session) error {
	return st.write(s, false)
}

// write writes s atomically: to a temporary file, then renamed over the
// session's file (linked to it when excl, which fails if it exists).
func (st *Store) write(s *Session, excl bool) error {
	if err := CheckName(s.Name); err != nil {
		return err
	}
	data, err := s.Encode()
	if err != nil {
		return fmt.Errorf("session %s: %w", s.Name, err)
	}
	if err := os.MkdirAll(st.Dir, 0o700); err != nil {
		return fmt.Errorf("session %s: %w", s.Name, err)
	}
	tmp, err := os.CreateTemp(st.Dir, "."+s.Name+".*.tmp")
	if err != nil {
		return fmt.Errorf("session %s: %w", s.Name, err)
	}
	defer os.Remove(tmp.Name()) // after a rename or link: a no-op or the temporary name
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("session %s: %w", s.Name, err)
	}
	if excl {
		err = os.Link(tmp.Name(), st.path(s.Name))
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("session %s: %w (remove it with: stackbox sim rm %s)", s.Name, ErrExists, s.Name)
		}
	} else {
		err = os.Rename(tmp.Name(), st.path(s.Name))
	}
	if err != nil {
		return fmt.Errorf("session %s: %w", s.Name, err)
	}
	return nil
}

// Remove deletes the session named name.
func (st *Store) Remove(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	err := os.Remove(st.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("session %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("session %s: %w", name, err)
	}
	return nil
}

// List returns the names of the sessions in the store, sorted; none when
// the directory does not exist.
func (st *Store) List() ([]string, error) {
	entries, err := os.ReadDir(st.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if ok && e.Type().IsRegular() && CheckName(name) == nil {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}
