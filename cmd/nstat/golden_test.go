package nstat

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenArgs are the command lines rendered for every layout, and the
// golden file of each.
var goldenArgs = []struct {
	file  string
	args  []string
	nstat bool // the installed nstat prints the same
}{
	{"asz.txt", []string{"-asz"}, true},
	{"as.txt", []string{"-as"}, true},
	{"asz_patterns.txt", []string{"-asz", "tcp*", "Icmp[!6]*", "*Octets"}, true},
	{"asjz.json", []string{"-asjz"}, true},
	{"asjpz.json", []string{"-asjpz"}, true},
	{"json_rates.json", []string{"-as", "--json", "Udp*"}, false},
	{"prometheus.prom", []string{"--prometheus"}, false},
	{"softnet.txt", []string{"--softnet"}, false},
	{"softnet.json", []string{"--softnet", "-jp"}, false},
}

// procTarget is a stack reading captured /proc files.
type procTarget struct {
	fakeTarget
	dir string
}

func (p *procTarget) open(name string) io.Reader {
	b, err := os.ReadFile(filepath.Join(p.dir, name))
	if err != nil {
		return nil
	}
	return bytes.NewReader(b)
}

func newProcTarget(t *testing.T, dir string) *procTarget {
	p := &procTarget{dir: dir}
	c, err := kernel.ParseCounters(kernel.CounterFiles{
		SNMP:    kernel.CounterFile{R: p.open("snmp")},
		SNMP6:   kernel.CounterFile{R: p.open("snmp6")},
		Netstat: kernel.CounterFile{R: p.open("netstat")},
		SCTP:    kernel.CounterFile{R: p.open("sctp_snmp")},
	})
	if err != nil {
		t.Fatal(err)
	}
	p.counters, p.warnings = c.List, c.Warnings
	if r := p.open("softnet_stat"); r != nil {
		p.softnet, p.softErr = kernel.ParseSoftnet("/proc/net/softnet_stat", r)
	} else {
		p.softErr = &os.PathError{Op: "open", Path: "/proc/net/softnet_stat", Err: os.ErrNotExist}
	}
	return p
}

func (p *procTarget) Counters(ctx context.Context) (*stack.Counters, error) {
	if len(p.counters) == 0 {
		return nil, &os.PathError{Op: "open", Path: "/proc/net/snmp", Err: os.ErrNotExist}
	}
	return p.fakeTarget.Counters(ctx)
}

// TestGoldenProc renders each layout of testdata/proc.
func TestGoldenProc(t *testing.T) {
	layouts, err := filepath.Glob("testdata/proc/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range layouts {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		layout := filepath.Base(dir)
		t.Run(layout, func(t *testing.T) {
			e := newEnv(t)
			p := newProcTarget(t, dir)
			for _, g := range goldenArgs {
				e.target = &p.fakeTarget
				opts := func(out, errOut *bytes.Buffer) *Options {
					o := e.options(out, errOut)
					o.NewStack = func(string) (Target, error) { return p, nil }
					return o
				}
				var out, errOut bytes.Buffer
				cmd := NewCmdWith(opts(&out, &errOut), nil)
				cmd.SetArgs(g.args)
				cmd.SilenceErrors, cmd.SilenceUsage = true, true
				err := cmd.Execute()
				var got bytes.Buffer
				got.Write(out.Bytes())
				if errOut.Len() > 0 || err != nil {
					fmt.Fprintf(&got, "-- stderr --\n%s", errOut.Bytes())
					if code, _ := cli.ExitCode(err); code != 0 {
						fmt.Fprintf(&got, "-- exit %d --\n", code)
					}
				}
				compareGolden(t, filepath.Join(layout, g.file), got.Bytes())
			}
		})
	}
}

func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file:\n--- got\n%s--- want\n%s", name, got, want)
	}
}

func compareGoldenReadOnly(t *testing.T, name string, got []byte) {
	t.Helper()
	want, err := os.ReadFile(filepath.Join("testdata", "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.Index(want, []byte("-- stderr --\n")); i >= 0 {
		want = want[:i] // our warnings; nstat has none
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the installed nstat prints, for %s:\n%s--- the golden file holds\n%s", name, got, want)
	}
}
