package ref

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stackbox/stackbox/pkg/report/conntrack"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// ctUpdateGolden reports whether golden files are to be rewritten: the
// package's -update flag when some test file defines it, or
// UPDATE_GOLDEN=1.
func ctUpdateGolden() bool {
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		return true
	}
	return os.Getenv("UPDATE_GOLDEN") == "1"
}

func ctGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if ctUpdateGolden() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update or UPDATE_GOLDEN=1)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", name, got, want)
	}
}

// ctScenario drives a TCP connection, a UDP exchange, an IPv6 datagram and
// a ping through a host by hand, over 3 s of virtual time.
func ctScenario(t *testing.T) *Host {
	h := ctHost(t)
	h.Sysctl.Publish(sysctl.NfConntrackAcct, 1)
	h.Sysctl.Publish(sysctl.NfConntrackTimestamp, 1)
	for _, s := range []struct {
		client   bool
		flags    uint8
		seq, ack uint32
		n        int
	}{
		{true, tcpSYN, 1000, 0, 0}, {false, tcpSYN | tcpACK, 5000, 1001, 0}, {true, tcpACK, 1001, 5001, 0},
		{true, tcpACK | tcpPSH, 1001, 5001, 500}, {false, tcpACK, 5001, 1501, 1448},
	} {
		ctPass(h, ctSeg(h, s.client, s.flags, s.seq, s.ack, s.n))
	}
	h.Net.Run(sim.Second)
	ctPass(h, ctUDP(h, true))
	ctPass(h, ctUDP(h, false))
	h.Net.Run(3500 * sim.Millisecond)
	ctPass(h, ctUDP(h, true))
	p := h.Net.pool.get()
	p.V6, p.Proto, p.Payload = true, protoUDP, 20
	p.Src, p.Dst, p.SrcPort, p.DstPort = netip.MustParseAddr("fd00::1"), netip.MustParseAddr("fd00::9"), 33000, 123
	ctPass(h, p)
	p = h.Net.pool.get()
	p.Proto, p.Src, p.Dst, p.In = protoICMP, ctClient, ctServer, h.Ifaces[0]
	p.ICMP = ICMPHeader{Type: icmpEcho, ID: 4242, Seq: 1}
	ctPass(h, p)
	h.Net.Run(4 * sim.Second)
	return h
}

func ctListing(t *testing.T, h *Host, out conntrack.Output) []byte {
	t.Helper()
	var b bytes.Buffer
	pr := &conntrack.Printer{W: &b, Output: out, Location: time.UTC,
		Now: func() time.Time { return time.Unix(0, int64(ctWall(h.Now()))) }}
	_ = pr.Begin()
	err := h.View().Flows(context.Background(), stack.FlowQuery{}, pr.Flow)
	if err != nil {
		t.Fatal(err)
	}
	_ = pr.End()
	return b.Bytes()
}

func TestFlowListingGolden(t *testing.T) {
	h := ctScenario(t)
	var all bytes.Buffer
	all.Write(ctListing(t, h, 0))
	all.WriteString("-- extended,id,ktimestamp\n")
	all.Write(ctListing(t, h, conntrack.Extended|conntrack.ShowID|conntrack.KTimestamp))
	all.WriteString("-- events\n")
	pr := &conntrack.Printer{W: &all, Output: conntrack.Timestamp, Location: time.UTC}
	err := h.View().FlowEvents(context.Background(), stack.FlowEventQuery{}, pr.Event)
	if err != nil {
		t.Fatal(err)
	}
	all.WriteString("-- stats\n")
	st, _ := h.View().FlowStats(context.Background())
	_ = conntrack.WriteStats(&all, st)
	ctGolden(t, "ct_listing.golden", all.Bytes())

	// The same run gives the same bytes.
	if again := ctListing(t, ctScenario(t), 0); !bytes.Equal(again, ctListing(t, h, 0)) {
		t.Error("two runs list differently")
	}
}

