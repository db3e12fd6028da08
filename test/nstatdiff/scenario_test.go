//go:build linux

package nstatdiff

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/testns"
)

// A scenario is a sequence of steps run on both tools, each tool with its
// own history file (so each tool's deltas are against its own history).
// After every step the two runs must agree exactly: stdout, stderr, exit
// status, and the history file each left behind (present or not, mode,
// link count, owner, content). The namespace's counters must not move
// during a step; if they do, the scenario starts again with fresh history
// files (see runScenario).
type scenario struct {
	name  string
	steps []step
}

// step is one run of both tools.
type step struct {
	// args are the tool's arguments; see expand for placeholders.
	args []string
	// env is added to the environment (KEY=VALUE, placeholders expanded).
	env []string
	// unsetHist leaves NSTAT_HISTORY out of the environment.
	unsetHist bool
	// script runs "sh -c script" with the tool on PATH instead of the
	// tool itself (placeholders expanded).
	script string
	// setup prepares each tool's history directory alike before the step.
	setup func(p histPaths) error
	// traffic makes a round of traffic (and waits for quiet) before the
	// step, after setup.
	traffic bool
	// lock holds an exclusive flock on each tool's history file while the
	// tool starts: the tool must wait for it.
	lock bool
	// swap runs each tool on the other's history file: each must read
	// what the other wrote (and leave what the other would have).
	swap bool
	// uid, when nonzero, runs both tools as that user (through setpriv).
	uid int
	// want are regular expressions the reference's stdout or stderr must
	// match: proof that the fixture exercises what the step is about.
	want []string
	// extra are regular expressions for lines stackbox adds to stderr on
	// purpose (a warning where nstat says nothing): such lines are left
	// out of the candidate's stderr before comparing.
	extra []string
}

// histPaths are one tool's history directory and file in one scenario.
type histPaths struct{ dir, hist string }

// s makes a step from a blank-separated argument string.
func s(args string, want ...string) step {
	return step{args: strings.Fields(args), want: want}
}

// one makes a one-step scenario named after its arguments.
func one(args string, want ...string) scenario {
	return scenario{name: args, steps: []step{s(args, want...)}}
}

// testdataDir is a copy of testdata inside the work directory. The tools
// run in a sandbox that hides /tmp but for the work directory, and the
// module itself may lie under /tmp (a CI checkout): the copy is always
// visible to them.
func testdataDir(t *testing.T) string {
	t.Helper()
	testdataOnce.Do(func() {
		src, err := filepath.Abs("testdata")
		if err == nil {
			testdataCopy = filepath.Join(work, "testdata")
			err = os.CopyFS(testdataCopy, os.DirFS(src))
		}
		testdataErr = err
	})
	if testdataErr != nil {
		t.Fatalf("copying testdata: %v", testdataErr)
	}
	return testdataCopy
}

var (
	testdataOnce sync.Once
	testdataCopy string
	testdataErr  error
)

// expand replaces {dir} (the tool's history directory), {hist} (its
// history file) and {testdata}.
func expand(s string, p histPaths, testdata string) string {
	return strings.NewReplacer("{dir}", p.dir, "{hist}", p.hist, "{testdata}", testdata).Replace(s)
}

// runner runs steps on a namespace.
type runner struct {
	t         *testing.T
	ns        *testns.NS
	ref, cand *tool
	testdata  string
	// checkQuiet reads the counters around each step and reports when
	// they moved (kernel mode: the two tools then saw different values).
	checkQuiet bool
	// candNS, when set, is where the candidate runs instead of ns, with
	// candArgs before its arguments (TestNetns: --netns NAME).
	candNS   *testns.NS
	candArgs []string
}

// newPaths makes fresh, empty history directories for both tools.
func (rn *runner) newPaths() (refP, candP histPaths) {
	rn.t.Helper()
	base := filepath.Join(work, "hist")
	if err := os.MkdirAll(base, 0o755); err != nil {
		rn.t.Fatal(err)
	}
	d, err := os.MkdirTemp(base, "sc")
	if err != nil {
		rn.t.Fatal(err)
	}
	mk := func(sub string) histPaths {
		dir := filepath.Join(d, sub)
		if err := os.Mkdir(dir, 0o755); err != nil {
			rn.t.Fatal(err)
		}
		return histPaths{dir: dir, hist: filepath.Join(dir, "history")}
	}
	return mk("ref"), mk("cand")
}

