// Package simtarget reads the options that point an applet at the
// reference stack instead of the host kernel, and opens the simulated
// host they name:
//
//	--sim SCENARIO   a simulation session (stackbox sim new), a scenario
//	                 file, or the name of a shipped scenario
//	--at T           the virtual time to look at (default: a session's
//	                 current time, a scenario's end)
//	--host NAME      the host to look at (default: the scenario's first)
//
// A session is looked up first (internal/session says where sessions
// live): a session named NAME wins over a scenario file NAME in the
// working directory ("./NAME" names the file); no session can have a
// shipped scenario's name. Reading a session replays it: its scenario,
// with each logged change made at its time, run to the time looked at.
//
// The options must be spelled in full ("--sim X" or "--sim=X"), so that
// every abbreviation the original tools accept keeps its meaning.
package simtarget

import (
	"fmt"
	"strings"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// Spec names a simulated host at a virtual time.
type Spec struct {
	Scenario string // --sim: a file or a shipped scenario's name
	At       string // --at: a duration ("2s", "150ms"); "" is the scenario's end
	Host     string // --host: "" is the scenario's first host
	// HasAt and HasHost record that --at and --host were given.
	HasAt, HasHost bool
}

// Set reports whether --sim was given.
func (s *Spec) Set() bool { return s.Scenario != "" }

// Take reads one of the options at args[0], if it is one: it returns how
// many arguments it used (0 when args[0] is none of them, 1 or 2 when it
// is). A missing argument is an error in getopt's words, prog its prefix
// (none when prog is "").
func (s *Spec) Take(prog string, args []string) (int, error) {
	if len(args) == 0 || !strings.HasPrefix(args[0], "--") {
		return 0, nil
	}
	name, val, hasVal := strings.Cut(args[0][2:], "=")
	var dst *string
	switch name {
	case "sim":
		dst = &s.Scenario
	case "at":
		dst, s.HasAt = &s.At, true
	case "host":
		dst, s.HasHost = &s.Host, true
	default:
		return 0, nil
	}
	used := 1
	if !hasVal {
		if len(args) < 2 {
			return 1, fmt.Errorf("%soption '--%s' requires an argument", prefix(prog), name)
		}
		val, used = args[1], 2
	}
	if val == "" && name == "sim" {
		return used, fmt.Errorf("%soption '--sim' needs a scenario", prefix(prog))
	}
	*dst = val
	return used, nil
}

// Check reports --at or --host given without --sim.
func (s *Spec) Check(prog string) error {
	if s.Set() {
		return nil
	}
	switch {
	case s.HasAt:
		return fmt.Errorf("%soption '--at' needs --sim", prefix(prog))
	case s.HasHost:
		return fmt.Errorf("%soption '--host' needs --sim", prefix(prog))
	}
	return nil
}

func prefix(prog string) string {
	if prog == "" {
		return ""
	}
	return prog + ": "
}

// Until returns the virtual time the spec looks at in sc.
func (s *Spec) Until(sc *scenario.Scenario) (sim.Time, error) {
	if s.At == "" {
		return sim.FromDuration(sc.Duration), nil
	}
	return s.parseAt()
}

// Open opens the simulation the spec names, runs it to the spec's time
// and returns the view of its host.
func (s *Spec) Open() (*ref.HostView, error) {
	o, err := s.OpenSim()
	if err != nil {
		return nil, err
	}
	return o.View, nil
}

// String writes the spec as a diff target: "sim:SCENARIO[@T][/HOST]".
func (s *Spec) String() string {
	out := "sim:" + s.Scenario
	if s.At != "" {
		out += "@" + s.At
	}
	if s.Host != "" {
		out += "/" + s.Host
	}
	return out
}

// Parse reads a diff target's scenario part "SCENARIO[@T][/HOST]" (after
// "sim:"). The time follows the last "@"; a host follows the "/" after
// the time, or, without a time, the last "/" unless the whole text names
// a scenario file or a shipped scenario.
func Parse(text string) (Spec, error) {
	var s Spec
	if i := strings.LastIndexByte(text, '@'); i >= 0 {
		s.Scenario, s.At, s.HasAt = text[:i], text[i+1:], true
		if j := strings.IndexByte(s.At, '/'); j >= 0 {
			s.At, s.Host, s.HasHost = s.At[:j], s.At[j+1:], true
		}
		if s.At == "" {
			return s, fmt.Errorf("target sim:%s: no time after '@'", text)
		}
		if _, err := scenario.ParseDuration(s.At); err != nil {
			return s, fmt.Errorf("target sim:%s: %w", text, err)
		}
	} else {
		s.Scenario = text
		if i := strings.LastIndexByte(text, '/'); i >= 0 && !isScenario(text) {
			s.Scenario, s.Host, s.HasHost = text[:i], text[i+1:], true
		}
	}
	switch {
	case s.Scenario == "":
		return s, fmt.Errorf("target sim:%s: no scenario", text)
	case s.HasHost && s.Host == "":
		return s, fmt.Errorf("target sim:%s: no host after '/'", text)
	}
	return s, nil
}

// isScenario reports whether text names a session, a scenario file or a
// shipped scenario.
func isScenario(text string) bool {
	if Sessions().Exists(text) {
		return true
	}
	if _, err := scenario.ShippedFile(text); err == nil {
		return true
	}
	return fileExists(text)
}
