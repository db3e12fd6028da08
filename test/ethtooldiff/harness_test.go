//go:build linux

package ethtooldiff

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

// tool is one implementation of ethtool: an executable reached as
// "ethtool" through PATH, so argv[0] is "ethtool" for both tools.
type tool struct {
	label string // "ethtool", "stackbox" or the candidate's name, for reports
	dir   string // directory whose "ethtool" is this tool
	// self is true when the tool is the reference itself (the harness
	// check): it has no --netns, which is then emulated.
	self bool
}

// result is one run of a tool.
type result struct {
	Stdout, Stderr string
	Code           int
	Argv           []string
}

func (r result) equal(o result) bool {
	return r.Stdout == o.Stdout && r.Stderr == o.Stderr && r.Code == o.Code
}

// env returns the fixed environment of every run.
func (tl *tool) env() []string {
	return []string{
		"PATH=" + tl.dir + ":/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C",
		"HOME=/nonexistent",
	}
}

// run runs the tool with args, in ns when it is not nil, and waits.
func (tl *tool) run(ns *testns.NS, args []string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	var cmd *exec.Cmd
	if ns != nil {
		cmd = ns.Command(ctx, "ethtool", args...)
	} else {
		cmd = exec.CommandContext(ctx, filepath.Join(tl.dir, "ethtool"), args...)
	}
	cmd.Env = tl.env()
	cmd.Stdin = strings.NewReader("")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r := result{Argv: append([]string{"ethtool"}, args...)}
	if ns != nil {
		r.Argv = append([]string{"ip", "netns", "exec", ns.Name}, r.Argv...)
	}
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
	return r, nil
}

// attempts is how often compareRuns retries when the reference itself did
// not give the same output twice (a counter moved between the runs).
const attempts = 3

// compareRuns runs the reference, then the candidate, and returns "" when
// their stdout, stderr and exit status agree exactly. On a difference the
// reference runs again: the candidate passes if it matches that run, and
// when the two reference runs differ from each other the state moved under
// the runs and the comparison is tried again. It returns the reference's
// run too, for sanity checks on the fixture.
func compareRuns(refLabel, candLabel string, ref, cand func() (result, error), logf func(string, ...any)) (result, string, error) {
	var r1, r2, rc result
	var err error
	for try := 1; try <= attempts; try++ {
		if r1, err = ref(); err != nil {
			return r1, "", err
		}
		if rc, err = cand(); err != nil {
			return r1, "", err
		}
		if r1.equal(rc) {
			return r1, "", nil
		}
		if r2, err = ref(); err != nil {
			return r1, "", err
		}
		if r2.equal(rc) {
			return r2, "", nil
		}
		if r1.equal(r2) {
			return r1, report(refLabel, candLabel, r1, rc), nil
		}
		logf("try %d: the reference changed between two runs; trying again:\n%s", try,
			lineDiff(refLabel+" (first run)", r1.Stdout, refLabel+" (second run)", r2.Stdout))
		time.Sleep(time.Duration(try) * 100 * time.Millisecond)
	}
	return r1, "the reference gave a different output on every pair of runs: a volatile value needs quieting or normalising\n" +
		lineDiff(refLabel+" (first run)", r1.Stdout, refLabel+" (second run)", r2.Stdout) +
		report(refLabel, candLabel, r1, rc), nil
}

// report shows a difference: both commands, the exit statuses, the diffs
// of stdout and stderr, and both raw outputs.
func report(refLabel, candLabel string, r, c result) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %s\n%s: %s\n", refLabel, strings.Join(r.Argv, " "), candLabel, strings.Join(c.Argv, " "))
	if r.Code != c.Code {
		fmt.Fprintf(&sb, "exit status: %s %d, %s %d\n", refLabel, r.Code, candLabel, c.Code)
	}
	sb.WriteString(lineDiff(refLabel+" stdout", r.Stdout, candLabel+" stdout", c.Stdout))
	sb.WriteString(lineDiff(refLabel+" stderr", r.Stderr, candLabel+" stderr", c.Stderr))
	fmt.Fprintf(&sb, "==== %s stdout (exit %d):\n%s==== %s stderr:\n%s", refLabel, r.Code, r.Stdout, refLabel, r.Stderr)
	fmt.Fprintf(&sb, "==== %s stdout (exit %d):\n%s==== %s stderr:\n%s", candLabel, c.Code, c.Stdout, candLabel, c.Stderr)
	return sb.String()
}

// linkTool makes dir/ethtool a symbolic link to target and returns dir.
func linkTool(dir, target string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	link := filepath.Join(dir, "ethtool")
	os.Remove(link)
	return dir, os.Symlink(target, link)
}
