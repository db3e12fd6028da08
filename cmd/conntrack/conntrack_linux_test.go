//go:build linux

package conntrack

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/testns"
	"github.com/stackbox/stackbox/pkg/cli"
)

// runKernel runs the applet against the kernel in namespace ns.
func runKernel(t *testing.T, ns string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := &Options{IO: &cli.IO{Out: &out, ErrOut: &errOut}, NewStack: newKernelTarget}
	err := Run(opts, append([]string{"--netns", ns}, args...))
	code, _ := cli.ExitCode(err)
	return out.String(), errOut.String(), code
}

var timeoutRE = regexp.MustCompile(`^(\S+\s+\d+) \d+ `)

// stripTimeouts removes the seconds left, which tick.
func stripTimeouts(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		b.WriteString(timeoutRE.ReplaceAllString(l, "$1 T "))
	}
	return b.String()
}

func TestKernelEndToEnd(t *testing.T) {
	ns := testns.New(t)
	create := []string{"-I", "-p", "tcp", "-s", "10.1.1.1", "-d", "10.2.2.2", "--sport", "1000", "--dport", "80", "--state", "ESTABLISHED", "-t", "100", "-m", "5"}
	_, errOut, code := runKernel(t, ns.Name, create...)
	if code != 0 || errOut != "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been created.\n" {
		t.Fatalf("-I: exit %d, %q", code, errOut)
	}
	_, errOut, code = runKernel(t, ns.Name, create...)
	if code != 1 || !strings.Contains(errOut, "Such conntrack exists, try -U to update") {
		t.Errorf("-I again: exit %d, %q", code, errOut)
	}
	out, errOut, code := runKernel(t, ns.Name, "-L", "-m", "5")
	want := "tcp      6 T ESTABLISHED src=10.1.1.1 dst=10.2.2.2 sport=1000 dport=80 [UNREPLIED] src=10.2.2.2 dst=10.1.1.1 sport=80 dport=1000 mark=5 use=1\n"
	if code != 0 || stripTimeouts(out) != want || errOut != "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n" {
		t.Errorf("-L: exit %d\n got %q\nwant %q\nstderr %q", code, stripTimeouts(out), want, errOut)
	}
	if path, err := testns.LookTool("conntrack"); err == nil {
		ref, err := ns.Command(context.Background(), path, "-L", "-m", "5").Output()
		if err != nil {
			t.Fatalf("conntrack -L: %v", err)
		}
		if stripTimeouts(string(ref)) != stripTimeouts(out) {
			t.Errorf("-L differs from conntrack 1.4.7:\n got %q\nwant %q", out, ref)
		}
	}
	out, _, code = runKernel(t, ns.Name, "-C")
	if code != 0 || out != "1\n" {
		t.Errorf("-C: %q exit %d", out, code)
	}
	_, errOut, code = runKernel(t, ns.Name, "-D", "-s", "10.1.1.1")
	if code != 0 || errOut != "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been deleted.\n" {
		t.Errorf("-D: exit %d, %q", code, errOut)
	}
	_, errOut, code = runKernel(t, ns.Name, "-G", "-p", "tcp", "-s", "10.1.1.1", "-d", "10.2.2.2", "--sport", "1000", "--dport", "80")
	if code != 1 || errOut != "conntrack v1.4.7 (conntrack-tools): Operation failed: such conntrack doesn't exist\n" {
		t.Errorf("-G after -D: exit %d, %q", code, errOut)
	}
}

func TestMissingNetns(t *testing.T) {
	testns.RequireRoot(t)
	_, errOut, code := runKernel(t, "sbt-no-such-ns", "-L")
	if code == 0 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "sbt-no-such-ns") {
		t.Errorf("missing netns: exit %d, %q", code, errOut)
	}
}

// TestKernelBeyond covers what stackbox adds: --json for -L, -G and -E,
// -L --summary, and updates of flows in a zone (which 1.4.7's -U cannot
// find: it leaves the zone out of its request).
func TestKernelBeyond(t *testing.T) {
	ns := testns.New(t)
	for _, args := range [][]string{
		{"-I", "-p", "tcp", "-s", "10.1.1.1", "-d", "10.2.2.2", "--sport", "1000", "--dport", "80", "--state", "ESTABLISHED", "-t", "100", "-m", "5"},
		{"-I", "-p", "udp", "-s", "10.1.1.1", "-d", "10.2.2.3", "--sport", "1001", "--dport", "53", "-t", "100", "-w", "5"},
		{"-I", "-p", "udp", "-s", "10.1.1.4", "-d", "10.2.2.3", "--sport", "1001", "--dport", "53", "-t", "100", "--orig-zone", "3"},
	} {
		if _, errOut, code := runKernel(t, ns.Name, args...); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, errOut)
		}
	}
	type tuple struct {
		Src, Dst     string
		Sport, Dport int
		Zone         *int
	}
	type flow struct {
		Family, Proto, State string
		Orig, Reply          tuple
		Status               []string
		Mark                 uint32
		Zone                 *int
	}
	decode := func(out string) []flow {
		var fs []flow
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			var f flow
			if err := json.Unmarshal([]byte(l), &f); err != nil {
				t.Fatalf("--json line %q: %v", l, err)
			}
			fs = append(fs, f)
		}
		return fs
	}
	out, _, code := runKernel(t, ns.Name, "-L", "--json", "-p", "tcp")
	fs := decode(out)
	if code != 0 || len(fs) != 1 || fs[0].Proto != "tcp" || fs[0].State != "ESTABLISHED" || fs[0].Mark != 5 ||
		fs[0].Orig.Dport != 80 || fs[0].Reply.Src != "10.2.2.2" || !slices.Contains(fs[0].Status, "CONFIRMED") {
		t.Errorf("-L --json -p tcp: exit %d %+v", code, fs)
	}
	out, _, code = runKernel(t, ns.Name, "-G", "--json", "-p", "tcp", "-s", "10.1.1.1", "-d", "10.2.2.2", "--sport", "1000", "--dport", "80")
	fs = decode(out)
	if code != 0 || len(fs) != 1 || fs[0].Mark != 5 || fs[0].Orig.Sport != 1000 {
		t.Errorf("-G --json: exit %d %+v", code, fs)
	}
	out, _, code = runKernel(t, ns.Name, "-L", "--json", "--orig-zone", "3")
	fs = decode(out)
	if code != 0 || len(fs) != 1 || fs[0].Orig.Zone == nil || *fs[0].Orig.Zone != 3 || fs[0].Zone != nil {
		t.Errorf("-L --json --orig-zone 3: exit %d %+v", code, fs)
	}
	out, _, code = runKernel(t, ns.Name, "-L", "--summary")
	if code != 0 || !regexp.MustCompile(`(?m)^ +2 +ipv4 +udp +- +53 `).MatchString(out) ||
		!regexp.MustCompile(`(?m)^ +1 +ipv4 +tcp +ESTABLISHED +80 `).MatchString(out) || !strings.Contains(out, "total: 3 flows") {
		t.Errorf("-L --summary: exit %d\n%s", code, out)
	}
	_, errOut, code := runKernel(t, ns.Name, "-U", "-m", "9")
	if code != 0 || !strings.Contains(errOut, "3 flow entries have been updated.") || strings.Contains(errOut, "Operation failed") {
		t.Errorf("-U -m 9 over flows in zones: exit %d %q", code, errOut)
	}
	out, _, _ = runKernel(t, ns.Name, "-L", "--json")
	for _, f := range decode(out) {
		if f.Mark != 9 {
			t.Errorf("after -U -m 9: %+v", f)
		}
	}
}
