package nstat

import "github.com/stackbox/stackbox/pkg/stack/kernel"

// newKernelTarget returns the host kernel in the network namespace netns,
// failing as `ip netns exec` does when the namespace cannot be entered.
func newKernelTarget(netns string) (Target, error) {
	k := kernel.New(netns)
	if netns != "" {
		if err := k.Do(func() error { return nil }); err != nil {
			return nil, err
		}
	}
	return k, nil
}
