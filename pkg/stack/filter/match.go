package filter

import (
	"encoding/binary"
	"strings"

	"github.com/stackbox/stackbox/pkg/stack"
)

// view is a socket as ss's run_ssfilter sees it (its struct sockstat).
type view struct {
	family       uint8
	lport, rport int64
	// ldata and rdata are the bytes of the local and remote addresses
	// (inet), or the protocol number in ldata[0:4] (packet, netlink).
	ldata, rdata [16]byte
	// lgarbage is set for a named unix socket, whose address bytes ss
	// fills with a pointer: it matches no inet address.
	lgarbage bool
	// Unix names; nil-ness as in ss (no name: matches as "").
	lname string
	named bool
	iface uint32
	mark  uint32
	cg    uint64
}

// socketFamily returns the socket's address family, deriving it from the
// table when Family is not set.
func socketFamily(s *stack.Socket) uint8 {
	if s.Family != 0 {
		return s.Family
	}
	switch {
	case s.Table.IsUnix():
		return afUnix
	case s.Table.IsPacket():
		return afPacket
	case s.Table == stack.TableNetlink:
		return afNetlink
	case s.Local.Addr.Is4():
		return afInet
	}
	return afInet6
}

func inetBytes(fam uint8, ep *stack.Endpoint) (b [16]byte) {
	a := ep.Addr
	if !a.IsValid() {
		return b
	}
	if fam == afInet {
		if a.Is4() || a.Is4In6() {
			v4 := a.Unmap().As4()
			copy(b[:], v4[:])
		}
		return b
	}
	return a.As16()
}

func makeView(s *stack.Socket) view {
	v := view{family: socketFamily(s)}
	switch v.family {
	case afInet, afInet6:
		v.ldata = inetBytes(v.family, &s.Local)
		v.rdata = inetBytes(v.family, &s.Peer)
		v.lport = int64(s.Local.Port)
		v.rport = int64(s.Peer.Port)
		v.iface = s.Local.Ifindex
		if s.HasMark {
			v.mark = s.Mark
		}
		v.cg = s.CgroupID
	case afUnix:
		// ss: the port columns are the socket's and its peer's inodes;
		// the peer has no name in a netlink dump.
		ino := s.Inode
		if ino == 0 {
			ino = s.Local.Inode
		}
		v.lport = int64(ino)
		v.rport = int64(s.Peer.Inode)
		if s.Local.Path != "" {
			v.lname, v.named, v.lgarbage = s.Local.Path, true, true
		}
	case afPacket:
		v.lport = int64(s.Local.Ifindex)
		v.iface = s.Local.Ifindex
		binary.LittleEndian.PutUint32(v.ldata[:], uint32(s.Local.Proto))
	case afNetlink:
		v.lport = int64(s.Local.PortID)
		v.rport = -1
		binary.LittleEndian.PutUint32(v.ldata[:], uint32(s.Local.Proto))
	}
	return v
}

// Match reports whether ss would show s with this filter (it implements
// stack.Filter). For inet sockets it applies both the kernel program (as
// the kernel runs it) and ss's user-space test, as ss does when it dumps
// through sock_diag; for unix, packet and netlink sockets only the
// user-space test. A nil or empty filter matches everything. The states
// of the filter are not tested here: they select what to dump.
func (f *Filter) Match(s *stack.Socket) bool {
	if f == nil || f.expr == nil || s == nil {
		return true
	}
	v := makeView(s)
	if !f.run(f.expr, &v) {
		return false
	}
	if (v.family == afInet || v.family == afInet6) && f.progOK && !f.progBad {
		e := bcEntry{
			family:   v.family,
			saddr:    v.ldata,
			daddr:    v.rdata,
			sport:    int(v.lport),
			dport:    int(v.rport),
			ifindex:  v.iface,
			mark:     v.mark,
			cgroupID: v.cg,
		}
		return runBytecode(f.prog, &e)
	}
	return true
}

// run is ss's run_ssfilter.
func (f *Filter) run(n *node, v *view) bool {
	switch n.op {
	case opAnd:
		return f.run(n.a, v) && f.run(n.b, v)
	case opOr:
		return f.run(n.a, v) || f.run(n.b, v)
	case opNot:
		return !f.run(n.a, v)
	case opAuto:
		switch v.family {
		case afUnix:
			return !v.named || isAutobindName(v.lname)
		case afPacket:
			return v.lport == 0 && binary.LittleEndian.Uint32(v.ldata[:]) == 0
		case afNetlink:
			return v.lport < 0
		}
		return v.lport >= int64(f.ephLo) && v.lport <= int64(f.ephHi)
	case opSCond, opDCond:
		src := n.op == opSCond
		h := n.host
		if h.family == afUnix {
			if v.family != afUnix {
				return false
			}
			name := ""
			if src && v.named {
				name = v.lname
			}
			return fnmatchFold(h.pattern, name)
		}
		port, data := v.rport, &v.rdata
		if src {
			port, data = v.lport, &v.ldata
		}
		if h.port != -1 && int64(h.port) != port {
			return false
		}
		if len(h.addrs) == 0 || h.addrs[0].bits == 0 {
			return true
		}
		if src && v.lgarbage {
			return false
		}
		for i := range h.addrs {
			if addrMatch(v.family, data, &h.addrs[i]) {
				return true
			}
		}
		return false
	case opSGE:
		return v.lport >= int64(n.host.port)
	case opSLE:
		return v.lport <= int64(n.host.port)
	case opDGE:
		return v.rport >= int64(n.host.port)
	case opDLE:
		return v.rport <= int64(n.host.port)
	case opDev:
		return v.iface == n.dev
	case opMark:
		return v.mark&n.mask == n.mark
	case opCgroup:
		return v.cg == n.cgroup
	}
	return false
}

