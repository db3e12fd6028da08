package scenario

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Defaults filled in by the loader.
const (
	DefaultSeed       = 1
	DefaultMTU        = 1500
	DefaultCPUs       = 1
	DefaultQueue      = 1000 // packets
	DefaultBulkWrite  = 128 << 10
	DefaultUDPSize    = 1472
	DefaultRequest    = 100
	DefaultResponse   = 1000
	maxCPUs           = 1024
	maxDatagram4      = 65507
	maxDatagram6      = 65527
	maxKeepSeconds    = 32767 // MAX_TCP_KEEPIDLE and MAX_TCP_KEEPINTVL
	maxKeepCnt        = 127   // MAX_TCP_KEEPCNT
	minMaxSeg         = 88    // TCP_MIN_MSS
	maxMaxSeg         = 32767 // MAX_TCP_WINDOW
	minMTU4, minMTU6  = 68, 1280
	maxMTU            = 65535
	maxUDPFlows       = 65535
	maxWorkloadCounts = 1 << 24
)

// defaultPorts are the listening ports of each kind when none is given.
var defaultPorts = map[Kind]uint16{
	KindBulk: 5201, KindReqResp: 80, KindStorm: 8080, KindUDP: 5201, KindSYNFlood: 80, KindIdle: 22,
}

// checker holds what the semantic checks look up by name.
type checker struct {
	*decoder
	s        *Scenario
	hosts    map[string]*Host
	switches map[string]bool
}

// check fills defaults and reports semantic problems of s.
func (d *decoder) check(s *Scenario) {
	c := &checker{decoder: d, s: s, hosts: map[string]*Host{}, switches: map[string]bool{}}
	if s.Name == "" {
		s.Name = baseName(d.file)
	}
	if !validName(s.Name) {
		c.fail("name", "bad name %q (want letters, digits, '-', '_' or '.')", s.Name)
	}
	if _, ok := d.lines["seed"]; !ok {
		s.Seed = DefaultSeed
	}
	if s.Duration <= 0 {
		c.fail("duration", "missing (want how long the scenario runs, like 5s)")
	}
	if len(s.Hosts) == 0 {
		c.fail("hosts", "missing (want at least one host)")
	}
	for i := range s.Hosts {
		c.host(i)
	}
	for i := range s.Switches {
		c.switchNode(i)
	}
	c.addresses()
	for i := range s.Hosts {
		c.routes(i)
		c.firewall(i)
	}
	c.links()
	c.workloads()
}

func (c *checker) fail(path, format string, args ...any) {
	c.errorf(c.line(path), path, format, args...)
}

