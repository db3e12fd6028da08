package conntrack

import (
	"errors"

	"github.com/stackbox/stackbox/pkg/stack"
)

// openTarget opens the stack x points at: the conntrack table of a host
// of the reference stack with --sim, else the kernel's.
func openTarget(opts *Options, x *extras) (stack.FlowStack, error) {
	if !x.sim.Set() {
		return opts.NewStack(x.netns)
	}
	if x.hasNetns {
		return nil, errors.New("--netns and --sim cannot go together")
	}
	v, err := x.sim.Open()
	if err != nil {
		return nil, err
	}
	fs, ok := any(v).(stack.FlowStack)
	if !ok {
		return nil, errors.New("the reference stack has no conntrack table yet")
	}
	return fs, nil
}
