//go:build linux

package conntrack

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stackbox/stackbox/internal/testns"
	"github.com/stackbox/stackbox/pkg/stack"
)

// fillNamespace inserts flows of many kinds with conntrack -I and, when
// python3 and nft are there, makes real loopback traffic tracked through
// an nftables rule (counters, [ASSURED], helper=ftp). Counters and
// timestamps are on (namespace sysctls).
func fillNamespace(t *testing.T, ns *testns.NS) {
	t.Helper()
	ns.Run("sysctl", "-q", "-w", "net.netfilter.nf_conntrack_acct=1", "net.netfilter.nf_conntrack_timestamp=1")
	ins := [][]string{
		{"-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1000", "--dport", "80", "--state", "SYN_SENT", "-t", "100"},
		{"-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1001", "--dport", "80", "--state", "SYN_RECV", "-t", "100", "-m", "42"},
		{"-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1002", "--dport", "80", "--state", "ESTABLISHED", "-t", "1000", "-u", "SEEN_REPLY,ASSURED", "-m", "4294967295"},
		{"-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1003", "--dport", "80", "--state", "FIN_WAIT", "-t", "100", "-u", "SEEN_REPLY"},
		{"-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1004", "--dport", "80", "--state", "CLOSE_WAIT", "-t", "100", "-w", "7"},
		{"-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1005", "--dport", "80", "--state", "LAST_ACK", "-t", "100", "--orig-zone", "3"},
		{"-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1006", "--dport", "80", "--state", "TIME_WAIT", "-t", "100", "--reply-zone", "65535"},
		{"-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1007", "--dport", "80", "--state", "CLOSE", "-t", "100"},
		{"-p", "udp", "-s", "10.0.0.1", "-d", "10.0.0.3", "--sport", "53", "--dport", "5353", "-t", "30"},
		{"-p", "udp", "-s", "10.0.0.1", "-d", "10.0.0.3", "--sport", "54", "--dport", "5353", "-t", "30", "-u", "SEEN_REPLY,ASSURED"},
		{"-p", "icmp", "-s", "10.0.0.1", "-d", "10.0.0.3", "--icmp-type", "8", "--icmp-code", "0", "--icmp-id", "77", "-t", "30"},
		{"-p", "tcp", "-s", "2001:db8::1", "-d", "2001:db8::2", "--sport", "1000", "--dport", "443", "--state", "ESTABLISHED", "-t", "100", "-w", "5"},
		{"-p", "udp", "-s", "::ffff:10.1.2.3", "-d", "::1.2.3.4", "--sport", "1", "--dport", "2", "-t", "30"},
		{"-p", "icmpv6", "-s", "fe80::1", "-d", "ff02::1", "--icmpv6-type", "128", "--icmpv6-code", "0", "--icmpv6-id", "9", "-t", "30"},
		{"-p", "sctp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1", "--dport", "2", "--state", "ESTABLISHED", "-t", "30", "--orig-vtag", "5", "--reply-vtag", "6"},
		{"-p", "gre", "-s", "10.0.0.1", "-d", "10.0.0.2", "--srckey", "1", "--dstkey", "0xbeef", "-t", "30"},
		{"-p", "udplite", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1", "--dport", "2", "-t", "30"},
		{"-p", "99", "-s", "10.0.0.1", "-d", "10.0.0.9", "-t", "30"},
	}
	for _, a := range ins {
		ns.Run("conntrack", append([]string{"-I"}, a...)...)
	}
	if _, err := testns.LookTool("python3"); err != nil {
		t.Logf("no python3: no real traffic (%v)", err)
		return
	}
	if _, err := testns.LookTool("nft"); err != nil {
		t.Logf("no nft: no real traffic (%v)", err)
		return
	}
	ns.Run("nft", "add table inet sbt; add chain inet sbt out { type filter hook output priority 0; }; add rule inet sbt out ct state new counter")
	ns.Run("nft", `add ct helper inet sbt ftph { type "ftp" protocol tcp; }; add rule inet sbt out tcp dport 2121 ct helper set "ftph"`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	cmd := ns.Command(ctx, "python3", "-c", trafficScript)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.Start(cmd); err != nil {
		t.Fatal(err)
	}
	// The script prints a line once its connections are up, then waits.
	buf := make([]byte, 64)
	if n, err := out.Read(buf); err != nil || !strings.Contains(string(buf[:n]), "ready") {
		t.Fatalf("traffic script: %q %v", buf[:n], err)
	}
}

const trafficScript = `
import socket, struct, time, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 8080)); srv.listen(5)
c1 = socket.create_connection(("127.0.0.1", 8080)); a1, _ = srv.accept()
c1.sendall(b"hello"); a1.recv(10); a1.sendall(b"world!"); c1.recv(10)
c2 = socket.create_connection(("127.0.0.1", 8080)); a2, _ = srv.accept()
c2.sendall(b"x"); a2.recv(10); c2.close(); a2.close()
c3 = socket.create_connection(("127.0.0.1", 8080)); a3, _ = srv.accept()
c3.shutdown(socket.SHUT_WR); a3.recv(10)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 5000))
v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); v.bind(("127.0.0.1", 5001))
u.sendto(b"a", ("127.0.0.1", 5001)); d, addr = v.recvfrom(10); v.sendto(b"bb", addr); u.recvfrom(10)
u.sendto(b"c", ("127.0.0.1", 5001)); v.recvfrom(10); v.sendto(b"dd", ("127.0.0.1", 5000)); u.recvfrom(10)
u.sendto(b"z", ("127.0.0.1", 5999))
s6 = socket.socket(socket.AF_INET6); s6.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s6.bind(("::1", 8443)); s6.listen(5)
c6 = socket.create_connection(("::1", 8443)); a6, _ = s6.accept(); c6.sendall(b"hi6"); a6.recv(10)
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.sendto(b"q", ("::1", 5353))
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b)//2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
h = struct.pack("!BBHHH", 8, 0, 0, 4242, 1) + b"pingdata"
h = h[:2] + struct.pack("!H", csum(h)) + h[4:]
r.sendto(h, ("127.0.0.1", 0)); r.recv(100); r.recv(100)
f = socket.socket(); f.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); f.bind(("127.0.0.1", 2121)); f.listen(1)
fc = socket.create_connection(("127.0.0.1", 2121)); fa, _ = f.accept()
fa.sendall(b"220 hi\r\n"); fc.recv(100)
fc.sendall(b"USER a\r\n"); fa.recv(100); fa.sendall(b"331 ok\r\n"); fc.recv(100); time.sleep(0.1)
fc.sendall(b"PORT 127,0,0,1,39,16\r\n"); fa.recv(100); fa.sendall(b"200 ok\r\n"); fc.recv(100)
time.sleep(0.2)
print("ready", flush=True)
time.sleep(60)
`

// snapshot is one consistent capture: the flows conntrack listed as XML
// and the same table as text in several formats, all within one second
// of the wall clock (timeouts and delta-time move with it).
type snapshot struct {
	Now   int64                      `json:"now"`
	Flows []stack.Flow               `json:"flows"`
	Text  map[string]string          `json:"text"` // -o options -> output
	Opts  map[string]Output          `json:"opts"`
	XML   string                     `json:"-"`
	Extra map[string]json.RawMessage `json:"-"`
}

// captureVariants are the conntrack -L output options the self-check
// compares, with the Printer options for each.
var captureVariants = []struct {
	name string
	args []string
	out  Output
}{
	{"default", nil, 0},
	{"extended", []string{"-o", "extended"}, Extended},
	{"id-ktimestamp", []string{"-o", "extended,id,ktimestamp"}, Extended | ShowID | KTimestamp},
	{"xml", []string{"-o", "xml"}, XML},
	{"xml-ktimestamp", []string{"-o", "xml,ktimestamp,extended"}, XML | KTimestamp | Extended},
}

// takeSnapshot lists the table as XML (decoded into the flows) and
// then with the variant's options; only is the variant's name (all
// variants when "").
func takeSnapshot(t *testing.T, ns *testns.NS, only string) *snapshot {
	t.Helper()
	for try := 0; try < 8; try++ {
		t0 := time.Now()
		s := &snapshot{Now: t0.Unix(), Text: map[string]string{}, Opts: map[string]Output{}}
		s.XML = ns.Run("conntrack", "-L", "-o", "xml,ktimestamp")
		idText := ns.Run("conntrack", "-L", "-o", "id")
		for _, v := range captureVariants {
			if only != "" && v.name != only {
				continue
			}
			s.Text[v.name] = ns.Run("conntrack", append([]string{"-L"}, v.args...)...)
			s.Opts[v.name] = v.out
		}
		if time.Now().Unix() != t0.Unix() {
			continue // a second went by: timeouts may differ
		}
		flows, err := parseXMLFlows(s.XML, nil)
		if err != nil {
			t.Fatalf("parse conntrack xml: %v\n%s", err, s.XML)
		}
		if err := fillICMP(flows, idText); err != nil {
			t.Fatal(err)
		}
		s.Flows = flows
		return s
	}
	t.Fatal("could not list the table within one second")
	return nil
}

// render renders flows as Printer does for one variant.
func renderIn(flows []stack.Flow, out Output, now int64, loc *time.Location) string {
	var buf bytes.Buffer
	p := &Printer{W: &buf, Output: out, Now: func() time.Time { return time.Unix(now, 0) }, Location: loc}
	_ = p.Begin()
	for i := range flows {
		_ = p.Flow(&flows[i])
	}
	_ = p.End()
	return buf.String()
}

// TestRealConntrackSelfCheck lists a namespace's table with the real
// conntrack in XML, decodes it into stack.Flow values, renders them and
// compares with the real conntrack's text and XML, line for line.
func TestRealConntrackSelfCheck(t *testing.T) {
	testns.RequireRoot(t)
	testns.RequireTool(t, "conntrack")
	ns := testns.New(t)
	fillNamespace(t, ns)
	// The kernel's timeouts tick with jiffies, not with the wall clock,
	// so two listings a few milliseconds apart can differ by a second:
	// each variant is listed right after the XML and retried a few times
	// before a difference counts.
	for _, v := range captureVariants {
		var diff string
		for try := 0; try < 5; try++ {
			s := takeSnapshot(t, ns, v.name)
			if len(s.Flows) < 18 {
				t.Fatalf("only %d flows listed", len(s.Flows))
			}
			if diff = compareListing(s.Text[v.name], s.Flows, v.out, s.Now, time.Local); diff == "" {
				break
			}
		}
		if diff != "" {
			t.Errorf("conntrack -L %s: (-want +got)\n%s", strings.Join(v.args, " "), diff)
		}
	}
	if _, off := time.Now().Zone(); *update && off != 0 {
		t.Fatal("-update needs the machine in UTC (the capture's dates are local time)")
	}
	if *update {
		written := false
		for try := 0; try < 20 && !written; try++ {
			s := takeSnapshot(t, ns, "")
			ok := true
			for name, want := range s.Text {
				if diff := cmp.Diff(want, renderIn(s.Flows, s.Opts[name], s.Now, time.UTC)); diff != "" {
					t.Logf("capture try %d: %s differs (timeouts ticking?):\n%s", try, name, diff)
					ok = false
				}
			}
			if ok {
				writeSnapshot(t, s)
				written = true
			}
		}
		if !written {
			t.Error("no consistent capture to write")
		}
	}
}

// compareListing compares conntrack's listing want with the rendering
// of flows (decoded from a listing made a moment before, in the same
// dump order), line by line. The kernel's timeouts tick with jiffies,
// not with the wall clock, so a line that differs is rendered again with
// its timeout one or two seconds off before the difference counts.
func compareListing(want string, flows []stack.Flow, out Output, now int64, loc *time.Location) string {
	got := renderIn(flows, out, now, loc)
	wl := strings.Split(want, "\n")
	gl := strings.Split(got, "\n")
	if len(wl) != len(gl) {
		return cmp.Diff(want, got)
	}
	head := 0
	if out&XML != 0 {
		head = 2
	}
	var bad []string
	for i := range wl {
		if wl[i] == gl[i] {
			continue
		}
		k := i - head
		if k < 0 || k >= len(flows) {
			bad = append(bad, cmp.Diff(wl[i], gl[i]))
			continue
		}
		ok := false
		for _, d := range []int{-1, 1, -2, 2} {
			f := flows[k]
			f.Timeout = uint32(int(f.Timeout) + d)
			line := strings.TrimSuffix(renderIn([]stack.Flow{f}, out&^XML|out&XML, now, loc), "\n")
			if out&XML != 0 {
				line = strings.Split(line, "\n")[2]
			}
			if line == wl[i] {
				ok = true
				break
			}
		}
		if !ok {
			bad = append(bad, cmp.Diff(wl[i], gl[i]))
		}
	}
	return strings.Join(bad, "\n")
}

// sortedLines sorts the lines of s (the dump order is the table's hash
// order, the same for both, but sorting keeps the diff readable).
func sortedLines(s string) []string {
	l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	slices.Sort(l)
	return l
}

func writeSnapshot(t *testing.T, s *snapshot) {
	t.Helper()
	// Store the real output in UTC terms (the test machine's zone).
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "kernel-capture.json"), append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRealConntrackEvents listens with the real conntrack -E while flows
// are created, updated and destroyed, decodes its XML events and checks
// the rendering against its text events.
func TestRealConntrackEvents(t *testing.T) {
	testns.RequireRoot(t)
	testns.RequireTool(t, "conntrack")
	ns := testns.New(t)
	ns.Run("sysctl", "-q", "-w", "net.netfilter.nf_conntrack_acct=1", "net.netfilter.nf_conntrack_timestamp=1")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	listen := func(args ...string) (*exec.Cmd, *syncBuffer) {
		out := &syncBuffer{}
		cmd := ns.Command(ctx, "conntrack", append([]string{"-E"}, args...)...)
		cmd.Stdout = out
		if err := ns.Start(cmd); err != nil {
			t.Fatal(err)
		}
		return cmd, out
	}
	xc, xout := listen("-o", "xml")
	tc, tout := listen("-o", "extended,id")
	time.Sleep(300 * time.Millisecond)
	ops := [][]string{
		{"-I", "-p", "tcp", "-s", "10.1.0.1", "-d", "10.1.0.2", "--sport", "1", "--dport", "2", "--state", "SYN_SENT", "-t", "50"},
		{"-U", "-p", "tcp", "-s", "10.1.0.1", "-d", "10.1.0.2", "--sport", "1", "--dport", "2", "-m", "5"},
		{"-I", "-p", "udp", "-s", "2001:db8::1", "-d", "2001:db8::2", "--sport", "1", "--dport", "2", "-t", "50", "-u", "SEEN_REPLY"},
		{"-D", "-p", "tcp", "-s", "10.1.0.1", "-d", "10.1.0.2", "--sport", "1", "--dport", "2"},
		{"-D", "-p", "udp", "-s", "2001:db8::1"},
	}
	for _, op := range ops {
		ns.Run("conntrack", op...)
	}
	// Wait for both listeners to print every event (a loaded machine
	// may take a while to deliver the destroy events), at most 10 s.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		if strings.Count(xout.String(), "<flow ") >= len(ops) && strings.Count(tout.String(), "\n") >= len(ops) {
			break
		}
	}
	for _, c := range []*exec.Cmd{xc, tc} {
		_ = c.Process.Signal(os.Interrupt)
		_ = c.Wait()
	}
	xmlDoc := xout.String()
	text := tout.String()
	flows, err := parseXMLFlows(xmlDoc, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, xmlDoc)
	}
	types := xmlEventTypes(xmlDoc)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(flows) != 5 || len(lines) != 5 || len(types) != 5 {
		t.Fatalf("want 5 events, got %d xml %d text\n%s\n%s", len(flows), len(lines), xmlDoc, text)
	}
	var buf bytes.Buffer
	p := &Printer{W: &buf, Output: Extended | ShowID}
	for i := range flows {
		ev := &stack.FlowEvent{Type: types[i], Flow: &flows[i]}
		// The process that caused the event: take it from the text (a
		// decoder reads nlmsg_pid; the name comes from /proc).
		ev.PortID, ev.Program = userspaceOf(lines[i])
		if flows[i].Has&stack.FlowHasTimestamp != 0 {
			t.Fatalf("xml without ktimestamp has no start; got %+v", flows[i])
		}
		if err := p.Event(ev); err != nil {
			t.Fatal(err)
		}
	}
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	// delta-time needs the start time, which -o xml does not show: drop
	// it from the real lines of destroy events.
	for i := range lines {
		lines[i] = dropField(lines[i], "delta-time=")
	}
	if diff := cmp.Diff(lines, got); diff != "" {
		t.Errorf("conntrack -E -o extended,id: (-want +got)\n%s", diff)
	}
}

