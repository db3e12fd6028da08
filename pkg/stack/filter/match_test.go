package filter

import (
	"net/netip"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

func tcpSock(local, peer string) *stack.Socket {
	l := netip.MustParseAddrPort(local)
	p := netip.MustParseAddrPort(peer)
	fam := uint8(afInet)
	if l.Addr().Is6() {
		fam = afInet6
	}
	return &stack.Socket{
		Table: stack.TableTCP, Family: fam, Protocol: 6, State: stack.StateEstablished,
		Local: stack.Endpoint{Addr: l.Addr(), Port: l.Port()},
		Peer:  stack.Endpoint{Addr: p.Addr(), Port: p.Port()},
	}
}

func TestMatchInet(t *testing.T) {
	ssh := tcpSock("10.1.2.3:22", "192.168.1.9:50000")
	web6 := tcpSock("[2001:db8::5]:443", "[2001:db8::9]:40000")
	mapped := tcpSock("[::ffff:10.1.2.3]:8080", "[::ffff:192.168.1.9]:50001")
	loop6 := tcpSock("[::1]:631", "[::]:0")
	lis := tcpSock("0.0.0.0:80", "0.0.0.0:0")
	eph := tcpSock("127.0.0.1:40000", "127.0.0.1:80")
	socks := map[string]*stack.Socket{"ssh": ssh, "web6": web6, "mapped": mapped, "loop6": loop6, "lis": lis, "eph": eph}

	marked := tcpSock("10.0.0.1:1", "10.0.0.2:2")
	marked.Mark, marked.HasMark = 0x1234, true
	marked.Local.Ifindex = 3
	marked.CgroupID = 4660
	socks["marked"] = marked

	tests := []struct {
		expr string
		want []string
	}{
		{"sport = :22", []string{"ssh"}},
		{"sport != :22", []string{"web6", "mapped", "loop6", "lis", "eph", "marked"}},
		{"sport > :443", []string{"mapped", "loop6", "eph"}},
		{"sport >= :443", []string{"web6", "mapped", "loop6", "eph"}},
		{"sport < :80", []string{"ssh", "marked"}},
		{"sport <= :80", []string{"ssh", "lis", "marked"}},
		{"dport = :50000", []string{"ssh"}},
		{"dport > :49999", []string{"ssh", "mapped"}},
		{"src 10.0.0.0/8", []string{"ssh", "mapped", "marked"}},
		{"src 10.1.2.3:22", []string{"ssh"}},
		{"src 10.1.2.3:8080", []string{"mapped"}},
		{"dst 192.168.0.0/16", []string{"ssh", "mapped"}},
		{"src [::ffff:10.1.2.3]", []string{"mapped"}},
		{"src 2001:db8::/32", []string{"web6"}},
		{"src [::1]", []string{"loop6"}},
		{"src *", []string{"ssh", "web6", "mapped", "loop6", "lis", "eph", "marked"}},
		{"src *:443", []string{"web6"}},
		// The kernel's test keeps an IPv4 prefix to IPv4 and v4-mapped
		// sockets even when ss's own test would accept more.
		{"src 0.0.0.0/0", []string{"ssh", "mapped", "lis", "eph", "marked"}},
		{"src 0.0.0.0/8", []string{"lis"}},
		{"src ::/0", []string{"web6", "mapped", "loop6"}},
		{"not src 0.0.0.0/0", nil},
		{"src default", []string{"ssh", "web6", "mapped", "loop6", "lis", "eph", "marked"}},
		{"src multi.test", nil},
		{"autobound", []string{"eph"}},
		{"not autobound", []string{"ssh", "web6", "mapped", "loop6", "lis", "marked"}},
		{"fwmark = 0x1234", []string{"marked"}},
		{"fwmark = 0x30/0xf0", []string{"marked"}},
		{"fwmark = 0", []string{"ssh", "web6", "mapped", "loop6", "lis", "eph"}},
		{"dev = 3", []string{"marked"}},
		{"dev != 0", []string{"marked"}},
		{"cgroup = /system.slice", []string{"marked"}},
		{"sport = :22 or sport = :443", []string{"ssh", "web6"}},
		{"src 10.0.0.0/8 and not sport = :22", []string{"mapped", "marked"}},
		{"( sport = :22 or sport = :631 ) and src ::/0", []string{"loop6"}},
	}
	for _, tt := range tests {
		f := parseT(t, Options{TCP: true, UDP: true}, tt.expr)
		want := make(map[string]bool)
		for _, n := range tt.want {
			want[n] = true
		}
		for name, s := range socks {
			if got := f.Match(s); got != want[name] {
				t.Errorf("%q on %s (%v:%d): %v, want %v", tt.expr, name, s.Local.Addr, s.Local.Port, got, want[name])
			}
		}
	}
}

// TestMatchMultiAddress checks the deliberate fix: a host name with
// several addresses matches any of them, in user space and in the
// kernel program.
func TestMatchMultiAddress(t *testing.T) {
	f := parseT(t, Options{TCP: true}, "dst multi.test")
	for _, peer := range []string{"192.0.2.1:80", "192.0.2.2:80", "[2001:db8::1]:80", "[::ffff:192.0.2.2]:80"} {
		local := "10.0.0.1:1000"
		if netip.MustParseAddrPort(peer).Addr().Is6() {
			local = "[2001:db8::2]:1000"
		}
		if !f.Match(tcpSock(local, peer)) {
			t.Errorf("dst multi.test does not match a socket to %s", peer)
		}
	}
	if f.Match(tcpSock("10.0.0.1:1000", "192.0.2.3:80")) {
		t.Errorf("dst multi.test matches 192.0.2.3")
	}
}

func TestMatchUnix(t *testing.T) {
	mk := func(path string, ino, peer uint32) *stack.Socket {
		return &stack.Socket{
			Table: stack.TableUnixStream, Family: afUnix, State: stack.StateEstablished,
			Inode: ino, Local: stack.Endpoint{Path: path, Inode: ino}, Peer: stack.Endpoint{Inode: peer},
		}
	}
	socks := map[string]*stack.Socket{
		"run":   mk("/run/Systemd/notify", 100, 0),
		"abs":   mk("@/tmp/.X11-unix/X0", 200, 0),
		"auto":  mk("@00a1f", 300, 301),
		"anon":  mk("", 301, 300),
		"upper": mk("@0001F", 400, 0),
	}
	tests := []struct {
		expr string
		want []string
	}{
		{"src unix:/run/*", []string{"run"}},
		{"src unix:/RUN/SYSTEMD/*", []string{"run"}},
		{"src unix:*X11*", []string{"abs"}},
		{"src unix:@?????", []string{"auto", "upper"}},
		{"src unix:@[0-9]*", []string{"auto", "upper"}},
		{"src unix:", []string{"anon"}},
		{"dst unix:", []string{"run", "abs", "auto", "anon", "upper"}},
		{"dst unix:*", []string{"run", "abs", "auto", "anon", "upper"}},
		{"dst unix:/run/*", nil},
		{"autobound", []string{"auto", "anon"}},
		{"sport = :300", []string{"auto"}},
		{"dport = :300", []string{"anon"}},
		{"sport > :250", []string{"auto", "anon", "upper"}},
		// An address never matches a named unix socket; unnamed ones have
		// all-zero address bytes.
		{"src 0.0.0.0/8", []string{"anon"}},
		{"dst 0.0.0.0/8", []string{"run", "abs", "auto", "anon", "upper"}},
		{"dev = 0", []string{"run", "abs", "auto", "anon", "upper"}},
		{"fwmark = 0", []string{"run", "abs", "auto", "anon", "upper"}},
	}
	for _, tt := range tests {
		f := parseT(t, Options{}, tt.expr)
		want := make(map[string]bool)
		for _, n := range tt.want {
			want[n] = true
		}
		for name, s := range socks {
			if got := f.Match(s); got != want[name] {
				t.Errorf("%q on %s (%q): %v, want %v", tt.expr, name, s.Local.Path, got, want[name])
			}
		}
	}
	// With -x every address is a pattern.
	f := parseT(t, Options{Family: afUnix}, "src /run/*")
	if !f.Match(socks["run"]) || f.Match(socks["abs"]) {
		t.Errorf("-x src /run/*: wrong")
	}
}

func TestMatchPacketNetlink(t *testing.T) {
	pkt := func(proto uint16, ifindex uint32) *stack.Socket {
		return &stack.Socket{Table: stack.TablePacketRaw, Family: afPacket, State: stack.StateClose,
			Local: stack.Endpoint{Proto: proto, Ifindex: ifindex}}
	}
	nl := func(proto uint16, portid int32) *stack.Socket {
		return &stack.Socket{Table: stack.TableNetlink, Family: afNetlink, State: stack.StateClose,
			Local: stack.Endpoint{Proto: proto, PortID: portid}}
	}
	socks := map[string]*stack.Socket{
		"all-lo": pkt(0x0003, 1),
		"ip-eth": pkt(0x0800, 2),
		"none":   pkt(0, 0),
		"rtnl-k": nl(0, 0),
		"rtnl-u": nl(0, -4242),
		"genl":   nl(16, 777),
	}
	tests := []struct {
		opts Options
		expr string
		want []string
	}{
		{Options{}, "src link:ip", []string{"ip-eth"}},
		{Options{}, "src link:all:lo", []string{"all-lo"}},
		{Options{}, "src link:*:eth0", []string{"ip-eth"}},
		{Options{Family: afPacket}, "sport = :lo", []string{"all-lo"}},
		{Options{}, "src netlink:rtnl", []string{"none", "rtnl-k", "rtnl-u"}},
		{Options{}, "src netlink:rtnl:kernel", []string{"none", "rtnl-k"}},
		{Options{}, "src netlink:genl", []string{"genl"}},
		{Options{}, "src netlink:*:777", []string{"genl"}},
		{Options{}, "autobound", []string{"none", "rtnl-u"}},
		{Options{}, "dport = :-1", []string{"all-lo", "ip-eth", "none", "rtnl-k", "rtnl-u", "genl"}},
		{Options{}, "dport < :0", []string{"rtnl-k", "rtnl-u", "genl"}},
		{Options{}, "dev = 2", []string{"ip-eth"}},
	}
	for _, tt := range tests {
		f := parseT(t, tt.opts, tt.expr)
		want := make(map[string]bool)
		for _, n := range tt.want {
			want[n] = true
		}
		for name, s := range socks {
			if got := f.Match(s); got != want[name] {
				t.Errorf("%q on %s: %v, want %v", tt.expr, name, got, want[name])
			}
		}
	}
}

func TestMatchNil(t *testing.T) {
	var f *Filter
	if !f.Match(&stack.Socket{}) {
		t.Error("nil filter does not match")
	}
	if _, ok := f.InetDiagBytecode(afInet); ok {
		t.Error("nil filter has bytecode")
	}
	var sf stack.BytecodeFilter = parseT(t, Options{}, "state", "all")
	if !sf.Match(tcpSock("1.2.3.4:5", "6.7.8.9:10")) {
		t.Error("empty filter does not match")
	}
	if _, ok := sf.InetDiagBytecode(afInet); ok {
		t.Error("empty filter has bytecode")
	}
}

func TestFnmatch(t *testing.T) {
	tests := []struct {
		p, s string
		want bool
	}{
		{"", "", true},
		{"*", "", true},
		{"*", "/a/b", true},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"?", "", false},
		{"[abc]x", "bx", true},
		{"[!abc]x", "bx", false},
		{"[a-c]", "d", false},
		{"[]]", "]", true},
		{"[", "[", true},
		{"[[:digit:]]*", "7up", true},
		{`\*`, "*", true},
		{`\*`, "x", false},
		{"**a", "bbba", true},
		{"*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	}
	for _, tt := range tests {
		if got := fnmatch(tt.p, tt.s); got != tt.want {
			t.Errorf("fnmatch(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}
