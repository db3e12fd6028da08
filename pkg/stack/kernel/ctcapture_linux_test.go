package kernel

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestCaptureConntrackFixtures rewrites testdata/ct from the running
// kernel: the datagrams of a dump of a namespace holding flows of every
// kind conntrack -I makes, with accounting and timestamps on, and of the
// per-CPU statistics. Run it with -capture (as root), then -update.
func TestCaptureConntrackFixtures(t *testing.T) {
	if !*capture {
		t.Skip("rewrites testdata from this kernel; run with -capture")
	}
	ns, _ := ctNamespace(t)
	ns.Run("sysctl", "-qw", "net.netfilter.nf_conntrack_acct=1", "net.netfilter.nf_conntrack_timestamp=1")
	for _, args := range [][]string{
		{"-I", "-p", "icmp", "-s", "10.0.0.1", "-d", "10.0.0.9", "--icmp-type", "8", "--icmp-code", "0", "--icmp-id", "77", "-t", "30"},
		{"-I", "-p", "icmpv6", "-s", "2001:db8::1", "-d", "2001:db8::9", "--icmpv6-type", "128", "--icmpv6-code", "0", "--icmpv6-id", "5", "-t", "30"},
		{"-I", "-p", "udp", "-s", "10.0.0.5", "-d", "10.0.0.6", "--sport", "5", "--dport", "6", "-t", "30",
			"--orig-zone", "3", "-u", "SEEN_REPLY"},
		{"-I", "-p", "tcp", "-s", "10.0.0.7", "-d", "10.0.0.8", "--sport", "7", "--dport", "8", "--state", "TIME_WAIT",
			"-t", "30", "-m", "0xffffffff"},
	} {
		ns.Run("conntrack", args...)
	}
	k := New(ns.Name)
	dir := filepath.Join("testdata", "ct")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	record := func(name string, req []byte) {
		dc, err := k.dialCT(0)
		if err != nil {
			t.Fatal(err)
		}
		defer dc.Close()
		var data []byte
		dc.tap = func(sent bool, b []byte) {
			if !sent {
				data = append(data, b...)
			}
		}
		if err := dc.dump(context.Background(), req, func(uint16, []byte) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	record("dump.bin", newNFRequest(nfnlSubsysCT, ctMsgGet, nlmFRequest|nlmFDump, 0).bytes())
	record("stats.bin", newNFRequest(nfnlSubsysCT, ctMsgGetStatsCPU, nlmFRequest|nlmFDump, 0).bytes())
}
