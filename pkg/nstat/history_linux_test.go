package nstat

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

const nobody = 65534

func TestOpenHistoryCreates0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hist")
	h, err := OpenHistory(path, os.Getuid())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	old := unix.Umask(0)
	unix.Umask(old)
	if want := os.FileMode(0o600 &^ old); st.Mode().Perm() != want {
		t.Errorf("history created with mode %v, want %v", st.Mode().Perm(), want)
	}
}

func TestOpenHistoryRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	for _, exists := range []bool{false, true} {
		if exists {
			if err := os.WriteFile(target, []byte("#kernel\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		link := filepath.Join(dir, "link")
		os.Remove(link)
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		h, err := OpenHistory(link, os.Getuid())
		var he *HistoryError
		if !errors.As(err, &he) || he.Op != "open" || !errors.Is(err, unix.ELOOP) {
			if h != nil {
				h.Close()
			}
			t.Fatalf("target exists %v: OpenHistory through a symlink: %v, want open: ELOOP", exists, err)
		}
		if _, err := os.Lstat(target); exists == (err != nil) {
			t.Errorf("target exists %v: the symlink's target was created or removed (%v)", exists, err)
		}
	}
}

func TestOpenHistoryRefusesHardLink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hist")
	if err := os.WriteFile(path, []byte("#kernel\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(path, filepath.Join(dir, "other")); err != nil {
		t.Fatal(err)
	}
	_, err := OpenHistory(path, os.Getuid())
	var ue *UnsafeHistoryError
	if !errors.As(err, &ue) || ue.Links != 2 {
		t.Fatalf("OpenHistory of a hard-linked file: %v, want an UnsafeHistoryError with 2 links", err)
	}
}

func TestOpenHistoryRefusesOtherOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a file to nobody")
	}
	path := filepath.Join(t.TempDir(), "hist")
	if err := os.WriteFile(path, []byte("#kernel\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	_, err := OpenHistory(path, os.Getuid())
	var ue *UnsafeHistoryError
	if !errors.As(err, &ue) || ue.UID != nobody {
		t.Fatalf("OpenHistory of nobody's file: %v, want an UnsafeHistoryError naming uid %d", err, nobody)
	}
	// The same file is nobody's own history.
	h, err := OpenHistory(path, nobody)
	if err != nil {
		t.Fatalf("OpenHistory as its owner: %v", err)
	}
	h.Close()
}

// asNobody runs fn on a thread whose file-system uid and gid are
// nobody's, as a process of nobody's would open files. The thread is
// never given back to the runtime.
func asNobody(t *testing.T, fn func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to open files as nobody")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		if err := unix.Setfsgid(nobody); err != nil {
			t.Errorf("setfsgid: %v", err)
			return
		}
		if err := unix.Setfsuid(nobody); err != nil {
			t.Errorf("setfsuid: %v", err)
			return
		}
		fn()
	}()
	<-done
}

