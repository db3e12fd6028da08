package filter

import (
	"encoding/hex"
	"strings"
	"testing"
)

// The per-operator and per-combinator programs are compared with what ss
// sends in TestBytecodeGolden; these cover what ss cannot show.

func TestBytecodeMultiAddress(t *testing.T) {
	f := parseT(t, Options{TCP: true}, "dst multi.test")
	prog, ok := f.InetDiagBytecode(afInet)
	if !ok {
		t.Fatal("no bytecode")
	}
	want := "0810140002200000ffffffffc0000201" + // D_COND 192.0.2.1/32, no: skip the jump
		"01043400" + // JMP to the end: accept
		"0810140002200000ffffffffc0000202" + // D_COND 192.0.2.2/32
		"01042000" +
		"081c20000a800000ffffffff20010db8000000000000000000000001" // D_COND 2001:db8::1/128
	if got := hex.EncodeToString(prog); got != want {
		t.Errorf("bytecode\n got %s\nwant %s", got, want)
	}

	// Within an "and", the rejecting jumps of every address move past the
	// second operand.
	f = parseT(t, Options{TCP: true}, "dst multi.test and sport = :22")
	prog, _ = f.InetDiagBytecode(afInet)
	e := &bcEntry{family: afInet, dport: 80, sport: 22}
	copy(e.daddr[:], []byte{192, 0, 2, 2})
	if !runBytecode(prog, e) {
		t.Errorf("%x rejects 192.0.2.2 port 22", prog)
	}
	e.sport = 23
	if runBytecode(prog, e) {
		t.Errorf("%x accepts port 23", prog)
	}
}

func TestBytecodeCgroup(t *testing.T) {
	f := parseT(t, Options{}, "cgroup = /system.slice")
	prog, ok := f.InetDiagBytecode(afInet6)
	// ss's instruction: CGROUP_COND, yes 12, no 16, then the u64 id.
	if got := hex.EncodeToString(prog); !ok || got != "0d0c10003412000000000000" {
		t.Errorf("bytecode %s (ok %v)", got, ok)
	}
}

func TestBytecodeNone(t *testing.T) {
	for _, expr := range []string{"dev = lo", "not dev = 1 or sport = :1", "src unix:/x", "src link:ip", "src netlink:rtnl", "src vsock:1"} {
		f := parseT(t, Options{}, expr)
		if prog, ok := f.InetDiagBytecode(afInet); ok || prog != nil {
			t.Errorf("%q: bytecode %x", expr, prog)
		}
	}
	// Too long for a netlink attribute.
	f := parseT(t, Options{}, strings.Repeat("sport = :1 or ", 4000)+"sport = :2")
	if _, ok := f.InetDiagBytecode(afInet); ok {
		t.Errorf("a program of %d conditions compiled", 4001)
	}
	f = parseT(t, Options{}, strings.Repeat("sport = :1 or ", 3000)+"sport = :2")
	if prog, ok := f.InetDiagBytecode(afInet); !ok || len(prog) != 3000*20+16 {
		t.Errorf("3001 conditions: %d bytes, ok %v", len(prog), ok)
	}
}

func TestBytecodeCopy(t *testing.T) {
	f := parseT(t, Options{}, "sport = :22")
	p1, _ := f.InetDiagBytecode(afInet)
	p1[0] = 0xff
	p2, _ := f.InetDiagBytecode(afInet)
	if p2[0] != bcSCond {
		t.Error("InetDiagBytecode returns the filter's own buffer")
	}
}

func TestRunBytecode(t *testing.T) {
	tests := []struct {
		expr string
		e    bcEntry
		want bool
	}{
		{"sport = :22", bcEntry{family: afInet, sport: 22}, true},
		{"sport = :22", bcEntry{family: afInet, sport: 23}, false},
		{"sport > :22", bcEntry{family: afInet6, sport: 23}, true},
		{"sport > :65558", bcEntry{family: afInet6, sport: 23}, true}, // 65558 is 22 in 16 bits
		{"not sport = :22", bcEntry{family: afInet, sport: 22}, false},
		{"autobound", bcEntry{family: afInet, autoBound: true}, true},
		{"autobound", bcEntry{family: afInet}, false},
		{"src 10.0.0.0/8", bcEntry{family: afInet6, saddr: [16]byte{10: 0xff, 11: 0xff, 12: 10, 15: 1}}, true},
		{"src 10.0.0.0/8", bcEntry{family: afInet6, saddr: [16]byte{0: 10}}, false},
		{"src ::/8", bcEntry{family: afInet}, false},
		{"fwmark 0x10/0x10", bcEntry{family: afInet, mark: 0x30}, true},
		{"fwmark 0x10/0x10", bcEntry{family: afInet, mark: 0x20}, false},
		{"sport = :1 or sport = :2 or sport = :3", bcEntry{family: afInet, sport: 3}, true},
		{"sport = :1 or sport = :2 or sport = :3", bcEntry{family: afInet, sport: 4}, false},
		{"( sport = :1 or sport = :2 ) and not ( dport = :1 or dport = :2 )", bcEntry{family: afInet, sport: 2, dport: 3}, true},
		{"( sport = :1 or sport = :2 ) and not ( dport = :1 or dport = :2 )", bcEntry{family: afInet, sport: 2, dport: 2}, false},
	}
	for _, tt := range tests {
		f := parseT(t, Options{}, tt.expr)
		if got := runBytecode(f.prog, &tt.e); got != tt.want {
			t.Errorf("%q on %+v: %v, want %v", tt.expr, tt.e, got, tt.want)
		}
	}
}