// runScenario runs every step in order and reports the first mismatch
// (later steps depend on the history the earlier ones left). When the
// namespace's counters moved during a step, the scenario is tried again
// from the start, up to three times.
func (rn *runner) runScenario(sc scenario) {
	rn.t.Helper()
	const attempts = 3
	for try := 1; try <= attempts; try++ {
		refP, candP := rn.newPaths()
		moved := ""
		for i := range sc.steps {
			out, err := rn.do(&sc.steps[i], refP, candP)
			if err != nil {
				rn.t.Fatalf("step %d (%s): %v", i+1, sc.steps[i].describe(), err)
			}
			if out.moved != "" {
				moved = fmt.Sprintf("step %d (%s):\n%s", i+1, sc.steps[i].describe(), out.moved)
				break
			}
			if out.report != "" {
				rn.t.Errorf("step %d of %d differs (%s)\n%s", i+1, len(sc.steps), sc.steps[i].describe(), out.report)
				return
			}
			for _, msg := range out.sanity {
				rn.t.Errorf("step %d (%s): %s", i+1, sc.steps[i].describe(), msg)
			}
			if *flagShow {
				rn.t.Logf("step %d: %s\nexit %d\nstdout:\n%sstderr:\n%shistory:\n%s", i+1, strings.Join(out.ref.Argv, " "),
					out.ref.Code, out.ref.Stdout, out.ref.Stderr, out.refHist.text)
			}
		}
		if moved == "" {
			return
		}
		rn.t.Logf("try %d: the namespace's counters moved during %s; starting the scenario again", try, moved)
		if _, err := waitQuiet(rn.ns); err != nil {
			rn.t.Fatal(err)
		}
	}
	rn.t.Fatalf("the namespace's counters moved during every one of %d tries: the comparisons cannot be exact", attempts)
}

func (st *step) describe() string {
	var parts []string
	if st.script != "" {
		parts = append(parts, "script")
	}
	if len(st.env) > 0 {
		parts = append(parts, strings.Join(st.env, " "))
	}
	if st.unsetHist {
		parts = append(parts, "NSTAT_HISTORY unset")
	}
	args := "nstat " + strings.Join(st.args, " ")
	if st.script != "" {
		args = ""
	}
	if st.traffic {
		args = "after traffic: " + args
	}
	if st.lock {
		args += " (history locked)"
	}
	if st.swap {
		args += " (on each other's history file)"
	}
	if st.uid != 0 {
		args += fmt.Sprintf(" (as user %d)", st.uid)
	}
	return strings.TrimSpace(strings.Join(append(parts, args), " "))
}

// outcome is one step on both tools.
type outcome struct {
	ref, cand         result
	refHist, candHist histState
	// report describes a mismatch; "" when the tools agree.
	report string
	// moved lists counters that moved during the step (checkQuiet).
	moved string
	// sanity lists unmet expectations of the reference's output.
	sanity []string
}

// do runs one step on both tools and compares.
func (rn *runner) do(st *step, refP, candP histPaths) (outcome, error) {
	var out outcome
	if st.setup != nil {
		for _, p := range []histPaths{refP, candP} {
			if err := st.setup(p); err != nil {
				return out, fmt.Errorf("setup: %w", err)
			}
		}
	}
	if st.traffic {
		if err := makeTraffic(rn.ns); err != nil {
			return out, fmt.Errorf("traffic: %w", err)
		}
		if _, err := waitQuiet(rn.ns); err != nil {
			return out, err
		}
	}
	var before string
	if rn.checkQuiet {
		var err error
		if before, err = readCounters(rn.ns); err != nil {
			return out, err
		}
	}
	if st.swap {
		refP, candP = candP, refP
	}
	var refWaited, candWaited bool
	var err error
	out.ref, refWaited, err = rn.exec(rn.ref, st, refP)
	if err != nil {
		return out, err
	}
	out.cand, candWaited, err = rn.exec(rn.cand, st, candP)
	if err != nil {
		return out, err
	}
	if rn.checkQuiet {
		after, err := readCounters(rn.ns)
		if err != nil {
			return out, err
		}
		if after != before {
			out.moved = movedCounters(before, after)
			return out, nil
		}
	}
	out.refHist, out.candHist = readHist(refP.hist), readHist(candP.hist)
	out.cand.Stderr = dropLines(out.cand.Stderr, st.extra)
	out.report = report(rn.ref, rn.cand, out.ref, out.cand, out.refHist, out.candHist)
	if st.lock && refWaited != candWaited {
		out.report += fmt.Sprintf("while another process held the history file locked: %s waited %v, %s waited %v\n",
			rn.ref.label, refWaited, rn.cand.label, candWaited)
	}
	both := out.ref.Stdout + out.ref.Stderr
	for _, w := range st.want {
		if !regexp.MustCompile(w).MatchString(both) {
			out.sanity = append(out.sanity, fmt.Sprintf("the reference's output does not match %q: the step does not test what it is meant to\nstdout:\n%sstderr:\n%s", w, out.ref.Stdout, out.ref.Stderr))
		}
	}
	if st.lock && !refWaited {
		out.sanity = append(out.sanity, "the reference did not wait for the history file's lock")
	}
	return out, nil
}

