package ref

import (
	"net/netip"
	"testing"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// groRouted is a client on a fast link to a router whose NIC coalesces
// interrupts (so that several segments reach one NAPI poll and GRO merges
// them), and a server behind it.
const groRouted = `
name: gro
duration: 10s
hosts:
  - name: client
    interfaces:
      - name: eth0
        addresses: [10.0.1.2/24]
    routes:
      - to: default
        via: 10.0.1.1
  - name: router
    interfaces:
      - name: eth0
        addresses: [10.0.1.1/24]
        nic:
          coalesce:
            adaptive_rx: false
            rx_usecs: 50
            rx_frames: 64
      - name: eth1
        addresses: [10.0.2.1/24]
    sysctls:
      net.ipv4.ip_forward: 1
  - name: server
    interfaces:
      - name: eth0
        addresses: [10.0.2.2/24]
    routes:
      - to: default
        via: 10.0.2.1
links:
  - endpoints: [client:eth0, router:eth0]
    bandwidth: 10Gbit
    delay: 100us
  - endpoints: [router:eth1, server:eth0]
    bandwidth: 10Gbit
    delay: 100us
`

// TestForwardedGROPackets sends a bulk flow through a router whose NIC
// merges segments (GRO): the merged packets must leave cut back into
// segments (GSO), not be refused as too big, so that nothing is lost.
func TestForwardedGROPackets(t *testing.T) {
	n := build(t, groRouted)
	client, router, server := n.Host("client"), n.Host("router"), n.Host("server")
	const total = 8 << 20
	got, _ := transfer(t, client, server, netip.MustParseAddrPort("10.0.2.2:9000"), total)
	n.Run(10 * sim.Second)
	if *got != total {
		t.Fatalf("received %d bytes, want %d", *got, total)
	}
	merged := false
	for _, st := range mustStats(t, router, "eth0") {
		if st.Name == "rx_gro_merged" && st.Value > 0 {
			merged = true
		}
	}
	if !merged {
		t.Error("the router's NIC merged nothing: the test does not test GSO")
	}
	if f := router.MIB.Get(IpFragFails); f != 0 {
		t.Errorf("router IpFragFails = %d, want 0", f)
	}
	if r := client.MIB.Get(TcpRetransSegs); r != 0 {
		t.Errorf("client RetransSegs = %d on lossless links, want 0", r)
	}
}

// mustStats returns the driver statistics of h's NIC on interface ifc.
func mustStats(t *testing.T, h *Host, ifc string) []nic.Stat {
	t.Helper()
	dev, _, err := h.View().NIC(ifc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := dev.Stats()
	if err != nil {
		t.Fatal(err)
	}
	return st
}
