package session

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// newSession returns session s1 over scenario with the given changes,
// each made at its time, and the clock at now.
func newSession(t *testing.T, scenario string, now sim.Time, changes ...Change) *Session {
	t.Helper()
	s, err := New("s1", scenario)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changes {
		s.Now = c.At
		s.Append(c)
	}
	s.Now = now
	return s
}

func TestReplaySysctlAtItsTime(t *testing.T) {
	c := SysctlChange("sink", "net.core.netdev_budget", "600")
	c.At = 2 * sim.Second
	s := newSession(t, "burst", 3*sim.Second, c)
	for _, tt := range []struct {
		at   sim.Time
		want string
	}{
		{sim.Second, "300"},
		{2*sim.Second - 1, "300"},
		{2 * sim.Second, "600"},
		{3 * sim.Second, "600"},
	} {
		n, err := s.Replay(tt.at)
		if err != nil {
			t.Fatal(err)
		}
		if n.Now() != tt.at {
			t.Errorf("replayed to %s, want %s", n.Now(), tt.at)
		}
		if got, _ := n.Host("sink").Sysctl.Get("net.core.netdev_budget"); got != tt.want {
			t.Errorf("netdev_budget at %s = %s, want %s", tt.at, got, tt.want)
		}
	}
}

func TestReplayNICChangeAtItsTime(t *testing.T) {
	fakes := useFakeNICs(t)
	c := Change{At: 20 * sim.Millisecond, Kind: KindRings, Host: "sink", Target: "eth0", Params: []Param{{"rx", "4096"}}}
	s := newSession(t, "burst", 30*sim.Millisecond, c)
	n, err := s.Replay(30 * sim.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	f := fakes[n.Host("sink")]
	if f == nil || f.rx != 4096 || len(f.changedAt) != 1 || f.changedAt[0] != 20*sim.Millisecond {
		t.Fatalf("the NIC after replay: %+v", f)
	}
	n, err = s.Replay(10 * sim.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if f := fakes[n.Host("sink")]; f != nil {
		t.Errorf("a replay to 10ms made the change of 20ms: %+v", f)
	}
}

// TestReplayDeterministic replays one session twice, with a change that
// alters the traffic (a smaller send buffer), and compares what the
// workloads measured; the change must show.
func TestReplayDeterministic(t *testing.T) {
	c := SysctlChange("client", "net.ipv4.tcp_wmem", "4096 8192 8192")
	c.At = 20 * sim.Millisecond
	s := newSession(t, "bulk", 60*sim.Millisecond, c)
	a, err := s.Replay(s.Now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Replay(s.Now)
	if err != nil {
		t.Fatal(err)
	}
	ja, jb := a.Summary().JSON(), b.Summary().JSON()
	if !bytes.Equal(ja, jb) {
		t.Fatalf("two replays differ:\n%s\n----\n%s", ja, jb)
	}
	plain := newSession(t, "bulk", 60*sim.Millisecond)
	p, err := plain.Replay(plain.Now)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(ja, p.Summary().JSON()) {
		t.Errorf("a small tcp_wmem at 20ms changed nothing the summary shows")
	}
}

func TestReplayErrors(t *testing.T) {
	useFakeNICs(t)
	for _, tt := range []struct {
		c   Change
		err string
	}{
		{SysctlChange("sink", "net.core.nosuch", "1"), "change 1 (at 0s on sink: sysctl -w net.core.nosuch=1)"},
		{SysctlChange("nohost", "net.core.netdev_budget", "1"), `no host "nohost"`},
		{Change{Kind: KindRings, Host: "sink", Target: "eth0", Params: []Param{{"rx", "9999"}}}, "invalid argument"},
		{Change{Kind: KindRings, Host: "sink", Target: "eth0", Params: []Param{{"rx", "lots"}}}, `bad value "lots"`},
		{Change{Kind: KindFeatures, Host: "sink", Target: "eth0", Params: []Param{{"gro", "maybe"}}}, `bad value "maybe"`},
		{Change{Kind: KindRings, Host: "sink", Target: "eth9", Params: []Param{{"rx", "1"}}}, "no device eth9"},
	} {
		s := newSession(t, "burst", sim.Millisecond, tt.c)
		_, err := s.Replay(s.Now)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v, want an error with %q", tt.c.Command(), err, tt.err)
		}
	}
}

func TestApplyFeatures(t *testing.T) {
	useFakeNICs(t)
	s := newSession(t, "burst", 0)
	n, err := s.Replay(0)
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := Apply(n, Change{Kind: KindFeatures, Host: "sink", Target: "eth0", Params: []Param{{"gro", "off"}}})
	if err != nil || len(diffs) != 1 || diffs[0].Name != "gro" || diffs[0].Active {
		t.Errorf("Apply -K gro off: %+v, %v", diffs, err)
	}
}
