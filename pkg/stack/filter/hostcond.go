package filter

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// hostCond is an address and/or port condition (ss's struct aafilter
// list): the value of src, dst, sport and dport.
type hostCond struct {
	// family is the condition's address family: 0 (no address), afInet
	// or afInet6 for addresses, afUnix (pattern), afPacket, afNetlink,
	// afVsock, or another family ss was told to prefer.
	family uint8
	port   int32 // -1: any port
	// addrs holds the address entries: one, or one per address of a host
	// name. The first entry's bits == 0 means "any address". For packet
	// and netlink conditions the protocol is in data[0:4] (host order, as
	// ss stores it on a little-endian machine).
	addrs   []addrEntry
	pattern string // afUnix: the fnmatch pattern
}

// addrEntry is one address prefix (ss's inet_prefix).
type addrEntry struct {
	family uint8
	bits   int
	data   [16]byte
}

func (e *addrEntry) alen() int {
	if e.family == afInet6 {
		return 16
	}
	return 4
}

// isInet reports whether the condition can be expressed in inet_diag
// bytecode (no address, or IPv4/IPv6 addresses).
func (h *hostCond) isInet() bool {
	switch h.family {
	case afUnspec, afInet, afInet6:
	default:
		return false
	}
	for _, e := range h.addrs {
		if e.family != afUnspec && e.family != afInet && e.family != afInet6 {
			return false
		}
	}
	return true
}

func hostErr(lines ...string) error {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteString("Cannot parse dst/src address.\n")
	return &Error{Msg: b.String(), Code: 1}
}

// findPort is ss's find_port: the port part of a link, netlink or vsock
// address, after the first ':' (or the whole word for sport/dport).
func findPort(addr string, isPort bool) (rest, port string, has bool) {
	if isPort {
		if strings.HasPrefix(addr, ":") {
			return "", addr[1:], true
		}
		return addr, addr, true
	}
	i := strings.IndexByte(addr, ':')
	if i < 0 {
		return addr, "", false
	}
	return addr[:i], addr[i+1:], true
}

// parseHostCond is ss's parse_hostcond: it reads one address or port
// word in the preferred family and records the family it forces.
func (p *parser) parseHostCond(word string, isPort bool) (*hostCond, error) {
	h := &hostCond{port: -1}
	fam := p.fam
	addr := word
	for _, pre := range [...]struct {
		s   string
		fam uint8
	}{{"unix:", afUnix}, {"link:", afPacket}, {"netlink:", afNetlink}, {"vsock:", afVsock}, {"inet:", afInet}, {"inet6:", afInet6}} {
		if strings.HasPrefix(addr, pre.s) {
			fam = pre.fam
			addr = addr[len(pre.s):]
			break
		}
	}

	var err error
	switch fam {
	case afUnix:
		h.family = afUnix
		h.pattern = addr
	case afPacket:
		err = p.parseLinkCond(h, addr, isPort)
	case afNetlink:
		err = parseNetlinkCond(h, addr, isPort)
	case afVsock:
		err = parseVsockCond(h, addr, isPort)
	default:
		err = p.parseInetCond(h, addr, isPort, fam)
	}
	if err != nil {
		return nil, err
	}
	if fam != afUnspec {
		p.fam = fam
		p.f.Family = fam
	}
	return h, nil
}

func (p *parser) parseLinkCond(h *hostCond, addr string, isPort bool) error {
	h.family = afPacket
	h.addrs = []addrEntry{{family: afPacket}}
	addr, port, has := findPort(addr, isPort)
	if has && port != "" && port != "*" {
		if v, ok := getInteger(port); ok {
			h.port = v
		} else {
			idx := p.res.InterfaceIndex(port)
			if idx == 0 || idx > 0x7fffffff {
				return hostErr()
			}
			h.port = int32(idx)
		}
	}
	if !isPort && addr != "" && addr != "*" {
		proto, ok := llProtoA2N(addr)
		if !ok {
			return hostErr()
		}
		h.addrs[0].bits = 32
		binary.LittleEndian.PutUint32(h.addrs[0].data[:], uint32(proto))
	}
	return nil
}

