package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/cli"
)

func testIO() (*cli.IO, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &cli.IO{Out: &out, ErrOut: &errOut, Getenv: func(string) string { return "" }}, &out, &errOut
}

func TestDispatch(t *testing.T) {
	tests := []struct {
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{args: []string{"stackbox"}, wantOut: "Applets:\n  conntrack  command line interface for netfilter connection tracking\n  diff       one view of two stacks side by side\n  ethtool    query or control network driver and hardware settings\n  nstat      network statistics counters\n  sim        run scenarios on the reference stack\n  ss         investigate sockets\n  tune       show, apply, verify and roll back network tuning profiles\n"},
		{args: []string{"/usr/local/bin/stackbox", "--help"}, wantOut: "Applets:"},
		{args: []string{"stackbox", "--list"}, wantOut: "ss\nnstat\nethtool\nconntrack\nsim\ndiff\ntune\n"},
		{args: []string{"stackbox", "ss", "-V"}, wantOut: "ss utility, iproute2-6.1.0\n"},
		{args: []string{"/sbin/ss", "-V"}, wantOut: "ss utility, iproute2-6.1.0\n"},
		{args: []string{"stackbox", "nstat", "-V"}, wantOut: "nstat utility, iproute2-6.1.0\n"},
		{args: []string{"/usr/local/sbin/nstat", "-V"}, wantOut: "nstat utility, iproute2-6.1.0\n"},
		{args: []string{"ss", "--bogus"}, code: 255, wantErr: "ss: unrecognized option '--bogus'\nUsage: ss [ OPTIONS ]"},
		{args: []string{"stackbox", "diff", "counters", "sim:burst@0s", "sim:burst@0s"}, wantOut: "| counter"},
		{args: []string{"stackbox", "diff", "counters", "host"}, code: 2, wantErr: "diff: want a view and two targets"},
		{args: []string{"stackbox", "nosuch"}, code: 1, wantErr: `unknown applet "nosuch"`},
		{args: []string{"stackbox", "completion", "bash"}, wantOut: "bash completion"},
		{args: []string{"stackbox", "completion", "zsh"}, wantOut: "#compdef stackbox"},
		{args: []string{"stackbox", "completion", "fish"}, wantOut: "complete -c stackbox"},
		{args: []string{"stackbox", "completion", "tcsh"}, code: 2, wantErr: `unknown shell "tcsh"`},
	}
	for _, tt := range tests {
		io, out, errOut := testIO()
		err := run(io, tt.args)
		code, print := cli.ExitCode(err)
		if print {
			errOut.WriteString(err.Error())
		}
		if code != tt.code {
			t.Errorf("%q: exit %d, want %d (err %v)", tt.args, code, tt.code, err)
		}
		if !strings.Contains(out.String(), tt.wantOut) {
			t.Errorf("%q: stdout %q, want it to hold %q", tt.args, out.String(), tt.wantOut)
		}
		if tt.wantErr != "" && !strings.Contains(errOut.String(), tt.wantErr) {
			t.Errorf("%q: stderr %q, want it to hold %q", tt.args, errOut.String(), tt.wantErr)
		}
		if tt.wantErr == "" && errOut.Len() > 0 {
			t.Errorf("%q: unexpected stderr %q", tt.args, errOut.String())
		}
	}
}

func TestInstallLinks(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "stackbox")
	if err := os.WriteFile(self, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	io, out, _ := testIO()
	if err := installLinks(io, self, bin, false); err != nil {
		t.Fatalf("first install: %v", err)
	}
	for _, a := range applets {
		target, err := os.Readlink(filepath.Join(bin, a.Name))
		if err != nil || target != self {
			t.Errorf("%s -> %q (%v), want %s", a.Name, target, err, self)
		}
	}
	if !strings.Contains(out.String(), "ss -> "+self) {
		t.Errorf("install printed %q", out.String())
	}
	// Again: links to us are left alone.
	if err := installLinks(io, self, bin, false); err != nil {
		t.Fatalf("second install: %v", err)
	}

	// A real file is not replaced without --force.
	ssPath := filepath.Join(bin, "ss")
	os.Remove(ssPath)
	if err := os.WriteFile(ssPath, []byte("iproute2"), 0o755); err != nil {
		t.Fatal(err)
	}
	io, _, errOut := testIO()
	err := installLinks(io, self, bin, false)
	var ee *cli.ExitError
	if !errors.As(err, &ee) || ee.Code != 1 {
		t.Fatalf("install over a file: %v, want exit 1", err)
	}
	if !strings.Contains(errOut.String(), "exists and is not a link to") {
		t.Errorf("stderr %q", errOut.String())
	}
	if b, _ := os.ReadFile(ssPath); string(b) != "iproute2" {
		t.Errorf("file replaced without --force")
	}
	// A link to something else is not ours either.
	os.Remove(ssPath)
	if err := os.Symlink("/bin/true", ssPath); err != nil {
		t.Fatal(err)
	}
	if err := installLinks(io, self, bin, false); err == nil {
		t.Errorf("replaced a foreign link without --force")
	}
	// --force replaces it.
	if err := installLinks(io, self, bin, true); err != nil {
		t.Fatalf("install --force: %v", err)
	}
	if target, _ := os.Readlink(ssPath); target != self {
		t.Errorf("after --force ss -> %q", target)
	}
}

func TestInstallArgs(t *testing.T) {
	io, _, _ := testIO()
	for _, args := range [][]string{nil, {"a", "b"}, {"--bogus", "x"}} {
		code, _ := cli.ExitCode(install(io, args))
		if code != 2 {
			t.Errorf("install %q: exit %d, want 2", args, code)
		}
	}
	code, _ := cli.ExitCode(install(io, []string{"/nonexistent/dir"}))
	if code != 1 {
		t.Errorf("install into a missing dir: exit %d, want 1", code)
	}
}

func TestLeadingSim(t *testing.T) {
	for _, c := range []struct {
		in, want string
		fails    bool
	}{
		{in: "stackbox --sim s1 ethtool -G eth0 rx 4096", want: "stackbox ethtool --sim s1 -G eth0 rx 4096"},
		{in: "stackbox --sim=web --host server --at 2s ss -tn", want: "stackbox ss --sim=web --host server --at 2s -tn"},
		{in: "stackbox ss --sim web", want: "stackbox ss --sim web"},
		{in: "stackbox --sim", fails: true},
		{in: "stackbox --sim web", fails: true},
	} {
		got, err := leadingSim(strings.Fields(c.in))
		if c.fails {
			if err == nil {
				t.Errorf("%q: no error", c.in)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != c.want {
			t.Errorf("%q: %q, %v; want %q", c.in, strings.Join(got, " "), err, c.want)
		}
	}
}

func TestUnknownSubcommand(t *testing.T) {
	for _, applet := range []string{"sim", "tune"} {
		var out, errOut bytes.Buffer
		err := run(&cli.IO{Out: &out, ErrOut: &errOut}, []string{"stackbox", applet, "frob"})
		code, _ := cli.ExitCode(err)
		if code != 2 || err == nil || !strings.Contains(err.Error(), applet+`: unknown command "frob"`) {
			t.Errorf("%s frob: exit %d, %v", applet, code, err)
		}
	}
}
