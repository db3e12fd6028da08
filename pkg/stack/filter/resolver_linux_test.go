package filter

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

func TestSystemResolverProc(t *testing.T) {
	root := t.TempDir()
	r := &SystemResolver{ProcRoot: root}
	if lo, hi := r.EphemeralPorts(); lo != 1024 || hi != 4999 {
		t.Errorf("no port range file: %d-%d", lo, hi)
	}
	if _, err := r.CgroupID("no/such/cgroup"); err == nil || err.Error() != "Failed to open mounts file: No such file or directory" {
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
	if _, err := r.CgroupID("no/such/cgroup"); err == nil || err.Error() != "Failed to find cgroup2 mount" {
		t.Errorf("no cgroup2 mount: %v", err)
	}
	if _, err := r.CgroupID(""); err == nil || err.Error() != "Invalid cgroup2 path" {
		t.Errorf("empty path: %v", err)
	}
}

// TestCgroupIDLikeSS checks ss 6.1's lookup order: the path as it stands
// (relative to the working directory) first, then inside the cgroup2 mount.
func TestCgroupIDLikeSS(t *testing.T) {
	handle := func(dirfd int, path string) uint64 {
		t.Helper()
		h, _, err := unix.NameToHandleAt(dirfd, path, 0)
		if err != nil {
			t.Skipf("name_to_handle_at(%s): %v", path, err)
		}
		id, err := handleID(h)
		if err != nil {
			t.Skipf("%s: %v (this file system's handles are not 8 bytes)", path, err)
		}
		return id
	}
	mnt := filepath.Join(t.TempDir(), "cg two")
	if err := os.MkdirAll(filepath.Join(mnt, "sbtest.slice"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := &SystemResolver{Cgroup2Mount: func() string { return mnt }}

	// "/" exists as it stands: ss takes the root directory's handle.
	if got, want := mustID(t, r, "/"), handle(unix.AT_FDCWD, "/"); got != want {
		t.Errorf(`CgroupID("/") = %d, want the handle of / (%d)`, got, want)
	}
	// A path that does not exist here is looked up in the mount.
	fd, err := unix.Open(mnt, unix.O_RDONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	want := handle(fd, "sbtest.slice")
	for _, p := range []string{"/sbtest.slice", "sbtest.slice", "//sbtest.slice"} {
		if got := mustID(t, r, p); got != want {
			t.Errorf("CgroupID(%q) = %d, want %d", p, got, want)
		}
	}
	if _, err := r.CgroupID("/nope.slice"); err == nil || err.Error() != "Failed to get cgroup2 ID: No such file or directory" {
		t.Errorf("missing cgroup: %v", err)
	}
	r.Cgroup2Mount = func() string { return "" }
	if _, err := r.CgroupID("/nope.slice"); err == nil || err.Error() != "Failed to find cgroup2 mount" {
		t.Errorf("no mount: %v", err)
	}
}

func mustID(t *testing.T, r *SystemResolver, path string) uint64 {
	t.Helper()
	id, err := r.CgroupID(path)
	if err != nil {
		t.Fatalf("CgroupID(%q): %v", path, err)
	}
	return id
}