func idx(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func (c *checker) host(i int) {
	h := &c.s.Hosts[i]
	p := idx("hosts", i)
	switch {
	case !validName(h.Name):
		c.fail(p+".name", "bad name %q (want letters, digits, '-', '_' or '.')", h.Name)
	case c.hosts[h.Name] != nil:
		c.fail(p+".name", "duplicate host %q", h.Name)
	default:
		c.hosts[h.Name] = h
	}
	if h.CPUs == 0 {
		h.CPUs = DefaultCPUs
	}
	if h.CPUs > maxCPUs {
		c.fail(p+".cpus", "%d CPUs is too many (at most %d)", h.CPUs, maxCPUs)
	}
	if len(h.Interfaces) == 0 {
		c.fail(p+".interfaces", "missing (want at least one interface)")
	}
	seen := map[string]bool{}
	for j := range h.Interfaces {
		ifc := &h.Interfaces[j]
		ip := idx(p+".interfaces", j)
		switch {
		case !validIfName(ifc.Name):
			c.fail(ip+".name", "bad interface name %q (want up to 15 letters, digits, '-', '_' or '.')", ifc.Name)
		case seen[ifc.Name]:
			c.fail(ip+".name", "duplicate interface %q", ifc.Name)
		}
		seen[ifc.Name] = true
		if ifc.MTU == 0 {
			ifc.MTU = DefaultMTU
		}
		minMTU := minMTU4
		for _, a := range ifc.Addresses {
			if a.Addr().Is6() {
				minMTU = minMTU6
			}
		}
		if ifc.MTU < minMTU || ifc.MTU > maxMTU {
			c.fail(ip+".mtu", "MTU %d out of range (want %d to %d)", ifc.MTU, minMTU, maxMTU)
		}
		if ifc.NIC != nil && ifc.NIC.RSS != nil && ifc.NIC.RSS.Key != nil && len(ifc.NIC.RSS.Key) > 256 {
			c.fail(ip+".nic.rss.key", "key of %d bytes is too long (at most 256)", len(ifc.NIC.RSS.Key))
		}
	}
}

func (c *checker) switchNode(i int) {
	sw := &c.s.Switches[i]
	p := idx("switches", i) + ".name"
	switch {
	case !validName(sw.Name):
		c.fail(p, "bad name %q (want letters, digits, '-', '_' or '.')", sw.Name)
	case c.hosts[sw.Name] != nil:
		c.fail(p, "switch %q has the name of a host", sw.Name)
	case c.switches[sw.Name]:
		c.fail(p, "duplicate switch %q", sw.Name)
	default:
		c.switches[sw.Name] = true
	}
}

// addresses checks each interface address and that no two interfaces share
// one.
func (c *checker) addresses() {
	owner := map[netip.Addr]string{}
	for i, h := range c.s.Hosts {
		for j, ifc := range h.Interfaces {
			for k, a := range ifc.Addresses {
				p := idx(idx(idx("hosts", i)+".interfaces", j)+".addresses", k)
				ad := a.Addr()
				switch {
				case ad.IsUnspecified() || ad.IsMulticast() || ad.IsLoopback() || ad.IsLinkLocalUnicast():
					c.fail(p, "address %s cannot be assigned (unspecified, multicast, loopback or link-local)", ad)
				case owner[ad] != "":
					c.fail(p, "address %s is also on %s", ad, owner[ad])
				default:
					owner[ad] = h.Name + ":" + ifc.Name
				}
			}
		}
	}
}

func (c *checker) routes(i int) {
	h := &c.s.Hosts[i]
	for j := range h.Routes {
		r := &h.Routes[j]
		p := idx(idx("hosts", i)+".routes", j)
		if !r.To.IsValid() {
			c.fail(p+".to", "missing (want a prefix like 10.0.1.0/24, or default)")
			continue
		}
		if r.To != r.To.Masked() {
			c.fail(p+".to", "prefix %s has host bits set (want %s)", r.To, r.To.Masked())
		}
		var dev *Interface
		if r.Dev != "" {
			for k := range h.Interfaces {
				if h.Interfaces[k].Name == r.Dev {
					dev = &h.Interfaces[k]
				}
			}
			if dev == nil {
				c.fail(p+".dev", "host %q has no interface %q", h.Name, r.Dev)
				continue
			}
		}
		if !r.Via.IsValid() {
			if dev == nil {
				c.fail(p, "route needs via or dev")
			}
			continue
		}
		if r.Via.Is4() != r.To.Addr().Is4() {
			c.fail(p+".via", "gateway %s is not of the family of %s", r.Via, r.To)
			continue
		}
		if !onLink(h, dev, r.Via) {
			c.fail(p+".via", "gateway %s is not in the subnet of any interface of %q", r.Via, h.Name)
		}
	}
}

// onLink reports whether a lies in a subnet of dev, or of any interface of h
// when dev is nil.
func onLink(h *Host, dev *Interface, a netip.Addr) bool {
	for k := range h.Interfaces {
		ifc := &h.Interfaces[k]
		if dev != nil && ifc != dev {
			continue
		}
		for _, p := range ifc.Addresses {
			if p.Masked().Contains(a) {
				return true
			}
		}
	}
	return false
}

func (c *checker) links() {
	used := map[string]string{} // host:iface -> link path
	names := map[string]bool{}
	for i := range c.s.Links {
		l := &c.s.Links[i]
		p := idx("links", i)
		if l.Name != "" {
			if !validName(l.Name) {
				c.fail(p+".name", "bad name %q (want letters, digits, '-', '_' or '.')", l.Name)
			} else if names[l.Name] {
				c.fail(p+".name", "duplicate link %q", l.Name)
			}
			names[l.Name] = true
		}
		if _, ok := c.lines[p+".endpoints"]; !ok {
			c.fail(p+".endpoints", "missing (want two endpoints like [client:eth0, sw0])")
		} else {
			for k, e := range l.Endpoints {
				ep := idx(p+".endpoints", k)
				if !c.endpoint(ep, e) {
					continue
				}
				if e.Interface != "" {
					if other, ok := used[e.String()]; ok {
						c.fail(ep, "interface %s is already on %s", e, other)
					}
					used[e.String()] = p
				}
			}
			if l.Endpoints[0] == l.Endpoints[1] {
				c.fail(p+".endpoints", "both ends are %s", l.Endpoints[0])
			}
		}
		if l.Bandwidth <= 0 {
			c.fail(p+".bandwidth", "missing (want a rate like 1Gbit)")
		}
		if l.Queue.Packets == 0 && l.Queue.Bytes == 0 {
			l.Queue.Packets = DefaultQueue
		}
	}
}

// endpoint checks that e names a host interface or a switch.
func (c *checker) endpoint(path string, e Endpoint) bool {
	if h := c.hosts[e.Node]; h != nil {
		if e.Interface == "" {
			c.fail(path, "host endpoint %q needs an interface (want %s:eth0)", e.Node, e.Node)
			return false
		}
		for _, ifc := range h.Interfaces {
			if ifc.Name == e.Interface {
				return true
			}
		}
		c.fail(path, "host %q has no interface %q", e.Node, e.Interface)
		return false
	}
	if c.switches[e.Node] {
		if e.Interface != "" {
			c.fail(path, "switch endpoint %q takes no interface (want %s)", e.String(), e.Node)
			return false
		}
		return true
	}
	c.fail(path, "unknown host or switch %q", e.Node)
	return false
}

func (c *checker) workloads() {
	names := map[string]bool{}
	for i := range c.s.Workloads {
		w := &c.s.Workloads[i]
		p := idx("workloads", i)
		c.kind(p, w)
		if w.Name == "" {
			w.Name = string(w.Kind)
		}
		if !validName(w.Name) {
			c.fail(p+".name", "bad name %q (want letters, digits, '-', '_' or '.')", w.Name)
		} else if names[w.Name] {
			c.fail(p+".name", "duplicate workload %q (give each workload a name)", w.Name)
		}
		names[w.Name] = true
		c.times(p, w)
		switch w.Kind {
		case KindBulk:
			c.bulk(p+".bulk", w.Bulk)
		case KindReqResp:
			c.reqresp(p+".reqresp", w.ReqResp)
		case KindStorm:
			c.storm(p+".storm", w.Storm)
		case KindUDP:
			c.udp(p+".udp", w.UDP)
		case KindSYNFlood:
			c.synflood(p+".synflood", w.SYNFlood)
		case KindIdle:
			c.idle(p+".idle", w.Idle)
		}
	}
}

// kind sets w.Kind from the one kind field that is set.
func (c *checker) kind(p string, w *Workload) {
	set := []struct {
		kind Kind
		on   bool
	}{
		{KindBulk, w.Bulk != nil}, {KindReqResp, w.ReqResp != nil}, {KindStorm, w.Storm != nil},
		{KindUDP, w.UDP != nil}, {KindSYNFlood, w.SYNFlood != nil}, {KindIdle, w.Idle != nil},
	}
	for _, k := range set {
		if !k.on {
			continue
		}
		if w.Kind != "" {
			c.fail(p, "more than one kind: %s and %s", w.Kind, k.kind)
			return
		}
		w.Kind = k.kind
	}
	if w.Kind == "" {
		c.fail(p, "no kind (want one of: bulk, reqresp, storm, udp, synflood, idle)")
	}
}

func (c *checker) times(p string, w *Workload) {
	end := c.s.Duration
	if end <= 0 {
		return // reported already
	}
	if w.Start >= end {
		c.fail(p+".start", "start %v is not before the scenario's end at %v", w.Start, end)
		return
	}
	if _, ok := c.lines[p+".stop"]; !ok {
		w.Stop = end
	}
	switch {
	case w.Stop <= w.Start:
		c.fail(p+".stop", "stop %v is not after start %v", w.Stop, w.Start)
	case w.Stop > end:
		c.fail(p+".stop", "stop %v is after the scenario's end at %v", w.Stop, end)
	}
}

// knownHost checks that name names a host.
func (c *checker) knownHost(path, name string) *Host {
	if name == "" {
		c.fail(path, "missing (want a host name)")
		return nil
	}
	h := c.hosts[name]
	if h == nil {
		c.fail(path, "unknown host %q", name)
	}
	return h
}

// target fills the defaults of t and checks it against the hosts the
// clients run on.
func (c *checker) target(p string, kind Kind, t *Target, clientPath string, clients ...string) {
	if t.Port == 0 {
		t.Port = defaultPorts[kind]
	}
	srv := c.knownHost(p+".server", t.Server)
	if srv == nil {
		return
	}
	if !t.Address.IsValid() {
		v4, v6 := clientFamilies(c, clients)
		t.Address = firstAddress(srv, v4, v6)
		if !t.Address.IsValid() {
			c.fail(p+".server", "host %q has no address to connect to", t.Server)
			return
		}
	} else if !hasAddress(srv, t.Address) {
		c.fail(p+".address", "host %q has no address %s", t.Server, t.Address)
		return
	}
	for i, name := range clients {
		cp := clientPath
		if len(clients) > 1 || clientPath == p+".clients" {
			cp = idx(clientPath, i)
		}
		h := c.knownHost(cp, name)
		if h == nil {
			continue
		}
		if !hasFamily(h, t.Address.Is4()) {
			c.fail(cp, "host %q has no %s address to reach %s", name, family(t.Address), t.Address)
		}
	}
}

func family(a netip.Addr) string {
	if a.Is4() {
		return "IPv4"
	}
	return "IPv6"
}

// clientFamilies reports whether every known client has IPv4, and IPv6.
func clientFamilies(c *checker, clients []string) (v4, v6 bool) {
	v4, v6 = true, true
	for _, name := range clients {
		if h := c.hosts[name]; h != nil {
			v4 = v4 && hasFamily(h, true)
			v6 = v6 && hasFamily(h, false)
		}
	}
	return v4, v6
}

// firstAddress returns h's first address of a family the clients have, or
// its first address at all.
func firstAddress(h *Host, v4, v6 bool) netip.Addr {
	var first netip.Addr
	for _, ifc := range h.Interfaces {
		for _, p := range ifc.Addresses {
			a := p.Addr()
			if a.Is4() && v4 || a.Is6() && v6 {
				return a
			}
			if !first.IsValid() {
				first = a
			}
		}
	}
	return first
}

func hasAddress(h *Host, a netip.Addr) bool {
	for _, ifc := range h.Interfaces {
		for _, p := range ifc.Addresses {
			if p.Addr() == a {
				return true
			}
		}
	}
	return false
}

func hasFamily(h *Host, v4 bool) bool {
	for _, ifc := range h.Interfaces {
		for _, p := range ifc.Addresses {
			if p.Addr().Is4() == v4 {
				return true
			}
		}
	}
	return false
}

func (c *checker) socket(p string, o *SocketOptions) {
	if o.Congestion != "" && !validCongestion(o.Congestion) {
		c.fail(p+".congestion", "bad congestion control %q (want a name like cubic or reno)", o.Congestion)
	}
	if o.MaxSeg != 0 && (o.MaxSeg < minMaxSeg || o.MaxSeg > maxMaxSeg) {
		c.fail(p+".maxseg", "maxseg %d out of range (want %d to %d)", o.MaxSeg, minMaxSeg, maxMaxSeg)
	}
	c.keepTime(p+".keepidle", o.KeepIdle)
	c.keepTime(p+".keepintvl", o.KeepIntvl)
	if o.KeepCnt > maxKeepCnt {
		c.fail(p+".keepcnt", "keepcnt %d out of range (want 1 to %d)", o.KeepCnt, maxKeepCnt)
	}
	if o.Linger != nil && *o.Linger%time.Second != 0 {
		c.fail(p+".linger", "linger %v is not whole seconds", *o.Linger)
	}
}

// keepTime checks a TCP_KEEPIDLE or TCP_KEEPINTVL value, set in seconds.
func (c *checker) keepTime(p string, d time.Duration) {
	if d == 0 {
		return
	}
	if d%time.Second != 0 || d > maxKeepSeconds*time.Second {
		c.fail(p, "%v out of range (want whole seconds from 1s to %ds)", d, maxKeepSeconds)
	}
}

func validCongestion(s string) bool {
	if len(s) > 15 { // TCP_CA_NAME_MAX - 1
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= '0' && s[i] <= '9' || s[i] == '_') {
			return false
		}
	}
	return true
}

