package testns

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func netnsExists(t *testing.T, name string) bool {
	t.Helper()
	_, err := os.Stat("/run/netns/" + name)
	return err == nil
}

func TestLookTool(t *testing.T) {
	if _, err := LookTool("sh"); err != nil {
		t.Errorf("LookTool(sh): %v", err)
	}
	if p, err := LookTool("sbt-no-such-tool-xyz"); err == nil {
		t.Errorf("LookTool found a tool that does not exist: %s", p)
	}
	if p, err := LookTool("/sbt/no/such/path"); err == nil {
		t.Errorf("LookTool found a path that does not exist: %s", p)
	}
}

func TestUniqueName(t *testing.T) {
	a, b := uniqueName(), uniqueName()
	if a == b {
		t.Errorf("two names are equal: %s", a)
	}
	for _, n := range []string{a, b} {
		if !strings.HasPrefix(n, Prefix) {
			t.Errorf("name %q lacks prefix %q", n, Prefix)
		}
	}
}

func TestNewAndCleanup(t *testing.T) {
	var name string
	var pid int
	t.Run("inner", func(t *testing.T) {
		ns := New(t)
		name = ns.Name
		if !netnsExists(t, name) {
			t.Fatalf("namespace %s not created", name)
		}
		out := ns.IP("link", "show", "lo")
		if !strings.Contains(out, "UP") {
			t.Errorf("lo is not up:\n%s", out)
		}
		if got := ns.Run("cat", "/proc/self/comm"); strings.TrimSpace(got) != "cat" {
			t.Errorf("Run output = %q", got)
		}
		cmd := ns.Command(context.Background(), "sleep", "1000")
		if err := ns.Start(cmd); err != nil {
			t.Fatal(err)
		}
		pid = cmd.Process.Pid
		// The command is "ip netns exec NS sleep": it joins the
		// namespace a moment after it starts, later on a loaded machine.
		var pids []int
		found := false
		for deadline := time.Now().Add(5 * time.Second); !found && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			var err error
			if pids, err = ns.Pids(); err != nil {
				t.Fatal(err)
			}
			for _, p := range pids {
				found = found || p == pid
			}
		}
		if !found {
			t.Errorf("pid %d of the started command not among the namespace's pids %v", pid, pids)
		}
	})
	if name == "" {
		return // skipped
	}
	if netnsExists(t, name) {
		t.Errorf("namespace %s still exists after cleanup", name)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("process %d started in the namespace still runs after cleanup", pid)
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	ns := New(t)
	ns.Close()
	if netnsExists(t, ns.Name) {
		t.Errorf("namespace %s still exists after Close", ns.Name)
	}
	ns.Close() // and the cleanup runs a third time: must not fail
}

func TestDoCreatesSocketsInside(t *testing.T) {
	ns := New(t)
	ss := RequireTool(t, "ss")
	var ln net.Listener
	err := ns.Do(func() error {
		var err error
		ln, err = net.Listen("tcp4", "127.0.0.1:7")
		return err
	})
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer ln.Close()
	out, err := exec.Command(ss, "-N", ns.Name, "-Htln").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "127.0.0.1:7 ") {
		t.Errorf("listener made in Do is not in the namespace; ss -N %s shows:\n%s", ns.Name, out)
	}
	// The listener must not be in the test's own namespace.
	out, err = exec.Command(ss, "-Htln", "sport", "=", ":7").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "127.0.0.1:7 ") {
		t.Errorf("listener made in Do leaked into the host namespace:\n%s", out)
	}

	sentinel := errors.New("sentinel")
	if err := ns.Do(func() error { return sentinel }); !errors.Is(err, sentinel) {
		t.Errorf("Do did not return fn's error: %v", err)
	}
	if err := ns.Do(func() error { panic("boom") }); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("Do did not turn a panic into an error: %v", err)
	}
	if err := DoPath("/run/netns/sbt-no-such-namespace", func() error { return nil }); !errors.Is(err, ErrNotSwitched) {
		t.Errorf("DoPath on a missing namespace = %v, want ErrNotSwitched", err)
	}
}

func TestVeth(t *testing.T) {
	a, b := New(t), New(t)
	Veth(a, "sbv0", b, "sbv1")
	a.IP("addr", "add", "192.0.2.1/24", "dev", "sbv0")
	b.IP("addr", "add", "192.0.2.2/24", "dev", "sbv1")
	var ln net.Listener
	if err := a.Do(func() (err error) {
		ln, err = net.Listen("tcp4", "192.0.2.1:9")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err := b.Do(func() error {
		c, err := net.DialTimeout("tcp4", "192.0.2.1:9", 5*time.Second)
		if err != nil {
			return err
		}
		return c.Close()
	})
	if err != nil {
		t.Errorf("connect from %s to %s over the veth pair: %v", b.Name, a.Name, err)
	}

	a.AddVethPair("sbv2", "sbv3")
	out := a.IP("-br", "link")
	for _, dev := range []string{"sbv2", "sbv3"} {
		if !strings.Contains(out, dev) {
			t.Errorf("AddVethPair: %s missing from\n%s", dev, out)
		}
	}
}
