//go:build linux

package ssdiff

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/gobuild"
	"github.com/stackbox/stackbox/internal/testns"
)

// work holds what the package builds (stackbox, sockmix) and the links
// that make each tool reachable as "ss"; removed when the tests end.
var work string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "ssdiff")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	work = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Addresses of the extra device (a veth pair inside the target namespace):
// documentation ranges, never routed anywhere.
const (
	devName = "sbv0"
	devPeer = "sbv1"
	dev4    = "192.0.2.1"
	dev6    = "2001:db8::1"
)

// fixtureMaxAge is how long a fixture is used before a fresh one replaces
// it: sockmix's TIME-WAIT socket lives 60 s and its SYN-SENT one about
// 127 s, and cases expect them.
const fixtureMaxAge = 45 * time.Second

// fixture is what a comparison runs against: a target namespace holding
// sockmix's sockets, and a jail namespace (lo only, no routes) from which
// both tools are started with -N target. The jail keeps any name lookup a
// tool makes (-r, host names in filters) from leaving the machine, and
// shows whether a tool really switches to the namespace given with -N.
type fixture struct {
	jail, target *testns.NS
	// dir holds sockmix's unix sockets with path names.
	dir  string
	born time.Time
	mix  *exec.Cmd
	stop io.Closer // sockmix's stdin; closing it ends sockmix
	// desc is what sockmix printed before "ready".
	desc string
}

// ownedTB is t whose cleanups run at the end of owner, a parent test: a
// fixture made in one subtest serves the next ones.
type ownedTB struct {
	testing.TB
	owner testing.TB
}

func (o ownedTB) Cleanup(f func()) { o.owner.Cleanup(f) }

// newFixture creates the namespaces and, with mix, starts sockmix. It
// skips t when root, ip or ss are missing. The fixture is removed at the
// end of owner (t itself when nil).
func newFixture(t *testing.T, owner testing.TB, mix bool) *fixture {
	t.Helper()
	testns.RequireRoot(t)
	testns.RequireTool(t, "ip")
	testns.RequireTool(t, "ss")
	if owner == nil {
		owner = t
	}
	tb := ownedTB{t, owner}
	fx := &fixture{jail: testns.New(tb), target: testns.New(tb), born: time.Now()}
	owner.Cleanup(fx.close)
	fx.target.AddVethPair(devName, devPeer)
	fx.target.IP("addr", "add", dev4+"/24", "dev", devName)
	fx.target.IP("addr", "add", dev6+"/64", "dev", devName, "nodad")
	if !mix {
		return fx
	}
	bin := goBuild(t, "sockmix", "./internal/sockmix/cmd/sockmix")
	dir, err := os.MkdirTemp("", "sbt")
	if err != nil {
		t.Fatal(err)
	}
	fx.dir = dir
	cmd := fx.target.Command(context.Background(), bin, "-dir", dir, "-dev", devName, "-dev4", dev4, "-dev6", dev6)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := fx.target.Start(cmd); err != nil {
		t.Fatalf("start sockmix: %v", err)
	}
	fx.mix, fx.stop = cmd, stdin
	ready := make(chan error, 1)
	go func() {
		var desc strings.Builder
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sc.Text() == "ready" {
				fx.desc = desc.String()
				ready <- nil
				io.Copy(io.Discard, stdout)
				return
			}
			desc.WriteString(sc.Text() + "\n")
		}
		ready <- fmt.Errorf("sockmix ended before ready:\n%s", desc.String())
	}()
	select {
	case err := <-ready:
		if err != nil {
			t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("sockmix not ready after 30s; stderr:\n%s", stderr.String())
	}
	fx.born = time.Now()
	return fx
}

func (fx *fixture) close() {
	if fx.stop != nil {
		fx.stop.Close()
	}
	if fx.mix != nil {
		done := make(chan struct{})
		go func() { fx.mix.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}
	fx.target.Close()
	fx.jail.Close()
	if fx.dir != "" {
		os.RemoveAll(fx.dir)
	}
}

// old reports whether the fixture should be replaced by a fresh one.
func (fx *fixture) old() bool { return time.Since(fx.born) > fixtureMaxAge }

// nsArgs returns the arguments that point a tool at the target.
func (fx *fixture) nsArgs() []string { return []string{"-N", fx.target.Name} }

// goBuild builds the package pkg (a path relative to the module root) into
// work/name, once per test binary, and returns the binary's path.
func goBuild(t *testing.T, name, pkg string) string {
	t.Helper()
	return gobuild.Build(t, work, name, pkg)
}

// reference returns the installed ss as a tool.
func reference(t *testing.T) *tool {
	t.Helper()
	path := testns.RequireTool(t, "ss")
	dir, err := linkTool(filepath.Join(work, "ref"), path)
	if err != nil {
		t.Fatal(err)
	}
	return &tool{label: "ss", dir: dir, argv0: "ss"}
}

// candidate returns the tool compared with the reference: the stackbox
// built from this module, reached through a link named ss (argv[0]
// dispatch), or the executable given with -ssdiff.candidate.
func candidate(t *testing.T) *tool {
	t.Helper()
	label := "stackbox"
	target := *flagCandidate
	if target == "" {
		target = goBuild(t, "stackbox", ".")
	} else {
		p, err := exec.LookPath(target)
		if err != nil {
			t.Fatalf("-ssdiff.candidate %s: %v", target, err)
		}
		target, label = p, "candidate("+filepath.Base(p)+")"
	}
	dir, err := linkTool(filepath.Join(work, "cand"), target)
	if err != nil {
		t.Fatal(err)
	}
	return &tool{label: label, dir: dir, argv0: "ss"}
}
