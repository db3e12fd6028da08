package nstat

import (
	"errors"

	"github.com/stackbox/stackbox/pkg/stack/ref"
)

// openTarget opens the stack f points at: a host of the reference stack
// with --sim, else the host kernel.
//
// On the reference stack nstat keeps no history: it reads none, writes
// none and removes none (-r), so that the kernel's history file never
// mixes with simulated counters; every run prints the counters since the
// simulation started, as nstat does after a reset. Nor is there a daemon
// to ask or to start (-d).
func openTarget(opts *Options, f *flags) (Target, error) {
	if !f.sim.Set() {
		return opts.NewStack(f.netns)
	}
	switch {
	case f.netns != "":
		return nil, &plainError{"nstat: --netns and --sim cannot go together", 255}
	case f.scanMS > 0:
		return nil, &plainError{"nstat: no daemon (-d) on the reference stack", 255}
	}
	v, err := f.sim.Open()
	if err != nil {
		return nil, &plainError{"nstat: " + err.Error(), 255}
	}
	f.ignore, f.noUpdate, f.reset = true, true, false
	return simTarget{v}, nil
}

// simTarget is a host of the reference stack.
type simTarget struct{ *ref.HostView }

// errNoNamespace is Do's answer on the reference stack.
var errNoNamespace = errors.New("a simulated host has no network namespace")

// Do fails: a simulated host has no network namespace to enter, so nstat
// finds no daemon there.
func (simTarget) Do(func() error) error { return errNoNamespace }
