package sim

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/scenario"
	vsim "github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

func testOptions() (*Options, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &Options{IO: &cli.IO{Out: &out, ErrOut: &errOut}, Resolve: scenario.Resolve}, &out, &errOut
}

// execute runs the sim command with args as main does, returning the exit
// code and what main would print.
func execute(opts *Options, runF func(*RunOptions) error, args ...string) (int, string) {
	cmd := NewCmdWith(opts, runF)
	cmd.SetArgs(args)
	cmd.SetOut(opts.IO.Out)
	cmd.SetErr(opts.IO.ErrOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	code, print := cli.ExitCode(err)
	if print {
		return code, err.Error()
	}
	return code, ""
}

func TestRunFlags(t *testing.T) {
	tests := []struct {
		args    []string
		code    int
		want    RunOptions
		wantErr string
	}{
		{args: []string{"run", "web"}, want: RunOptions{Scenario: "web"}},
		{args: []string{"run", "bulk", "--until", "2s"}, want: RunOptions{Scenario: "bulk", Until: 2 * vsim.Second}},
		{args: []string{"run", "--until=150ms", "--json", "x.yaml"}, want: RunOptions{Scenario: "x.yaml", Until: 150 * vsim.Millisecond, JSON: true}},
		{args: []string{"run"}, code: 2, wantErr: "sim run: want one SCENARIO, got 0 arguments"},
		{args: []string{"run", "a", "b"}, code: 2, wantErr: "want one SCENARIO, got 2"},
		{args: []string{"run", "web", "--until", "soon"}, code: 2, wantErr: `bad --until "soon"`},
		{args: []string{"run", "web", "--until", "0s"}, code: 2, wantErr: `bad --until "0s"`},
		{args: []string{"run", "web", "--bogus"}, code: 2, wantErr: "unknown flag: --bogus"},
		{args: []string{}, code: 2, wantErr: "sim: missing command"},
	}
	for _, tt := range tests {
		opts, _, _ := testOptions()
		var got *RunOptions
		code, msg := execute(opts, func(o *RunOptions) error { got = o; return nil }, tt.args...)
		if code != tt.code || !strings.Contains(msg, tt.wantErr) || strings.Contains(msg, "\n") {
			t.Errorf("%q: exit %d %q, want %d %q on one line", tt.args, code, msg, tt.code, tt.wantErr)
			continue
		}
		if tt.code != 0 {
			continue
		}
		if got == nil {
			t.Errorf("%q: run not called", tt.args)
			continue
		}
		if got.Scenario != tt.want.Scenario || got.Until != tt.want.Until || got.JSON != tt.want.JSON {
			t.Errorf("%q: options %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: bad\nduration: 1s\nhosts:\n  - name: a\nlinks:\n  - endpoints: [a:eth0, b:eth0]\n    bandwidth: 1Gbps\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		arg, want string
	}{
		{bad, bad + ":7: links[0].bandwidth: bad rate"},
		{"nosuch", `sim run: scenario "nosuch": no such file and no shipped scenario of that name`},
	} {
		opts, out, _ := testOptions()
		code, msg := execute(opts, nil, "run", tt.arg)
		if code != 1 || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || out.Len() > 0 {
			t.Errorf("run %s: exit %d, message %q, stdout %q; want exit 1 and one line holding %q", tt.arg, code, msg, out.String(), tt.want)
		}
	}
}

func TestOneLine(t *testing.T) {
	list := scenario.ErrorList{{File: "f.yaml", Line: 3, Field: "x", Msg: "bad"}, {File: "f.yaml", Line: 4, Msg: "worse"}}
	if got, want := oneLine(list), "f.yaml:3: x: bad (and 1 more problems)"; got != want {
		t.Errorf("oneLine = %q, want %q", got, want)
	}
	if got := oneLine(errors.New("plain")); got != "plain" {
		t.Errorf("oneLine = %q", got)
	}
}
