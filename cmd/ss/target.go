package ss

import (
	"io"

	report "github.com/stackbox/stackbox/pkg/report/ss"
	"github.com/stackbox/stackbox/pkg/stack/filter"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// kernelTarget is the host kernel in one network namespace.
type kernelTarget struct {
	*kernel.Kernel
	names    *kernel.Names
	resolver *nsResolver
}

// nsResolver resolves filter names, interfaces in the target's namespace.
type nsResolver struct {
	filter.SystemResolver
	names *kernel.Names
}

func (r *nsResolver) InterfaceIndex(name string) uint32 { return r.names.InterfaceIndex(name) }

func newKernelTarget(netns string, warn io.Writer) (Target, error) {
	k := kernel.New(netns)
	if netns != "" {
		// Fail early, with ss's message, when the namespace is missing.
		if err := k.Do(func() error { return nil }); err != nil {
			return nil, err
		}
	}
	names := k.Names()
	names.Warn = warn
	r := &nsResolver{names: names}
	r.SystemResolver.Cgroup2Mount = names.Cgroup2Mount
	return &kernelTarget{Kernel: k, names: names, resolver: r}, nil
}

func (t *kernelTarget) Names() report.Names       { return t.names }
func (t *kernelTarget) Resolver() filter.Resolver { return t.resolver }
