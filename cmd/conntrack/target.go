package conntrack

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// newKernelTarget returns the host kernel in network namespace netns ("":
// the current one), failing when the namespace cannot be entered.
func newKernelTarget(netns string) (stack.FlowStack, error) {
	k := kernel.New(netns)
	if netns != "" {
		if err := k.Do(func() error { return nil }); err != nil {
			return nil, err
		}
	}
	return k, nil
}
