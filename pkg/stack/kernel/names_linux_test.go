package kernel

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestCgroupPathWarnings checks ss 6.1's messages when no cgroup2 mount is
// visible: one for the walk, then one per lookup.
func TestCgroupPathWarnings(t *testing.T) {
	root := t.TempDir()
	mounts := "sysfs /sys sysfs rw 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n"
	if err := os.WriteFile(filepath.Join(root, "mounts"), []byte(mounts), 0o644); err != nil {
		t.Fatal(err)
	}
	var warn bytes.Buffer
	// With a namespace, ss has remounted /sys: the mount under it is gone.
	n := New("somens").Names()
	n.ProcRoot, n.Warn = root, &warn
	for i := 0; i < 3; i++ {
		if got := n.CgroupPath(42); got != "" {
			t.Errorf("CgroupPath = %q, want \"\"", got)
		}
	}
	if got, want := strings.Count(warn.String(), "Failed to find cgroup2 mount\n"), 4; got != want {
		t.Errorf("%d warnings, want %d:\n%s", got, want, warn.String())
	}

	// Without one, the mount is found and the root cgroup is "/".
	dir := t.TempDir()
	mounts = "cgroup2 " + dir + " cgroup2 rw 0 0\n"
	if err := os.WriteFile(filepath.Join(root, "mounts"), []byte(mounts), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "a"), 0o755); err != nil {
		t.Fatal(err)
	}
	warn.Reset()
	n = New("").Names()
	n.ProcRoot, n.Warn = root, &warn
	var st, sta os.FileInfo
	st, _ = os.Stat(dir)
	sta, _ = os.Stat(filepath.Join(dir, "a"))
	if got := n.CgroupPath(inode(st)); got != "/" {
		t.Errorf("root = %q, want /", got)
	}
	if got := n.CgroupPath(inode(sta)); got != "/a" {
		t.Errorf("a = %q, want /a", got)
	}
	if got := n.CgroupPath(1); got != "" || warn.String() != "Failed to open cgroup2 by ID\n" {
		t.Errorf("unknown id: %q, warnings %q", got, warn.String())
	}
}

func inode(fi os.FileInfo) uint64 { return fi.Sys().(*syscall.Stat_t).Ino }
