package scenario

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// base is a small valid scenario that the error cases edit.
const base = `name: t
seed: 1
duration: 5s
hosts:
  - name: a
    interfaces:
      - name: eth0
        addresses: [10.0.0.1/24]
  - name: b
    interfaces:
      - name: eth0
        addresses: [10.0.0.2/24]
links:
  - endpoints: [a:eth0, b:eth0]
    bandwidth: 1Gbit
workloads:
  - bulk:
      client: a
      server: b
`

func TestParseBase(t *testing.T) {
	s, err := Parse("t.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	w := s.Workloads[0]
	if w.Kind != KindBulk || w.Name != "bulk" || w.Start != 0 || w.Stop != 5*time.Second || w.Line != 17 {
		t.Errorf("workload defaults: %+v", w)
	}
	b := w.Bulk
	if b.Port != 5201 || b.Address != netip.MustParseAddr("10.0.0.2") || b.Streams != 1 || b.Write != 128<<10 {
		t.Errorf("bulk defaults: %+v", b)
	}
	if s.Links[0].Queue != (QueueLimit{Packets: 1000}) || s.Hosts[0].Interfaces[0].MTU != 1500 || s.Hosts[0].CPUs != 1 {
		t.Errorf("link or host defaults: %+v %+v", s.Links[0], s.Hosts[0])
	}
	if s.Hosts[1].Line != 9 || s.Hosts[1].Interfaces[0].Line != 11 || s.Links[0].Line != 14 {
		t.Errorf("lines: host %d, interface %d, link %d", s.Hosts[1].Line, s.Hosts[1].Interfaces[0].Line, s.Links[0].Line)
	}
	want := [2]Endpoint{{"a", "eth0"}, {"b", "eth0"}}
	if s.Links[0].Endpoints != want {
		t.Errorf("endpoints %v", s.Links[0].Endpoints)
	}
	// Without a seed or name, the defaults apply.
	noSeed := strings.Replace(strings.Replace(base, "seed: 1\n", "", 1), "name: t\n", "", 1)
	s, err = Parse("dir/x.yaml", []byte(noSeed))
	if err != nil || s.Seed != DefaultSeed || s.Name != "x" {
		t.Fatalf("defaults: %+v, %v", s, err)
	}
	zeroSeed := strings.Replace(base, "seed: 1", "seed: 0", 1)
	if s, err = Parse("t.yaml", []byte(zeroSeed)); err != nil || s.Seed != 0 {
		t.Fatalf("seed 0: %+v, %v", s, err)
	}
}

func TestParseSysctlOrder(t *testing.T) {
	data := strings.Replace(base, "        addresses: [10.0.0.1/24]\n", `        addresses: [10.0.0.1/24]
    sysctls:
      net.ipv4.tcp_wmem: 4096 16384 4194304
      net.core.wmem_max: 4194304
      net.ipv4.conf.eth0.forwarding: 1
      net.ipv4.tcp_congestion_control: "reno"
`, 1)
	s, err := Parse("t.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := Sysctls{
		{"net.ipv4.tcp_wmem", "4096 16384 4194304", 10},
		{"net.core.wmem_max", "4194304", 11},
		{"net.ipv4.conf.eth0.forwarding", "1", 12},
		{"net.ipv4.tcp_congestion_control", "reno", 13},
	}
	got := s.Hosts[0].Sysctls
	if len(got) != len(want) {
		t.Fatalf("sysctls %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sysctl %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestParseShippedValues checks that a shipped file's values arrive typed.
func TestParseShippedValues(t *testing.T) {
	s, err := LoadShipped("web")
	if err != nil {
		t.Fatal(err)
	}
	up := s.Links[4]
	if up.Name != "uplink" || up.Delay != 2*time.Millisecond || up.Jitter != 100*time.Microsecond || up.Bandwidth != 1e9 {
		t.Errorf("uplink %+v", up)
	}
	r := s.Workloads[0].ReqResp
	if len(r.Clients) != 3 || r.Concurrency != 8 || r.Response != (SizeDist{Kind: DistExp, Mean: 16000}) ||
		r.Request.Mean != 200 || r.Think.Mean != 20*time.Millisecond || !r.Socket.NoDelay || r.NewConnection {
		t.Errorf("reqresp %+v", r)
	}
	if s.Workloads[0].Start != 100*time.Millisecond || s.Hosts[3].Sysctls[0].Name != "net.ipv4.ip_forward" {
		t.Errorf("start or router sysctl: %+v", s.Workloads[0])
	}
	if rt := s.Hosts[0].Routes[0]; rt.To != netip.MustParsePrefix("0.0.0.0/0") || rt.Via != netip.MustParseAddr("10.0.1.1") {
		t.Errorf("route %+v", rt)
	}

	b, err := LoadShipped("burst")
	if err != nil {
		t.Fatal(err)
	}
	nic := b.Hosts[1].Interfaces[0].NIC
	if nic == nil || *nic.Rings.RX != 128 || *nic.Rings.RXMax != 4096 || *nic.Channels.Combined != 4 ||
		*nic.Coalesce.RXUsecs != 50 || *nic.Coalesce.AdaptiveRX || !*nic.Offloads.GRO || nic.Offloads.TSO != nil {
		t.Errorf("burst NIC %+v", nic)
	}
	u := b.Workloads[0].UDP
	if u.Size != 18 || u.Burst != 1024 || u.Interval != time.Millisecond || u.Flows != 1 {
		t.Errorf("burst udp %+v", u)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name     string
		old, new string // edit of base; old "" replaces the whole file
		want     string
	}{
		{"bad rate", "bandwidth: 1Gbit", "bandwidth: 1Gbitt",
			`t.yaml:15: links[0].bandwidth: bad rate "1Gbitt" (want a number and a unit: bit, Kbit, Mbit, Gbit)`},
		{"unknown field", "bandwidth: 1Gbit", "bandwidth: 1Gbit\n    bandwith: 1Gbit",
			`t.yaml:16: links[0].bandwith: unknown field (want one of: name, endpoints, bandwidth, delay, jitter, loss, reorder, queue)`},
		{"unknown top field", "seed: 1", "sed: 1",
			`t.yaml:2: sed: unknown field (want one of: name, description, seed, duration, hosts, switches, links, workloads)`},
		{"field twice", "seed: 1", "seed: 1\nseed: 2",
			`t.yaml:3: seed: field set twice`},
		{"loss over 100", "bandwidth: 1Gbit", "bandwidth: 1Gbit\n    loss: 150%",
			`t.yaml:16: links[0].loss: bad percentage "150%" (more than 100%)`},
		{"negative delay", "bandwidth: 1Gbit", "bandwidth: 1Gbit\n    delay: -10ms",
			`t.yaml:16: links[0].delay: bad duration "-10ms" (negative)`},
		{"bad queue", "bandwidth: 1Gbit", "bandwidth: 1Gbit\n    queue: 1000",
			`t.yaml:16: links[0].queue: bad queue limit "1000" (want packets like 1000p or bytes like 256KB)`},
		{"bad seed", "seed: 1", "seed: -1",
			`t.yaml:2: seed: bad number "-1" (want a whole number, 0 or more)`},
		{"bad port", "server: b", "server: b\n      port: 70000",
			`t.yaml:20: workloads[0].bulk.port: bad number "70000" (want a whole number from 0 to 65535)`},
		{"list for string", "client: a", "client: [a]",
			`t.yaml:18: workloads[0].bulk.client: want a single value, not a list`},
		{"mapping for list", "addresses: [10.0.0.1/24]", "addresses: {a: 1}",
			`t.yaml:8: hosts[0].interfaces[0].addresses: want a list, not a mapping`},
		{"bad address", "addresses: [10.0.0.1/24]", "addresses: [10.0.0.1]",
			`t.yaml:8: hosts[0].interfaces[0].addresses[0]: bad prefix "10.0.0.1" (want an address and a length, like 10.0.0.1/24 or fd00::1/64)`},
		{"bad bool", "server: b", "server: b\n      reverse: yes",
			`t.yaml:20: workloads[0].bulk.reverse: bad boolean "yes" (want true, false, on or off)`},
		{"yaml syntax", "seed: 1", "seed: 1\n  more: 2",
			`t.yaml:3: yaml: mapping values are not allowed in this context`},
		{"two documents", "", base + "---\nname: u\n",
			`t.yaml:20: more than one YAML document`},
		{"empty", "", "", `t.yaml: empty scenario`},
		{"comments only", "", "# nothing\n", `t.yaml: empty scenario`},
		{"not a mapping", "", "- a\n- b\n", `t.yaml:1: want a mapping, not a list`},
		{"alias", "client: a\n      server: b", "client: &x a\n      server: *x",
			`t.yaml:19: workloads[0].bulk.server: aliases are not supported`},
		{"missing duration", "duration: 5s\n", "",
			`t.yaml: duration: missing (want how long the scenario runs, like 5s)`},
		{"unknown host in link", "[a:eth0, b:eth0]", "[a:eth0, c:eth0]",
			`t.yaml:14: links[0].endpoints[1]: unknown host or switch "c"`},
		{"unknown interface", "[a:eth0, b:eth0]", "[a:eth0, b:eth1]",
			`t.yaml:14: links[0].endpoints[1]: host "b" has no interface "eth1"`},
		{"host endpoint without interface", "[a:eth0, b:eth0]", "[a:eth0, b]",
			`t.yaml:14: links[0].endpoints[1]: host endpoint "b" needs an interface (want b:eth0)`},
		{"three endpoints", "[a:eth0, b:eth0]", "[a:eth0, b:eth0, a:eth0]",
			`t.yaml:14: links[0].endpoints: want 2 items, got 3`},
		{"bad endpoint", "[a:eth0, b:eth0]", "[a:eth0, 'b:']",
			`t.yaml:14: links[0].endpoints[1]: bad endpoint "b:" (want host:interface or a switch name)`},
		{"interface on two links", "    bandwidth: 1Gbit\n", "    bandwidth: 1Gbit\n  - endpoints: [b:eth0, a:eth0]\n    bandwidth: 1Gbit\n",
			"t.yaml:16: links[1].endpoints[0]: interface b:eth0 is already on links[0]\n" +
				"t.yaml:16: links[1].endpoints[1]: interface a:eth0 is already on links[0]"},
		{"missing bandwidth", "    bandwidth: 1Gbit\n", "",
			`t.yaml:14: links[0].bandwidth: missing (want a rate like 1Gbit)`},
		{"unknown host in workload", "server: b", "server: c",
			`t.yaml:19: workloads[0].bulk.server: unknown host "c"`},
		{"unknown client", "client: a", "client: z",
			`t.yaml:18: workloads[0].bulk.client: unknown host "z"`},
		{"address not on server", "server: b", "server: b\n      address: 10.0.0.1",
			`t.yaml:20: workloads[0].bulk.address: host "b" has no address 10.0.0.1`},
		{"client lacks family", "addresses: [10.0.0.2/24]", "addresses: [10.0.0.2/24, fd00::2/64]\n",
			""}, // valid: the default address is IPv4, which the client has
		{"client lacks family explicit", "server: b", "server: b\n      address: fd00::2",
			`t.yaml:20: workloads[0].bulk.address: host "b" has no address fd00::2`},
		{"duplicate host", "name: b", "name: a",
			`t.yaml:9: hosts[1].name: duplicate host "a"` + "\n" +
				`t.yaml:14: links[0].endpoints[1]: unknown host or switch "b"` + "\n" +
				`t.yaml:19: workloads[0].bulk.server: unknown host "b"`},
		{"address conflict", "addresses: [10.0.0.2/24]", "addresses: [10.0.0.1/24]",
			`t.yaml:12: hosts[1].interfaces[0].addresses[0]: address 10.0.0.1 is also on a:eth0`},
		{"loopback address", "addresses: [10.0.0.2/24]", "addresses: [127.0.0.2/8]",
			`t.yaml:12: hosts[1].interfaces[0].addresses[0]: address 127.0.0.2 cannot be assigned (unspecified, multicast, loopback or link-local)`},
		{"duplicate interface", "        addresses: [10.0.0.2/24]\n", "        addresses: [10.0.0.2/24]\n      - name: eth0\n",
			`t.yaml:13: hosts[1].interfaces[1].name: duplicate interface "eth0"`},
		{"long interface name", "      - name: eth0\n        addresses: [10.0.0.2/24]", "      - name: averyveryverylongname\n        addresses: [10.0.0.2/24]",
			`t.yaml:11: hosts[1].interfaces[0].name: bad interface name "averyveryverylongname" (want up to 15 letters, digits, '-', '_' or '.')` + "\n" +
				`t.yaml:14: links[0].endpoints[1]: host "b" has no interface "eth0"`},
		{"mtu", "addresses: [10.0.0.2/24]", "addresses: [10.0.0.2/24, fd00::2/64]\n        mtu: 1000",
			`t.yaml:13: hosts[1].interfaces[0].mtu: MTU 1000 out of range (want 1280 to 65535)`},
		{"start after duration", "  - bulk:", "  - start: 6s\n    bulk:",
			`t.yaml:17: workloads[0].start: start 6s is not before the scenario's end at 5s`},
		{"stop before start", "  - bulk:", "  - start: 2s\n    stop: 1s\n    bulk:",
			`t.yaml:18: workloads[0].stop: stop 1s is not after start 2s`},
		{"stop after duration", "  - bulk:", "  - stop: 9s\n    bulk:",
			`t.yaml:17: workloads[0].stop: stop 9s is after the scenario's end at 5s`},
		{"no kind", "  - bulk:\n      client: a\n      server: b\n", "  - name: w\n",
			`t.yaml:17: workloads[0]: no kind (want one of: bulk, reqresp, storm, udp, synflood, idle)`},
		{"two kinds", "  - bulk:", "  - idle: {client: a, server: b}\n    bulk:",
			`t.yaml:17: workloads[0]: more than one kind: bulk and idle`},
		{"duplicate workload", "      server: b\n", "      server: b\n  - bulk: {client: a, server: b}\n",
			`t.yaml:20: workloads[1].name: duplicate workload "bulk" (give each workload a name)`},
		{"udp without rate", "  - bulk:", "  - udp:",
			`t.yaml:17: workloads[0].udp: missing rate or interval (want rate: 100Mbit, or interval: 1ms)`},
		{"udp too big", "  - bulk:", "  - udp:\n      size: 65508B\n      rate: 1Mbit",
			`t.yaml:18: workloads[0].udp.size: size 65508B is more than a datagram holds (65507B)`},
		{"reqresp no clients", "  - bulk:\n      client: a\n", "  - reqresp:\n",
			`t.yaml:17: workloads[0].reqresp.clients: missing (want a list of client hosts)`},
		{"reqresp bad client", "  - bulk:\n      client: a\n", "  - reqresp:\n      clients: [a, q]\n      response: exp:4KB\n",
			`t.yaml:18: workloads[0].reqresp.clients[1]: unknown host "q"`},
		{"reqresp bad dist", "  - bulk:\n      client: a\n", "  - reqresp:\n      clients: [a]\n      response: exp:4K\n",
			`t.yaml:19: workloads[0].reqresp.response: bad size distribution "exp:4K" (want a size like 4KB, exp:4KB or uniform:1KB-8KB)`},
		{"storm closer", "  - bulk:", "  - storm:\n      closer: both",
			`t.yaml:18: workloads[0].storm.closer: bad closer "both" (want client or server)`},
		{"synflood rate", "  - bulk:\n      client: a\n", "  - synflood:\n      source: a\n      spoof: 198.51.100.0/24\n",
			`t.yaml:17: workloads[0].synflood.rate: missing (want SYNs per second, like 1000/s)`},
		{"synflood spoof family", "  - bulk:\n      client: a\n", "  - synflood:\n      source: a\n      rate: 100/s\n      spoof: 2001:db8::/32\n",
			`t.yaml:20: workloads[0].synflood.spoof: prefix 2001:db8::/32 is not of the family of 10.0.0.2`},
		{"keepidle", "      server: b\n", "      server: b\n      socket: {keepalive: true, keepidle: 1500ms, keepcnt: 200}\n",
			`t.yaml:20: workloads[0].bulk.socket.keepidle: 1.5s out of range (want whole seconds from 1s to 32767s)` + "\n" +
				`t.yaml:20: workloads[0].bulk.socket.keepcnt: keepcnt 200 out of range (want 1 to 127)`},
		{"congestion", "      server: b\n", "      server: b\n      socket:\n        congestion: Cubic\n",
			`t.yaml:21: workloads[0].bulk.socket.congestion: bad congestion control "Cubic" (want a name like cubic or reno)`},
		{"route dev", "    interfaces:\n      - name: eth0\n        addresses: [10.0.0.2/24]", "    interfaces:\n      - name: eth0\n        addresses: [10.0.0.2/24]\n    routes:\n      - to: default\n        dev: eth9",
			`t.yaml:15: hosts[1].routes[0].dev: host "b" has no interface "eth9"`},
		{"route gateway", "    interfaces:\n      - name: eth0\n        addresses: [10.0.0.2/24]", "    interfaces:\n      - name: eth0\n        addresses: [10.0.0.2/24]\n    routes:\n      - to: 10.9.0.1/16\n        via: 10.1.0.1",
			"t.yaml:14: hosts[1].routes[0].to: prefix 10.9.0.1/16 has host bits set (want 10.9.0.0/16)\n" +
				`t.yaml:15: hosts[1].routes[0].via: gateway 10.1.0.1 is not in the subnet of any interface of "b"`},
		{"sysctl twice", "        addresses: [10.0.0.2/24]\n", "        addresses: [10.0.0.2/24]\n    sysctls:\n      net.core.somaxconn: 16\n      net.core.somaxconn: 32\n",
			`t.yaml:15: hosts[1].sysctls.net.core.somaxconn: sysctl set twice`},
		{"sysctl name", "        addresses: [10.0.0.2/24]\n", "        addresses: [10.0.0.2/24]\n    sysctls:\n      somaxconn: 16\n",
			`t.yaml:14: hosts[1].sysctls: bad sysctl name "somaxconn" (want a dotted name like net.ipv4.tcp_syncookies)`},
		{"sysctl no value", "        addresses: [10.0.0.2/24]\n", "        addresses: [10.0.0.2/24]\n    sysctls:\n      net.core.somaxconn:\n",
			`t.yaml:14: hosts[1].sysctls.net.core.somaxconn: missing value`},
		{"sysctl list value", "        addresses: [10.0.0.2/24]\n", "        addresses: [10.0.0.2/24]\n    sysctls:\n      net.ipv4.tcp_rmem: [1, 2, 3]\n",
			`t.yaml:14: hosts[1].sysctls.net.ipv4.tcp_rmem: want a single value, not a list`},
		{"nic unknown", "        addresses: [10.0.0.2/24]\n", "        addresses: [10.0.0.2/24]\n        nic:\n          rings: {rx: 64, rxx: 1}\n",
			`t.yaml:14: hosts[1].interfaces[0].nic.rings.rxx: unknown field (want one of: rx, tx, rx_max, tx_max)`},
		{"nic bad bool", "        addresses: [10.0.0.2/24]\n", "        addresses: [10.0.0.2/24]\n        nic:\n          offloads: {gro: maybe}\n",
			`t.yaml:14: hosts[1].interfaces[0].nic.offloads.gro: bad boolean "maybe" (want true, false, on or off)`},
		{"switch named like host", "links:", "switches:\n  - name: a\nlinks:",
			`t.yaml:14: switches[0].name: switch "a" has the name of a host`},
		{"switch with interface", "links:\n  - endpoints: [a:eth0, b:eth0]", "switches:\n  - name: sw\nlinks:\n  - endpoints: [a:eth0, 'sw:p1']",
			`t.yaml:16: links[0].endpoints[1]: switch endpoint "sw:p1" takes no interface (want sw)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := c.new
			if c.old != "" {
				if !strings.Contains(base, c.old) {
					t.Fatalf("base has no %q", c.old)
				}
				data = strings.Replace(base, c.old, c.new, 1)
			}
			s, err := Parse("t.yaml", []byte(data))
			if c.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse = %+v, want error\n%s", s, c.want)
			}
			if err.Error() != c.want {
				t.Errorf("Parse error:\n%s\nwant:\n%s", err, c.want)
			}
			var list ErrorList
			var one *Error
			if !errors.As(err, &list) || !errors.As(err, &one) || one.File != "t.yaml" {
				t.Errorf("error %T does not unwrap to an ErrorList and an *Error", err)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse("big.yaml", make([]byte, maxFileSize+1))
	if err == nil || !strings.HasPrefix(err.Error(), "big.yaml: file too large") {
		t.Fatalf("Parse(big) = %v", err)
	}
}

func TestParseErrorCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("duration: 1s\nhosts:\n")
	for i := 0; i < 50; i++ {
		b.WriteString("  - name: h\n    cpus: x\n")
	}
	_, err := Parse("t.yaml", []byte(b.String()))
	var list ErrorList
	if !errors.As(err, &list) || len(list) != maxErrors {
		t.Fatalf("got %d errors, want %d: %v", len(list), maxErrors, err)
	}
}

func BenchmarkParseWeb(b *testing.B) {
	data, err := ShippedFile("web")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("web.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