// atLeastOne sets *n to def when it is 0 and checks its bound.
func (c *checker) count(p string, n *int, def int) {
	if *n == 0 {
		*n = def
	}
	if *n > maxWorkloadCounts {
		c.fail(p, "%d is too many (at most %d)", *n, maxWorkloadCounts)
	}
}

func (c *checker) bulk(p string, b *Bulk) {
	c.target(p, KindBulk, &b.Target, p+".client", b.Client)
	c.count(p+".streams", &b.Streams, 1)
	c.count(p+".backlog", &b.Backlog, 0)
	if b.Write == 0 {
		b.Write = DefaultBulkWrite
	}
	c.socket(p+".socket", &b.Socket)
	c.socket(p+".server_socket", &b.ServerSocket)
}

func (c *checker) reqresp(p string, r *ReqResp) {
	if len(r.Clients) == 0 {
		c.fail(p+".clients", "missing (want a list of client hosts)")
	}
	c.target(p, KindReqResp, &r.Target, p+".clients", r.Clients...)
	c.count(p+".concurrency", &r.Concurrency, 1)
	c.count(p+".requests", &r.Requests, 0)
	c.count(p+".backlog", &r.Backlog, 0)
	defaultSize(&r.Request, DefaultRequest)
	defaultSize(&r.Response, DefaultResponse)
	defaultTime(&r.Think)
	defaultTime(&r.Service)
	c.socket(p+".socket", &r.Socket)
	c.socket(p+".server_socket", &r.ServerSocket)
}

