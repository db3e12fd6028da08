package session

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

func TestCheckName(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  string
	}{
		{"s1", ""},
		{"my.tuning_run-2", ""},
		{"0", ""},
		{"", "empty"},
		{"-x", "starting with a letter"},
		{".hidden", "starting with a letter"},
		{"a/b", "want letters"},
		{"a b", "want letters"},
		{"x.yaml", "ends like a scenario file"},
		{"x.yml", "ends like a scenario file"},
		{"burst", "a shipped scenario has that name"},
		{strings.Repeat("a", 65), "longer than 64"},
	} {
		err := CheckName(tt.name)
		if (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("CheckName(%q) = %v, want %q", tt.name, err, tt.err)
		}
	}
}

func TestDefaultDir(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"STACKBOX_SIM_DIR": "/x", "HOME": "/h"}, "/x"},
		{map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/stackbox/sim"},
		{map[string]string{"XDG_STATE_HOME": "rel", "HOME": "/h"}, "/h/.local/state/stackbox/sim"},
		{map[string]string{}, filepath.Join(os.TempDir(), "stackbox-sim-") + strconv.Itoa(os.Getuid())},
	} {
		if got := DefaultDir(env(tt.env)); got != tt.want {
			t.Errorf("DefaultDir(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestEncodeDecode(t *testing.T) {
	s, err := New("s1", "burst")
	if err != nil {
		t.Fatal(err)
	}
	s.Append(Change{Kind: KindRings, Host: "sink", Target: "eth0", Params: []Param{{"rx", "4096"}}})
	s.Now = 1500 * sim.Millisecond
	s.Append(SysctlChange("sink", "net.core.netdev_budget", "600"))
	s.Changes[1].Origin = "tune apply throughput"
	s.Now = 2 * sim.Second
	data, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := got.Encode()
	if !bytes.Equal(data, again) {
		t.Errorf("round trip differs:\n%s\n----\n%s", data, again)
	}
	if got.Changes[1].At != 1500*sim.Millisecond || got.Now != 2*sim.Second || got.Changes[1].Origin != "tune apply throughput" {
		t.Errorf("decoded %+v", got)
	}
	if c := got.Changes[0].Command(); c != "ethtool -G eth0 rx 4096" {
		t.Errorf("Command() = %q", c)
	}
	if c := got.Changes[1].Command(); c != "sysctl -w net.core.netdev_budget=600" {
		t.Errorf("Command() = %q", c)
	}
}

func TestDecodeErrors(t *testing.T) {
	good := func(edit func(string) string) []byte {
		s := `{"stackbox_session": 1, "name": "s1", "scenario": "burst", "scenario_file": "burst.yaml",
"scenario_yaml": "name: x", "now": "2s", "changes": [
{"at": "1s", "kind": "rings", "host": "sink", "target": "eth0", "params": [{"name": "rx", "value": "4096"}]}]}`
		return []byte(edit(s))
	}
	same := func(s string) string { return s }
	if _, err := Decode(good(same)); err != nil {
		t.Fatalf("the good file: %v", err)
	}
	for _, tt := range []struct {
		old, new, err string
	}{
		{`"stackbox_session": 1`, `"stackbox_session": 2`, "format 2, want 1"},
		{`"name": "s1"`, `"name": "web"`, "shipped scenario"},
		{`"name": "s1"`, `"name": "../x"`, "want letters"},
		{`"scenario": "burst"`, `"scenario": ""`, "no scenario"},
		{`"scenario_yaml": "name: x"`, `"scenario_yaml": ""`, "no scenario_yaml"},
		{`"now": "2s"`, `"now": "-2s"`, "now: sim: bad"},
		{`"now": "2s"`, `"now": "500ms"`, "after the session's time"},
		{`"at": "1s"`, `"at": "soon"`, "changes[0]: at"},
		{`"kind": "rings"`, `"kind": "magic"`, `unknown kind "magic"`},
		{`"host": "sink"`, `"host": ""`, "no host"},
		{`"target": "eth0"`, `"target": ""`, "no target"},
		{`[{"name": "rx", "value": "4096"}]`, `[]`, "no parameters"},
		{`"value": "4096"`, `"value": ""`, "no value"},
		{`"kind": "rings"`, `"kind": "sysctl"`, "one parameter, value"},
		{`"now": "2s"`, `"now": "2s", "extra": 1`, "unknown field"},
		{`}]}]}`, `}]}]} {}`, "data after"},
		{`"stackbox_session": 1,`, `"stackbox_session": "1",`, "bad session file"},
	} {
		data := good(func(s string) string { return strings.Replace(s, tt.old, tt.new, 1) })
		_, err := Decode(data)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s -> %s: %v, want an error with %q", tt.old, tt.new, err, tt.err)
		}
	}
	// Changes out of order.
	s := `{"stackbox_session": 1, "name": "s1", "scenario": "burst", "scenario_file": "burst.yaml",
"scenario_yaml": "name: x", "now": "2s", "changes": [
{"at": "1s", "kind": "sysctl", "host": "h", "target": "a.b", "params": [{"name": "value", "value": "1"}]},
{"at": "0s", "kind": "sysctl", "host": "h", "target": "a.b", "params": [{"name": "value", "value": "1"}]}]}`
	if _, err := Decode([]byte(s)); err == nil || !strings.Contains(err.Error(), "before the change before it") {
		t.Errorf("out of order: %v", err)
	}
	if _, err := Decode(make([]byte, maxFileSize+1)); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("huge: %v", err)
	}
}

