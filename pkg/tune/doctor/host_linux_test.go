package doctor

import (
	"context"
	"testing"

	"github.com/stackbox/stackbox/internal/testns"
	"github.com/stackbox/stackbox/pkg/tune"
)

// machineWide are the checks that read figures a namespace shares with
// the whole machine (softnet_stat, sockstat's memory, file handles): on
// a fresh namespace they may report the host's own state.
var machineWide = map[string]bool{"softnet-drops": true, "softnet-squeeze": true, "socket-memory": true, "file-descriptors": true}

// TestHostFreshNamespace: a fresh namespace has nothing to report but the
// machine's own state.
func TestHostFreshNamespace(t *testing.T) {
	ns := testns.New(t)
	h, err := tune.NewHost(ns.Name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Gather(context.Background(), HostSource(ns.Name, h))
	if err != nil {
		t.Fatal(err)
	}
	if s.Sysctls["net.core.somaxconn"] == "" || s.Sockets == nil || len(s.Softnet) == 0 {
		t.Errorf("snapshot lacks parts: sysctls %v, sockets %v, softnet %d, missing %q", s.Sysctls, s.Sockets, len(s.Softnet), s.Missing)
	}
	r := Diagnose(s, NetnsCommands(ns.Name))
	for _, f := range r.Findings {
		if !machineWide[f.Check] {
			t.Errorf("fresh namespace: %s: %s", f.Check, f.Title)
		} else {
			t.Logf("machine-wide: %s: %s", f.Check, f.Title)
		}
	}
	for _, k := range r.Skipped {
		// (no NIC but lo, no conntrack module loaded; tcp_mem and
		// default_qdisc exist only in the initial namespace.)
		switch k.Check {
		case "nic-ring-drops", "conntrack", "socket-memory", "bbr-pacing":
		default:
			t.Errorf("skipped %s: %s", k.Check, k.Reason)
		}
	}
}