func TestFlowQueryAndChanges(t *testing.T) {
	h := ctScenario(t)
	v := h.View()
	ctx := context.Background()
	count := func(q stack.FlowQuery) int {
		n := 0
		_ = v.Flows(ctx, q, func(*stack.Flow) error { n++; return nil })
		return n
	}
	if got := count(stack.FlowQuery{Family: 10}); got != 1 {
		t.Errorf("IPv6 flows %d, want 1", got)
	}
	if got := count(stack.FlowQuery{Status: stack.IPSAssured}); got != 2 {
		t.Errorf("assured flows %d, want 2 (TCP, UDP stream)", got)
	}
	tcpQ := stack.FlowQuery{Orig: stack.FlowTuple{Proto: protoTCP, DstPort: 80}, OrigFields: stack.TupleProto | stack.TupleDstPort, ZeroCounters: true}
	if got := count(tcpQ); got != 1 {
		t.Fatalf("tcp dport 80: %d flows", got)
	}
	got, err := v.GetFlow(ctx, &stack.Flow{Has: stack.FlowHasOrig, Orig: stack.FlowTuple{Src: ctClient, Dst: ctServer, Proto: protoTCP, SrcPort: 40000, DstPort: 80}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Counters[0].Packets != 0 {
		t.Errorf("counters not zeroed by the -z dump: %+v", got.Counters)
	}
	got.Mark = 9
	got.Has = stack.FlowHasOrig | stack.FlowHasMark
	if err := v.UpdateFlow(ctx, got); err != nil {
		t.Fatal(err)
	}
	if count(stack.FlowQuery{HasMark: true, Mark: 9, MarkMask: ^uint32(0)}) != 1 {
		t.Error("updated mark not found")
	}
	if err := v.DeleteFlow(ctx, got); err != nil {
		t.Fatal(err)
	}
	if _, err := v.GetFlow(ctx, got); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("get after delete: %v, want ENOENT", err)
	}
	f := &stack.Flow{Has: stack.FlowHasOrig | stack.FlowHasReply | stack.FlowHasTimeout, Timeout: 50,
		Orig:  stack.FlowTuple{Src: ctClient, Dst: ctServer, Proto: protoUDP, SrcPort: 1, DstPort: 2},
		Reply: stack.FlowTuple{Src: ctServer, Dst: ctClient, Proto: protoUDP, SrcPort: 2, DstPort: 1}}
	if err := v.CreateFlow(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := v.CreateFlow(ctx, f); !errors.Is(err, syscall.EEXIST) {
		t.Errorf("second create: %v, want EEXIST", err)
	}
	if err := v.FlushFlows(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if c, _ := v.FlowCount(ctx); c.Entries != 1 {
		t.Errorf("%d entries after flushing IPv4, want 1", c.Entries)
	}
	if _, err := v.GetExpectation(ctx, &stack.Expectation{}); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("expectation: %v", err)
	}
	if err := v.CreateExpectation(ctx, &stack.Expectation{}); !errors.Is(err, syscall.EOPNOTSUPP) {
		t.Errorf("create expectation: %v", err)
	}
	es, _ := v.ExpectationStats(ctx)
	if len(es) != 1 || len(es[0].Counters) != 3 {
		t.Errorf("expectation stats %+v", es)
	}
}

func TestConntrackNoAllocSteadyState(t *testing.T) {
	h := ctHost(t)
	ctPass(h, ctSeg(h, true, tcpSYN, 1, 0, 0))
	ctPass(h, ctSeg(h, false, tcpSYN|tcpACK, 1, 2, 0))
	ctPass(h, ctSeg(h, true, tcpACK, 2, 2, 0))
	seq := uint32(2)
	allocs := testing.AllocsPerRun(100, func() {
		ctPass(h, ctSeg(h, true, tcpACK, seq, 2, 1000))
		seq += 1000
		ctPass(h, ctSeg(h, false, tcpACK, 2, seq, 0))
	})
	if allocs != 0 {
		t.Errorf("%v allocations per packet pair, want 0", allocs)
	}
}

func BenchmarkConntrackPacket(b *testing.B) {
	n := New(1)
	h := n.AddHost("fw")
	h.addInterface("eth0", []netip.Prefix{netip.MustParsePrefix("10.0.0.1/24")}, 1500, 1000)
	h.EnableConntrack()
	if err := h.AddRules("INPUT", "-m conntrack --ctstate ESTABLISHED -j ACCEPT", "-p tcp --dport 22 -j DROP"); err != nil {
		b.Fatal(err)
	}
	ctPass(h, ctSeg(h, true, tcpSYN, 1, 0, 0))
	ctPass(h, ctSeg(h, false, tcpSYN|tcpACK, 1, 2, 0))
	seq := uint32(2)
	b.ReportAllocs()
	for b.Loop() {
		ctPass(h, ctSeg(h, true, tcpACK, seq, 2, 1000))
		seq += 1000
	}
}
