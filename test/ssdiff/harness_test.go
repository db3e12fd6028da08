//go:build linux

package ssdiff

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
	"time"
)

var (
	flagCandidate = flag.String("ssdiff.candidate", os.Getenv("SSDIFF_CANDIDATE"),
		"executable to compare with /usr/bin/ss instead of the stackbox built from this module (also $SSDIFF_CANDIDATE); /usr/bin/ss checks the harness itself")
	flagOnly = flag.String("ssdiff.only", "", "comma-separated features: run only the cases needing no other feature")
	flagSkip = flag.String("ssdiff.skip", "", "comma-separated features: leave out the cases needing any of them")
	flagShow = flag.Bool("ssdiff.show", false, "log both outputs of every case, not only of failing ones")
)

// runTimeout bounds one run of a tool.
const runTimeout = 20 * time.Second

// tool is one implementation of ss: an executable reached as "ss" through
// PATH (so argv[0] and the process name are "ss" for both tools, as they
// appear in error messages and in the tool's own netlink socket).
type tool struct {
	label string // "ss" or "stackbox", for reports
	dir   string // directory whose "ss" is this tool
	// argv0 is the program name run; "ss" except for the dispatch test.
	argv0 string
	// pre comes before the arguments (the applet name for "stackbox ss").
	pre []string
}

// result is one run of a tool.
type result struct {
	Stdout, Stderr string
	Code           int
	Pid            int
	Argv           []string
}

// env returns the fixed environment of every run.
func (tl *tool) env() []string {
	return []string{
		"PATH=" + tl.dir + ":/usr/sbin:/usr/bin:/sbin:/bin",
		"LC_ALL=C",
		"HOME=/nonexistent",
	}
}

// run runs the tool with args inside the jail namespace (see fixture),
// with stdin as standard input, and waits for it.
func (tl *tool) run(fx *fixture, stdin string, args []string) (result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	argv := append([]string{tl.argv0}, tl.pre...)
	argv = append(argv, args...)
	cmd := fx.jail.Command(ctx, argv[0], argv[1:]...)
	cmd.Env = tl.env()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	r := result{Argv: argv}
	err := cmd.Start()
	if err != nil {
		return r, fmt.Errorf("start %s: %w", tl.label, err)
	}
	// ip netns exec execs the tool in place: same pid.
	r.Pid = cmd.Process.Pid
	err = cmd.Wait()
	r.Stdout, r.Stderr = stdout.String(), stderr.String()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return r, fmt.Errorf("%s %s: timed out after %v", tl.label, strings.Join(argv, " "), runTimeout)
	case errors.As(err, &ee) && ee.Exited():
		r.Code = ee.ExitCode()
	default:
		return r, fmt.Errorf("%s %s: %w", tl.label, strings.Join(argv, " "), err)
	}
	return r, nil
}

func (r result) normalized() normalized {
	return normalize(r.Stdout, r.Stderr, r.Code, r.Pid)
}

// mismatch is a failed comparison, with everything needed to read it.
type mismatch struct {
	report string
}

// attempts is how often compare retries when the reference itself did not
// give the same output twice (the namespace changed during the runs).
const attempts = 3

// compare runs ref and cand with the same arguments and returns nil when
// their normalised stdout, stderr and exit status agree. It also returns
// the reference's run, for sanity checks.
func compare(fx *fixture, ref, cand *tool, c *Case, args []string, logf func(string, ...any)) (result, *mismatch, error) {
	run := func(tl *tool) (result, normalized, error) {
		r, err := tl.run(fx, c.Stdin, args)
		return r, r.normalized(), err
	}
	return compareWith(ref, cand, run, logf)
}

// compareWith is compare with the run of one tool given: the reference
// runs before and, on a difference, after the candidate; the candidate
// passes if it matches either run. When the two reference runs differ, the
// state changed under the runs (a retransmission, a timer) and the
// comparison is tried again.
func compareWith(ref, cand *tool, run func(*tool) (result, normalized, error), logf func(string, ...any)) (result, *mismatch, error) {
	var r1, r2, rc result
	var n1, n2, nc normalized
	var err error
	for try := 1; try <= attempts; try++ {
		if r1, n1, err = run(ref); err != nil {
			return r1, nil, err
		}
		if rc, nc, err = run(cand); err != nil {
			return r1, nil, err
		}
		if n1.equal(nc) {
			return r1, nil, nil
		}
		if r2, n2, err = run(ref); err != nil {
			return r1, nil, err
		}
		if n2.equal(nc) {
			return r2, nil, nil
		}
		if n1.equal(n2) {
			return r1, &mismatch{report: report(ref, cand, r1, rc, n1, nc)}, nil
		}
		logf("try %d: the reference changed between its two runs; trying again:\n%s", try,
			lineDiff(ref.label+" (first run)", n1.Stdout, ref.label+" (second run)", n2.Stdout)+
				lineDiff(ref.label+" stderr (first run)", n1.Stderr, ref.label+" stderr (second run)", n2.Stderr))
		time.Sleep(time.Duration(try) * 200 * time.Millisecond)
	}
	return r1, &mismatch{report: "the reference gave a different output on every pair of runs; a volatile field is missing from the normalisation rules?\n" +
		lineDiff(ref.label+" (first run)", n1.Stdout, ref.label+" (second run)", n2.Stdout) +
		report(ref, cand, r1, rc, n1, nc)}, nil
}

// report shows a difference: the command, the diffs of stdout and stderr,
// the exit statuses, and both raw outputs.
func report(ref, cand *tool, r, c result, nr, nc normalized) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s: %s\n%s: %s\n", ref.label, strings.Join(r.Argv, " "), cand.label, strings.Join(c.Argv, " "))
	if nr.Code != nc.Code {
		fmt.Fprintf(&sb, "exit status: %s %d, %s %d\n", ref.label, nr.Code, cand.label, nc.Code)
	}
	if d := lineDiff(ref.label+" stdout (normalised)", nr.Stdout, cand.label+" stdout (normalised)", nc.Stdout); d != "" {
		sb.WriteString(d)
	}
	if d := lineDiff(ref.label+" stderr", nr.Stderr, cand.label+" stderr", nc.Stderr); d != "" {
		sb.WriteString(d)
	}
	if len(nr.Notes)+len(nc.Notes) > 0 {
		fmt.Fprintf(&sb, "normalised: %s: %s; %s: %s\n", ref.label, strings.Join(nr.Notes, ", "), cand.label, strings.Join(nc.Notes, ", "))
	}
	fmt.Fprintf(&sb, "==== %s stdout (raw, exit %d):\n%s==== %s stderr:\n%s", ref.label, r.Code, r.Stdout, ref.label, r.Stderr)
	fmt.Fprintf(&sb, "==== %s stdout (raw, exit %d):\n%s==== %s stderr:\n%s", cand.label, c.Code, c.Stdout, cand.label, c.Stderr)
	return sb.String()
}

// linkTool makes dir/ss a symbolic link to target and returns dir.
func linkTool(dir, target string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	link := filepath.Join(dir, "ss")
	os.Remove(link)
	return dir, os.Symlink(target, link)
}
