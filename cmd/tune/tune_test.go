package tune

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/session"
	"github.com/stackbox/stackbox/pkg/cli"
)

func run(t *testing.T, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	io := &cli.IO{Out: &out, ErrOut: &errOut, Getenv: func(k string) string { return env[k] }}
	cmd := NewCmd(io)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	code, print := cli.ExitCode(err)
	if print {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), code
}

func TestSimShow(t *testing.T) {
	out, errOut, code := run(t, nil, "show", "--sim", "burst")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "Tuning knobs of sim burst/") {
		t.Errorf("output starts %q", out[:min(len(out), 40)])
	}
	lines := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) >= 2 {
			lines[f[0]] = strings.Join(f[1:], " ")
		}
	}
	for n, want := range map[string]string{"net.core.netdev_budget": "300 global", "net.ipv4.tcp_congestion_control": "cubic",
		"net.ipv4.tcp_rmem": "4096 131072 33554432"} {
		if lines[n] != want {
			t.Errorf("%s: %q, want %q", n, lines[n], want)
		}
	}
	out, _, code = run(t, nil, "show", "--sim", "burst", "--json")
	var st struct {
		Target  string
		Sysctls []struct{ Name, Value string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || len(st.Sysctls) < 40 {
		t.Errorf("--json: exit %d, %d sysctls", code, len(st.Sysctls))
	}
}

func TestSimApplyVerify(t *testing.T) {
	out, errOut, code := run(t, nil, "apply", "web", "--sim", "burst")
	if code != 0 || !strings.Contains(out, "changed       net.core.somaxconn: 4096 -> 65535") || !strings.Contains(out, "for this run only") {
		t.Errorf("apply: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code = run(t, nil, "verify", "web", "--sim", "burst")
	if code != 1 || !strings.Contains(out, "fail  net.core.somaxconn") {
		t.Errorf("verify on a fresh run: exit %d, want 1\n%s", code, out)
	}
	out, _, code = run(t, nil, "diff", "latency", "--sim", "burst")
	if code != 0 || !strings.Contains(out, "change  net.core.busy_read") {
		t.Errorf("diff: exit %d\n%s", code, out)
	}
	_, errOut, code = run(t, nil, "rollback", "--sim", "burst")
	if code != 1 || !strings.Contains(errOut, "nothing to roll back") {
		t.Errorf("rollback on sim: exit %d: %s", code, errOut)
	}
}

func TestUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{}, 2, "missing command"},
		{[]string{"diff"}, 2, "want one PROFILE"},
		{[]string{"show", "extra"}, 2, "unexpected argument"},
		{[]string{"show", "--bogus"}, 2, "unknown flag"},
		{[]string{"show", "--at", "1s"}, 2, "needs --sim"},
		{[]string{"diff", "nosuch", "--sim", "burst"}, 1, "not built in"},
		{[]string{"show", "--sim", "burst", "--netns", "x"}, 2, "cannot go together"},
	} {
		_, errOut, code := run(t, nil, c.args...)
		if code != c.code || !strings.Contains(errOut, c.err) {
			t.Errorf("%q: exit %d %q, want %d %q", c.args, code, errOut, c.code, c.err)
		}
	}
}

// TestApplyOnSession checks that tune apply on a simulation session logs
// its changes there, so that later reads (and ethtool) see them.
func TestApplyOnSession(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("STACKBOX_SIM_DIR", dir)
	st := &session.Store{Dir: dir}
	s, err := session.New("s1", "burst")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(s); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	io := &cli.IO{Out: &out, ErrOut: &errOut, Getenv: os.Getenv}
	cmd := NewCmd(io)
	cmd.SetArgs([]string{"apply", "throughput", "--sim", "s1", "--host", "sink"})
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("tune apply on a session: %v\n%s%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "logged in the session") {
		t.Errorf("apply output:\n%s", out.String())
	}
	s, err = st.Load("s1")
	if err != nil {
		t.Fatal(err)
	}
	rings := false
	for _, c := range s.Changes {
		if c.Kind == session.KindRings && c.Target == "eth0" && c.Host == "sink" && c.Origin == "tune" {
			rings = true
		}
	}
	if !rings || len(s.Changes) < 5 {
		t.Fatalf("session log after tune apply: %+v", s.Changes)
	}
	// A replay sees the profile's ring size.
	n, err := s.Replay(s.Now)
	if err != nil {
		t.Fatal(err)
	}
	v, err := n.HostView("sink")
	if err != nil {
		t.Fatal(err)
	}
	dev, _, err := v.NIC("eth0")
	if err != nil {
		t.Fatal(err)
	}
	r, err := dev.Rings()
	if err != nil || r.RX == nil || *r.RX != *r.RXMax {
		t.Errorf("rings after replay: %+v %v (want rx at its maximum)", r, err)
	}
}