func parseNetlinkCond(h *hostCond, addr string, isPort bool) error {
	h.family = afNetlink
	h.addrs = []addrEntry{{family: afNetlink}}
	addr, port, has := findPort(addr, isPort)
	if has && port != "" && port != "*" {
		if v, ok := getInteger(port); ok {
			h.port = v
		} else if port == "kernel" {
			h.port = 0
		} else {
			return hostErr()
		}
	}
	if !isPort && addr != "" && addr != "*" {
		proto, ok := nlProtoA2N(addr)
		if !ok {
			return hostErr()
		}
		h.addrs[0].bits = 32
		binary.LittleEndian.PutUint32(h.addrs[0].data[:], proto)
	}
	return nil
}

func parseVsockCond(h *hostCond, addr string, isPort bool) error {
	h.family = afVsock
	cid := uint32(0xffffffff)
	addr, port, has := findPort(addr, isPort)
	if has && port != "*" {
		v, ok := getUnsigned(port)
		if !ok {
			return hostErr()
		}
		h.port = int32(v)
	}
	if !isPort && addr != "" && addr != "*" {
		v, ok := getUnsigned(addr)
		if !ok {
			return hostErr()
		}
		cid = v
	}
	// ss stores the cid but leaves its prefix length at 0: it is never
	// compared.
	e := addrEntry{family: afVsock}
	binary.LittleEndian.PutUint32(e.data[:], cid)
	h.addrs = []addrEntry{e}
	return nil
}

// parseInetCond reads "[ADDR][:PORT]" in an inet (or other) family.
func (p *parser) parseInetCond(h *hostCond, addr string, isPort bool, fam uint8) error {
	var port string
	hasPort := false
	cut := -1 // where a ':' before the port ends the address
	switch {
	case strings.HasPrefix(addr, "["):
		addr = addr[1:]
		i := strings.IndexByte(addr, ']')
		if i < 0 {
			return hostErr()
		}
		port, addr = addr[i+1:], addr[:i]
		hasPort = true
	case strings.HasPrefix(addr, "*"):
		port = addr[1:]
		hasPort = true
	default:
		base := strings.IndexByte(addr, '/')
		if base < 0 {
			base = 0
		}
		if i := strings.LastIndexByte(addr[base:], ':'); i >= 0 {
			port = addr[base+i:]
			cut = base + i
			hasPort = true
		}
	}
	if isPort {
		port, hasPort, cut = addr, true, -1
	}
	if hasPort && port != "" {
		if port[0] == ':' {
			port = port[1:]
			if cut >= 0 {
				addr = addr[:cut]
			}
		}
		if port != "" && port[0] != '*' {
			if v, ok := getInteger(port); ok {
				h.port = v
			} else if err := p.lookupService(h, port); err != nil {
				return err
			}
		}
	}
	h.addrs = []addrEntry{{}}
	if isPort || addr == "" || addr[0] == '*' {
		return nil
	}
	if e, ok := getPrefix(addr, fam); ok {
		h.addrs[0] = e
		h.family = e.family
		return nil
	}
	addrs := p.lookupHost(addr, fam)
	if len(addrs) == 0 {
		return hostErr(`Error: an inet prefix is expected rather than "` + addr + `".`)
	}
	h.addrs = addrs
	h.family = addrs[0].family
	return nil
}

// lookupService resolves a service name like ss: in the udp and tcp
// services, for the tables shown, failing when both have it on different
// ports.
func (p *parser) lookupService(h *hostCond, name string) error {
	var udp, tcp uint16
	var haveUDP, haveTCP bool
	if p.opts.UDP {
		udp, haveUDP = p.res.LookupPort(name, "udp")
	}
	if p.opts.TCP {
		tcp, haveTCP = p.res.LookupPort(name, "tcp")
	}
	if haveUDP && haveTCP && udp != tcp {
		return hostErr(`Error: ambiguous port "` + name + `".`)
	}
	switch {
	case haveUDP:
		h.port = int32(udp)
	case haveTCP:
		h.port = int32(tcp)
	default:
		return hostErr(`Error: "` + name + `" does not look like a port.`)
	}
	return nil
}

// lookupHost is ss's get_dns_host: every address of name, IPv4 then IPv6
// when no family is preferred. Unlike ss, all of them are used (ss's
// kernel filter compares with the first one only).
func (p *parser) lookupHost(name string, fam uint8) []addrEntry {
	var fams []uint8
	switch fam {
	case afUnspec:
		fams = []uint8{afInet, afInet6}
	case afInet, afInet6:
		fams = []uint8{fam}
	default:
		return nil
	}
	var out []addrEntry
	for _, f := range fams {
		addrs, err := p.res.LookupHost(name, f)
		if err != nil {
			continue
		}
		for _, a := range addrs {
			var e addrEntry
			switch {
			case f == afInet && (a.Is4() || a.Is4In6()):
				e = addrEntry{family: afInet, bits: 32}
				v4 := a.Unmap().As4()
				copy(e.data[:], v4[:])
			case f == afInet6 && a.IsValid():
				e = addrEntry{family: afInet6, bits: 128}
				e.data = a.As16()
			default:
				continue
			}
			out = append(out, e)
		}
	}
	return out
}

