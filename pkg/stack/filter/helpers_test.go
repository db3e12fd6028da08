package filter

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/stackbox/stackbox/pkg/netdb"
)

// fakeResolver answers like the test machine's libc would inside a fresh
// network namespace: /etc/hosts has only "127.0.0.1 localhost", DNS is
// unreachable, the services file is testdata/services and the only
// interface is lo.
type fakeResolver struct {
	hosts   map[string][]netip.Addr
	ifaces  map[string]uint32
	cgroups map[string]uint64
	svc     *netdb.DB
	lo, hi  int
}

func newFakeResolver() *fakeResolver {
	return &fakeResolver{
		hosts: map[string][]netip.Addr{
			"localhost": {netip.MustParseAddr("127.0.0.1")},
			// A name with several addresses of both families.
			"multi.test": {
				netip.MustParseAddr("192.0.2.1"),
				netip.MustParseAddr("192.0.2.2"),
				netip.MustParseAddr("2001:db8::1"),
			},
		},
		ifaces:  map[string]uint32{"lo": 1, "eth0": 2},
		cgroups: map[string]uint64{"/": 1, "/system.slice": 0x1234},
		svc:     netdb.New("testdata/services", ""),
		lo:      32768,
		hi:      60999,
	}
}

func (r *fakeResolver) LookupHost(name string, family uint8) ([]netip.Addr, error) {
	if addrs, handled, err := numericHost(name, family); handled {
		return addrs, err
	}
	var out []netip.Addr
	for _, a := range r.hosts[name] {
		if (family == afInet) == a.Is4() {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("not found")
	}
	return out, nil
}

func (r *fakeResolver) LookupPort(name, proto string) (uint16, bool) {
	return r.svc.PortByService(name, proto)
}

func (r *fakeResolver) InterfaceIndex(name string) uint32 { return r.ifaces[name] }

func (r *fakeResolver) CgroupID(path string) (uint64, error) {
	p := "/" + strings.TrimLeft(path, "/")
	if id, ok := r.cgroups[p]; ok {
		return id, nil
	}
	return 0, errors.New("Failed to get cgroup2 ID: No such file or directory")
}

func (r *fakeResolver) EphemeralPorts() (int, int) { return r.lo, r.hi }

// optsFor maps the ss options the golden cases use to Options.
func optsFor(flags string, r Resolver) Options {
	o := Options{Resolver: r}
	f := strings.TrimPrefix(flags, "-")
	tables := false
	for _, c := range f {
		switch c {
		case 't':
			o.TCP, tables = true, true
		case 'u':
			o.UDP, tables = true, true
		case 'w', 'M', 'S', 'd':
			tables = true
		case 'x':
			o.Family, tables = afUnix, true
		case '0':
			o.Family, tables = afPacket, true
		case '4':
			o.Family = afInet
		case '6':
			o.Family = afInet6
		}
	}
	if !tables && (o.Family == afInet || o.Family == afInet6 || o.Family == 0) {
		// ss's defaults: every inet table.
		o.TCP, o.UDP = true, true
	}
	return o
}