func xmlEventTypes(doc string) []stack.FlowEventType {
	var out []stack.FlowEventType
	for _, l := range strings.Split(doc, "\n") {
		switch {
		case strings.HasPrefix(l, `<flow type="new">`):
			out = append(out, stack.FlowEventNew)
		case strings.HasPrefix(l, `<flow type="update">`):
			out = append(out, stack.FlowEventUpdate)
		case strings.HasPrefix(l, `<flow type="destroy">`):
			out = append(out, stack.FlowEventDestroy)
		}
	}
	return out
}

func userspaceOf(line string) (uint32, string) {
	i := strings.Index(line, " [USERSPACE] portid=")
	if i < 0 {
		return 0, ""
	}
	var port uint32
	var prog string
	for _, tok := range strings.Fields(line[i:]) {
		k, v, _ := strings.Cut(tok, "=")
		switch k {
		case "portid":
			for _, c := range v {
				port = port*10 + uint32(c-'0')
			}
		case "progname":
			prog = v
		}
	}
	return port, prog
}

func dropField(line, prefix string) string {
	f := strings.Split(line, " ")
	out := f[:0]
	for _, x := range f {
		if !strings.HasPrefix(x, prefix) {
			out = append(out, x)
		}
	}
	return strings.Join(out, " ")
}

// syncBuffer is a bytes.Buffer a command writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
