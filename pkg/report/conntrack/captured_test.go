package conntrack

import (
	"bytes"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stackbox/stackbox/pkg/stack"
)

// The expected strings in this file were captured from conntrack 1.4.7
// (libnetfilter_conntrack 1.0.9) in a test namespace, TZ=UTC:
// conntrack -E (with -o timestamp,extended,id / -o xml / -o xml,timestamp)
// listening while conntrack -I/-U/-D changed a flow; conntrack -L expect
// (-o xml, -o timestamp) with an FTP helper's expectation made by real
// loopback traffic (nft ct helper "ftp", a PORT command); conntrack -S
// and -S expect. The Flow values are those lines' fields.

var a4 = netip.MustParseAddr

func synSent() *stack.Flow {
	return &stack.Flow{
		Family: afInet,
		Has: stack.FlowHasOrig | stack.FlowHasReply | stack.FlowHasTimeout | stack.FlowHasProtoState |
			stack.FlowHasStatus | stack.FlowHasMark | stack.FlowHasID,
		Orig:       stack.FlowTuple{Src: a4("10.1.0.1"), Dst: a4("10.1.0.2"), Proto: protoTCP, SrcPort: 1, DstPort: 2},
		Reply:      stack.FlowTuple{Src: a4("10.1.0.2"), Dst: a4("10.1.0.1"), Proto: protoTCP, SrcPort: 2, DstPort: 1},
		Timeout:    50,
		ProtoState: 1,
		Status:     stack.IPSConfirmed,
		ID:         1275540407,
	}
}

