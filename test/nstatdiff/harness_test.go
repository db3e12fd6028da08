//go:build linux

package nstatdiff

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/gobuild"
	"github.com/stackbox/stackbox/internal/testns"
)

var (
	flagCandidate = flag.String("nstatdiff.candidate", os.Getenv("NSTATDIFF_CANDIDATE"),
		"executable to compare with the installed nstat instead of the stackbox built from this module (also $NSTATDIFF_CANDIDATE); the installed nstat itself checks the harness")
	flagShow = flag.Bool("nstatdiff.show", false, "log the reference's output of every step, not only of failing ones")
)

// work holds what the package builds, the links through which each tool is
// run as "nstat", and every history file; removed when the tests end.
var work string

func TestMain(m *testing.M) {
	if os.Getenv(fakeEnvName) != "" {
		os.Exit(fakeDaemonMain())
	}
	flag.Parse()
	dir, err := os.MkdirTemp("", "nstatdiff")
	if err == nil {
		// A daemon run as another user (TestDaemon) must reach the
		// stackbox binary in here.
		err = os.Chmod(dir, 0o755)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	work = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runTimeout bounds one run of a tool.
const runTimeout = 15 * time.Second

// tool is one implementation of nstat, run as argv0 (found on PATH in dir)
// with pre before the arguments.
type tool struct {
	label string // for reports: "nstat", "stackbox", ...
	dir   string
	argv0 string   // "nstat", or "stackbox" for the dispatch form
	pre   []string // "nstat" for the dispatch form
}

// The sandbox: every run goes through this script inside the namespace
// (ip netns exec already gives it a private mount namespace whose mounts do
// not propagate back). It mounts an empty tmpfs on /tmp, so a run that
// falls back to the default history file /tmp/.nstat.u<UID> writes to a
// throwaway one and never to the machine's; the work directory (tools and
// history files), when it lies under /tmp, is bound back in at its path.
// mount -c keeps "." from being resolved by name, which would now find the
// empty tmpfs: the kernel resolves it from the working directory instead.
const sandbox = `w=$1; shift
fail() { echo "nstatdiff sandbox: $*" >&2; exit 97; }
cd "$w" || fail "cd $w"
mount -t tmpfs -o size=4m,mode=1777 nstatdiff /tmp || fail "mount tmpfs on /tmp"
case $w in /tmp/*)
	mkdir -p "$w" || fail "mkdir $w"
	mount -c --bind . "$w" || fail "bind $w"
esac
cd / || fail "cd /"
exec "$@"`

// sandboxFailed is the exit status of the sandbox script when it could not
// set itself up.
const sandboxFailed = 97

// invocation is one run of a tool.
type invocation struct {
	ns   *testns.NS
	args []string
	// hist is NSTAT_HISTORY; unset when unsetHist.
	hist      string
	unsetHist bool
	// env is added to the fixed environment (KEY=VALUE).
	env []string
	// script, when set, runs "sh -c script" instead of the tool, with the
	// tool reachable as "nstat" on PATH.
	script string
	// uid, when nonzero, runs the tool as that user (and group) through
	// setpriv.
	uid int
}

// result is what one run gave.
type result struct {
	Argv   []string
	Stdout string
	Stderr string
	Code   int
}

func (tl *tool) environ(inv *invocation) []string {
	env := []string{
		"PATH=" + tl.dir + ":/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C",
		"HOME=/nonexistent",
	}
	if !inv.unsetHist {
		env = append(env, "NSTAT_HISTORY="+inv.hist)
	}
	return append(env, inv.env...)
}

// run runs the tool once and waits for it. An error means the run itself
// failed (could not start, timed out, the sandbox broke), not the tool.
func (tl *tool) run(inv *invocation) (result, error) {
	var argv []string
	if inv.script != "" {
		argv = []string{"sh", "-c", inv.script, "sh"}
	} else {
		argv = append(append([]string{tl.argv0}, tl.pre...), inv.args...)
	}
	r := result{Argv: argv}
	full := []string{"-c", sandbox, "sandbox", work}
	if inv.uid != 0 {
		id := fmt.Sprint(inv.uid)
		full = append(full, "setpriv", "--reuid="+id, "--regid="+id, "--clear-groups")
	}
	full = append(full, argv...)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := inv.ns.Command(ctx, "sh", full...)
	cmd.Env = tl.environ(inv)
	cmd.Stdin = strings.NewReader("")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A daemon that forgets to let go of stdout or stderr must not hang
	// the test.
	cmd.WaitDelay = 3 * time.Second
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("start %s: %w", tl.label, err)
	}
	err := cmd.Wait()
	r.Stdout, r.Stderr = stdout.String(), stderr.String()
	var ee *exec.ExitError
	switch {
	case errors.Is(err, exec.ErrWaitDelay):
		return r, fmt.Errorf("%s %s: exited, but a process it left behind kept its stdout or stderr open (a daemon must let go of them)", tl.label, strings.Join(argv, " "))
	case ctx.Err() != nil:
		return r, fmt.Errorf("%s %s: timed out after %v\nstdout:\n%s\nstderr:\n%s", tl.label, strings.Join(argv, " "), runTimeout, r.Stdout, r.Stderr)
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		return r, fmt.Errorf("%s %s: %w", tl.label, strings.Join(argv, " "), err)
	}
	if r.Code == sandboxFailed && strings.Contains(r.Stderr, "nstatdiff sandbox:") {
		return r, fmt.Errorf("the sandbox around %s failed: %s", tl.label, r.Stderr)
	}
	return r, nil
}

// histState describes a history file as the comparisons see it.
type histState struct {
	text string
}

// readHist describes the file at path: absent, a symbolic link (and where
// to), or a regular file with its permissions, link count, owner and
// content.
func readHist(path string) histState {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return histState{"(no file)\n"}
	case err != nil:
		return histState{fmt.Sprintf("(lstat: %v)\n", errors.Unwrap(err))}
	case fi.Mode()&os.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return histState{fmt.Sprintf("(symbolic link to %s)\n", filepath.Base(target))}
	case !fi.Mode().IsRegular():
		return histState{fmt.Sprintf("(not a regular file: %v)\n", fi.Mode().Type())}
	}
	st := fi.Sys().(*syscall.Stat_t)
	b, err := os.ReadFile(path)
	if err != nil {
		return histState{fmt.Sprintf("(read: %v)\n", err)}
	}
	return histState{fmt.Sprintf("(mode %04o, %d link(s), owner %d)\n%s", fi.Mode().Perm(), st.Nlink, st.Uid, b)}
}

