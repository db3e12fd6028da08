//go:build linux

package conntrackdiff

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/testns"
)

// flowTimeout is the timeout of every created flow: large, so none expires
// while a test runs, and far from any protocol default.
const flowTimeout = "100000"

// flows are the `conntrack -I` arguments (without -I and -t) that fill a
// fixture: TCP in every state conntrack accepts, UDP unreplied, replied and
// assured, ICMP, other protocols, IPv6 with and without zones, zones on one
// direction only, several marks (for mask filters) and statuses. Addresses
// are from documentation ranges.
var flows = [][]string{
	{"-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41001", "--dport", "80", "--state", "SYN_SENT"},
	{"-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41002", "--dport", "80", "--state", "SYN_RECV", "-u", "SEEN_REPLY"},
	{"-p", "tcp", "-s", "192.0.2.1", "-d", "198.51.100.1", "--sport", "41003", "--dport", "443", "--state", "ESTABLISHED", "-u", "ASSURED,SEEN_REPLY", "-m", "1"},
	{"-p", "tcp", "-s", "192.0.2.2", "-d", "198.51.100.1", "--sport", "41004", "--dport", "443", "--state", "FIN_WAIT", "-u", "SEEN_REPLY", "-m", "2"},
	{"-p", "tcp", "-s", "192.0.2.2", "-d", "198.51.100.2", "--sport", "41005", "--dport", "22", "--state", "CLOSE_WAIT", "-u", "ASSURED,SEEN_REPLY", "-m", "3"},
	{"-p", "tcp", "-s", "192.0.2.2", "-d", "198.51.100.2", "--sport", "41006", "--dport", "22", "--state", "LAST_ACK", "-m", "0x10"},
	{"-p", "tcp", "-s", "192.0.2.3", "-d", "198.51.100.2", "--sport", "41007", "--dport", "25", "--state", "TIME_WAIT", "-u", "FIXED_TIMEOUT", "-m", "0x11"},
	{"-p", "tcp", "-s", "192.0.2.3", "-d", "198.51.100.3", "--sport", "41008", "--dport", "25", "--state", "CLOSE", "-m", "0x101"},
	{"-p", "tcp", "-s", "192.0.2.3", "-d", "198.51.100.3", "--sport", "41009", "--dport", "8080", "--state", "LISTEN"}, // conntrack shows SYN_SENT2
	{"-p", "tcp", "-s", "192.0.2.3", "-d", "198.51.100.3", "--sport", "41010", "--dport", "8080", "--state", "NONE"},
	{"-p", "tcp", "-s", "192.0.2.4", "-d", "198.51.100.4", "--sport", "41011", "--dport", "80", "--state", "ESTABLISHED", "-u", "ASSURED,SEEN_REPLY", "-w", "5", "-m", "1"},
	{"-p", "udp", "-s", "192.0.2.5", "-d", "203.0.113.53", "--sport", "5353", "--dport", "53"},
	{"-p", "udp", "-s", "192.0.2.5", "-d", "203.0.113.53", "--sport", "5354", "--dport", "53", "-u", "SEEN_REPLY", "-m", "2"},
	{"-p", "udp", "-s", "192.0.2.5", "-d", "203.0.113.123", "--sport", "123", "--dport", "123", "-u", "ASSURED,SEEN_REPLY", "-m", "0x102"},
	{"-p", "udp", "-s", "192.0.2.6", "-d", "203.0.113.53", "--sport", "5355", "--dport", "53", "--orig-zone", "3"},
	{"-p", "udp", "-s", "192.0.2.6", "-d", "203.0.113.53", "--sport", "5356", "--dport", "53", "--reply-zone", "4"},
	{"-p", "icmp", "-s", "192.0.2.7", "-d", "203.0.113.1", "--icmp-type", "8", "--icmp-code", "0", "--icmp-id", "100"},
	{"-p", "icmp", "-s", "192.0.2.7", "-d", "203.0.113.1", "--icmp-type", "8", "--icmp-code", "0", "--icmp-id", "101", "-u", "SEEN_REPLY", "-m", "1"},
	{"-p", "icmp", "-s", "192.0.2.7", "-d", "203.0.113.2", "--icmp-type", "13", "--icmp-code", "0", "--icmp-id", "102"},
	{"-p", "udplite", "-s", "192.0.2.8", "-d", "203.0.113.8", "--sport", "7000", "--dport", "7001"},
	{"-p", "sctp", "-s", "192.0.2.8", "-d", "203.0.113.8", "--sport", "7002", "--dport", "7003", "--state", "ESTABLISHED", "--orig-vtag", "5", "--reply-vtag", "6"},
	{"-p", "dccp", "-s", "192.0.2.8", "-d", "203.0.113.8", "--sport", "7004", "--dport", "7005", "--state", "OPEN", "--role", "client"},
	{"-p", "gre", "-s", "192.0.2.8", "-d", "203.0.113.8", "--srckey", "1", "--dstkey", "2"},
	{"-p", "tcp", "-s", "2001:db8::1", "-d", "2001:db8::2", "--sport", "42001", "--dport", "443", "--state", "ESTABLISHED", "-u", "ASSURED,SEEN_REPLY", "-w", "7", "-m", "1"},
	{"-p", "tcp", "-s", "2001:db8::1", "-d", "2001:db8::3", "--sport", "42002", "--dport", "80", "--state", "SYN_SENT", "-m", "0x10"},
	{"-p", "tcp", "-s", "2001:db8::1", "-d", "2001:db8::3", "--sport", "42003", "--dport", "80", "--state", "TIME_WAIT", "-u", "SEEN_REPLY"},
	{"-p", "udp", "-s", "2001:db8::1", "-d", "2001:db8::53", "--sport", "5353", "--dport", "53", "-w", "7"},
	{"-p", "udp", "-s", "2001:db8::1", "-d", "2001:db8::53", "--sport", "5354", "--dport", "53", "-u", "SEEN_REPLY", "-m", "2"},
	{"-p", "udp", "-s", "2001:db8::2", "-d", "2001:db8::53", "--sport", "5355", "--dport", "53", "--orig-zone", "9"},
	{"-p", "icmpv6", "-s", "2001:db8::1", "-d", "2001:db8::2", "--icmpv6-type", "128", "--icmpv6-code", "0", "--icmpv6-id", "200", "-w", "7"},
	{"-p", "icmpv6", "-s", "2001:db8::1", "-d", "2001:db8::2", "--icmpv6-type", "128", "--icmpv6-code", "0", "--icmpv6-id", "201", "-u", "SEEN_REPLY"},
}

