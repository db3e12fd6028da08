package filter

import (
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/netdb"
)

func TestNumericHost(t *testing.T) {
	tests := []struct {
		name    string
		fam     uint8
		handled bool
		want    string
	}{
		{"2130706433", afInet, true, "127.0.0.1"},
		{"127.1", afInet, true, "127.0.0.1"},
		{"0x7f.0.0.1", afInet, false, ""}, // not all digits: a real lookup
		{"010.0.0.1", afInet, true, "8.0.0.1"},
		{"127.0.0.1", afInet6, true, ""},
		{"1.2.3.4.5", afInet, true, ""},
		{"1.2.3.", afInet, false, ""},
		{"::1", afInet6, true, "::1"},
		{"::1", afInet, true, ""},
		{"fe80::zz", afInet6, false, ""},
		{"localhost", afInet, false, ""},
	}
	for _, tt := range tests {
		addrs, handled, err := numericHost(tt.name, tt.fam)
		if handled != tt.handled {
			t.Errorf("numericHost(%q, %d): handled %v", tt.name, tt.fam, handled)
			continue
		}
		var got string
		if err == nil && len(addrs) == 1 {
			got = addrs[0].String()
		}
		if got != tt.want {
			t.Errorf("numericHost(%q, %d) = %v, %v; want %q", tt.name, tt.fam, addrs, err, tt.want)
		}
	}
}

func TestSystemResolverHostsFile(t *testing.T) {
	b, err := os.ReadFile("/etc/hosts")
	if err != nil {
		t.Skip("no /etc/hosts")
	}
	if !hostsHasLocalhost(string(b)) {
		t.Skip("/etc/hosts has no 127.0.0.1 localhost line")
	}
	r := &SystemResolver{}
	addrs, err := r.LookupHost("localhost", afInet)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range addrs {
		if a == netip.MustParseAddr("127.0.0.1") {
			found = true
		}
	}
	if !found {
		t.Errorf("localhost: %v", addrs)
	}
}

func hostsHasLocalhost(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "127.0.0.1" && slices.Contains(f[1:], "localhost") {
			return true
		}
	}
	return false
}

func TestSystemResolverServices(t *testing.T) {
	r := &SystemResolver{Services: netdb.New("testdata/services", "")}
	if p, ok := r.LookupPort("ssh", "tcp"); !ok || p != 22 {
		t.Errorf("ssh/tcp: %d %v", p, ok)
	}
	if _, ok := r.LookupPort("ssh", "udp"); ok {
		t.Error("ssh/udp found")
	}
	if p, ok := r.LookupPort("www", "tcp"); !ok || p != 80 {
		t.Errorf("www/tcp (an alias): %d %v", p, ok)
	}
}

func TestSystemResolverInterface(t *testing.T) {
	lo, err := net.InterfaceByName("lo")
	if err != nil {
		t.Skip("no lo interface")
	}
	r := &SystemResolver{}
	if got := r.InterfaceIndex("lo"); got != uint32(lo.Index) {
		t.Errorf("lo: %d, want %d", got, lo.Index)
	}
	if got := r.InterfaceIndex("no-such-interface0"); got != 0 {
		t.Errorf("missing interface: %d", got)
	}
}
