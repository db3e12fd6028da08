package ss

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/stackbox/stackbox/internal/simtarget"
	"github.com/stackbox/stackbox/pkg/cli/getopt"
	report "github.com/stackbox/stackbox/pkg/report/ss"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/filter"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// takeSim removes stackbox's --sim, --at and --host (spelled in full) from
// args, reading args as getopt will: it stops at "--" and at what getopt
// rejects, and skips option arguments, so that "-F --sim" keeps --sim as
// -F's file.
func takeSim(args []string) ([]string, simtarget.Spec, error) {
	var spec simtarget.Spec
	var firstErr error
	rest := getopt.Extract(args, ssOptions, func(a []string) int {
		n, err := spec.Take("ss", a)
		if err != nil && firstErr == nil {
			firstErr = &usageError{err.Error()}
		}
		return n
	})
	if err := spec.Check("ss"); err != nil && firstErr == nil {
		firstErr = &usageError{err.Error()}
	}
	return rest, spec, firstErr
}

// openTarget opens the stack f points at: the reference stack with
// --sim, else the host kernel.
func openTarget(opts *Options, f *flags) (Target, error) {
	if !f.sim.Set() {
		return opts.NewStack(f.netns, opts.IO.ErrOut)
	}
	if f.netns != "" {
		return nil, &plainError{"ss: -N and --sim cannot go together", 1}
	}
	v, err := f.sim.Open()
	if err != nil {
		return nil, &plainError{"ss: " + err.Error(), 1}
	}
	return newSimTarget(v), nil
}

// simTarget is a host of the reference stack.
type simTarget struct {
	*ref.HostView
	names simNames
}

func newSimTarget(v *ref.HostView) *simTarget {
	return &simTarget{HostView: v, names: simNames{h: v.Host}}
}

// Threads is Processes: a simulated process has one thread, its pid.
func (t *simTarget) Threads(ctx context.Context) (stack.ProcessMap, error) {
	m, err := t.Processes(ctx)
	if err != nil {
		return nil, err
	}
	return threadMap{m}, nil
}

type threadMap struct{ stack.ProcessMap }

func (m threadMap) Lookup(inode uint32) []stack.ProcessFD {
	ps := m.ProcessMap.Lookup(inode)
	out := make([]stack.ProcessFD, len(ps))
	for i, p := range ps {
		p.TID = p.PID
		out[i] = p
	}
	return out
}

func (t *simTarget) Names() report.Names       { return &t.names }
func (t *simTarget) Resolver() filter.Resolver { return &t.names }
func (t *simTarget) Do(fn func() error) error  { return fn() }

// simNames resolves names within the simulation: its hosts, the host's
// interfaces, processes and port range. Services come from the system's
// /etc/services, as ss's do.
type simNames struct {
	h   *ref.Host
	sys filter.SystemResolver
}

func (n *simNames) InterfaceName(ifindex uint32) string {
	for _, ifc := range n.h.Ifaces {
		if uint32(ifc.Index) == ifindex {
			return ifc.Name
		}
	}
	return ""
}

// HostName is the name of the simulated host holding addr.
func (n *simNames) HostName(addr netip.Addr) string {
	for _, h := range n.h.Net.Hosts {
		for _, ifc := range h.Ifaces {
			for _, p := range ifc.Addrs {
				if p.Addr() == addr {
					return h.Name
				}
			}
		}
	}
	return ""
}

func (n *simNames) ProcessName(pid int32) string {
	for _, p := range n.h.Processes() {
		if int32(p.PID) == pid {
			return p.Name
		}
	}
	return ""
}

func (n *simNames) CgroupPath(uint64) string { return "" }

// LookupHost resolves a simulated host's name to its addresses of family;
// numeric addresses are read as ss reads them; other names do not resolve.
func (n *simNames) LookupHost(name string, family uint8) ([]netip.Addr, error) {
	if h := n.h.Net.Host(name); h != nil {
		var out []netip.Addr
		for _, ifc := range h.Ifaces {
			for _, p := range ifc.Addrs {
				if a := p.Addr(); (a.Is4() && family == 2) || (!a.Is4() && family == 10) {
					out = append(out, a)
				}
			}
		}
		return out, nil
	}
	if strings.Trim(name, "0123456789abcdefABCDEFxX.:%") == "" {
		return n.sys.LookupHost(name, family)
	}
	return nil, fmt.Errorf("no host %q in the simulation", name)
}

func (n *simNames) LookupPort(name, proto string) (uint16, bool) {
	return n.sys.LookupPort(name, proto)
}

func (n *simNames) InterfaceIndex(name string) uint32 {
	if ifc := n.h.Interface(name); ifc != nil {
		return uint32(ifc.Index)
	}
	return 0
}

func (n *simNames) CgroupID(string) (uint64, error) {
	return 0, errors.New("the reference stack has no cgroups")
}

func (n *simNames) EphemeralPorts() (lo, hi int) {
	return int(n.h.Sysctl.Int(sysctl.IPLocalPortRangeLow)), int(n.h.Sysctl.Int(sysctl.IPLocalPortRangeHigh))
}
