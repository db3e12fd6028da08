//go:build linux

package conntrackdiff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/stackbox/stackbox/internal/testns"
)

// runTimeout bounds one run of a tool.
const runTimeout = 10 * time.Second

// tool is one implementation of conntrack: an executable reached as
// "conntrack" through PATH, so argv[0] is "conntrack" for both tools and
// messages that start with the program's name match.
type tool struct {
	label string // "conntrack", "stackbox" or the candidate's name, for reports
	dir   string // directory whose "conntrack" is this tool
	// self is true when the tool is the reference itself (the harness
	// check): it has no --netns, which is then emulated.
	self bool
}

// where says where a run happens: inside ns (nil: the test's own
// namespace), and with labels set, in a private mount namespace whose /etc
// has the label map (see labelEtc).
type where struct {
	ns     *testns.NS
	labels string
}

// in returns the place "inside ns".
func in(ns *testns.NS) where { return where{ns: ns} }

// result is one run of a tool.
type result struct {
	Stdout, Stderr string
	Code           int
	Argv           []string
	// At is when the run started (zero: unknown), for the tolerance on
	// values that tick.
	At time.Time
}

// env returns the fixed environment of every run.
func (tl *tool) env() []string {
	return []string{
		"PATH=" + tl.dir + ":/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C",
		"TZ=UTC",
		"HOME=/nonexistent",
	}
}

// command returns the command running the tool with args at w.
func (tl *tool) command(ctx context.Context, w where, args []string) *exec.Cmd {
	var cmd *exec.Cmd
	switch {
	case w.labels != "":
		// A read-only overlay puts the label map at /etc/xtables in a
		// mount namespace of this run only; the host's /etc is untouched.
		script := `mount -t overlay overlay -o "lowerdir=$1:/etc" /etc || exit 99; shift; exec "$@"`
		argv := []string{"-m", "--propagation", "private", "sh", "-c", script, "sh", w.labels}
		if w.ns != nil {
			argv = append(argv, "ip", "netns", "exec", w.ns.Name)
		}
		argv = append(argv, "conntrack")
		cmd = exec.CommandContext(ctx, "unshare", append(argv, args...)...)
	case w.ns != nil:
		cmd = w.ns.Command(ctx, "conntrack", args...)
	default:
		cmd = exec.CommandContext(ctx, filepath.Join(tl.dir, "conntrack"), args...)
	}
	cmd.Env = tl.env()
	return cmd
}

// argv is the command line a report shows for a run at w.
func argv(w where, args []string) []string {
	a := append([]string{"conntrack"}, args...)
	if w.ns != nil {
		a = append([]string{"ip", "netns", "exec", w.ns.Name}, a...)
	}
	if w.labels != "" {
		a = append([]string{"(with " + w.labels + " over /etc)"}, a...)
	}
	return a
}

// run runs the tool with args at w and waits.
func (tl *tool) run(w where, args []string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := tl.command(ctx, w, args)
	cmd.Stdin = strings.NewReader("")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r := result{Argv: argv(w, args), At: time.Now()}
	err := cmd.Run()
	r.Stdout, r.Stderr = stdout.String(), stderr.String()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return r, fmt.Errorf("%s %s: timed out after %v", tl.label, strings.Join(r.Argv, " "), runTimeout)
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		return r, fmt.Errorf("%s %s: %w", tl.label, strings.Join(r.Argv, " "), err)
	}
	if r.Code == 99 && w.labels != "" && strings.Contains(r.Stderr, "mount") {
		return r, fmt.Errorf("could not mount the label map over /etc: %s", r.Stderr)
	}
	return r, nil
}

// attempts is how often compareRuns retries when the reference itself did
// not give the same output twice.
const attempts = 3

// compareRuns runs the reference, then the candidate, and returns "" when
// their stdout, stderr and exit status agree under n. On a difference the
// reference runs again: the candidate passes if it matches that run, and
// when the two reference runs differ from each other the table moved under
// the runs (a flow of real traffic expired) and the comparison is tried
// again. It returns the reference's run too, for sanity checks.
func compareRuns(refLabel, candLabel string, n norm, ref, cand func() (result, error), logf func(string, ...any)) (result, string, error) {
	var r1, r2, rc result
	var err error
	for try := 1; try <= attempts; try++ {
		if r1, err = ref(); err != nil {
			return r1, "", err
		}
		if rc, err = cand(); err != nil {
			return r1, "", err
		}
		if n.equal(r1, rc) {
			return r1, "", nil
		}
		if r2, err = ref(); err != nil {
			return r1, "", err
		}
		if n.equal(r2, rc) {
			return r2, "", nil
		}
		if n.equal(r1, r2) {
			return r1, report(refLabel, candLabel, n, r1, rc), nil
		}
		logf("try %d: the reference changed between two runs; trying again:\n%s", try,
			lineDiff(refLabel+" (first run)", n.text(r1.Stdout), refLabel+" (second run)", n.text(r2.Stdout)))
		time.Sleep(time.Duration(try) * 100 * time.Millisecond)
	}
	return r1, "the reference gave a different output on every pair of runs: a volatile value needs quieting or normalising\n" +
		lineDiff(refLabel+" (first run)", n.text(r1.Stdout), refLabel+" (second run)", n.text(r2.Stdout)) +
		report(refLabel, candLabel, n, r1, rc), nil
}

// report shows a difference: both commands, the exit statuses, the diffs
// of stdout and stderr (after normalisation, which it names), and both raw
// outputs.
func report(refLabel, candLabel string, n norm, r, c result) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %s\n%s: %s\n", refLabel, strings.Join(r.Argv, " "), candLabel, strings.Join(c.Argv, " "))
	if d := n.String(); d != "" {
		fmt.Fprintf(&sb, "compared %s\n", d)
	}
	if r.Code != c.Code {
		fmt.Fprintf(&sb, "exit status: %s %d, %s %d\n", refLabel, r.Code, candLabel, c.Code)
	}
	tol := allowed(r, c)
	if !n.noStdout && !n.textEqual(r.Stdout, c.Stdout, tol) {
		sb.WriteString(lineDiff(refLabel+" stdout", n.text(r.Stdout), candLabel+" stdout", n.text(c.Stdout)))
	}
	if !n.textEqual(r.Stderr, c.Stderr, tol) {
		sb.WriteString(lineDiff(refLabel+" stderr", n.text(r.Stderr), candLabel+" stderr", n.text(c.Stderr)))
	}
	fmt.Fprintf(&sb, "==== %s stdout (exit %d):\n%s==== %s stderr:\n%s", refLabel, r.Code, r.Stdout, refLabel, r.Stderr)
	fmt.Fprintf(&sb, "==== %s stdout (exit %d):\n%s==== %s stderr:\n%s", candLabel, c.Code, c.Stdout, candLabel, c.Stderr)
	return sb.String()
}

// linkTool makes dir/conntrack a symbolic link to target and returns dir.
func linkTool(dir, target string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	link := filepath.Join(dir, "conntrack")
	os.Remove(link)
	return dir, os.Symlink(target, link)
}
