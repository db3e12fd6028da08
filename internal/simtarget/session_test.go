package simtarget

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/internal/session"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// useStore points Sessions at a fresh directory for the test.
func useStore(t *testing.T) *session.Store {
	t.Helper()
	st := &session.Store{Dir: t.TempDir()}
	old := Sessions
	Sessions = func() *session.Store { return st }
	t.Cleanup(func() { Sessions = old })
	return st
}

func TestOpenSession(t *testing.T) {
	st := useStore(t)
	s, err := session.New("s1", "burst")
	if err != nil {
		t.Fatal(err)
	}
	s.Now = sim.Second
	s.Append(session.SysctlChange("sink", "net.core.netdev_budget", "600"))
	s.Now = 1500 * sim.Millisecond
	if err := st.Create(s); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		spec   Spec
		at     sim.Time
		budget string
	}{
		{Spec{Scenario: "s1", Host: "sink"}, 1500 * sim.Millisecond, "600"},
		{Spec{Scenario: "s1", Host: "sink", At: "900ms"}, 900 * sim.Millisecond, "300"},
		{Spec{Scenario: "s1", Host: "sink", At: "1s"}, sim.Second, "600"},
	} {
		o, err := tt.spec.OpenSim()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := o.View.Host.Sysctl.Get("net.core.netdev_budget")
		if o.Session == nil || o.At != tt.at || o.View.Host.Now() != tt.at || got != tt.budget {
			t.Errorf("%+v: session %v at %s, budget %s; want at %s, budget %s", tt.spec, o.Session != nil, o.At, got, tt.at, tt.budget)
		}
	}
	// A scenario is not a session.
	o, err := (&Spec{Scenario: "burst", At: "1ms"}).OpenSim()
	if err != nil || o.Session != nil || o.At != sim.Millisecond {
		t.Errorf("a scenario: %+v, %v", o, err)
	}
	// A session wins over a scenario file of its name.
	wd, _ := os.Getwd()
	dir := t.TempDir()
	os.Chdir(dir)
	defer os.Chdir(wd)
	os.WriteFile(filepath.Join(dir, "s1"), []byte("not a scenario"), 0o644)
	if o, err := (&Spec{Scenario: "s1"}).OpenSim(); err != nil || o.Session == nil {
		t.Errorf("s1 with a file s1 beside: %v", err)
	}
	if _, err := (&Spec{Scenario: "./s1"}).OpenSim(); err == nil || !strings.Contains(err.Error(), "./s1") {
		t.Errorf("./s1: %v, want the file's error", err)
	}
	// A broken session file is an error, not a fall back to scenarios.
	os.WriteFile(filepath.Join(st.Dir, "s2.json"), []byte("{"), 0o600)
	if _, err := (&Spec{Scenario: "s2"}).Open(); err == nil || !strings.Contains(err.Error(), "s2.json: bad session file") {
		t.Errorf("broken session: %v", err)
	}
	if got, err := Parse("s1/sink"); err != nil || got.Scenario != "s1" || got.Host != "sink" {
		t.Errorf("Parse(s1/sink) = %+v, %v", got, err)
	}
}