// lockHold is how long a step with lock keeps the history file locked
// after the tool started.
const lockHold = 400 * time.Millisecond

// exec runs one tool for a step. With st.lock it reports whether the tool
// was still running when the lock was let go.
func (rn *runner) exec(tl *tool, st *step, p histPaths) (result, bool, error) {
	inv := &invocation{ns: rn.ns, hist: p.hist, unsetHist: st.unsetHist, uid: st.uid}
	if tl == rn.cand && rn.candNS != nil {
		inv.ns = rn.candNS
		inv.args = append(inv.args, rn.candArgs...)
	}
	for _, a := range st.args {
		inv.args = append(inv.args, expand(a, p, rn.testdata))
	}
	for _, e := range st.env {
		inv.env = append(inv.env, expand(e, p, rn.testdata))
	}
	inv.script = expand(st.script, p, rn.testdata)
	if !st.lock {
		r, err := tl.run(inv)
		return r, false, err
	}
	f, err := os.OpenFile(p.hist, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return result{}, false, err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return result{}, false, err
	}
	type ran struct {
		r   result
		err error
	}
	done := make(chan ran, 1)
	go func() {
		r, err := tl.run(inv)
		done <- ran{r, err}
	}()
	select {
	case d := <-done:
		// It did not wait: a mismatch if the reference did (see do).
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return d.r, false, d.err
	case <-time.After(lockHold):
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	d := <-done
	return d.r, true, d.err
}

// report compares two runs and their history files; "" when they agree.
func report(ref, cand *tool, r, c result, rh, ch histState) string {
	var sb strings.Builder
	if r.Code != c.Code {
		fmt.Fprintf(&sb, "exit status: %s %d, %s %d\n", ref.label, r.Code, cand.label, c.Code)
	}
	if d := lineDiff(ref.label+" stdout", r.Stdout, cand.label+" stdout", c.Stdout); d != "" {
		sb.WriteString(d)
	}
	if d := lineDiff(ref.label+" stderr", r.Stderr, cand.label+" stderr", c.Stderr); d != "" {
		sb.WriteString(d)
	}
	if d := lineDiff(ref.label+" history file", rh.text, cand.label+" history file", ch.text); d != "" {
		sb.WriteString(d)
	}
	if sb.Len() == 0 {
		return ""
	}
	head := fmt.Sprintf("%s: %s\n%s: %s\n", ref.label, strings.Join(r.Argv, " "), cand.label, strings.Join(c.Argv, " "))
	return head + sb.String() + rawOutputs(ref.label, r) + rawOutputs(cand.label, c)
}

// rawOutputs shows a run's output as it was, when short enough to help.
func rawOutputs(label string, r result) string {
	const maxLines = 40
	out := r.Stdout
	if n := strings.Count(out, "\n"); n > maxLines {
		out = fmt.Sprintf("(%d lines, see the diff)\n", n)
	}
	return fmt.Sprintf("==== %s stdout (exit %d):\n%s==== %s stderr:\n%s", label, r.Code, out, label, r.Stderr)
}

// dropLines removes the lines of text that match one of the patterns.
func dropLines(text string, patterns []string) string {
	if len(patterns) == 0 {
		return text
	}
	var kept []string
	for _, line := range strings.SplitAfter(text, "\n") {
		drop := false
		for _, p := range patterns {
			if regexp.MustCompile(p).MatchString(line) {
				drop = true
			}
		}
		if !drop {
			kept = append(kept, line)
		}
	}
	return strings.Join(kept, "")
}
