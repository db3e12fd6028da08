//go:build linux

// Package conntrackdiff compares stackbox's conntrack applet with the
// installed conntrack-tools 1.4.7: both run with the same arguments against
// the same connection tracking table (a network namespace the test fills
// with `conntrack -I` flows and with flows of real loopback traffic tracked
// by an nftables rule) and must print the same stdout and stderr and exit
// with the same status.
//
// The reads (-L, -G, -C, -S and their filters and output formats) run in
// one namespace, one tool after the other. The changes (-D, -F, -U, -I, -R)
// run on twin namespaces filled identically, conntrack on one and the
// candidate on the other; both twins are then read back with both tools.
// The event listener (-E) runs with both tools subscribed to the same
// namespace at once.
//
// What differs between two honest runs is normalised, never ignored
// wholesale (normalize_test.go): flow timeouts and delta-time tick down
// between the runs and are compared with a tolerance; flow ids and the
// order of a dump differ between two namespaces and are masked and sorted
// only where two namespaces are compared; per-CPU statistics and event
// timestamps are compared by shape.
//
// The tests need root, ip and conntrack (nft, ping and unshare for some
// groups); they skip without them. Run them against conntrack itself to
// check the harness:
//
//	CONNTRACKDIFF_OURS=/usr/sbin/conntrack go test ./test/conntrackdiff
package conntrackdiff

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/gobuild"
	"github.com/stackbox/stackbox/internal/testns"
)

var (
	flagOurs = flag.String("conntrackdiff.ours", firstEnv("CONNTRACKDIFF_OURS", "CONNTRACKDIFF_CANDIDATE"),
		"executable to compare with the installed conntrack instead of the stackbox built from this module (also $CONNTRACKDIFF_OURS); the installed conntrack itself checks the harness")
	flagShow = flag.Bool("conntrackdiff.show", false, "log the reference's output of every case, not only of failing ones")
)

// firstEnv returns the first of the environment variables that is set.
func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// work holds the stackbox build, the links that make each tool reachable
// as "conntrack", command files and the label map; removed at the end.
var work string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "conntrackdiff")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	work = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// caseName names a subtest after its arguments.
func caseName(args []string) string {
	s := strings.Join(args, " ")
	if s == "" {
		return "(none)"
	}
	return strings.ReplaceAll(s, "/", "∕")
}

// requireConntrack skips t without root, ip or the installed conntrack and
// returns conntrack's path.
func requireConntrack(t *testing.T) string {
	t.Helper()
	testns.RequireRoot(t)
	testns.RequireTool(t, "ip")
	p, err := os.Stat("/usr/sbin/conntrack")
	if err != nil || !p.Mode().IsRegular() {
		return testns.RequireTool(t, "conntrack")
	}
	return "/usr/sbin/conntrack"
}

// reference returns the installed conntrack as a tool.
func reference(t *testing.T) *tool {
	t.Helper()
	path := requireConntrack(t)
	dir, err := linkTool(filepath.Join(work, "ref"), path)
	if err != nil {
		t.Fatal(err)
	}
	return &tool{label: "conntrack", dir: dir}
}

// candidate returns the tool compared with the reference: the stackbox
// built from this module, reached through a link named conntrack (argv[0]
// dispatch), or the executable given with -conntrackdiff.ours.
func candidate(t *testing.T) *tool {
	t.Helper()
	ref := requireConntrack(t)
	label, target := "stackbox", *flagOurs
	if target == "" {
		target = gobuild.Build(t, work, "stackbox", ".")
	} else {
		p, err := exec.LookPath(target)
		if err != nil {
			t.Fatalf("-conntrackdiff.ours %s: %v", target, err)
		}
		target, label = p, "ours("+filepath.Base(p)+")"
	}
	dir, err := linkTool(filepath.Join(work, "cand"), target)
	if err != nil {
		t.Fatal(err)
	}
	return &tool{label: label, dir: dir, self: sameFile(target, ref)}
}

// sameFile reports whether a and b name the same file.
func sameFile(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	return err == nil && os.SameFile(fa, fb)
}
