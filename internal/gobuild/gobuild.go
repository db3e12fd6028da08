// Package gobuild builds commands of this module for tests that run them as
// separate processes (the differential suites), once per test binary.
package gobuild

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var builds struct {
	sync.Mutex
	err map[string]error // by output path
}

// Build builds the module's package pkg ("." for stackbox itself) into
// dir/name the first time it is asked for and returns that path. It skips
// t without the go tool and fails it when the build fails (again on later
// calls).
func Build(t testing.TB, dir, name, pkg string) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("needs the go tool to build %s: %v", pkg, err)
	}
	bin := filepath.Join(dir, name)
	builds.Lock()
	defer builds.Unlock()
	if builds.err == nil {
		builds.err = map[string]error{}
	}
	err, done := builds.err[bin]
	if !done {
		err = build(bin, pkg)
		builds.err[bin] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func build(bin, pkg string) error {
	root, err := ModuleRoot()
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build -o %s %s (in %s): %v\n%s", bin, pkg, root, err, out)
	}
	return nil
}

// ModuleRoot is the directory of the go.mod the tests run under.
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside a Go module")
	}
	return filepath.Dir(mod), nil
}