// addrMatch is ss's inet2_addr_match: the address bytes against the
// prefix, and an IPv4 prefix also against a v4-mapped IPv6 address.
func addrMatch(fam uint8, data *[16]byte, e *addrEntry) bool {
	if prefixMatch(data[:], e.data[:], e.bits) {
		return true
	}
	if e.family == afInet && fam == afInet6 && isV4Mapped(data[:]) {
		var tmp [16]byte
		tmp = *data
		copy(tmp[:4], data[12:16])
		return prefixMatch(tmp[:], e.data[:], e.bits)
	}
	return false
}

// isAutobindName reports whether a unix name is one the kernel picks on
// autobind: "@" and five lowercase hex digits.
func isAutobindName(s string) bool {
	if len(s) != 6 || s[0] != '@' {
		return false
	}
	for i := 1; i < 6; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// fnmatchFold is fnmatch(pattern, name, FNM_CASEFOLD) in the C locale:
// '*' and '?' also match '/', with bracket expressions and backslash
// escapes.
func fnmatchFold(pattern, name string) bool {
	return fnmatch(asciiLower(pattern), asciiLower(name))
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// fnmatch implements POSIX fnmatch without flags, in time proportional to
// len(p)*len(s): on a mismatch it retries from the last '*' only.
func fnmatch(p, s string) bool {
	pi, si := 0, 0
	starP, starS := -1, 0
	for si < len(s) || pi < len(p) {
		if pi < len(p) {
			switch c := p[pi]; c {
			case '*':
				starP, starS = pi, si
				pi++
				continue
			case '?':
				if si < len(s) {
					pi++
					si++
					continue
				}
			case '[':
				if si < len(s) {
					ok, n, valid := matchBracket(p[pi:], s[si])
					if !valid {
						if s[si] == '[' {
							pi++
							si++
							continue
						}
					} else if ok {
						pi += n
						si++
						continue
					}
				}
			default:
				lit := c
				n := 1
				if c == '\\' && pi+1 < len(p) {
					lit = p[pi+1]
					n = 2
				}
				if si < len(s) && s[si] == lit {
					pi += n
					si++
					continue
				}
			}
		}
		if starP < 0 || starS >= len(s) {
			return false
		}
		starS++
		pi, si = starP+1, starS
	}
	return true
}

// matchBracket matches c against the bracket expression at the start of
// p and returns its length. valid is false when the expression has no
// closing ']'.
func matchBracket(p string, c byte) (ok bool, n int, valid bool) {
	i := 1
	negate := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negate = true
		i++
	}
	first := true
	for i < len(p) {
		if p[i] == ']' && !first {
			return ok != negate, i + 1, true
		}
		first = false
		if p[i] == '[' && i+1 < len(p) && p[i+1] == ':' {
			end := strings.Index(p[i+2:], ":]")
			if end >= 0 {
				class := p[i+2 : i+2+end]
				if charClass(class, c) {
					ok = true
				}
				i += 2 + end + 2
				continue
			}
		}
		lo := p[i]
		if lo == '\\' && i+1 < len(p) {
			i++
			lo = p[i]
		}
		i++
		hi := lo
		if i+1 < len(p) && p[i] == '-' && p[i+1] != ']' {
			hi = p[i+1]
			i += 2
			if hi == '\\' && i < len(p) {
				hi = p[i]
				i++
			}
		}
		if lo <= c && c <= hi {
			ok = true
		}
	}
	return false, 0, false
}

func charClass(class string, c byte) bool {
	switch class {
	case "alnum":
		return isAlpha(c) || isDigit(c)
	case "alpha":
		return isAlpha(c)
	case "blank":
		return c == ' ' || c == '\t'
	case "cntrl":
		return c < 32 || c == 127
	case "digit":
		return isDigit(c)
	case "graph":
		return c > 32 && c < 127
	case "lower":
		return c >= 'a' && c <= 'z'
	case "print":
		return c >= 32 && c < 127
	case "punct":
		return c > 32 && c < 127 && !isAlpha(c) && !isDigit(c)
	case "space":
		return isCSpace(c)
	case "upper":
		return c >= 'A' && c <= 'Z'
	case "xdigit":
		return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
	}
	return false
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