// TestOpenHistoryMode: nstat does not check the mode of an existing
// history (a 0644 file is used as it is), but a file its user cannot
// write is refused by open(2), with nstat's message.
func TestOpenHistoryMode(t *testing.T) {
	dir := t.TempDir()
	loose := filepath.Join(dir, "loose")
	if err := os.WriteFile(loose, []byte("#kernel\nIpInReceives 5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(loose, 0o644)
	h, err := OpenHistory(loose, os.Getuid())
	if err != nil {
		t.Fatalf("a 0644 history: %v (nstat uses it)", err)
	}
	h.Close()
	if st, _ := os.Stat(loose); st.Mode().Perm() != 0o644 {
		t.Errorf("mode changed to %v", st.Mode().Perm())
	}

	// A read-only history of nobody's, opened by nobody.
	shared, err := os.MkdirTemp("", "nstat-mode")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(shared)
	os.Chmod(shared, 0o755)
	ro := filepath.Join(shared, "ro")
	if err := os.WriteFile(ro, []byte("#kernel\n"), 0o400); err != nil {
		t.Fatal(err)
	}
	os.Chmod(ro, 0o400)
	if os.Geteuid() == 0 {
		os.Chown(ro, nobody, nobody)
	}
	asNobody(t, func() {
		h, err := OpenHistory(ro, nobody)
		var he *HistoryError
		if !errors.As(err, &he) || he.Op != "open" || !errors.Is(err, unix.EACCES) {
			if h != nil {
				h.Close()
			}
			t.Errorf("a read-only history: %v, want open: EACCES", err)
		}
	})
}

func TestOpenHistoryDirectory(t *testing.T) {
	_, err := OpenHistory(t.TempDir(), os.Getuid())
	if !errors.Is(err, unix.EISDIR) {
		t.Fatalf("OpenHistory of a directory: %v, want EISDIR", err)
	}
}

func TestHistoryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hist")
	h, err := OpenHistory(path, os.Getuid())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); !errors.Is(err, unix.EWOULDBLOCK) {
		t.Fatalf("flock while the history is open: %v, want EWOULDBLOCK", err)
	}
	// A second nstat waits for the first.
	second := make(chan error, 1)
	go func() {
		h2, err := OpenHistory(path, os.Getuid())
		if err == nil {
			h2.Close()
		}
		second <- err
	}()
	h.Close()
	if err := <-second; err != nil {
		t.Fatalf("second OpenHistory: %v", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		t.Fatalf("flock after Close: %v", err)
	}
}

func TestHistoryRewrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hist")
	os.WriteFile(path, []byte("#kernel\n"+strings.Repeat("IpInReceives 1 0.0\n", 100)), 0o600)
	h, err := OpenHistory(path, os.Getuid())
	if err != nil {
		t.Fatal(err)
	}
	var src Source
	got, err := h.Read(&src)
	if err != nil || len(got) != 100 || src.Info != "kernel" {
		t.Fatalf("Read: %d entries, source %q, %v", len(got), src.Info, err)
	}
	if _, err := h.Rewrite(func(w io.Writer) error {
		_, err := io.WriteString(w, "#kernel\nTcpActiveOpens 2 0.0\n")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	src = Source{}
	got, err = h.Read(&src)
	if err != nil || len(got) != 1 || got[0] != (Entry{"TcpActiveOpens", 2, 0}) {
		t.Fatalf("after Rewrite: %v, %v", got, err)
	}
	if err := h.Truncate(); err != nil {
		t.Fatal(err)
	}
	h.Close()
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Errorf("after Truncate the file holds %q", b)
	}
}

func TestHistoryPath(t *testing.T) {
	env := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	long := strings.Repeat("p", 200)
	for _, tc := range []struct {
		env  map[string]string
		uid  int
		want string
	}{
		{nil, 0, "/tmp/.nstat.u0"},
		{nil, 1000, "/tmp/.nstat.u1000"},
		{map[string]string{"NSTAT_HISTORY": "/x/h"}, 0, "/x/h"},
		{map[string]string{"NSTAT_HISTORY": ""}, 0, ""},
		{map[string]string{"NSTAT_HISTORY": long}, 0, long[:127]},
	} {
		if got := HistoryPath(env(tc.env), tc.uid); got != tc.want {
			t.Errorf("HistoryPath(%v, %d) = %q, want %q", tc.env, tc.uid, got, tc.want)
		}
	}
}

func TestAgedOut(t *testing.T) {
	const boot = 1_700_000_000
	for _, tc := range []struct {
		mtime, now, uptime int64
		want               bool
	}{
		{boot + 10, boot + 100, 100, false}, // written after the boot
		{boot - 10, boot + 100, 100, true},  // before the boot
		{boot, boot + 100, 100, true},       // nstat's >=
		{boot + 100, boot + 100, 0, true},
	} {
		if got := AgedOut(tc.now, tc.mtime, tc.uptime); got != tc.want {
			t.Errorf("AgedOut(now %d, mtime %d, uptime %d) = %v, want %v", tc.now, tc.mtime, tc.uptime, got, tc.want)
		}
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		text string
		want int64
		ok   bool
	}{
		{"4923.74 4645.98\n", 4923, true}, {"  17", 17, true}, {"x", 0, false}, {"", 0, false},
	} {
		p := filepath.Join(dir, "uptime")
		os.WriteFile(p, []byte(tc.text), 0o600)
		if got, ok := ReadUptime(p); got != tc.want || ok != tc.ok {
			t.Errorf("ReadUptime(%q) = %d, %v; want %d, %v", tc.text, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := ReadUptime(filepath.Join(dir, "missing")); ok {
		t.Error("ReadUptime of a missing file succeeded")
	}
}
