package ref

import (
	"context"
	"net/netip"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// ctHost returns a lone host with conntrack on, for driving the hooks by
// hand.
func ctHost(t *testing.T) *Host {
	t.Helper()
	n := build(t, `
duration: 1s
hosts:
  - name: fw
    interfaces:
      - name: eth0
        addresses: [10.0.0.1/24, fd00::1/64]
    firewall:
      conntrack: on
`)
	return n.Host("fw")
}

var (
	ctClient = netip.MustParseAddr("10.0.0.2")
	ctServer = netip.MustParseAddr("10.0.0.1")
)

// seg builds a TCP segment from the client (in) or from the server.
func ctSeg(h *Host, fromClient bool, flags uint8, seq, ack uint32, payload int) *Packet {
	p := h.Net.pool.get()
	p.Proto, p.TTL = protoTCP, 64
	p.TCP = TCPHeader{Seq: seq, Ack: ack, Flags: flags, Window: 65535, WScale: -1}
	p.Payload = payload
	if fromClient {
		p.Src, p.Dst, p.SrcPort, p.DstPort = ctClient, ctServer, 40000, 80
		p.In = h.Ifaces[0]
	} else {
		p.Src, p.Dst, p.SrcPort, p.DstPort = ctServer, ctClient, 80, 40000
	}
	if flags&tcpSYN != 0 {
		p.TCP.MSS, p.TCP.WScale, p.TCP.SACKPermitted = 1460, 7, true
	}
	return p
}

// pass runs p through the hooks of its direction as ip.go does and
// reports whether it got through.
func ctPass(h *Host, p *Packet) bool {
	ok := false
	if p.In != nil {
		ok = h.nfHook(hookPrerouting, p) && h.nfHook(hookInput, p)
	} else {
		ok = h.nfHook(hookOutput, p) && h.nfHook(hookPostrouting, p)
	}
	h.Net.pool.put(p)
	return ok
}

// ctOnlyFlow returns the table's single entry.
func ctOnlyFlow(t *testing.T, h *Host) *stack.Flow {
	t.Helper()
	var got []stack.Flow
	err := h.View().Flows(context.Background(), stack.FlowQuery{}, func(f *stack.Flow) error {
		got = append(got, *f)
		return nil
	})
	if err != nil || len(got) != 1 {
		t.Fatalf("flows: %d (%v), want 1", len(got), err)
	}
	return &got[0]
}

func TestConntrackTCPStates(t *testing.T) {
	h := ctHost(t)
	h.Sysctl.Publish(sysctl.NfConntrackAcct, 1)
	steps := []struct {
		client  bool
		flags   uint8
		seq     uint32
		ack     uint32
		n       int
		state   uint8
		timeout uint32
		status  uint32
	}{
		{true, tcpSYN, 1000, 0, 0, ctTCPSynSent, 120, stack.IPSConfirmed},
		{false, tcpSYN | tcpACK, 5000, 1001, 0, ctTCPSynRecv, 60, stack.IPSConfirmed | stack.IPSSeenReply},
		{true, tcpACK, 1001, 5001, 0, ctTCPEstablished, 432000, stack.IPSConfirmed | stack.IPSSeenReply | stack.IPSAssured},
		// Data not yet acknowledged: nf_conntrack_tcp_timeout_unacknowledged.
		{true, tcpACK | tcpPSH, 1001, 5001, 100, ctTCPEstablished, 300, stack.IPSConfirmed | stack.IPSSeenReply | stack.IPSAssured},
		{false, tcpACK, 5001, 1101, 0, ctTCPEstablished, 432000, stack.IPSConfirmed | stack.IPSSeenReply | stack.IPSAssured},
		{true, tcpFIN | tcpACK, 1101, 5001, 0, ctTCPFinWait, 120, stack.IPSConfirmed | stack.IPSSeenReply | stack.IPSAssured},
		{false, tcpACK, 5001, 1102, 0, ctTCPCloseWait, 60, stack.IPSConfirmed | stack.IPSSeenReply | stack.IPSAssured},
		{false, tcpFIN | tcpACK, 5001, 1102, 0, ctTCPLastAck, 30, stack.IPSConfirmed | stack.IPSSeenReply | stack.IPSAssured},
		{true, tcpACK, 1102, 5002, 0, ctTCPTimeWait, 120, stack.IPSConfirmed | stack.IPSSeenReply | stack.IPSAssured},
	}
	for i, s := range steps {
		if !ctPass(h, ctSeg(h, s.client, s.flags, s.seq, s.ack, s.n)) {
			t.Fatalf("step %d: dropped", i)
		}
		f := ctOnlyFlow(t, h)
		if f.ProtoState != s.state || f.Timeout != s.timeout || f.Status != s.status {
			t.Errorf("step %d: state %d timeout %d status %#x, want %d %d %#x", i,
				f.ProtoState, f.Timeout, f.Status, s.state, s.timeout, s.status)
		}
	}
	f := ctOnlyFlow(t, h)
	if f.Counters[0].Packets != 5 || f.Counters[1].Packets != 4 {
		t.Errorf("counters %+v, want 5 and 4 packets", f.Counters)
	}
	if f.Orig.SrcPort != 40000 || f.Reply.SrcPort != 80 || f.Reply.Dst != ctClient {
		t.Errorf("tuples %+v / %+v", f.Orig, f.Reply)
	}
	// TIME_WAIT lasts nf_conntrack_tcp_timeout_time_wait.
	h.Net.Run(119 * sim.Second)
	if h.ct.count != 1 {
		t.Fatal("entry gone before its timeout")
	}
	h.Net.Run(120 * sim.Second)
	if h.ct.count != 0 {
		t.Fatal("entry still there after its timeout")
	}
	if got, _ := h.Sysctl.Get("net.netfilter.nf_conntrack_count"); got != "0" {
		t.Errorf("nf_conntrack_count %s, want 0", got)
	}
}

func TestConntrackTCPRefusedAndReopen(t *testing.T) {
	h := ctHost(t)
	// A SYN answered by a RST: the entry goes at once.
	ctPass(h, ctSeg(h, true, tcpSYN, 1, 0, 0))
	ctPass(h, ctSeg(h, false, tcpRST|tcpACK, 0, 2, 0))
	if h.ct.count != 0 {
		t.Errorf("%d entries after SYN, RST; want 0", h.ct.count)
	}
	// A SYN reusing the tuple of a closed connection replaces the entry.
	for _, s := range []struct {
		client   bool
		flags    uint8
		seq, ack uint32
	}{{true, tcpSYN, 1, 0}, {false, tcpSYN | tcpACK, 9, 2}, {true, tcpACK, 2, 10}, {true, tcpRST, 2, 0}} {
		ctPass(h, ctSeg(h, s.client, s.flags, s.seq, s.ack, 0))
	}
	old := ctOnlyFlow(t, h)
	if old.ProtoState != ctTCPClose || old.Timeout != 10 {
		t.Fatalf("after RST: state %d timeout %d, want CLOSE 10", old.ProtoState, old.Timeout)
	}
	ctPass(h, ctSeg(h, true, tcpSYN, 100, 0, 0))
	f := ctOnlyFlow(t, h)
	if f.ProtoState != ctTCPSynSent || f.ID == old.ID || f.Status&stack.IPSAssured != 0 {
		t.Errorf("reopened: state %d id %d (old %d) status %#x", f.ProtoState, f.ID, old.ID, f.Status)
	}
	// A SYN/ACK with no entry is invalid and creates none.
	h2 := ctHost(t)
	ctPass(h2, ctSeg(h2, true, tcpSYN|tcpACK, 1, 1, 0))
	st, _ := h2.View().FlowStats(context.Background())
	if h2.ct.count != 0 || st[0].Counters[1].Value != 1 {
		t.Errorf("stray SYN/ACK: %d entries, stats %v", h2.ct.count, st[0].Counters)
	}
}

// udp builds a UDP datagram between the client and the server.
func ctUDP(h *Host, fromClient bool) *Packet {
	p := h.Net.pool.get()
	p.Proto, p.Payload = protoUDP, 100
	if fromClient {
		p.Src, p.Dst, p.SrcPort, p.DstPort, p.In = ctClient, ctServer, 5000, 53, h.Ifaces[0]
	} else {
		p.Src, p.Dst, p.SrcPort, p.DstPort = ctServer, ctClient, 53, 5000
	}
	return p
}

func TestConntrackUDP(t *testing.T) {
	h := ctHost(t)
	ctPass(h, ctUDP(h, true))
	f := ctOnlyFlow(t, h)
	if f.Status != stack.IPSConfirmed || f.Timeout != 30 {
		t.Errorf("unreplied: status %#x timeout %d", f.Status, f.Timeout)
	}
	h.Net.Run(sim.Second)
	ctPass(h, ctUDP(h, false))
	f = ctOnlyFlow(t, h)
	if f.Status != stack.IPSConfirmed|stack.IPSSeenReply || f.Timeout != 30 {
		t.Errorf("replied: status %#x timeout %d", f.Status, f.Timeout)
	}
	// Still active more than two seconds after the first packet: a stream.
	h.Net.Run(2500 * sim.Millisecond)
	ctPass(h, ctUDP(h, true))
	f = ctOnlyFlow(t, h)
	if f.Status != stack.IPSConfirmed|stack.IPSSeenReply|stack.IPSAssured || f.Timeout != 120 {
		t.Errorf("stream: status %#x timeout %d", f.Status, f.Timeout)
	}
	h.Net.Run(2500*sim.Millisecond + 120*sim.Second)
	if h.ct.count != 0 {
		t.Error("stream entry outlived nf_conntrack_udp_timeout_stream")
	}
}

func TestConntrackICMPEchoAcrossRouter(t *testing.T) {
	n := build(t, threeHosts)
	client, router := n.Host("client"), n.Host("router")
	router.EnableConntrack()
	router.Sysctl.Publish(sysctl.NfConntrackICMPTimeout, 30)
	if err := client.Ping(netip.MustParseAddr("10.0.2.2"), 77, 1, 56); err != nil {
		t.Fatal(err)
	}
	n.Run(sim.Second)
	f := ctOnlyFlow(t, router)
	want := stack.FlowTuple{Src: netip.MustParseAddr("10.0.1.2"), Dst: netip.MustParseAddr("10.0.2.2"),
		Proto: protoICMP, ICMPType: 8, ICMPID: 77}
	if f.Orig != want || f.Reply.ICMPType != 0 || f.Reply.ICMPID != 77 || f.Status&stack.IPSSeenReply == 0 {
		t.Errorf("echo entry %+v / %+v status %#x", f.Orig, f.Reply, f.Status)
	}
	if f.Status&stack.IPSAssured != 0 {
		t.Error("an ICMP entry is never assured")
	}
	n.Run(31 * sim.Second)
	if router.ct.count != 0 {
		t.Error("echo entry outlived nf_conntrack_icmp_timeout")
	}
}

func TestConntrackTableFull(t *testing.T) {
	h := ctHost(t)
	h.Sysctl.Publish(sysctl.NfConntrackMax, 2)
	for port := range uint16(3) {
		p := ctUDP(h, true)
		p.SrcPort = 6000 + port
		ctPass(h, p)
	}
	// The third flow evicted the oldest unassured one (early drop).
	st, _ := h.View().FlowStats(context.Background())
	if h.ct.count != 2 || h.ct.head.tuple[0].sport != 6001 {
		t.Fatalf("%d entries, oldest port %d; want 2 and 6001", h.ct.count, h.ct.head.tuple[0].sport)
	}
	sum := func(name string) uint64 {
		var v uint64
		for _, s := range st {
			for _, c := range s.Counters {
				if c.Name == name {
					v += c.Value
				}
			}
		}
		return v
	}
	if sum("early_drop") != 1 || sum("insert") != 3 {
		t.Errorf("early_drop %d insert %d, want 1 and 3", sum("early_drop"), sum("insert"))
	}
	// With every entry assured, nothing can go: the new flow's packet is
	// dropped.
	for c := h.ct.head; c != nil; c = c.next {
		c.status |= stack.IPSAssured
	}
	p := ctUDP(h, true)
	p.SrcPort = 7000
	if ctPass(h, p) {
		t.Error("packet of a new flow passed a full table")
	}
	st, _ = h.View().FlowStats(context.Background())
	if sum("drop") != 1 {
		t.Errorf("drop %d, want 1", sum("drop"))
	}
	if c, _ := h.View().FlowCount(context.Background()); c.Entries != 2 || c.Max != 2 {
		t.Errorf("count %+v", c)
	}
}