func TestStoreLifecycle(t *testing.T) {
	st := &Store{Dir: filepath.Join(t.TempDir(), "sessions")}
	if names, err := st.List(); err != nil || len(names) != 0 {
		t.Fatalf("List of a missing directory: %q, %v", names, err)
	}
	if _, err := st.Load("s1"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "sim new s1") {
		t.Errorf("Load of a missing session: %v", err)
	}
	s, err := New("s1", "burst")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Create(s); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(st.Dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("directory: %v, %v", fi.Mode(), err)
	}
	if err := st.Create(s); !errors.Is(err, ErrExists) {
		t.Errorf("Create twice: %v", err)
	}
	if !st.Exists("s1") || st.Exists("s2") || st.Exists("../s1") {
		t.Error("Exists")
	}
	s.Now = sim.Second
	s.Append(SysctlChange("sink", "net.core.netdev_budget", "600"))
	if err := st.Save(s); err != nil {
		t.Fatal(err)
	}
	got, err := st.Load("s1")
	if err != nil || got.Now != sim.Second || len(got.Changes) != 1 || got.Changes[0].At != sim.Second {
		t.Fatalf("Load: %+v, %v", got, err)
	}
	s2, _ := New("a2", "web")
	if err := st.Create(s2); err != nil {
		t.Fatal(err)
	}
	// Leftovers and strangers are not sessions.
	os.WriteFile(filepath.Join(st.Dir, ".s1.123.tmp"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(st.Dir, "notes.txt"), []byte("x"), 0o600)
	if names, err := st.List(); err != nil || strings.Join(names, ",") != "a2,s1" {
		t.Errorf("List: %q, %v", names, err)
	}
	entries, _ := os.ReadDir(st.Dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".s1.") && e.Name() != ".s1.123.tmp" {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	// A file holding another session.
	data, _ := os.ReadFile(filepath.Join(st.Dir, "a2.json"))
	os.WriteFile(filepath.Join(st.Dir, "b3.json"), data, 0o600)
	if _, err := st.Load("b3"); err == nil || !strings.Contains(err.Error(), `holds session "a2"`) {
		t.Errorf("renamed file: %v", err)
	}
	os.WriteFile(filepath.Join(st.Dir, "b3.json"), []byte("{"), 0o600)
	if _, err := st.Load("b3"); err == nil || !strings.Contains(err.Error(), "b3.json: bad session file") {
		t.Errorf("broken file: %v", err)
	}
	if err := st.Remove("s1"); err != nil {
		t.Fatal(err)
	}
	if err := st.Remove("s1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Remove twice: %v", err)
	}
	if _, err := New("s3", "nosuch"); err == nil || !strings.Contains(err.Error(), "no shipped scenario") {
		t.Errorf("New over an unknown scenario: %v", err)
	}
	if _, err := New("burst", "burst"); err == nil {
		t.Error("New named like a shipped scenario")
	}
}

func TestNewFromFile(t *testing.T) {
	dir := t.TempDir()
	src, _ := New("x", "burst")
	file := filepath.Join(dir, "mine.yaml")
	os.WriteFile(file, src.Source, 0o644)
	s, err := New("mine", file)
	if err != nil {
		t.Fatal(err)
	}
	if s.Scenario != file || !bytes.Equal(s.Source, src.Source) {
		t.Errorf("session over a file: %q", s.Scenario)
	}
	// The session keeps the text: editing the file changes nothing.
	os.WriteFile(file, []byte("not: a scenario\n"), 0o644)
	if _, err := s.ParseScenario(); err != nil {
		t.Errorf("after the file changed: %v", err)
	}
	os.WriteFile(file, []byte("name: [\n"), 0o644)
	if _, err := New("bad", file); err == nil || !strings.Contains(err.Error(), "mine.yaml") {
		t.Errorf("a bad scenario file: %v", err)
	}
}
