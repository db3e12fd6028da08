package ethtool

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/cli"
)

const refEthtool = "/usr/sbin/ethtool"

// testNetns creates a namespace holding a veth pair (a, b) and a tun
// device (tun0), deleted when the test ends.
func testNetns(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip")
	}
	ns := fmt.Sprintf("sbxeth%d_%d", os.Getpid(), time.Now().UnixNano()%100000)
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Skipf("cannot create a network namespace: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	for _, args := range [][]string{
		{"-n", ns, "link", "add", "name", "a", "type", "veth", "peer", "name", "b"},
		{"-n", ns, "tuntap", "add", "mode", "tun", "name", "tun0"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %q: %v: %s", args, err, out)
		}
	}
	return ns
}

// runRef runs the installed ethtool inside ns.
func runRef(ns string, args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	cmd := exec.Command("ip", append([]string{"netns", "exec", ns, refEthtool}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	return out.String(), errOut.String(), code
}

func runOurs(ns string, args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	cmd := NewCmd(&cli.IO{Out: &out, ErrOut: &errOut})
	cmd.SetArgs(append([]string{"--netns", ns}, args...))
	code, _ := cli.ExitCode(cmd.Execute())
	return out.String(), errOut.String(), code
}

func TestDifferentialNetns(t *testing.T) {
	if _, err := os.Stat(refEthtool); err != nil {
		t.Skip("needs ethtool installed at " + refEthtool)
	}
	ns := testNetns(t)
	var cases [][]string
	for _, opt := range []string{"-i", "--driver", "-g", "--show-ring", "-l", "--show-channels", "-c", "--show-coalesce", "-k", "--show-features", "--show-offload", "-S", "--statistics", "-a", "--show-pause", "-T", "--show-time-stamping"} {
		for _, dev := range []string{"a", "b", "tun0", "nope", "name_longer_than_15"} {
			cases = append(cases, []string{opt, dev})
		}
		cases = append(cases, []string{opt}, []string{opt, "a", "extra"})
	}
	// --json where ethtool 6.1 has it (-k, -a) and where it refuses it.
	for _, opt := range []string{"-k", "-a", "-T", "-S"} {
		for _, dev := range []string{"a", "tun0", "nope"} {
			cases = append(cases, []string{"--json", opt, dev})
		}
	}
	// ethtool DEVNAME: link settings (extra words are ignored).
	for _, dev := range []string{"a", "b", "tun0", "lo", "nope"} {
		cases = append(cases, []string{dev})
	}
	cases = append(cases, []string{"a", "extra"})
	cases = append(cases, nil, []string{"--version"}, []string{"-q", "a"}, []string{"-h"}, []string{"--help"})
	for _, args := range cases {
		wo, we, wc := runRef(ns, args...)
		go_, ge, gc := runOurs(ns, args...)
		if wo != go_ || we != ge || wc != gc {
			t.Errorf("ethtool %q:\nethtool:  stdout %q stderr %q exit %d\nstackbox: stdout %q stderr %q exit %d",
				args, wo, we, wc, go_, ge, gc)
		}
	}
}

func TestMissingNetns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to enter network namespaces")
	}
	_, errOut, code := runOurs("sbxeth-does-not-exist", "-i", "a")
	want := "Cannot open network namespace \"sbxeth-does-not-exist\": No such file or directory\n"
	if code != 255 || errOut != want {
		t.Errorf("missing namespace: exit %d stderr %q, want 255 and %q (as ip netns exec)", code, errOut, want)
	}
}
