package filter

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/stackbox/stackbox/pkg/netdb"
)

// Resolver turns the names a filter may contain into numbers. Parse calls
// it while parsing (never Match), so a caller that inspects another
// network namespace runs Parse inside it.
type Resolver interface {
	// LookupHost returns every address of a host name for one family
	// (afInet or afInet6), as gethostbyname2 does; an error or no
	// address means the name does not resolve for that family.
	LookupHost(name string, family uint8) ([]netip.Addr, error)
	// LookupPort returns the port of a service name for proto ("tcp" or
	// "udp"), as getservbyname does.
	LookupPort(name, proto string) (port uint16, ok bool)
	// InterfaceIndex returns the index of the network interface called
	// name, or 0 when there is none.
	InterfaceIndex(name string) uint32
	// CgroupID returns the cgroup v2 id of a cgroup path (relative to the
	// cgroup2 mount; a leading "/" is ignored). The error's text is what
	// ss prints on the line before "Cannot parse cgroup PATH.".
	CgroupID(path string) (uint64, error)
	// EphemeralPorts returns the local port range the kernel picks
	// automatic ports from (net.ipv4.ip_local_port_range); the filter word
	// "autobound" matches inet sockets whose local port is in it.
	EphemeralPorts() (lo, hi int)
}

// SystemResolver resolves names the way ss does on the running system:
// host names through Go's resolver (/etc/hosts and DNS, per
// /etc/nsswitch.conf), all-numeric names like glibc's gethostbyname2,
// services from /etc/services, interfaces by name, cgroups from the
// cgroup2 mount in /proc/mounts and the port range from
// /proc/sys/net/ipv4/ip_local_port_range. It answers for the network
// namespace of the calling thread.
type SystemResolver struct {
	// Services looks up service names; nil means the system's
	// /etc/services (netdb.Default).
	Services *netdb.DB
	// ProcRoot replaces "/proc" when not empty.
	ProcRoot string
	// Timeout bounds one host name lookup; zero means 30 seconds.
	Timeout time.Duration
	// Cgroup2Mount, when set, says where cgroup2 is mounted ("" for
	// nowhere) instead of /proc/mounts.
	Cgroup2Mount func() string
}

var _ Resolver = (*SystemResolver)(nil)

// LookupHost resolves name for one family.
func (r *SystemResolver) LookupHost(name string, family uint8) ([]netip.Addr, error) {
	if addrs, handled, err := numericHost(name, family); handled {
		return addrs, err
	}
	if family != afInet && family != afInet6 {
		return nil, errors.New("address family not supported")
	}
	timeout := r.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	network := "ip4"
	if family == afInet6 {
		network = "ip6"
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, network, name)
	if err != nil {
		return nil, err
	}
	out := addrs[:0]
	for _, a := range addrs {
		a = a.WithZone("")
		if family == afInet {
			a = a.Unmap()
			if !a.Is4() {
				continue
			}
		} else if !a.Is6() {
			a = netip.AddrFrom16(a.As16())
		}
		out = append(out, a)
	}
	return out, nil
}

// numericHost answers the names glibc's gethostbyname2 answers without a
// lookup: all-digit-and-dot names (inet_aton for AF_INET, nothing for
// AF_INET6) and IPv6 literals. handled is false for names that need a
// real lookup.
func numericHost(name string, family uint8) (addrs []netip.Addr, handled bool, err error) {
	notFound := errors.New("host not found")
	if name == "" {
		return nil, true, notFound
	}
	c := name[0]
	if c >= '0' && c <= '9' && name[len(name)-1] != '.' && strings.Trim(name, "0123456789.") == "" {
		if family == afInet {
			if a, ok := inetAton(name); ok {
				return []netip.Addr{netip.AddrFrom4(a)}, true, nil
			}
		}
		return nil, true, notFound
	}
	hex := (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
	if ((hex && strings.IndexByte(name, ':') >= 0) || c == ':') && name[len(name)-1] != '.' &&
		strings.Trim(name, "0123456789abcdefABCDEF:.") == "" {
		if family == afInet6 {
			if a, ok := parseIPv6(name); ok {
				return []netip.Addr{a}, true, nil
			}
		}
		return nil, true, notFound
	}
	return nil, false, nil
}

// LookupPort looks a service name up in /etc/services.
func (r *SystemResolver) LookupPort(name, proto string) (uint16, bool) {
	db := r.Services
	if db == nil {
		db = netdb.Default()
	}
	return db.PortByService(name, proto)
}

// InterfaceIndex returns the index of the interface called name.
func (r *SystemResolver) InterfaceIndex(name string) uint32 {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return 0
	}
	return uint32(ifi.Index)
}

// EphemeralPorts reads ip_local_port_range, falling back to ss's 1024-4999
// when it cannot be read.
func (r *SystemResolver) EphemeralPorts() (lo, hi int) {
	root := r.ProcRoot
	if root == "" {
		root = "/proc"
	}
	b, err := os.ReadFile(root + "/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 1024, 4999
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 1024, 4999
	}
	l, err1 := strconv.Atoi(f[0])
	h, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil {
		return 1024, 4999
	}
	return l, h
}

// cgroup2Mount returns the mount point of the first cgroup2 file system in
// the mounts file, as iproute2's find_cgroup2_mount does.
func (r *SystemResolver) cgroup2Mount() (string, error) {
	if r.Cgroup2Mount != nil {
		if m := r.Cgroup2Mount(); m != "" {
			return m, nil
		}
		return "", errors.New("Failed to find cgroup2 mount")
	}
	root := r.ProcRoot
	if root == "" {
		root = "/proc"
	}
	b, err := os.ReadFile(root + "/mounts")
	if err != nil {
		return "", errors.New("Failed to open mounts file: " + errnoText(err))
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[2] == "cgroup2" {
			return unescapeMount(f[1]), nil
		}
	}
	return "", errors.New("Failed to find cgroup2 mount")
}

// unescapeMount undoes the octal escapes (\040 for a space...) of a
// /proc/mounts field.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// errnoText renders an error from the os package like C's strerror: the
// errno's message with its first letter capitalised.
func errnoText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	s := err.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
