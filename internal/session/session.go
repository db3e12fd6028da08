// Package session is the store of simulation sessions. A session is a
// scenario plus an ordered log of changes made at virtual times (an
// ethtool setting, a sysctl, later a tune profile), and a current time.
// Nothing of a running simulation is kept: every read replays the session
// (Replay) - build the network from the scenario, run to each change's
// time, apply it, and run on to the time looked at - so the same session
// always reads the same.
//
// A session embeds its scenario's YAML text when it is created, so that a
// later edit of the scenario file (or of a shipped scenario, in a newer
// binary) does not change what the session reads.
//
// # Where sessions live
//
// One JSON file per session, NAME.json, in the first of:
//
//   - $STACKBOX_SIM_DIR
//   - $XDG_STATE_HOME/stackbox/sim
//   - $HOME/.local/state/stackbox/sim
//   - /tmp/stackbox-sim-UID (no home directory)
//
// The directory is created (mode 0700) on the first write. Every write
// goes to a temporary file in the same directory, renamed over the old
// one, so a session file is always whole. Two commands changing one
// session at the same moment are not serialized: the last write wins.
//
// # Names
//
// A session name is 1 to 64 letters, digits, '.', '_' or '-', starting
// with a letter or digit, not ending in ".yaml" or ".yml", and not the
// name of a shipped scenario; so "--sim NAME" is never ambiguous between
// a session and a shipped scenario. Where "--sim NAME" could name both a
// session and a scenario file NAME in the working directory, the session
// wins; "./NAME" always names the file (session names have no '/').
package session

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// FormatVersion is the version of the session file format written.
const FormatVersion = 1

// Session is one simulation session.
type Session struct {
	// Name is the session's name (its file is Name.json).
	Name string
	// Scenario is the scenario as the user named it: a shipped
	// scenario's name or a file's absolute path (for display).
	Scenario string
	// File is the name scenario errors carry ("burst.yaml", or the
	// path); Source is the scenario's YAML text, as it was at creation.
	File   string
	Source []byte
	// Now is the session's current virtual time.
	Now sim.Time
	// Changes is the log, in the order made (and so by time).
	Changes []Change
}

// Kind is what a change sets.
type Kind string

// The kinds of change.
const (
	KindRings    Kind = "rings"    // ethtool -G
	KindChannels Kind = "channels" // ethtool -L
	KindCoalesce Kind = "coalesce" // ethtool -C
	KindFeatures Kind = "features" // ethtool -K
	KindPause    Kind = "pause"    // ethtool -A
	KindSysctl   Kind = "sysctl"   // sysctl -w
)

// kinds lists the kinds in a fixed order with the ethtool option that
// makes each (sysctl's is empty).
var kinds = []struct {
	kind Kind
	flag string
}{
	{KindRings, "-G"}, {KindChannels, "-L"}, {KindCoalesce, "-C"},
	{KindFeatures, "-K"}, {KindPause, "-A"}, {KindSysctl, ""},
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, e := range kinds {
		if e.kind == k {
			return true
		}
	}
	return false
}

// EthtoolFlag is the ethtool option that makes a change of kind k, ""
// for a sysctl.
func (k Kind) EthtoolFlag() string {
	for _, e := range kinds {
		if e.kind == k {
			return e.flag
		}
	}
	return ""
}

// Change is one entry of a session's log.
type Change struct {
	// At is the virtual time the change is made at.
	At   sim.Time
	Kind Kind
	// Host is the simulated host changed.
	Host string
	// Target is the device (ethtool kinds) or the sysctl's dotted name.
	Target string
	// Params are the parameters in the order given: for ethtool kinds,
	// ethtool's parameter names with a decimal number or "on"/"off"
	// (for -K: feature names, or legacy flag names, with "on"/"off");
	// for a sysctl, one parameter named "value" holding the text written.
	Params []Param
	// Origin, when set, says what made the change ("tune apply
	// latency"); the log shows it.
	Origin string
}

// Param is one parameter of a change.
type Param struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// SysctlChange returns the change writing value to sysctl name on host.
func SysctlChange(host, name, value string) Change {
	return Change{Kind: KindSysctl, Host: host, Target: name, Params: []Param{{Name: "value", Value: value}}}
}

// Command is the change as a command line, without the host: "ethtool -G
// eth0 rx 4096", "sysctl -w net.core.netdev_budget=600".
func (c Change) Command() string {
	var b strings.Builder
	if c.Kind == KindSysctl {
		b.WriteString("sysctl -w " + c.Target + "=")
		if len(c.Params) > 0 {
			b.WriteString(c.Params[0].Value)
		}
		return b.String()
	}
	b.WriteString("ethtool " + c.Kind.EthtoolFlag() + " " + c.Target)
	for _, p := range c.Params {
		b.WriteString(" " + p.Name + " " + p.Value)
	}
	return b.String()
}

// check reports what is wrong with c, the i-th change of a log.
func (c Change) check() error {
	switch {
	case !c.Kind.Valid():
		return fmt.Errorf("unknown kind %q", c.Kind)
	case c.At < 0:
		return errors.New("negative time")
	case c.Host == "":
		return errors.New("no host")
	case c.Target == "":
		return errors.New("no target")
	case len(c.Params) == 0:
		return errors.New("no parameters")
	case c.Kind == KindSysctl && (len(c.Params) != 1 || c.Params[0].Name != "value"):
		return errors.New("a sysctl change has one parameter, value")
	}
	for _, p := range c.Params {
		if p.Name == "" {
			return errors.New("a parameter without a name")
		}
		if c.Kind != KindSysctl && p.Value == "" {
			return fmt.Errorf("parameter %s has no value", p.Name)
		}
	}
	return nil
}

// Append adds c to the log at the session's current time.
func (s *Session) Append(c Change) {
	c.At = s.Now
	s.Changes = append(s.Changes, c)
}

// Reset clears the log and sets the time back to 0.
func (s *Session) Reset() {
	s.Changes = nil
	s.Now = 0
}

// ParseScenario parses the session's embedded scenario.
func (s *Session) ParseScenario() (*scenario.Scenario, error) {
	return scenario.Parse(s.File, s.Source)
}

// maxName is the longest session name.
const maxName = 64

// CheckName reports why name cannot name a session, or nil.
func CheckName(name string) error {
	if name == "" {
		return errors.New("empty session name")
	}
	if len(name) > maxName {
		return fmt.Errorf("session name %q: longer than %d characters", name, maxName)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '.' && c != '_' && c != '-') {
			return fmt.Errorf("session name %q: want letters, digits, '.', '_' or '-', starting with a letter or digit", name)
		}
	}
	if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
		return fmt.Errorf("session name %q: ends like a scenario file", name)
	}
	if _, err := scenario.ShippedFile(name); err == nil {
		return fmt.Errorf("session name %q: a shipped scenario has that name", name)
	}
	return nil
}