func TestEventsCaptured(t *testing.T) {
	when := time.Unix(1795618676, 79942000).UTC()
	newEv := &stack.FlowEvent{Type: stack.FlowEventNew, Time: when, Flow: synSent(), PortID: 2994}
	upd := synSent()
	upd.Timeout, upd.Mark = 49, 5
	updEv := &stack.FlowEvent{Type: stack.FlowEventUpdate, Time: when, Flow: upd, PortID: 4238521713, Program: "conntrack"}
	// A destroy of an expired ICMPv6 flow: no timeout, mark or use.
	icmp6 := &stack.Flow{
		Family: afInet6,
		Has:    stack.FlowHasOrig | stack.FlowHasReply | stack.FlowHasStatus | stack.FlowHasCounters | stack.FlowHasTimestamp | stack.FlowHasID,
		Orig:   stack.FlowTuple{Src: a4("2001:db8::1"), Dst: a4("::1"), Proto: protoICMPv6, ICMPType: 128, ICMPID: 9},
		Reply:  stack.FlowTuple{Src: a4("::1"), Dst: a4("2001:db8::1"), Proto: protoICMPv6, ICMPType: 129, ICMPID: 9},
		Status: stack.IPSConfirmed,
		Start:  1795618642823749315,
		Stop:   1795618672900000000,
		ID:     3222602853,
	}
	delEv := &stack.FlowEvent{Type: stack.FlowEventDestroy, Time: when, Flow: icmp6}
	tests := []struct {
		name string
		out  Output
		evs  []*stack.FlowEvent
		want string
	}{
		{"plain", 0, []*stack.FlowEvent{newEv, updEv, delEv},
			"    [NEW] tcp      6 50 SYN_SENT src=10.1.0.1 dst=10.1.0.2 sport=1 dport=2 [UNREPLIED] src=10.1.0.2 dst=10.1.0.1 sport=2 dport=1 mark=0 [USERSPACE] portid=2994\n" +
				" [UPDATE] tcp      6 49 SYN_SENT src=10.1.0.1 dst=10.1.0.2 sport=1 dport=2 [UNREPLIED] src=10.1.0.2 dst=10.1.0.1 sport=2 dport=1 mark=5 [USERSPACE] portid=4238521713 progname=conntrack\n" +
				"[DESTROY] icmpv6   58 src=2001:db8::1 dst=::1 type=128 code=0 id=9 packets=0 bytes=0 [UNREPLIED] src=::1 dst=2001:db8::1 type=129 code=0 id=9 packets=0 bytes=0 delta-time=30\n"},
		{"timestamp,extended,id", Timestamp | Extended | ShowID, []*stack.FlowEvent{newEv, delEv},
			"[1795618676.079942]\t    [NEW] ipv4     2 tcp      6 50 SYN_SENT src=10.1.0.1 dst=10.1.0.2 sport=1 dport=2 [UNREPLIED] src=10.1.0.2 dst=10.1.0.1 sport=2 dport=1 mark=0 id=1275540407 [USERSPACE] portid=2994\n" +
				"[1795618676.079942]\t[DESTROY] ipv6     10 icmpv6   58 src=2001:db8::1 dst=::1 type=128 code=0 id=9 packets=0 bytes=0 [UNREPLIED] src=::1 dst=2001:db8::1 type=129 code=0 id=9 packets=0 bytes=0 delta-time=30 id=3222602853\n"},
		{"ktimestamp", KTimestamp, []*stack.FlowEvent{delEv},
			"[DESTROY] icmpv6   58 src=2001:db8::1 dst=::1 type=128 code=0 id=9 packets=0 bytes=0 [UNREPLIED] src=::1 dst=2001:db8::1 type=129 code=0 id=9 packets=0 bytes=0 delta-time=30 [start=Wed Nov 25 14:57:22 2026] [stop=Wed Nov 25 14:57:52 2026]\n"},
		{"xml", XML, []*stack.FlowEvent{newEv, delEv},
			"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n" +
				`<flow type="new"><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.1</src><dst>10.1.0.2</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>1</sport><dport>2</dport></layer4></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.2</src><dst>10.1.0.1</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>2</sport><dport>1</dport></layer4></meta><meta direction="independent"><state>SYN_SENT</state><timeout>50</timeout><mark>0</mark><id>1275540407</id><unreplied/></meta></flow> [USERSPACE] portid=2994` + "\n" +
				`<flow type="destroy"><meta direction="original"><layer3 protonum="10" protoname="ipv6"><src>2001:db8::1</src><dst>::1</dst></layer3><layer4 protonum="58" protoname="icmpv6"></layer4><counters><packets>0</packets><bytes>0</bytes></counters></meta><meta direction="reply"><layer3 protonum="10" protoname="ipv6"><src>::1</src><dst>2001:db8::1</dst></layer3><layer4 protonum="58" protoname="icmpv6"></layer4><counters><packets>0</packets><bytes>0</bytes></counters></meta><meta direction="independent"><id>3222602853</id><unreplied/><deltatime>30</deltatime></meta></flow>` + "\n" +
				"</conntrack>\n"},
		{"xml,timestamp", XML | Timestamp, []*stack.FlowEvent{{Type: stack.FlowEventNew, Time: time.Unix(1795618676, 0), Flow: synSent(), PortID: 2994}},
			"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<conntrack>\n" +
				`<flow type="new"><meta direction="original"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.1</src><dst>10.1.0.2</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>1</sport><dport>2</dport></layer4></meta><meta direction="reply"><layer3 protonum="2" protoname="ipv4"><src>10.1.0.2</src><dst>10.1.0.1</dst></layer3><layer4 protonum="6" protoname="tcp"><sport>2</sport><dport>1</dport></layer4></meta><meta direction="independent"><state>SYN_SENT</state><timeout>50</timeout><mark>0</mark><id>1275540407</id><unreplied/></meta><when><hour>14</hour><min>57</min><sec>56</sec><wday>4</wday><day>25</day><month>11</month><year>2026</year></when></flow> [USERSPACE] portid=2994` + "\n" +
				"</conntrack>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := &Printer{W: &buf, Output: tt.out, Location: time.UTC}
			_ = p.Begin()
			for _, ev := range tt.evs {
				if err := p.Event(ev); err != nil {
					t.Fatal(err)
				}
			}
			_ = p.End()
			if diff := cmp.Diff(tt.want, buf.String()); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func ftpExpectation() *stack.Expectation {
	return &stack.Expectation{
		Family:  afInet,
		Tuple:   stack.FlowTuple{Src: a4("127.0.0.1"), Dst: a4("127.0.0.1"), Proto: protoTCP, DstPort: 10000},
		Mask:    stack.FlowTuple{Src: a4("255.255.255.255"), Dst: a4("255.255.255.255"), Proto: protoTCP, DstPort: 65535},
		Master:  stack.FlowTuple{Src: a4("127.0.0.1"), Dst: a4("127.0.0.1"), Proto: protoTCP, SrcPort: 58152, DstPort: 2121},
		Timeout: 298,
		ID:      1,
		Helper:  "ftp",
		Has:     stack.ExpectHasTimeout | stack.ExpectHasID | stack.ExpectHasFlags | stack.ExpectHasClass | stack.ExpectHasHelper,
	}
}

func TestExpectationCaptured(t *testing.T) {
	const line = "298 proto=6 src=127.0.0.1 dst=127.0.0.1 sport=0 dport=10000 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=127.0.0.1 master-dst=127.0.0.1 sport=58152 dport=2121 class=0 helper=ftp"
	tests := []struct {
		name string
		out  Output
		want string
	}{
		{"plain", 0, line + "\n"},
		{"extended,id,timestamp", Extended | ShowID | Timestamp, "[1795618784.168813]\t" + line + "\n"},
		{"xml", XML, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<expect>\n" +
			`<flow><layer3 protonum="2" protoname="ipv4"><expected><src>127.0.0.1</src><dst>127.0.0.1</dst></expected><mask><src>255.255.255.255</src><dst>255.255.255.255</dst></mask><master><src>127.0.0.1</src><dst>127.0.0.1</dst></master></layer3><layer4 protonum="6" protoname="tcp"><expected><sport>0</sport><dport>10000</dport></expected><mask><sport>0</sport><dport>65535</dport></mask><master><sport>58152</sport><dport>2121</dport></master></layer4><meta><helper-name>ftp</helper-name><timeout>298</timeout><class>0</class></meta></flow>` +
			"\n</expect>\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			p := &Printer{W: &buf, Output: tt.out, Now: func() time.Time { return time.Unix(1795618784, 168813000) }}
			_ = p.Begin()
			if err := p.Expectation(ftpExpectation()); err != nil {
				t.Fatal(err)
			}
			_ = p.End()
			if diff := cmp.Diff(tt.want, buf.String()); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
	// Flags, zone and an event (from the libnetfilter_conntrack source:
	// flags joined by commas, then a space).
	e := ftpExpectation()
	e.Flags = expectPermanent | expectUserspace
	e.Zone = 3
	e.Has |= stack.ExpectHasZone
	var buf bytes.Buffer
	p := &Printer{W: &buf}
	if err := p.ExpectationEvent(&stack.FlowEvent{Type: stack.FlowEventNew, Expectation: e}); err != nil {
		t.Fatal(err)
	}
	want := "    [NEW] 298 proto=6 src=127.0.0.1 dst=127.0.0.1 sport=0 dport=10000 mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 master-src=127.0.0.1 master-dst=127.0.0.1 sport=58152 dport=2121 zone=3 PERMANENT,USERSPACE class=0 helper=ftp\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestStatsCaptured(t *testing.T) {
	names := []string{"found", "invalid", "insert", "insert_failed", "drop", "early_drop", "error", "search_restart", "clash_resolve", "chaintoolong"}
	mk := func(cpu int, vals ...uint64) stack.FlowCPUStats {
		s := stack.FlowCPUStats{CPU: cpu}
		for i, v := range vals {
			s.Counters = append(s.Counters, stack.Counter{Name: names[i], Value: v})
		}
		return s
	}
	var buf bytes.Buffer
	if err := WriteStats(&buf, []stack.FlowCPUStats{mk(0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0), mk(1, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	want := "cpu=0   \tfound=0 invalid=0 insert=9 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0 \n" +
		"cpu=1   \tfound=0 invalid=0 insert=6 insert_failed=0 drop=0 early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0 \n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("-S (-want +got)\n%s", diff)
	}
	buf.Reset()
	exp := []stack.FlowCPUStats{{CPU: 0, Counters: []stack.Counter{{Name: "expect_new"}, {Name: "expect_create", Value: 2}, {Name: "expect_delete", Value: 1}}}}
	if err := WriteExpectStats(&buf, exp); err != nil {
		t.Fatal(err)
	}
	if want := "cpu=0   \texpect_new=0 expect_create=2 expect_delete=1 \n"; buf.String() != want {
		t.Errorf("-S expect: got %q, want %q", buf.String(), want)
	}
}

func TestXMLEmptyListing(t *testing.T) {
	// conntrack -L -o xml on an empty table prints nothing at all.
	var buf bytes.Buffer
	p := &Printer{W: &buf, Output: XML}
	_ = p.Begin()
	_ = p.End()
	if buf.Len() != 0 {
		t.Errorf("got %q", buf.String())
	}
}

func TestLabels(t *testing.T) {
	names, err := LoadLabelNames(strings.NewReader("# comment\n0 zero\n1\tone  \n0x5 five\n010 eight\n2 two words\n3 bad;name\n5 dup-bit\n6 one\n-0 again\n1024 toolarge\nx nonum\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"zero", "one", "two words", "", "", "five", "", "", "eight"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Fatalf("names (-want +got)\n%s", diff)
	}
	f := synSent()
	f.Has |= stack.FlowHasLabels
	f.Labels = []byte{0b100011, 0, 0, 0} // bits 0, 1, 5
	var buf bytes.Buffer
	p := &Printer{W: &buf, Output: Labels, LabelNames: names}
	_ = p.Flow(f)
	if got := buf.String(); !strings.HasSuffix(got, " mark=0 labels=zero,one,five\n") {
		t.Errorf("got %q", got)
	}
	// No bit has a name: libnetfilter_conntrack prints "labels" (it
	// drops the last character, here the '=').
	buf.Reset()
	f.Labels = []byte{0, 0, 0, 0x80}
	_ = p.Flow(f)
	if got := buf.String(); !strings.HasSuffix(got, " mark=0 labels\n") {
		t.Errorf("got %q", got)
	}
	buf.Reset()
	p.Output = XML | Labels
	f.Labels = []byte{0b11}
	_ = p.Flow(f)
	if got := buf.String(); !strings.Contains(got, "<mark>0</mark><labels><label>zero</label><label>one</label></labels><id>") {
		t.Errorf("got %q", got)
	}
	if n, _ := LoadLabelNames(strings.NewReader("# nothing\n")); n != nil {
		t.Errorf("empty file: %q", n)
	}
}

func FuzzLoadLabelNames(f *testing.F) {
	f.Add([]byte("0 zero\n1 one\n0x10 sixteen\n# c\n"))
	f.Add([]byte("\x000 a\n  07 b \r\n-1 c\n99999999999999999999999 d\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		names, err := LoadLabelNames(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(names) > maxLabelBits {
			t.Fatalf("%d names", len(names))
		}
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" {
				continue
			}
			if !labelSane(n) || seen[n] || n[0] == ' ' || n[len(n)-1] == ' ' {
				t.Fatalf("bad name %q", n)
			}
			seen[n] = true
		}
		if len(names) > 0 && names[len(names)-1] == "" {
			t.Fatal("trailing empty name")
		}
	})
}

func TestJSONAndSummary(t *testing.T) {
	f := synSent()
	f.Has |= stack.FlowHasCounters | stack.FlowHasTimestamp | stack.FlowHasZone
	f.Zone = 2
	f.Counters = [2]stack.FlowCounter{{Packets: 1, Bytes: 60}, {}}
	f.Start = 1795618676000000000
	var buf bytes.Buffer
	p := &Printer{W: &buf, Output: JSON, Now: func() time.Time { return time.Unix(1795618686, 0) }}
	_ = p.Flow(f)
	want := `{"family":"ipv4","proto":"tcp","protonum":6,"state":"SYN_SENT","timeout":50,"orig":{"src":"10.1.0.1","dst":"10.1.0.2","sport":1,"dport":2,"packets":1,"bytes":60},"reply":{"src":"10.1.0.2","dst":"10.1.0.1","sport":2,"dport":1,"packets":0,"bytes":0},"status":["CONFIRMED"],"mark":0,"zone":2,"id":1275540407,"start":"2026-11-25T14:57:56Z","delta_time":10}` + "\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	s := NewSummary()
	for i := 0; i < 3; i++ {
		s.Add(f)
	}
	g := synSent()
	g.Orig.Proto, g.Has = protoUDP, g.Has&^stack.FlowHasProtoState
	s.Add(g)
	buf.Reset()
	_ = s.Write(&buf, false)
	wantText := "FLOWS  FAMILY  PROTO  STATE     DPORT  PACKETS  BYTES\n" +
		"    3  ipv4    tcp    SYN_SENT      2        3    180\n" +
		"    1  ipv4    udp    -             2        0      0\n" +
		"total: 4 flows\n"
	if diff := cmp.Diff(wantText, buf.String()); diff != "" {
		t.Errorf("summary (-want +got)\n%s", diff)
	}
}

func BenchmarkFlow(b *testing.B) {
	f := synSent()
	f.Has |= stack.FlowHasCounters | stack.FlowHasTimestamp | stack.FlowHasUse
	f.Counters = [2]stack.FlowCounter{{Packets: 123, Bytes: 45678}, {Packets: 99, Bytes: 1234567}}
	f.Start, f.Use = 1795618676000000000, 1
	f6 := synSent()
	f6.Family = afInet6
	f6.Orig.Src, f6.Orig.Dst = a4("2001:db8::1"), a4("2001:db8::2")
	f6.Reply.Src, f6.Reply.Dst = f6.Orig.Dst, f6.Orig.Src
	now := time.Unix(1795618686, 0)
	for _, bc := range []struct {
		name string
		out  Output
		f    *stack.Flow
	}{{"text", 0, f}, {"text6", 0, f6}, {"extended-id-ktimestamp", Extended | ShowID | KTimestamp, f}, {"xml", XML, f}, {"json", JSON, f}} {
		b.Run(bc.name, func(b *testing.B) {
			p := &Printer{W: io.Discard, Output: bc.out, Now: func() time.Time { return now }, Location: time.UTC}
			b.ReportAllocs()
			for b.Loop() {
				_ = p.Flow(bc.f)
			}
		})
	}
}
