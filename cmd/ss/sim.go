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
	var rest []string
	var firstErr error
loop:
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i:]...)
			break loop
		case strings.HasPrefix(a, "--"):
			n, err := spec.Take("ss", args[i:])
			if err != nil && firstErr == nil {
				firstErr = &usageError{err.Error()}
			}
			if n > 0 {
				i += n - 1
				continue
			}
			rest = append(rest, a)
			name, _, hasVal := strings.Cut(a[2:], "=")
			o, ok := resolveLong(name)
			if !ok {
				rest = append(rest, args[i+1:]...) // getopt stops here
				break loop
			}
			if o.Arg == getopt.RequiredArgument && !hasVal && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
		case len(a) > 1 && a[0] == '-':
			rest = append(rest, a)
			takesNext, ok := scanShort(a[1:])
			if !ok {
				rest = append(rest, args[i+1:]...)
				break loop
			}
			if takesNext && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
		default:
			rest = append(rest, a)
		}
	}
	if err := spec.Check("ss"); err != nil && firstErr == nil {
		firstErr = &usageError{err.Error()}
	}
	return rest, spec, firstErr
}

// resolveLong finds the ss option a long name abbreviates, as getopt_long
// does; ok is false when getopt would reject it.
func resolveLong(name string) (getopt.Option, bool) {
	var match []getopt.Option
	for _, o := range ssOptions {
		if o.Long == "" || !strings.HasPrefix(o.Long, name) {
			continue
		}
		if o.Long == name {
			return o, true
		}
		match = append(match, o)
	}
	for _, m := range match[min(1, len(match)):] {
		if m.Short != match[0].Short || m.ID != match[0].ID || m.Arg != match[0].Arg {
			return getopt.Option{}, false
		}
	}
	if len(match) == 0 {
		return getopt.Option{}, false
	}
	return match[0], true
}

// scanShort reads a cluster of short options and reports whether its last
// option takes the next argument; ok is false when getopt would reject a
// letter.
func scanShort(body string) (takesNext, ok bool) {
	for i, c := range body {
		var o *getopt.Option
		for k := range ssOptions {
			if ssOptions[k].Short == c {
				o = &ssOptions[k]
				break
			}
		}
		if o == nil {
			return false, false
		}
		if o.Arg == getopt.RequiredArgument {
			return i+len(string(c)) == len(body), true
		}
	}
	return false, true
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
