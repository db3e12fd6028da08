package filter

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
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

func TestSystemResolverProc(t *testing.T) {
	root := t.TempDir()
	r := &SystemResolver{ProcRoot: root}
	if lo, hi := r.EphemeralPorts(); lo != 1024 || hi != 4999 {
		t.Errorf("no port range file: %d-%d", lo, hi)
	}
	if _, err := r.CgroupID("/"); err == nil || err.Error() != "Failed to open mounts file: No such file or directory" {
		t.Errorf("no mounts file: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(root, "sys/net/ipv4"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "sys/net/ipv4/ip_local_port_range"), []byte("1000\t2000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if lo, hi := r.EphemeralPorts(); lo != 1000 || hi != 2000 {
		t.Errorf("port range: %d-%d", lo, hi)
	}

	if err := os.WriteFile(filepath.Join(root, "mounts"), []byte("cgroup /sys/fs/cgroup/cpu cgroup rw 0 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := r.CgroupID("/"); err == nil || err.Error() != "Failed to find cgroup2 mount" {
		t.Errorf("no cgroup2 mount: %v", err)
	}
	if runtime.GOOS != "linux" {
		return
	}
	mnt := filepath.Join(t.TempDir(), "cg two")
	if err := os.MkdirAll(filepath.Join(mnt, "system.slice"), 0o755); err != nil {
		t.Fatal(err)
	}
	escaped := filepath.Dir(mnt) + `/cg\040two`
	if err := os.WriteFile(filepath.Join(root, "mounts"), []byte("cgroup2 "+escaped+" cgroup2 rw 0 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, dir := range map[string]string{"/": mnt, "/system.slice": mnt + "/system.slice", "system.slice/": mnt + "/system.slice"} {
		var st syscall.Stat_t
		if err := syscall.Stat(dir, &st); err != nil {
			t.Fatal(err)
		}
		id, err := r.CgroupID(path)
		if err != nil || id != st.Ino {
			t.Errorf("CgroupID(%q) = %d, %v; want %d", path, id, err, st.Ino)
		}
	}
	if _, err := r.CgroupID("/nope"); err == nil || err.Error() != "Failed to get cgroup2 ID: No such file or directory" {
		t.Errorf("missing cgroup: %v", err)
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
