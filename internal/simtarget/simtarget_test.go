package simtarget

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "my.yaml")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		in   string
		want Spec
		err  string
	}{
		{in: "web", want: Spec{Scenario: "web"}},
		{in: "web@2s", want: Spec{Scenario: "web", At: "2s", HasAt: true}},
		{in: "web/server", want: Spec{Scenario: "web", Host: "server", HasHost: true}},
		{in: "web@1.5s/server", want: Spec{Scenario: "web", At: "1.5s", HasAt: true, Host: "server", HasHost: true}},
		{in: file, want: Spec{Scenario: file}},
		{in: file + "/client", want: Spec{Scenario: file, Host: "client", HasHost: true}},
		{in: "a@b/c.yaml@3s/h", want: Spec{Scenario: "a@b/c.yaml", At: "3s", HasAt: true, Host: "h", HasHost: true}},
		{in: "", err: "no scenario"},
		{in: "@2s", err: "no scenario"},
		{in: "web@", err: "no time after '@'"},
		{in: "web@soon", err: `bad duration "soon"`},
		{in: "web@-1s", err: "negative"},
		{in: "web/", err: "no host after '/'"},
		{in: "web@1s/", err: "no host after '/'"},
	} {
		got, err := Parse(tt.in)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("Parse(%q): %v, want an error with %q", tt.in, err, tt.err)
			}
		case err != nil:
			t.Errorf("Parse(%q): %v", tt.in, err)
		case got != tt.want:
			t.Errorf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
		case "sim:"+tt.in != got.String():
			t.Errorf("Parse(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestTake(t *testing.T) {
	var s Spec
	for _, tt := range []struct {
		args []string
		n    int
		err  string
	}{
		{[]string{"-tan"}, 0, ""},
		{[]string{"--simulate", "x"}, 0, ""},
		{[]string{"--si", "x"}, 0, ""},
		{[]string{"--sim", "web", "-t"}, 2, ""},
		{[]string{"--at=2s"}, 1, ""},
		{[]string{"--host", "server"}, 2, ""},
		{[]string{"--sim"}, 1, "prog: option '--sim' requires an argument"},
		{[]string{"--sim="}, 1, "prog: option '--sim' needs a scenario"},
	} {
		n, err := s.Take("prog", tt.args)
		if n != tt.n || (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) {
			t.Errorf("Take(%q) = %d, %v; want %d, %q", tt.args, n, err, tt.n, tt.err)
		}
	}
	if s.Scenario != "web" || s.At != "2s" || s.Host != "server" || !s.HasAt || !s.HasHost {
		t.Errorf("spec %+v", s)
	}
}

func TestCheck(t *testing.T) {
	if err := (&Spec{HasAt: true}).Check("ss"); err == nil || err.Error() != "ss: option '--at' needs --sim" {
		t.Errorf("--at alone: %v", err)
	}
	if err := (&Spec{HasHost: true}).Check(""); err == nil || err.Error() != "option '--host' needs --sim" {
		t.Errorf("--host alone: %v", err)
	}
	if err := (&Spec{Scenario: "web", HasAt: true}).Check("ss"); err != nil {
		t.Errorf("--sim --at: %v", err)
	}
}

func TestOpen(t *testing.T) {
	s := Spec{Scenario: "burst", At: "10ms", Host: "sink"}
	v, err := s.Open()
	if err != nil {
		t.Fatal(err)
	}
	if v.Host.Name != "sink" || v.Host.Now() != 10_000_000 {
		t.Errorf("opened %s at %v", v.Host.Name, v.Host.Now())
	}
	if _, err := (&Spec{Scenario: "burst", Host: "nosuch"}).Open(); err == nil || !strings.HasPrefix(err.Error(), "--host: scenario burst has no host \"nosuch\"") {
		t.Errorf("unknown host: %v", err)
	}
	if _, err := (&Spec{Scenario: "burst", At: "1x"}).Open(); err == nil || !strings.HasPrefix(err.Error(), "--at: bad duration") {
		t.Errorf("bad time: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"web", "web@2s/server", "a/b@c/d", "@", "/", "x@1s/", "../web.yaml@1ms"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(in)
		if err != nil {
			return
		}
		if s.Scenario == "" || (s.HasHost && s.Host == "") || (s.HasAt && s.At == "") {
			t.Errorf("Parse(%q) = %+v without an error", in, s)
		}
		if s.HasAt {
			again, err := Parse(strings.TrimPrefix(s.String(), "sim:"))
			if err != nil || again != s {
				t.Errorf("Parse(%q) = %+v; again from %q: %+v, %v", in, s, s.String(), again, err)
			}
		}
	})
}
