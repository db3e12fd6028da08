package ref

import (
	"testing"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// TestRetransmitsOfClosedSockets loses packets under a storm and a
// request/response load and wants every retransmission counted, those of
// sockets the application already closed included: the summary's sum
// equals the hosts' RetransSegs.
func TestRetransmitsOfClosedSockets(t *testing.T) {
	lossy := `
name: lossy
seed: 9
duration: 3s
hosts:
  - name: client
    interfaces: [{name: eth0, addresses: [10.0.0.1/24]}]
  - name: server
    interfaces: [{name: eth0, addresses: [10.0.0.2/24]}]
links:
  - endpoints: [client:eth0, server:eth0]
    bandwidth: 100Mbit
    delay: 1ms
    loss: 3%
workloads:
  - storm:
      client: client
      server: server
      rate: 200/s
      response: 20KB
      closer: server
    stop: 1s
`
	n := started(t, lossy)
	n.Run(30 * sim.Second)
	w := n.Summary().Workloads[0]
	var mib uint64
	for _, h := range n.Hosts {
		mib += h.MIB.Get(TcpRetransSegs)
	}
	if w.Retransmits == 0 || w.Retransmits != mib {
		t.Errorf("summary counts %d retransmissions, the hosts' RetransSegs %d", w.Retransmits, mib)
	}
	if w.Requests.Completed != 200 {
		t.Errorf("requests %+v, want 200", w.Requests)
	}
}
