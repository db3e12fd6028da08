package cc

import (
	"errors"
	"fmt"
)

// ErrUnknown is returned (wrapped) by New for a name no algorithm has;
// Linux answers ENOENT there.
var ErrUnknown = errors.New("unknown congestion control")

// names lists the available algorithms, sorted.
var names = []string{"cubic", "reno"}

// Names returns the names of the available algorithms, sorted: the value
// of net.ipv4.tcp_available_congestion_control.
func Names() []string { return append([]string(nil), names...) }

// Modules is a host's set of congestion-control modules with their
// parameters (Linux's module state is per kernel). The zero value uses
// Linux's defaults.
type Modules struct {
	// Cubic is the loaded tcp_cubic module; nil means Linux's defaults.
	Cubic *CubicConfig
}

// New returns a new per-connection instance of the named algorithm using
// the modules' parameters.
func (m *Modules) New(name string) (Algorithm, error) {
	switch name {
	case "reno":
		return Reno{}, nil
	case "cubic":
		return NewCubic(m.Cubic), nil
	}
	return nil, fmt.Errorf("cc: %w %q", ErrUnknown, name)
}

// New returns a new per-connection instance of the named algorithm with
// Linux's default parameters.
func New(name string) (Algorithm, error) {
	var m Modules
	return m.New(name)
}
