package filter

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

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
