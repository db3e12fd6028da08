package kernel

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stackbox/stackbox/internal/testns"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/ti-mo/conntrack"
	"golang.org/x/sys/unix"
)

// ctNamespace makes a namespace holding a few flows inserted with
// conntrack-tools, and returns it with a Kernel looking into it.
func ctNamespace(t *testing.T) (*testns.NS, *Kernel) {
	t.Helper()
	testns.RequireRoot(t)
	testns.RequireTool(t, "conntrack")
	ns := testns.New(t)
	for _, args := range [][]string{
		{"-I", "-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1000", "--dport", "80",
			"--state", "ESTABLISHED", "-t", "1000", "-u", "SEEN_REPLY,ASSURED", "-m", "5"},
		{"-I", "-p", "udp", "-s", "10.0.0.1", "-d", "10.0.0.3", "--sport", "1001", "--dport", "53", "-t", "1000"},
		{"-I", "-p", "tcp", "-s", "2001:db8::1", "-d", "2001:db8::2", "--sport", "40000",
			"--dport", "443", "--state", "SYN_SENT", "-t", "1000", "-w", "7"},
	} {
		ns.Run("conntrack", args...)
	}
	k := New(ns.Name)
	t.Cleanup(func() { k.CloseFlows() })
	return ns, k
}

// within fails the test when fn does not return in time: with
// mdlayher/netlink v1.10.0 to v1.11.2 single-reply ctnetlink requests
// (the library's Get and StatsGlobal) never return.
func within(t *testing.T, what string, fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not return within 10 s (the netlink receive loop hangs; see the mdlayher/netlink pin in ARCHITECTURE.md)", what)
	}
}