func defaultSize(d *SizeDist, v Size) {
	if d.Kind == "" {
		*d = SizeDist{Kind: DistFixed, Mean: v, Min: v, Max: v}
	}
}

func defaultTime(d *TimeDist) {
	if d.Kind == "" {
		d.Kind = DistFixed
	}
}

func (c *checker) storm(p string, s *Storm) {
	c.target(p, KindStorm, &s.Target, p+".client", s.Client)
	if s.Rate == 0 && s.Concurrency == 0 {
		s.Concurrency = 1
	}
	c.count(p+".concurrency", &s.Concurrency, 0)
	c.count(p+".count", &s.Count, 0)
	c.count(p+".backlog", &s.Backlog, 0)
	if _, ok := c.lines[p+".request"]; !ok {
		s.Request = DefaultRequest
	}
	if _, ok := c.lines[p+".response"]; !ok {
		s.Response = DefaultResponse
	}
	switch s.Closer {
	case "":
		s.Closer = CloserClient
	case CloserClient, CloserServer:
	default:
		c.fail(p+".closer", "bad closer %q (want client or server)", s.Closer)
	}
	c.socket(p+".socket", &s.Socket)
	c.socket(p+".server_socket", &s.ServerSocket)
}

func (c *checker) udp(p string, u *UDP) {
	c.target(p, KindUDP, &u.Target, p+".client", u.Client)
	if u.Size == 0 {
		u.Size = DefaultUDPSize
	}
	limit := Size(maxDatagram4)
	if u.Address.Is6() {
		limit = maxDatagram6
	}
	if u.Size > limit {
		c.fail(p+".size", "size %v is more than a datagram holds (%dB)", u.Size, limit)
	}
	switch {
	case u.Rate != 0 && u.Interval != 0:
		c.fail(p+".interval", "set rate or interval, not both")
	case u.Rate == 0 && u.Interval == 0:
		c.fail(p, "missing rate or interval (want rate: 100Mbit, or interval: 1ms)")
	}
	c.count(p+".burst", &u.Burst, 1)
	c.count(p+".flows", &u.Flows, 1)
	if u.Flows > maxUDPFlows {
		c.fail(p+".flows", "%d flows is too many (at most %d)", u.Flows, maxUDPFlows)
	}
	c.socket(p+".server_socket", &u.ServerSocket)
}

