package ref

import (
	"context"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/scenario"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

func nicStat(t *testing.T, d nic.Device, name string) uint64 {
	t.Helper()
	st, err := d.Stats()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.Name == name {
			return s.Value
		}
	}
	t.Fatalf("no stat %s", name)
	return 0
}

// runShipped builds a shipped scenario, lets change adjust it before the
// workloads start, and runs it for d.
func runShipped(t *testing.T, name string, d sim.Time, change func(*Network)) *Network {
	t.Helper()
	sc, err := scenario.LoadShipped(name)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Build(sc)
	if err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(n)
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	n.Run(d)
	return n
}

func TestBurstScenarioDropsAtRing(t *testing.T) {
	n := runShipped(t, "burst", 50*sim.Millisecond, nil)
	dev, _, err := n.Host("sink").View().NIC("eth0")
	if err != nil {
		t.Fatal(err)
	}
	missed := nicStat(t, dev, "rx_missed_errors")
	ifc := n.Host("sink").Interface("eth0")
	if missed == 0 || ifc.Stats.RxDropped != missed {
		t.Errorf("ring 128: rx_missed_errors %d, RxDropped %d; want drops at the ring", missed, ifc.Stats.RxDropped)
	}
	// ethtool -G eth0 rx 4096 stops them.
	n = runShipped(t, "burst", 50*sim.Millisecond, func(n *Network) {
		_, cfg, err := n.Host("sink").View().NIC("eth0")
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.SetRings([]nic.Param{{Name: "rx", Value: 4096}}); err != nil {
			t.Fatal(err)
		}
	})
	dev, _, _ = n.Host("sink").View().NIC("eth0")
	if m := nicStat(t, dev, "rx_missed_errors"); m != 0 || nicStat(t, dev, "rx_packets") == 0 {
		t.Errorf("ring 4096: rx_missed_errors %d, rx_packets %d", m, nicStat(t, dev, "rx_packets"))
	}
}

func TestRSSScenarioSpreadsQueuesAndCPUs(t *testing.T) {
	n := runShipped(t, "rss", 200*sim.Millisecond, nil)
	v := n.Host("server").View()
	dev, _, err := v.NIC("eth0")
	if err != nil {
		t.Fatal(err)
	}
	sn, err := v.Softnet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for q := range 4 {
		if p := nicStat(t, dev, "rx_queue_"+string(rune('0'+q))+"_packets"); p == 0 || sn[q].Processed == 0 {
			t.Errorf("queue %d: %d packets, cpu %d processed %d", q, p, q, sn[q].Processed)
		}
	}
	if c := n.Host("server").Interface("eth0").Stats; c.RxPackets == 0 {
		t.Errorf("no packets received")
	}
}

func TestHostViewNICErrors(t *testing.T) {
	n := runShipped(t, "burst", 0, nil)
	if _, _, err := n.Host("sink").View().NIC("eth9"); err == nil || !strings.Contains(err.Error(), "no device eth9") {
		t.Errorf("eth9: %v", err)
	}
	d, _, err := n.Host("gen").View().NIC("eth0")
	if err != nil {
		t.Fatal(err)
	}
	di, _ := d.DriverInfo()
	r, _ := d.Rings()
	if di.Driver != "simnic" || *r.RX != 1024 || *r.RXMax != 8192 {
		t.Errorf("defaults: %+v rx %d max %d", di, *r.RX, *r.RXMax)
	}
}