// ruleset is the fixture's nftables table: it makes the namespace track
// its own traffic (any ct expression registers conntrack's hooks), counts
// new flows, and enables the label extension (a rule matching a ct label
// does) so that created flows can carry labels.
const ruleset = `table inet sbt {
	chain out {
		type filter hook output priority 0; policy accept;
		ct state new counter
		ct label 127 counter
	}
	chain in {
		type filter hook input priority 0; policy accept;
		ct state established counter
	}
}
`

// labelMap is the connlabel.conf the label tests put over /etc/xtables.
const labelMap = "0 zero\n1 one\n2 two\n5 five\n64 sixtyfour\n127 last\n"

// labelEtc returns a directory holding xtables/connlabel.conf, to lay over
// /etc in the runs that use label names (where.labels).
func labelEtc(t *testing.T) string {
	t.Helper()
	testns.RequireTool(t, "unshare")
	// Written once: cases run in parallel, and rewriting the file while
	// another case's conntrack reads it would hand that one an empty map.
	labelEtcOnce.Do(func() {
		dir := filepath.Join(work, "etc-labels")
		labelEtcErr = os.MkdirAll(filepath.Join(dir, "xtables"), 0o755)
		if labelEtcErr == nil {
			labelEtcErr = os.WriteFile(filepath.Join(dir, "xtables", "connlabel.conf"), []byte(labelMap), 0o644)
		}
		labelEtcDir = dir
	})
	if labelEtcErr != nil {
		t.Fatal(labelEtcErr)
	}
	return labelEtcDir
}

var (
	labelEtcOnce sync.Once
	labelEtcDir  string
	labelEtcErr  error
)

// options of a fixture.
type fixtureOpts struct {
	traffic bool // flows of real loopback traffic too
	labels  bool // the ruleset enabling labels (needs nft)
}

// newFixture creates a namespace with conntrack accounting and time
// stamps on, filled with flows, and with o.traffic the flows of real
// traffic. It skips t without root, ip or conntrack (and nft when the
// options need it).
func newFixture(t *testing.T, o fixtureOpts) *testns.NS {
	t.Helper()
	ct := requireConntrack(t)
	ns := testns.New(t)
	ns.Run("sysctl", "-q", "-w", "net.netfilter.nf_conntrack_acct=1", "net.netfilter.nf_conntrack_timestamp=1")
	if o.traffic || o.labels {
		testns.RequireTool(t, "nft")
		f := filepath.Join(t.TempDir(), "ruleset.nft")
		if err := os.WriteFile(f, []byte(ruleset), 0o644); err != nil {
			t.Fatal(err)
		}
		ns.Run("nft", "-f", f)
	}
	fill(t, ns, ct, flows)
	if o.traffic {
		makeTraffic(t, ns)
	}
	return ns
}

