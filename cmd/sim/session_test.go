package sim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// useSessionDir points the session store at a fresh directory.
func useSessionDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sim")
	t.Setenv("STACKBOX_SIM_DIR", dir)
	return dir
}

// runSim runs the sim command and returns its exit status, stdout and
// what main would print on stderr.
func runSim(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	opts, out, errOut := testOptions()
	code, msg := execute(opts, nil, args...)
	return code, out.String(), errOut.String() + msg
}

func TestSessionLifecycle(t *testing.T) {
	dir := useSessionDir(t)
	steps := []struct {
		args []string
		code int
		out  string // stdout, exactly ("" for none); "~x" for containing x
		err  string // stderr contains
	}{
		{[]string{"ls"}, 0, "NAME  SCENARIO  NOW  CHANGES\n", ""},
		{[]string{"new", "s1", "--scenario", "bulk"}, 0, "session s1: scenario bulk at 0s (in " + dir + ")\n", ""},
		{[]string{"new", "s1", "--scenario", "bulk"}, 1, "", "sim new: session s1: session exists (remove it with: stackbox sim rm s1)"},
		{[]string{"new", "web", "--scenario", "bulk"}, 1, "", `session name "web": a shipped scenario has that name`},
		{[]string{"new", "s2", "--scenario", "nosuch"}, 1, "", `scenario "nosuch": no such file`},
		{[]string{"new", "s2"}, 2, "", "missing --scenario"},
		{[]string{"set", "s1", "client", "net.ipv4.tcp_wmem=4096 8192 8192"}, 0, "net.ipv4.tcp_wmem = 4096\t8192\t8192\n", ""},
		{[]string{"run", "s1", "20ms"}, 0, "~at 20ms of virtual time", ""},
		{[]string{"set", "s1", "--host", "server", "net.core.netdev_budget=600", "net.ipv4.tcp_syncookies=2"}, 0,
			"net.core.netdev_budget = 600\nnet.ipv4.tcp_syncookies = 2\n", ""},
		{[]string{"set", "s1", "net.ipv4.tcp_congestion_control=nosuch"}, 1, "", "sim set: net.ipv4.tcp_congestion_control on client: "},
		{[]string{"set", "s1", "net.nosuch=1"}, 1, "", "nothing logged"},
		{[]string{"set", "s1", "--host", "nosuch", "net.core.netdev_budget=1"}, 1, "", `no host "nosuch"`},
		{[]string{"set", "s1", "server", "--host", "server", "a=1"}, 2, "", "a HOST and --host cannot go together"},
		{[]string{"set", "s1", "server"}, 2, "", "no KEY=VALUE"},
		{[]string{"run", "s1", "--until", "50ms"}, 0, "~at 50ms of virtual time", ""},
		{[]string{"run", "s1", "--until", "10ms"}, 1, "", "session s1 is at 50ms: it cannot go back to 10ms"},
		{[]string{"run", "s1", "5s", "--until", "1s"}, 2, "", "a DURATION and --until cannot go together"},
		{[]string{"run", "s1", "-1s"}, 2, "", "unknown shorthand flag"},
		{[]string{"run", "s1", "0s"}, 2, "", `bad DURATION "0s"`},
		{[]string{"run", "s1"}, 0, "~at 50ms of virtual time", ""},
		{[]string{"run", "nosuch", "5s"}, 2, "", "a DURATION needs a session; nosuch is none"},
		{[]string{"log", "s1"}, 0, "session s1: scenario bulk, now 50ms, 3 changes\n" +
			"  0s    client  sysctl -w net.ipv4.tcp_wmem=4096 8192 8192\n" +
			"  20ms  server  sysctl -w net.core.netdev_budget=600\n" +
			"  20ms  server  sysctl -w net.ipv4.tcp_syncookies=2\n", ""},
		{[]string{"ls"}, 0, "NAME  SCENARIO  NOW   CHANGES\ns1    bulk      50ms  3\n", ""},
		{[]string{"log", "nosuch"}, 1, "", "sim log: session nosuch: no such session"},
		{[]string{"reset", "s1"}, 0, "session s1: 3 changes cleared, time 0s\n", ""},
		{[]string{"log", "s1"}, 0, "session s1: scenario bulk, now 0s, 0 changes\n", ""},
		{[]string{"rm", "s1", "nosuch"}, 1, "", "sim rm: session nosuch: no such session"},
		{[]string{"rm", "s1"}, 1, "", "sim rm: session s1: no such session"},
		{[]string{"rm"}, 2, "", "want at least one NAME"},
		{[]string{"reset", "s1"}, 1, "", "no such session"},
	}
	for _, st := range steps {
		code, out, errOut := runSim(t, st.args...)
		okOut := out == st.out
		if strings.HasPrefix(st.out, "~") {
			okOut = strings.Contains(out, st.out[1:])
		}
		if code != st.code || !okOut || (st.err == "") != (errOut == "") || !strings.Contains(errOut, st.err) {
			t.Fatalf("sim %q: exit %d\nstdout %q\nstderr %q\nwant exit %d, stdout %q, stderr with %q", st.args, code, out, errOut, st.code, st.out, st.err)
		}
	}
}

func TestSessionJSON(t *testing.T) {
	useSessionDir(t)
	runSim(t, "new", "j1", "--scenario", "burst")
	runSim(t, "set", "j1", "sink", "net.core.netdev_budget=600")
	code, out, _ := runSim(t, "log", "j1", "--json")
	var lj logJSON
	if err := json.Unmarshal([]byte(out), &lj); code != 0 || err != nil {
		t.Fatalf("log --json: %d, %v\n%s", code, err, out)
	}
	if lj.Name != "j1" || len(lj.Changes) != 1 || lj.Changes[0].Command != "sysctl -w net.core.netdev_budget=600" || lj.Changes[0].Host != "sink" {
		t.Errorf("log --json: %+v", lj)
	}
	code, out, _ = runSim(t, "ls", "--json")
	var ls []lsJSON
	if err := json.Unmarshal([]byte(out), &ls); code != 0 || err != nil || len(ls) != 1 || ls[0].Changes != 1 {
		t.Errorf("ls --json: %d, %v, %+v", code, err, ls)
	}
	code, out, _ = runSim(t, "run", "j1", "1ms", "--json")
	if code != 0 || !json.Valid([]byte(out)) {
		t.Errorf("run --json: %d\n%s", code, out)
	}
}

// TestSessionRunReplays checks that a session advanced in steps reads
// as the scenario run in one go when nothing was changed.
func TestSessionRunReplays(t *testing.T) {
	useSessionDir(t)
	runSim(t, "new", "r1", "--scenario", "web")
	runSim(t, "run", "r1", "100ms")
	_, stepped, _ := runSim(t, "run", "r1", "200ms")
	_, direct, _ := runSim(t, "run", "web", "--until", "300ms")
	if stepped != direct || stepped == "" {
		t.Errorf("session advanced 100ms + 200ms differs from web run to 300ms:\n%s\n----\n%s", stepped, direct)
	}
}

func TestSessionBadFile(t *testing.T) {
	dir := useSessionDir(t)
	runSim(t, "new", "ok", "--scenario", "burst")
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{"stackbox_session": 9}`), 0o600)
	code, out, errOut := runSim(t, "ls")
	if code != 1 || !strings.Contains(out, "ok ") || !strings.Contains(errOut, "bad.json: session file format 9, want 1") {
		t.Errorf("ls with a bad file: %d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runSim(t, "run", "bad", "1s")
	if code != 1 || !strings.Contains(errOut, "format 9") {
		t.Errorf("run on a bad file: %d %s", code, errOut)
	}
}
