package tune

import (
	"testing"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref"
)

func simTarget(t *testing.T) *Sim {
	t.Helper()
	sc, err := scenario.Resolve("burst")
	if err != nil {
		t.Skipf("no burst scenario: %v", err)
	}
	n, err := ref.Simulate(sc, 0)
	if err != nil {
		t.Fatal(err)
	}
	v, err := n.HostView("")
	if err != nil {
		t.Fatal(err)
	}
	return NewSim("burst", v)
}

func TestSimShowAndApply(t *testing.T) {
	s := simTarget(t)
	st, err := Show(s)
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]string{}
	for _, k := range st.Sysctls {
		vals[k.Name] = k.Value
	}
	// The reference stack's defaults (Linux 6.18, HZ 250).
	for n, want := range map[string]string{"net.core.netdev_budget": "300", "net.core.netdev_budget_usecs": "8000",
		"net.core.somaxconn": "4096", "net.ipv4.tcp_congestion_control": "cubic"} {
		if vals[n] != want {
			t.Errorf("%s = %q, want %q", n, vals[n], want)
		}
	}
	p := Builtin("web")
	items, err := Plan(s, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(s, items, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := Verify(s, p); !ok {
		t.Error("web does not verify on the simulation after apply")
	}
	if got, _ := s.Sysctl("net.core.somaxconn"); got != "65535" {
		t.Errorf("somaxconn %s after web", got)
	}
	// The defaults profile takes it back.
	d := Defaults(s.MemTotal())
	items, _ = Plan(s, d)
	if _, err := Apply(s, items, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := Verify(s, d); !ok {
		t.Error("defaults does not verify after apply")
	}
	if got, _ := s.Sysctl("net.core.somaxconn"); got != "4096" {
		t.Errorf("somaxconn %s after defaults", got)
	}
}

// TestSimNICProfile applies a ring profile to the simulated NIC, when the
// reference stack has one.
func TestSimNICProfile(t *testing.T) {
	s := simTarget(t)
	nics, _ := s.NICs()
	if len(nics) == 0 {
		t.Skip("the reference stack has no simulated NIC in this build")
	}
	p := mustParse("[nic]\nrings.rx = max\nrings.tx = max/2\n")
	items, err := Plan(s, p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(s, items, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	checks, ok, _ := Verify(s, p)
	if !ok {
		t.Errorf("verify: %+v", checks)
	}
	for _, c := range checks {
		if c.Param == "rx" && c.Current != c.Max {
			t.Errorf("%s: %s, want the maximum %s", c.Label(), c.Current, c.Max)
		}
	}
}
