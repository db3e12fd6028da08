package ref

import (
	"context"
	"testing"

	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

func TestCountersAreTheMIB(t *testing.T) {
	n := build(t, threeHosts)
	h := n.Host("server")
	h.MIB.Add(TcpActiveOpens, 7)
	h.MIB.IcmpMsg(false, true, 3)
	c, err := h.View().Counters(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := h.MIB.List()
	if len(c.List) != len(want) || len(c.Warnings) != 0 {
		t.Fatalf("%d counters, want %d", len(c.List), len(want))
	}
	seen := 0
	for i := range want {
		if c.List[i] != want[i] {
			t.Fatalf("counter %d: %+v, want %+v", i, c.List[i], want[i])
		}
		if (c.List[i].Name == "TcpActiveOpens" && c.List[i].Value == 7) || (c.List[i].Name == "IcmpMsgOutType3" && c.List[i].Value == 1) {
			seen++
		}
	}
	if seen != 2 {
		t.Errorf("TcpActiveOpens 7 and IcmpMsgOutType3 1 not both listed")
	}
}

func TestSoftnetPerCPU(t *testing.T) {
	n := build(t, threeHosts)
	h := n.Host("server")
	h.CPUs = 3
	st, err := h.View().Softnet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 3 {
		t.Fatalf("%d lines, want 3", len(st))
	}
	for i, s := range st {
		if s.CPU != i || len(s.Columns) != 15 || s.Columns[12] != uint32(i) || !s.HasBacklogLen || s.Processed != 0 {
			t.Errorf("cpu %d: %+v", i, s)
		}
	}
}

func TestSimulateAndHostView(t *testing.T) {
	sc, err := scenario.Parse("routed.yaml", []byte(threeHosts))
	if err != nil {
		t.Fatal(err)
	}
	n, err := Simulate(sc, 250*sim.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if n.Now() != 250*sim.Millisecond {
		t.Errorf("ran to %v, want 250ms", n.Now())
	}
	v, err := n.HostView("")
	if err != nil || v.Host.Name != "client" {
		t.Errorf("default host: %v %v, want client", v, err)
	}
	if v, err := n.HostView("router"); err != nil || v.Host.Name != "router" {
		t.Errorf("router: %v %v", v, err)
	}
	_, err = n.HostView("nosuch")
	if err == nil || err.Error() != `scenario routed has no host "nosuch" (hosts: client, router, server)` {
		t.Errorf("unknown host: %v", err)
	}
}
