//go:build linux

package ethtooldiff

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stackbox/stackbox/internal/gobuild"
	"github.com/stackbox/stackbox/internal/testns"
)

var (
	flagCandidate = flag.String("ethtooldiff.candidate", os.Getenv("ETHTOOLDIFF_CANDIDATE"),
		"executable to compare with the installed ethtool instead of the stackbox built from this module (also $ETHTOOLDIFF_CANDIDATE); the installed ethtool itself checks the harness")
	flagShow = flag.Bool("ethtooldiff.show", false, "log the reference's output of every case, not only of failing ones")
)

// work holds the stackbox build and the links that make each tool
// reachable as "ethtool"; removed when the tests end.
var work string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "ethtooldiff")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	work = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The fixture's devices. The veth pair's peer is down, so the up end has
// no carrier and sends nothing: its counters stay still between runs.
const (
	vethUp   = "sbe0" // up, with an address
	vethDown = "sbe1" // down
	tunDev   = "sbtun0"
	addrUp   = "192.0.2.1/24" // documentation range, never routed
)

// devices are the fixture's devices, every read option runs on each.
var devices = []string{"lo", vethUp, vethDown, tunDev}

// newFixture creates a namespace holding lo, the veth pair and the tun
// device. It skips t without root, ip or ethtool.
func newFixture(t *testing.T) *testns.NS {
	t.Helper()
	testns.RequireRoot(t)
	testns.RequireTool(t, "ip")
	testns.RequireTool(t, "ethtool")
	ns := testns.New(t)
	ns.IP("link", "add", vethUp, "type", "veth", "peer", "name", vethDown)
	ns.IP("addr", "add", addrUp, "dev", vethUp)
	ns.IP("link", "set", vethUp, "up")
	ns.IP("link", "set", vethDown, "down")
	ns.IP("tuntap", "add", "mode", "tun", "name", tunDev)
	return ns
}

// buildStackbox builds the module's stackbox once per test binary.
func buildStackbox(t *testing.T) string {
	t.Helper()
	return gobuild.Build(t, work, "stackbox", ".")
}

// reference returns the installed ethtool as a tool.
func reference(t *testing.T) *tool {
	t.Helper()
	path := testns.RequireTool(t, "ethtool")
	dir, err := linkTool(filepath.Join(work, "ref"), path)
	if err != nil {
		t.Fatal(err)
	}
	return &tool{label: "ethtool", dir: dir}
}

// candidate returns the tool compared with the reference: the stackbox
// built from this module, reached through a link named ethtool (argv[0]
// dispatch), or the executable given with -ethtooldiff.candidate.
func candidate(t *testing.T) *tool {
	t.Helper()
	ref := testns.RequireTool(t, "ethtool")
	label, target := "stackbox", *flagCandidate
	if target == "" {
		target = buildStackbox(t)
	} else {
		p, err := exec.LookPath(target)
		if err != nil {
			t.Fatalf("-ethtooldiff.candidate %s: %v", target, err)
		}
		target, label = p, "candidate("+filepath.Base(p)+")"
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