func (c *checker) synflood(p string, f *SYNFlood) {
	c.target(p, KindSYNFlood, &f.Target, p+".source", f.Source)
	if f.Rate <= 0 {
		c.fail(p+".rate", "missing (want SYNs per second, like 1000/s)")
	}
	if f.Spoof.IsValid() {
		if f.Spoof != f.Spoof.Masked() {
			c.fail(p+".spoof", "prefix %s has host bits set (want %s)", f.Spoof, f.Spoof.Masked())
		} else if f.Address.IsValid() && f.Spoof.Addr().Is4() != f.Address.Is4() {
			c.fail(p+".spoof", "prefix %s is not of the family of %s", f.Spoof, f.Address)
		}
	}
}

func (c *checker) idle(p string, w *Idle) {
	c.target(p, KindIdle, &w.Target, p+".client", w.Client)
	c.count(p+".count", &w.Count, 1)
	c.count(p+".backlog", &w.Backlog, 0)
	c.socket(p+".socket", &w.Socket)
	c.socket(p+".server_socket", &w.ServerSocket)
}

// firewall checks a host's chains: the policy names and that rules are
// not empty (the simulator checks their syntax).
func (c *checker) firewall(i int) {
	f := c.s.Hosts[i].Firewall
	if f == nil {
		return
	}
	names := [...]string{"prerouting", "input", "forward", "output", "postrouting"}
	for j, ch := range f.Chains() {
		if ch == nil {
			continue
		}
		p := idx("hosts", i) + ".firewall." + names[j]
		switch strings.ToUpper(ch.Policy) {
		case "":
			ch.Policy = "ACCEPT"
		case "ACCEPT", "DROP":
			ch.Policy = strings.ToUpper(ch.Policy)
		default:
			c.fail(p+".policy", "bad policy %q (want ACCEPT or DROP)", ch.Policy)
		}
		for k, r := range ch.Rules {
			if strings.TrimSpace(r.Text) == "" {
				c.fail(idx(p+".rules", k), "empty rule (want iptables options like -p tcp --dport 80 -j DROP)")
			}
		}
	}
}
