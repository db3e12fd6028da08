package doctor

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/tune"
)

// simReport runs a shipped scenario until at and diagnoses host.
func simReport(t *testing.T, name, at, host string) *Report {
	t.Helper()
	sc, err := scenario.LoadShipped(name)
	if err != nil {
		t.Fatal(err)
	}
	d, err := scenario.ParseDuration(at)
	if err != nil {
		t.Fatal(err)
	}
	n, err := ref.Simulate(sc, sim.FromDuration(d))
	if err != nil {
		t.Fatal(err)
	}
	v, err := n.HostView(host)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := Gather(context.Background(), SimSource(v, tune.NewSim(name+"/"+host, v)))
	if err != nil {
		t.Fatal(err)
	}
	r := Diagnose(snap, DefaultCommands)
	if testing.Verbose() {
		var b strings.Builder
		_ = r.WriteText(&b)
		t.Logf("%s@%s/%s:\n%s", name, at, host, b.String())
	}
	return r
}

// TestSimFindings: each finding provoked by a scenario made to show it.
func TestSimFindings(t *testing.T) {
	for _, tt := range []struct {
		scenario, at, host, check string
		sev                       Severity
		fix                       string
	}{
		// synflood: the users' backlog of 16 and accept_rate under their
		// connection rate.
		{"synflood", "3s", "server", "listen-overflow", Warning, "sysctl -w net.core.somaxconn=4096"},
		{"timewait", "2s", "client", "time-wait", Warning, "sysctl -w net.ipv4.tcp_max_tw_buckets=262144"},
		{"ctfull", "2s", "server", "conntrack", Critical, "sysctl -w net.netfilter.nf_conntrack_max=262144"},
	} {
		t.Run(tt.scenario, func(t *testing.T) {
			r := simReport(t, tt.scenario, tt.at, tt.host)
			var f *Finding
			for i := range r.Findings {
				if r.Findings[i].Check == tt.check {
					f = &r.Findings[i]
				}
			}
			if f == nil {
				t.Fatalf("no %s finding: %+v", tt.check, r.Findings)
			}
			if f.Severity != tt.sev || !contains(f.Fix, tt.fix) {
				t.Errorf("%s: %v %q, want %v with %q", tt.check, f.Severity, f.Fix, tt.sev, tt.fix)
			}
		})
	}
}

// TestSimRingDrops: burst's sink drops at its 128-descriptor ring.
func TestSimRingDrops(t *testing.T) {
	r := simReport(t, "burst", "200ms", "sink")
	for _, k := range r.Skipped {
		if k.Check == "nic-ring-drops" {
			t.Skipf("the reference stack has no simulated NIC yet (issue 7): %s", k.Reason)
		}
	}
	if !r.Has("nic-ring-drops") {
		t.Fatalf("no ring drops on burst: %+v", r.Findings)
	}
	for _, f := range r.Findings {
		if f.Check == "nic-ring-drops" && !contains(f.Fix, "ethtool -G eth0 rx 4096") {
			t.Errorf("fix %q, want ethtool -G eth0 rx 4096", f.Fix)
		}
	}
}

// TestSimHealthy: no finding on scenarios without trouble, on every host.
func TestSimHealthy(t *testing.T) {
	for _, c := range [][2]string{{"bulk", "client"}, {"bulk", "server"},
		{"web", "client1"}, {"web", "router"}} {
		// (web's server is left out: it retransmits 41% of its segments by
		// 2s with no frame dropped or lost anywhere, which the doctor
		// rightly reports; a reference stack matter, reported to the lead.)
		if r := simReport(t, c[0], "2s", c[1]); len(r.Findings) != 0 {
			t.Errorf("%s/%s: %+v", c[0], c[1], r.Findings)
		}
	}
}

// TestSimInterval: over the last 500 ms of timewait, TIME_WAIT still
// overflows; on ctfull past its storm the conntrack table still drops.
func TestSimInterval(t *testing.T) {
	sc, err := scenario.LoadShipped("timewait")
	if err != nil {
		t.Fatal(err)
	}
	n, err := ref.Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	v, _ := n.HostView("client")
	src := SimSource(v, tune.NewSim("timewait", v))
	n.Run(sim.FromDuration(1500 * time.Millisecond))
	a, err := Gather(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	n.Run(sim.FromDuration(2 * time.Second))
	b, err := Gather(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	d := Delta(a, b, b.Elapsed-a.Elapsed)
	if d.Elapsed != 500*time.Millisecond || d.Counters["TcpExtTCPTimeWaitOverflow"] == 0 ||
		d.Counters["TcpExtTCPTimeWaitOverflow"] >= b.Counters["TcpExtTCPTimeWaitOverflow"] {
		t.Errorf("delta over %v: %d of %d overflows", d.Elapsed, d.Counters["TcpExtTCPTimeWaitOverflow"], b.Counters["TcpExtTCPTimeWaitOverflow"])
	}
	if r := Diagnose(d, DefaultCommands); !r.Has("time-wait") {
		t.Errorf("no time-wait finding over the interval: %+v", r.Findings)
	}
}
