package session

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// maxFileSize bounds a session file: the scenario (at most 1 MiB) and a
// log of a few thousand changes.
const maxFileSize = 4 << 20

// maxChanges bounds a session's log.
const maxChanges = 10000

// fileSession is a session as its file holds it: times are sim.Time
// strings ("1.5s"), the scenario is embedded as text.
//
//	{
//	  "stackbox_session": 1,
//	  "name": "s1",
//	  "scenario": "burst",
//	  "scenario_file": "burst.yaml",
//	  "scenario_yaml": "name: burst\n...",
//	  "now": "5s",
//	  "changes": [
//	    {"at": "0s", "kind": "rings", "host": "sink", "target": "eth0",
//	     "params": [{"name": "rx", "value": "4096"}]}
//	  ]
//	}
type fileSession struct {
	Version      int          `json:"stackbox_session"`
	Name         string       `json:"name"`
	Scenario     string       `json:"scenario"`
	ScenarioFile string       `json:"scenario_file"`
	ScenarioYAML string       `json:"scenario_yaml"`
	Now          string       `json:"now"`
	Changes      []fileChange `json:"changes"`
}

type fileChange struct {
	At     string  `json:"at"`
	Kind   Kind    `json:"kind"`
	Host   string  `json:"host"`
	Target string  `json:"target"`
	Params []Param `json:"params"`
	Origin string  `json:"origin,omitempty"`
}

// Encode returns the session's file contents.
func (s *Session) Encode() ([]byte, error) {
	f := fileSession{
		Version: FormatVersion, Name: s.Name, Scenario: s.Scenario,
		ScenarioFile: s.File, ScenarioYAML: string(s.Source), Now: s.Now.String(),
		Changes: make([]fileChange, len(s.Changes)),
	}
	for i, c := range s.Changes {
		f.Changes[i] = fileChange{At: c.At.String(), Kind: c.Kind, Host: c.Host, Target: c.Target, Params: c.Params, Origin: c.Origin}
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Decode reads a session file's contents, checking every field; errors
// say what is wrong and where. It does not parse the embedded scenario
// (ParseScenario does).
func Decode(data []byte) (*Session, error) {
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("file too large (%d bytes, at most %d)", len(data), maxFileSize)
	}
	var f fileSession
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("bad session file: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("bad session file: data after the session")
	}
	if f.Version != FormatVersion {
		return nil, fmt.Errorf("session file format %d, want %d", f.Version, FormatVersion)
	}
	if err := CheckName(f.Name); err != nil {
		return nil, err
	}
	switch {
	case f.Scenario == "":
		return nil, fmt.Errorf("session %s: no scenario", f.Name)
	case f.ScenarioFile == "":
		return nil, fmt.Errorf("session %s: no scenario_file", f.Name)
	case f.ScenarioYAML == "":
		return nil, fmt.Errorf("session %s: no scenario_yaml", f.Name)
	case len(f.Changes) > maxChanges:
		return nil, fmt.Errorf("session %s: %d changes, at most %d", f.Name, len(f.Changes), maxChanges)
	}
	s := &Session{Name: f.Name, Scenario: f.Scenario, File: f.ScenarioFile, Source: []byte(f.ScenarioYAML)}
	var err error
	if s.Now, err = sim.ParseTime(f.Now); err != nil {
		return nil, fmt.Errorf("session %s: now: %v", f.Name, err)
	}
	prev := sim.Time(0)
	for i, fc := range f.Changes {
		at, err := sim.ParseTime(fc.At)
		if err != nil {
			return nil, fmt.Errorf("session %s: changes[%d]: at: %v", f.Name, i, err)
		}
		c := Change{At: at, Kind: fc.Kind, Host: fc.Host, Target: fc.Target, Params: fc.Params, Origin: fc.Origin}
		if err := c.check(); err != nil {
			return nil, fmt.Errorf("session %s: changes[%d]: %v", f.Name, i, err)
		}
		if at < prev {
			return nil, fmt.Errorf("session %s: changes[%d]: at %s is before the change before it (%s)", f.Name, i, at, prev)
		}
		if at > s.Now {
			return nil, fmt.Errorf("session %s: changes[%d]: at %s is after the session's time (%s)", f.Name, i, at, s.Now)
		}
		prev = at
		s.Changes = append(s.Changes, c)
	}
	return s, nil
}