func TestConntrackGetAndStatsReturn(t *testing.T) {
	ns, k := ctNamespace(t)
	ctx := context.Background()
	tcp := stack.Flow{Has: stack.FlowHasOrig, Orig: stack.FlowTuple{
		Src: netip.MustParseAddr("10.0.0.1"), Dst: netip.MustParseAddr("10.0.0.2"),
		Proto: unix.IPPROTO_TCP, SrcPort: 1000, DstPort: 80,
	}}
	within(t, "GetFlow", func() error {
		f, err := k.GetFlow(ctx, &tcp)
		if err != nil {
			return err
		}
		if f.Mark != 5 || f.Status&stack.IPSAssured == 0 || f.Reply.SrcPort != 80 {
			t.Errorf("GetFlow = %+v", f)
		}
		return nil
	})
	within(t, "FlowCount", func() error {
		n, err := k.FlowCount(ctx)
		if err == nil && n.Entries != 3 {
			t.Errorf("FlowCount = %+v, want 3 entries", n)
		}
		return err
	})
	// The library's own single-reply requests, on a socket in the namespace.
	var c *conntrack.Conn
	if err := ns.Do(func() error {
		var err error
		c, err = conntrack.Dial(nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	within(t, "conntrack.Conn.Get", func() error {
		f, err := c.Get(conntrack.NewFlow(unix.IPPROTO_TCP, 0, tcp.Orig.Src, tcp.Orig.Dst, 1000, 80, 0, 0))
		if err == nil && f.Mark != 5 {
			t.Errorf("library Get: mark %d, want 5", f.Mark)
		}
		return err
	})
	within(t, "conntrack.Conn.StatsGlobal", func() error {
		sg, err := c.StatsGlobal()
		if err == nil && sg.Entries != 3 {
			t.Errorf("library StatsGlobal: %d entries, want 3", sg.Entries)
		}
		return err
	})
}

func TestConntrackDumpAndFilters(t *testing.T) {
	_, k := ctNamespace(t)
	ctx := context.Background()
	list := func(q stack.FlowQuery) []string {
		var out []string
		err := k.Flows(ctx, q, func(f *stack.Flow) error {
			out = append(out, f.Orig.Dst.String())
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := list(stack.FlowQuery{}); len(got) != 3 {
		t.Errorf("all flows: %v", got)
	}
	if got := list(stack.FlowQuery{Family: unix.AF_INET6}); len(got) != 1 || got[0] != "2001:db8::2" {
		t.Errorf("IPv6 flows: %v", got)
	}
	if got := list(stack.FlowQuery{HasMark: true, Mark: 5, MarkMask: 0xffffffff}); len(got) != 1 || got[0] != "10.0.0.2" {
		t.Errorf("mark 5: %v", got)
	}
	if got := list(stack.FlowQuery{HasZone: true, Zone: 7}); len(got) != 1 || got[0] != "2001:db8::2" {
		t.Errorf("zone 7: %v", got)
	}
	if got := list(stack.FlowQuery{Status: stack.IPSAssured}); len(got) != 1 || got[0] != "10.0.0.2" {
		t.Errorf("assured: %v", got)
	}
	v4 := func(s string) netip.Addr { return netip.MustParseAddr(s) }
	tuple := []struct {
		q    stack.FlowQuery
		want []string
		sent int // flows the kernel sends
	}{
		{stack.FlowQuery{OrigFields: stack.TupleDst, Orig: stack.FlowTuple{Dst: v4("10.0.0.3")}}, []string{"10.0.0.3"}, 1},
		{stack.FlowQuery{OrigFields: stack.TupleSrc, Orig: stack.FlowTuple{Src: v4("10.0.0.1")}}, []string{"10.0.0.2", "10.0.0.3"}, 2},
		{stack.FlowQuery{Family: unix.AF_INET6, OrigFields: stack.TupleProto | stack.TupleDstPort, Orig: stack.FlowTuple{Proto: 6, DstPort: 443}}, []string{"2001:db8::2"}, 1},
		// Without a family, the kernel cannot filter tuples.
		{stack.FlowQuery{OrigFields: stack.TupleProto | stack.TupleDstPort, Orig: stack.FlowTuple{Proto: 6, DstPort: 443}}, []string{"2001:db8::2"}, 3},
		{stack.FlowQuery{ReplyFields: stack.TupleProto | stack.TupleSrcPort, Reply: stack.FlowTuple{Proto: 17, SrcPort: 53}, Family: unix.AF_INET}, []string{"10.0.0.3"}, 1},
		{stack.FlowQuery{ReplyFields: stack.TupleDst, Reply: stack.FlowTuple{Dst: v4("2001:db8::1")}}, []string{"2001:db8::2"}, 1},
		// IPv6 addresses are compared in user space (the kernel's
		// comparison is inverted); other fields still in the kernel.
		{stack.FlowQuery{ReplyFields: stack.TupleDst | stack.TupleProto | stack.TupleSrcPort,
			Reply: stack.FlowTuple{Dst: v4("2001:db8::99"), Proto: 6, SrcPort: 443}}, nil, 1},
		{stack.FlowQuery{OrigFields: stack.TupleProto | stack.TupleDstPort, Orig: stack.FlowTuple{Proto: 6, DstPort: 444}, Family: unix.AF_INET6}, nil, 0},
	}
	for _, c := range tuple {
		got := list(c.q)
		sort.Strings(got)
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("query %+v: %v, want %v", c.q, got, c.want)
		}
		// The kernel filtered them: the raw dump holds no others.
		if n := rawDumpCount(t, k, &c.q); n != c.sent {
			t.Errorf("query %+v: the kernel sent %d flows, want %d", c.q, n, c.sent)
		}
	}
	// An error from fn stops the dump.
	stop := errors.New("stop")
	n := 0
	if err := k.Flows(ctx, stack.FlowQuery{}, func(*stack.Flow) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("stopping a dump: err %v after %d flows", err, n)
	}
}

func TestConntrackChanges(t *testing.T) {
	ns, k := ctNamespace(t)
	ctx := context.Background()
	f := stack.Flow{
		Has: stack.FlowHasOrig | stack.FlowHasReply | stack.FlowHasTimeout | stack.FlowHasStatus |
			stack.FlowHasMark | stack.FlowHasProtoState,
		Orig: stack.FlowTuple{Src: netip.MustParseAddr("192.0.2.1"), Dst: netip.MustParseAddr("192.0.2.2"),
			Proto: unix.IPPROTO_TCP, SrcPort: 5555, DstPort: 22},
		Reply: stack.FlowTuple{Src: netip.MustParseAddr("192.0.2.2"), Dst: netip.MustParseAddr("192.0.2.1"),
			Proto: unix.IPPROTO_TCP, SrcPort: 22, DstPort: 5555},
		Timeout: 500, Status: stack.IPSConfirmed | stack.IPSSeenReply, Mark: 9, ProtoState: 3, // ESTABLISHED
	}
	if err := k.CreateFlow(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if err := k.CreateFlow(ctx, &f); !errors.Is(err, unix.EEXIST) {
		t.Errorf("creating it twice: %v, want EEXIST", err)
	}
	out := ns.Run("conntrack", "-L", "-p", "tcp", "--dport", "22")
	if !strings.Contains(out, "ESTABLISHED src=192.0.2.1 dst=192.0.2.2 sport=5555 dport=22") || !strings.Contains(out, "mark=9") {
		t.Errorf("conntrack -L after CreateFlow:\n%s", out)
	}
	// A mark of zero clears the mark.
	upd := stack.Flow{Has: stack.FlowHasOrig | stack.FlowHasMark, Orig: f.Orig, Mark: 0}
	if err := k.UpdateFlow(ctx, &upd); err != nil {
		t.Fatal(err)
	}
	if got, err := k.GetFlow(ctx, &upd); err != nil || got.Mark != 0 || got.Has&stack.FlowHasMark == 0 {
		t.Errorf("after clearing the mark: %+v, %v", got, err)
	}
	if err := k.DeleteFlow(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if _, err := k.GetFlow(ctx, &f); !errors.Is(err, unix.ENOENT) {
		t.Errorf("GetFlow after delete: %v, want ENOENT", err)
	}
	if err := k.DeleteFlow(ctx, &f); !errors.Is(err, unix.ENOENT) {
		t.Errorf("deleting it twice: %v, want ENOENT", err)
	}
	if err := k.FlushFlows(ctx, unix.AF_INET6); err != nil {
		t.Fatal(err)
	}
	if n, err := k.FlowCount(ctx); err != nil || n.Entries != 2 {
		t.Errorf("after flushing IPv6: %+v %v", n, err)
	}
	if err := k.FlushFlows(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if n, err := k.FlowCount(ctx); err != nil || n.Entries != 0 {
		t.Errorf("after flushing: %+v %v", n, err)
	}
	stats, err := k.FlowStats(ctx)
	if err != nil || len(stats) == 0 || len(stats[0].Counters) == 0 || stats[0].Counters[0].Name != "found" {
		t.Errorf("FlowStats = %+v, %v", stats, err)
	}
	exp, err := k.ExpectationStats(ctx)
	if err != nil || len(exp) != len(stats) || len(exp[0].Counters) != 3 || exp[0].Counters[0].Name != "expect_new" {
		t.Errorf("ExpectationStats = %+v, %v (want one per CPU, as FlowStats: %d)", exp, err, len(stats))
	}
}

func TestConntrackEvents(t *testing.T) {
	ns, k := ctNamespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ready := make(chan struct{})
	events := make(chan string, 16)
	errc := make(chan error, 1)
	go func() {
		errc <- k.FlowEvents(ctx, stack.FlowEventQuery{}, func(ev *stack.FlowEvent) error {
			if ev.Flow.Orig.DstPort == 7 {
				close(ready)
				return nil
			}
			events <- map[stack.FlowEventType]string{stack.FlowEventNew: "new", stack.FlowEventUpdate: "update",
				stack.FlowEventDestroy: "destroy"}[ev.Type] + " " + ev.Flow.Orig.Dst.String()
			return nil
		})
	}()
	// Poke until the listener sees a flow, so that it is subscribed.
	for i := 0; ; i++ {
		ns.Run("conntrack", "-I", "-p", "udp", "-s", "10.9.9.9", "-d", "10.9.9.8", "--sport", "1", "--dport", "7", "-t", "10")
		select {
		case <-ready:
		case <-time.After(200 * time.Millisecond):
			ns.Run("conntrack", "-D", "-p", "udp", "--dport", "7")
			if i > 20 {
				t.Fatal("no event reached the listener")
			}
			continue
		}
		break
	}
	ns.Run("conntrack", "-I", "-p", "udp", "-s", "10.1.1.1", "-d", "10.1.1.2", "--sport", "1", "--dport", "2", "-t", "10")
	ns.Run("conntrack", "-U", "-d", "10.1.1.2", "-m", "3")
	ns.Run("conntrack", "-D", "-d", "10.1.1.2")
	want := []string{"new 10.1.1.2", "update 10.1.1.2", "destroy 10.1.1.2"}
	for _, w := range want {
		select {
		case got := <-events:
			if got != w {
				t.Errorf("event %q, want %q", got, w)
			}
		case <-ctx.Done():
			t.Fatalf("no event %q", w)
		}
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("FlowEvents: %v", err)
	}
}

func TestConntrackEventOverrun(t *testing.T) {
	ns, k := ctNamespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	overruns := make(chan error, 1)
	blocked := make(chan struct{})
	release := make(chan struct{})
	go func() {
		q := stack.FlowEventQuery{
			BufferSize: 4096, // tiny: a burst overruns it
			OnOverrun: func(err error) error {
				select {
				case overruns <- err:
				default:
				}
				return nil
			},
		}
		first := true
		_ = k.FlowEvents(ctx, q, func(*stack.FlowEvent) error {
			if first {
				first = false
				close(blocked)
				<-release // fall behind while the burst arrives
			}
			return nil
		})
	}()
	var lines strings.Builder
	for i := range 300 {
		fmt.Fprintf(&lines, "-I -p udp -s 10.2.0.1 -d 10.2.1.1 --sport %d --dport 9 -t 100\n", 1000+i)
	}
	file := filepath.Join(t.TempDir(), "flows")
	if err := os.WriteFile(file, []byte(lines.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// Until the listener is subscribed, bursts go unseen: repeat them.
	for i := 0; ; i++ {
		ns.Run("conntrack", "-R", file)
		select {
		case <-blocked:
		case <-time.After(300 * time.Millisecond):
			if i > 20 {
				t.Fatal("no event reached the listener")
			}
			ns.Run("conntrack", "-F")
			continue
		}
		break
	}
	ns.Run("conntrack", "-F") // more events while the listener is stuck
	close(release)
	select {
	case err := <-overruns:
		if !errors.Is(err, unix.ENOBUFS) {
			t.Errorf("overrun error %v, want ENOBUFS", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a burst of 600 events into a 4 KiB buffer was not reported as an overrun")
	}
}

// rawDumpCount is the number of flows the kernel sends for q's dump
// request, before any filtering in user space.
func rawDumpCount(t *testing.T, k *Kernel, q *stack.FlowQuery) int {
	t.Helper()
	dc, err := k.dialCT(0)
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	n := 0
	err = dc.dump(context.Background(), dumpFlowsRequest(q), func(uint16, []byte) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestConntrackEventProgram(t *testing.T) {
	_, k := ctNamespace(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got := make(chan *stack.FlowEvent, 4)
	go func() {
		_ = k.FlowEvents(ctx, stack.FlowEventQuery{Types: stack.FlowEventNew}, func(ev *stack.FlowEvent) error {
			c := *ev
			got <- &c
			return nil
		})
	}()
	// This process creates flows until the listener reports one: the
	// event names this test binary.
	me := processName(os.Getpid())
	for i := 0; ; i++ {
		f := stack.Flow{Has: stack.FlowHasOrig | stack.FlowHasReply | stack.FlowHasTimeout | stack.FlowHasStatus,
			Orig:    stack.FlowTuple{Src: netip.MustParseAddr("10.7.0.1"), Dst: netip.MustParseAddr("10.7.0.2"), Proto: 17, SrcPort: uint16(1000 + i), DstPort: 9},
			Reply:   stack.FlowTuple{Src: netip.MustParseAddr("10.7.0.2"), Dst: netip.MustParseAddr("10.7.0.1"), Proto: 17, SrcPort: 9, DstPort: uint16(1000 + i)},
			Timeout: 30, Status: stack.IPSConfirmed}
		if err := k.CreateFlow(ctx, &f); err != nil {
			t.Fatal(err)
		}
		select {
		case ev := <-got:
			if ev.PortID == 0 || ev.Program != me {
				t.Errorf("event from this process: port %d program %q, want a port and %q", ev.PortID, ev.Program, me)
			}
			return
		case <-time.After(200 * time.Millisecond):
			if i > 20 {
				t.Fatal("no event reached the listener")
			}
		}
	}
}
