package netdb

import (
	"os"
	"path/filepath"
	"testing"
)

const servicesText = `# comment line
tcpmux		1/tcp				# TCP port service multiplexer
echo		7/tcp
echo		7/udp
http		80/tcp		www		# WorldWideWeb HTTP
https		443/tcp
https		443/udp				# HTTP/3
bad		70000/tcp
worse		x/tcp
noproto		90
domain		53/tcp
domain		53/udp
dupe		80/tcp
sctponly	9999/sctp	alias1 alias2
`

const protocolsText = `ip	0	IP		# internet protocol, pseudo protocol number
icmp	1	ICMP		# internet control message protocol
ipv6-icmp 58	IPv6-ICMP	# ICMP for IPv6
broken	300	BROKEN
`

func testDB(t *testing.T) *DB {
	dir := t.TempDir()
	sp, pp := filepath.Join(dir, "services"), filepath.Join(dir, "protocols")
	if err := os.WriteFile(sp, []byte(servicesText), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pp, []byte(protocolsText), 0o644); err != nil {
		t.Fatal(err)
	}
	return New(sp, pp)
}

func TestServiceByPort(t *testing.T) {
	db := testDB(t)
	for _, tc := range []struct {
		port  uint16
		proto string
		want  string
		ok    bool
	}{
		{80, "tcp", "http", true}, // the first entry wins over "dupe"
		{80, "udp", "", false},
		{443, "udp", "https", true},
		{53, "", "domain", true},
		{9999, "sctp", "sctponly", true},
		{9999, "tcp", "", false},
		{70000 & 0xffff, "tcp", "", false}, // out of range ports are skipped
		{1, "tcp", "tcpmux", true},
	} {
		got, ok := db.ServiceByPort(tc.port, tc.proto)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ServiceByPort(%d, %q) = %q, %v; want %q, %v", tc.port, tc.proto, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPortByService(t *testing.T) {
	db := testDB(t)
	for _, tc := range []struct {
		name, proto string
		want        uint16
		ok          bool
	}{
		{"www", "tcp", 80, true}, {"http", "", 80, true}, {"https", "udp", 443, true},
		{"alias2", "sctp", 9999, true}, {"alias2", "tcp", 0, false}, {"nope", "", 0, false},
		{"worse", "tcp", 0, false}, {"noproto", "", 0, false},
	} {
		got, ok := db.PortByService(tc.name, tc.proto)
		if got != tc.want || ok != tc.ok {
			t.Errorf("PortByService(%q, %q) = %d, %v; want %d, %v", tc.name, tc.proto, got, ok, tc.want, tc.ok)
		}
	}
}

func TestProtocols(t *testing.T) {
	db := testDB(t)
	if name, ok := db.ProtocolByNumber(58); !ok || name != "ipv6-icmp" {
		t.Errorf("ProtocolByNumber(58) = %q, %v", name, ok)
	}
	if _, ok := db.ProtocolByNumber(2); ok {
		t.Error("ProtocolByNumber(2) found a protocol the file lacks")
	}
	if n, ok := db.ProtocolByName("ICMP"); !ok || n != 1 {
		t.Errorf("ProtocolByName(ICMP) = %d, %v", n, ok)
	}
	if _, ok := db.ProtocolByName("BROKEN"); ok {
		t.Error("a protocol number over 255 was accepted")
	}
}

func TestMissingFiles(t *testing.T) {
	db := New(filepath.Join(t.TempDir(), "none"), "")
	if _, ok := db.ServiceByPort(80, "tcp"); ok {
		t.Error("a missing file gave a service")
	}
	if _, ok := db.ProtocolByNumber(1); ok {
		t.Error("no file gave a protocol")
	}
}

// TestSystemServices checks the lookups ss relies on against the system
// database, when it has the usual entries.
func TestSystemServices(t *testing.T) {
	if _, err := os.Stat("/etc/services"); err != nil {
		t.Skip("needs /etc/services")
	}
	if name, ok := ServiceByPort(22, "tcp"); !ok || name != "ssh" {
		t.Errorf("ServiceByPort(22, tcp) = %q, %v", name, ok)
	}
	if port, ok := PortByService("ssh", "tcp"); !ok || port != 22 {
		t.Errorf("PortByService(ssh, tcp) = %d, %v", port, ok)
	}
}

func FuzzParseServices(f *testing.F) {
	f.Add([]byte(servicesText))
	f.Add([]byte("a 1/\nb /tcp\n#\n\x00 5/x y"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := parseServices(data)
		for k, name := range s.byPort {
			if s.byPortAny[k.port] == "" || name == "" {
				t.Fatalf("inconsistent tables for %v", k)
			}
		}
	})
}

func FuzzParseProtocols(f *testing.F) {
	f.Add([]byte(protocolsText))
	f.Add([]byte("x 256\ny -1\nz 1 a b c # d"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := parseProtocols(data)
		for n, name := range p.byNumber {
			if _, ok := p.byName[name]; !ok {
				t.Fatalf("protocol %d named %q missing from the name table", n, name)
			}
		}
	})
}
