package kernel

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// testNS creates a network namespace with lo up for the test, deletes it
// when the test ends, and returns the kernel seen from it. It skips the
// test without root or the ip tool.
func testNS(t testing.TB) *Kernel {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces")
	}
	ip := lookTool(t, "ip")
	var r [4]byte
	_, _ = rand.Read(r[:])
	name := "sbk-" + hex.EncodeToString(r[:])
	if out, err := exec.Command(ip, "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("needs network namespaces (ip netns add: %v: %s)", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command(ip, "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	if out, err := exec.Command(ip, "-n", name, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip -n %s link set lo up: %v: %s", name, err, out)
	}
	return New(name)
}

// lookTool finds a program on PATH or in the sbin directories, skipping
// the test without it.
func lookTool(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin"} {
		if _, err := os.Stat(dir + "/" + name); err == nil {
			return dir + "/" + name
		}
	}
	t.Skipf("needs %s installed", name)
	return ""
}

// inNS runs fn inside k's namespace, failing the test on error.
func inNS(t testing.TB, k *Kernel, fn func() error) {
	t.Helper()
	if err := k.Do(fn); err != nil {
		t.Fatal(err)
	}
}

// runInNS runs a command inside k's namespace (ip netns exec) and returns
// its output.
func runInNS(t testing.TB, k *Kernel, args ...string) string {
	t.Helper()
	ip := lookTool(t, "ip")
	out, err := exec.Command(ip, append([]string{"netns", "exec", k.NetNS}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip netns exec %s %s: %v: %s", k.NetNS, strings.Join(args, " "), err, out)
	}
	return string(out)
}