// fill creates flows in ns with conntrack -R (one process for all).
func fill(t *testing.T, ns *testns.NS, ct string, fl [][]string) {
	t.Helper()
	var sb strings.Builder
	for _, f := range fl {
		fmt.Fprintf(&sb, "-I %s -t %s\n", strings.Join(f, " "), flowTimeout)
	}
	file := filepath.Join(t.TempDir(), "fill.txt")
	if err := os.WriteFile(file, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	ns.Run(ct, "-R", file)
}

// makeTraffic makes real flows on the namespace's loopback, tracked by the
// ruleset: ICMP echoes (IPv4 and IPv6), a closed TCP connection (TIME_WAIT),
// TCP connections left open (ESTABLISHED, ASSURED), a UDP exchange (replied)
// and a UDP datagram to a closed port (unreplied). The open sockets are
// closed when the test ends. Nothing leaves the namespace.
func makeTraffic(t *testing.T, ns *testns.NS) {
	t.Helper()
	var mu sync.Mutex
	var keep []io.Closer
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range keep {
			c.Close()
		}
	})
	err := ns.Do(func() error {
		hold := func(c io.Closer) {
			mu.Lock()
			keep = append(keep, c)
			mu.Unlock()
		}
		if err := echo("ip4:icmp", "127.0.0.1", 8, 0x1234); err != nil {
			return err
		}
		if err := echo("ip6:ipv6-icmp", "::1", 128, 0x1235); err != nil {
			return err
		}
		for _, tc := range []struct {
			network, addr string
			open          bool
		}{
			{"tcp4", "127.0.0.1:0", false},
			{"tcp4", "127.0.0.1:0", true},
			{"tcp6", "[::1]:0", true},
		} {
			if err := tcpExchange(tc.network, tc.addr, tc.open, hold); err != nil {
				return err
			}
		}
		if err := udpExchange(); err != nil {
			return err
		}
		// A datagram to a port nobody listens on: unreplied.
		c, err := net.Dial("udp4", "127.0.0.1:9")
		if err != nil {
			return err
		}
		_, _ = c.Write([]byte("x"))
		return c.Close()
	})
	if err != nil {
		t.Fatalf("making traffic in %s: %v", ns.Name, err)
	}
}

// noKeepAlive keeps the open connections silent: a keepalive probe would
// move their counters between two runs.
var noKeepAlive = net.ListenConfig{KeepAlive: -1}

// tcpExchange connects to a listener on addr, sends a request and reads
// the answer; open leaves the connection open (held), else both ends close.
func tcpExchange(network, addr string, open bool, hold func(io.Closer)) error {
	ln, err := noKeepAlive.Listen(context.Background(), network, addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	d := net.Dialer{KeepAlive: -1}
	c, err := d.Dial(network, ln.Addr().String())
	if err != nil {
		return err
	}
	s, err := ln.Accept()
	if err != nil {
		c.Close()
		return err
	}
	buf := make([]byte, 64)
	if _, err := c.Write([]byte("hello conntrack\n")); err != nil {
		return err
	}
	if _, err := s.Read(buf); err != nil {
		return err
	}
	if _, err := s.Write([]byte("hello back\n")); err != nil {
		return err
	}
	if _, err := c.Read(buf); err != nil {
		return err
	}
	if open {
		hold(c)
		hold(s)
		return nil
	}
	c.Close()
	_, _ = s.Read(buf) // EOF: the FIN arrived
	return s.Close()
}

// udpExchange sends a datagram to a UDP socket and gets one back.
func udpExchange() error {
	srv, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := net.Dial("udp4", srv.LocalAddr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	_ = srv.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("ping")); err != nil {
		return err
	}
	buf := make([]byte, 64)
	_, from, err := srv.ReadFrom(buf)
	if err != nil {
		return err
	}
	if _, err := srv.WriteTo([]byte("pong"), from); err != nil {
		return err
	}
	_, err = c.Read(buf)
	return err
}

// echo sends one ICMP (or ICMPv6) echo request of type typ to addr over a
// raw socket and waits for the reply.
func echo(network, addr string, typ byte, id uint16) error {
	c, err := net.ListenPacket(network, addr)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	msg := []byte{typ, 0, 0, 0, 0, 0, 0, 1, 'p', 'i', 'n', 'g'}
	binary.BigEndian.PutUint16(msg[4:], id)
	if typ == 8 { // ICMPv6's checksum is the kernel's to fill in
		binary.BigEndian.PutUint16(msg[2:], checksum(msg))
	}
	dst, err := net.ResolveIPAddr("ip", addr)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(msg, dst); err != nil {
		return err
	}
	buf := make([]byte, 1500)
	for i := 0; i < 4; i++ { // the request itself may be read back first
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			return err
		}
		if n > 0 && (buf[0] == 0 || buf[0] == 129) {
			return nil
		}
	}
	return fmt.Errorf("no echo reply from %s", addr)
}

// checksum is the Internet checksum of b.
func checksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}