// goBuild builds the package pkg (relative to the module root) into
// work/name once per test binary and returns the binary's path.
func goBuild(t *testing.T, name, pkg string) string {
	t.Helper()
	return gobuild.Build(t, work, name, pkg)
}

// linkTool makes work/sub/name a symbolic link to target and returns the
// directory.
func linkTool(t *testing.T, sub, name, target string) string {
	t.Helper()
	dir := filepath.Join(work, sub)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, name)
	os.Remove(link)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	return dir
}

// requireBasics skips t unless it runs as root with ip, nstat, sh and mount
// at hand (the sandbox needs the last two).
func requireBasics(t *testing.T) {
	t.Helper()
	testns.RequireRoot(t)
	for _, name := range []string{"ip", "nstat", "sh", "mount"} {
		testns.RequireTool(t, name)
	}
}

// reference returns the installed nstat.
func reference(t *testing.T) *tool {
	t.Helper()
	requireBasics(t)
	path := testns.RequireTool(t, "nstat")
	return &tool{label: "nstat", dir: linkTool(t, "ref", "nstat", path), argv0: "nstat"}
}

// candidate returns the tool compared with the reference: the stackbox
// built from this module reached through a link named nstat (argv[0]
// dispatch), or the executable given with -nstatdiff.candidate.
func candidate(t *testing.T) *tool {
	t.Helper()
	requireBasics(t)
	label, target := "stackbox", *flagCandidate
	if target == "" {
		target = goBuild(t, "stackbox", ".")
	} else {
		p, err := testns.LookTool(target)
		if err != nil {
			t.Fatalf("-nstatdiff.candidate %s: %v", target, err)
		}
		if p, err = filepath.Abs(p); err != nil {
			t.Fatal(err)
		}
		target, label = p, "candidate("+filepath.Base(p)+")"
	}
	return &tool{label: label, dir: linkTool(t, "cand", "nstat", target), argv0: "nstat"}
}
