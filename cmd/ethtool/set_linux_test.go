package ethtool

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// twinNetns creates a namespace holding two identical veth pairs (va/vb
// and vc/vd) and two tun devices (ta, tc), deleted when the test ends.
func twinNetns(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs iproute2's ip")
	}
	if _, err := os.Stat(refEthtool); err != nil {
		t.Skip("needs ethtool installed at " + refEthtool)
	}
	ns := fmt.Sprintf("sbxset%d_%d", os.Getpid(), time.Now().UnixNano()%100000)
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Skipf("cannot create a network namespace: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	for _, args := range [][]string{
		{"-n", ns, "link", "add", "name", "va", "type", "veth", "peer", "name", "vb"},
		{"-n", ns, "link", "add", "name", "vc", "type", "veth", "peer", "name", "vd"},
		{"-n", ns, "tuntap", "add", "mode", "tun", "name", "ta"},
		{"-n", ns, "tuntap", "add", "mode", "tun", "name", "tc"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %q: %v: %s", args, err, out)
		}
	}
	return ns
}

// TestDifferentialSet makes each change with ethtool on one device and
// with stackbox on its twin, compares what both print, then reads both
// devices back and compares again.
func TestDifferentialSet(t *testing.T) {
	ns := twinNetns(t)
	type twin struct{ ref, ours string }
	veth, tun := twin{"va", "vc"}, twin{"ta", "tc"}
	cases := []struct {
		dev  twin
		args string
		read string
	}{
		{veth, "-K DEV tso off", "-k"},
		{veth, "-K DEV tso off", "-k"}, // already off
		{veth, "-K DEV sg off", "-k"},  // takes GSO with it: "Actual changes:"
		{veth, "--features DEV sg on gro off", "-k"},
		{veth, "-K DEV rx-vlan-filter on", "-k"}, // fixed: "Could not change any device features"
		{veth, "--offload DEV gro on lro on", "-k"},
		{veth, "-K DEV tx-checksum-ip-generic off highdma off", "-k"},
		{veth, "-K DEV foo on", "-k"},
		{veth, "-K DEV tso off foo on", "-k"},
		{veth, "-K DEV ufo on", "-k"},
		{veth, "-K DEV", "-k"},
		{veth, "-K DEV -- tso on", "-k"},
		{veth, "-K DEV tso", "-k"},
		{veth, "-K DEV tso maybe", "-k"},
		{veth, "-L DEV rx 2", "-l"},
		{veth, "--set-channels DEV tx 2 rx 1", "-l"},
		{veth, "-L DEV combined 3", "-l"},
		{veth, "-L DEV tx 1 rx 100", "-l"},
		{veth, "-L DEV rx 0x2 tx 01", "-l"},
		{veth, "-L DEV", "-l"},
		{veth, "-L DEV rx", "-l"},
		{veth, "-L DEV rx -1", "-l"},
		{veth, "-L DEV rx 1 rx 2", "-l"},
		{veth, "-L DEV foo 1", "-l"},
		{veth, "-G DEV rx 10", "-g"},
		{veth, "--set-ring DEV tx-push on", "-g"},
		{veth, "-G DEV tx-push x", "-g"},
		{veth, "-C DEV rx-usecs 5", "-c"},
		{veth, "-A DEV rx on", "-a"},
		{veth, "--pause DEV autoneg maybe", "-a"},
		{tun, "-K DEV tx off", "-k"},
		{tun, "-K DEV tso on", "-k"},
		{tun, "-L DEV rx 1", "-l"},
		{tun, "-G DEV rx 10", "-g"},
		{tun, "-C DEV rx-frames 7", "-c"},
		{tun, "--coalesce DEV rx-frames 4294967295", "-c"},
		{tun, "-C DEV rx-usecs 5", "-c"},
		{tun, "-C DEV rx-frames 5 tx-usecs 1", "-c"},
		{tun, "-C DEV adaptive-rx on", "-c"},
		{tun, "-C DEV adaptive-rx x", "-c"},
		{tun, "-A DEV rx on", "-a"},
		{twin{"nosuch", "nosuch"}, "-K DEV tso off", ""},
		{twin{"nosuch", "nosuch"}, "-L DEV rx 1", ""},
		{twin{"nosuch", "nosuch"}, "-G DEV rx 1", ""},
		{twin{"nosuch", "nosuch"}, "-C DEV rx-usecs 1", ""},
		{twin{"nosuch", "nosuch"}, "-A DEV rx on", ""},
	}
	for _, c := range cases {
		withDev := func(dev string) []string {
			return strings.Fields(strings.ReplaceAll(c.args, "DEV", dev))
		}
		norm := func(s, dev string) string {
			return regexp.MustCompile(`\b`+dev+`:`).ReplaceAllString(s, "DEV:")
		}
		wo, we, wc := runRef(ns, withDev(c.dev.ref)...)
		go_, ge, gc := runOurs(ns, withDev(c.dev.ours)...)
		if wo != go_ || we != ge || wc != gc {
			t.Errorf("ethtool %s:\nethtool:  stdout %q stderr %q exit %d\nstackbox: stdout %q stderr %q exit %d",
				c.args, wo, we, wc, go_, ge, gc)
		}
		if c.read == "" {
			continue
		}
		ro, re, rc := runRef(ns, c.read, c.dev.ref)
		oo, oe, oc := runRef(ns, c.read, c.dev.ours)
		if norm(ro, c.dev.ref) != norm(oo, c.dev.ours) || re != oe || rc != oc {
			t.Errorf("after ethtool %s, ethtool %s differs between the twins:\n%s: %q %q %d\n%s: %q %q %d",
				c.args, c.read, c.dev.ref, ro, re, rc, c.dev.ours, oo, oe, oc)
		}
	}
}