// getPrefix is iproute2's get_prefix_1: "ADDR[/LEN]" where LEN may also be
// a dotted netmask, and ADDR may be "default", "all" or "any".
func getPrefix(s string, fam uint8) (addrEntry, bool) {
	name, mask, hasMask := strings.Cut(s, "/")
	e, any, ok := getAddr(name, fam)
	if !ok {
		return e, false
	}
	bits := afBitLen(e.family)
	if hasMask {
		if any {
			return e, false
		}
		plen, ok := getNetmask(mask)
		if !ok || plen > uint32(bits) {
			return e, false
		}
		bits = int(plen)
	} else if any {
		bits = 0
	}
	e.bits = bits
	return e, true
}

// getAddr is iproute2's get_addr_1 for the inet families. any is set for
// "default", "all" and "any".
func getAddr(name string, fam uint8) (e addrEntry, any, ok bool) {
	switch name {
	case "default", "all", "any":
		if fam == afDECnet || fam == afMPLS {
			return e, false, false
		}
		e.family = fam
		return e, true, true
	}
	if strings.IndexByte(name, ':') >= 0 {
		e.family = afInet6
		if fam != afUnspec && fam != afInet6 {
			return e, false, false
		}
		a, ok := parseIPv6(name)
		if !ok {
			return e, false, false
		}
		e.data = a.As16()
		return e, false, true
	}
	e.family = afInet
	if fam != afUnspec && fam != afInet {
		return e, false, false
	}
	v4, ok := getAddrIPv4(name)
	if !ok {
		return e, false, false
	}
	copy(e.data[:], v4[:])
	return e, false, true
}

// parseIPv6 is inet_pton(AF_INET6): no zones.
func parseIPv6(s string) (netip.Addr, bool) {
	if strings.IndexByte(s, '%') >= 0 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() {
		return netip.Addr{}, false
	}
	return a, true
}

func afBitLen(fam uint8) int {
	switch fam {
	case afInet6:
		return 128
	case afInet:
		return 32
	case afDECnet:
		return 16
	case afIPX:
		return 80
	case afMPLS:
		return 20
	}
	return 0
}

// getNetmask is iproute2's get_netmask: a prefix length, or a dotted
// IPv4 netmask with contiguous ones.
func getNetmask(s string) (uint32, bool) {
	if v, ok := getUnsigned(s); ok {
		return v, true
	}
	e, _, ok := getAddr(s, afInet)
	if !ok || e.family != afInet {
		return 0, false
	}
	m := binary.BigEndian.Uint32(e.data[:4])
	host := ^m
	if host&(host+1) != 0 {
		return 0, false
	}
	var bits uint32
	for ; m != 0; m <<= 1 {
		bits++
	}
	return bits, true
}

// String renders the condition for Filter.String.
func (h *hostCond) String() string {
	var b strings.Builder
	switch h.family {
	case afUnix:
		return "unix:" + h.pattern
	case afPacket, afNetlink, afVsock:
		b.WriteString(map[uint8]string{afPacket: "link:", afNetlink: "netlink:", afVsock: "vsock:"}[h.family])
		if len(h.addrs) > 0 && h.addrs[0].bits > 0 {
			b.WriteString(strconv.FormatUint(uint64(binary.LittleEndian.Uint32(h.addrs[0].data[:])), 10))
		} else {
			b.WriteByte('*')
		}
	default:
		for i, e := range h.addrs {
			if i > 0 {
				b.WriteByte(',')
			}
			switch e.family {
			case afUnspec:
				b.WriteByte('*')
			case afInet:
				fmt.Fprintf(&b, "%s/%d", netip.AddrFrom4([4]byte(e.data[:4])), e.bits)
			case afInet6:
				fmt.Fprintf(&b, "[%s]/%d", netip.AddrFrom16(e.data), e.bits)
			default:
				fmt.Fprintf(&b, "af%d:*", e.family)
			}
		}
	}
	if h.port == -1 {
		b.WriteString(":*")
	} else {
		fmt.Fprintf(&b, ":%d", h.port)
	}
	return b.String()
}
