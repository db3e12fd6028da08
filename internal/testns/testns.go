// Package testns gives tests throwaway network namespaces: it creates a
// uniquely named namespace with lo up, deletes it (and ends every process
// left in it) when the test ends, runs commands inside it and runs Go
// functions on an OS thread switched into it.
//
// Everything here needs root and the ip tool; RequireRoot and RequireTool
// skip a test that lacks them.
package testns

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Prefix starts the name of every namespace this package creates.
const Prefix = "sbt-"

// RequireRoot skips t unless the process runs as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces); run as root to enable")
	}
}

// RequireTool skips t unless the program name is installed, and returns
// its path. The sbin directories are searched too, since ip often lives
// there and is missing from a user's PATH.
func RequireTool(t testing.TB, name string) string {
	t.Helper()
	p, err := LookTool(name)
	if err != nil {
		t.Skipf("needs %s installed (%v)", name, err)
	}
	return p
}

// LookTool finds the program name on PATH or in the usual sbin and bin
// directories.
func LookTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if strings.Contains(name, "/") {
		return "", fmt.Errorf("%s: not found", name)
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/local/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in PATH or sbin directories", name)
}

// NS is a network namespace created for one test.
type NS struct {
	// Name is the namespace's name under /run/netns.
	Name string

	ip string
	t  testing.TB

	mu    sync.Mutex
	procs []*exec.Cmd
	once  sync.Once
}

// New creates a namespace named Prefix plus a unique suffix, brings its lo
// up, and registers its deletion (after ending the processes in it) with
// t.Cleanup. It skips t when not root or when ip is missing.
func New(t testing.TB) *NS {
	t.Helper()
	RequireRoot(t)
	ip := RequireTool(t, "ip")
	ns := &NS{Name: uniqueName(), ip: ip, t: t}
	if out, err := exec.Command(ip, "netns", "add", ns.Name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v\n%s", ns.Name, err, out)
	}
	t.Cleanup(ns.Close)
	if out, err := exec.Command(ip, "-n", ns.Name, "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("ip -n %s link set lo up: %v\n%s", ns.Name, err, out)
	}
	return ns
}

var counter struct {
	sync.Mutex
	n int
}

// uniqueName returns a namespace name that no other test process picks:
// the prefix, the pid, a counter and random bytes.
func uniqueName() string {
	counter.Lock()
	counter.n++
	n := counter.n
	counter.Unlock()
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s%d-%d-%s", Prefix, os.Getpid(), n, hex.EncodeToString(b[:]))
}

// Path is the namespace's bind-mount file, usable with setns(2).
func (ns *NS) Path() string { return filepath.Join("/run/netns", ns.Name) }

// Command returns a command that runs name with args inside the namespace
// (through ip netns exec). The caller runs it; Start tracks it for cleanup.
func (ns *NS) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	argv := append([]string{"netns", "exec", ns.Name, name}, args...)
	if ctx == nil {
		ctx = context.Background()
	}
	return exec.CommandContext(ctx, ns.ip, argv...)
}

// Run runs name with args inside the namespace and returns its standard
// output; a failure (with its standard error) fails the test.
func (ns *NS) Run(name string, args ...string) string {
	ns.t.Helper()
	cmd := ns.Command(context.Background(), name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		ns.t.Fatalf("in netns %s: %s %s: %v\nstderr:\n%s", ns.Name, name, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// Start starts cmd (made by Command) and makes sure it is ended when the
// test ends, before the namespace is deleted.
func (ns *NS) Start(cmd *exec.Cmd) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	ns.mu.Lock()
	ns.procs = append(ns.procs, cmd)
	ns.mu.Unlock()
	return nil
}

// Pids lists the processes whose network namespace is this one.
func (ns *NS) Pids() ([]int, error) {
	out, err := exec.Command(ns.ip, "netns", "pids", ns.Name).Output()
	if err != nil {
		return nil, fmt.Errorf("ip netns pids %s: %w", ns.Name, err)
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if p, err := strconv.Atoi(f); err == nil {
			pids = append(pids, p)
		}
	}
	return pids, nil
}

// Close ends the namespace's processes and deletes it now instead of at
// the end of the test. Calling it again, or the cleanup after it, does
// nothing.
func (ns *NS) Close() { ns.once.Do(ns.destroy) }

// destroy ends the processes started with Start, then any other process
// still living in the namespace, and deletes it.
func (ns *NS) destroy() {
	ns.mu.Lock()
	procs := ns.procs
	ns.procs = nil
	ns.mu.Unlock()
	for _, cmd := range procs {
		if cmd.Process != nil && cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}
	// The namespace was made by this test, so whatever runs in it was
	// started by this test (directly or by a child).
	for try := 0; try < 50; try++ {
		pids, err := ns.Pids()
		if err != nil || len(pids) == 0 {
			break
		}
		for _, p := range pids {
			if p != os.Getpid() {
				if proc, err := os.FindProcess(p); err == nil {
					_ = proc.Kill()
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if out, err := exec.Command(ns.ip, "netns", "del", ns.Name).CombinedOutput(); err != nil {
		ns.t.Errorf("ip netns del %s: %v\n%s", ns.Name, err, out)
	}
}

// Do runs fn on an OS thread switched into the namespace and returns its
// error. Sockets fn creates belong to the namespace and stay there after
// fn returns. The thread is never given back to the Go scheduler: it ends
// with the goroutine, so no other goroutine ever runs in the namespace.
func (ns *NS) Do(fn func() error) error {
	return DoPath(ns.Path(), fn)
}

// ErrNotSwitched is wrapped by Do's error when the thread could not enter
// the namespace (fn did not run).
var ErrNotSwitched = errors.New("could not switch thread to network namespace")
