package kernel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stackbox/stackbox/pkg/stack"
	"golang.org/x/sys/unix"
)

// counterTraffic moves some counters of k's namespace: a TCP connection
// over IPv4 loopback (and IPv6 where there is IPv6) carrying a few bytes
// each way, and UDP datagrams to a closed port, which bring back ICMP port
// unreachables (IcmpMsg, Udp NoPorts).
func counterTraffic(t testing.TB, k *Kernel) {
	t.Helper()
	inNS(t, k, func() error {
		for _, nw := range []string{"tcp4", "tcp6"} {
			addr := "127.0.0.1:0"
			if nw == "tcp6" {
				addr = "[::1]:0"
			}
			var lc net.ListenConfig
			lc.SetMultipathTCP(false)
			l, err := lc.Listen(context.Background(), nw, addr)
			if err != nil {
				if nw == "tcp6" {
					continue // no IPv6 here
				}
				return err
			}
			done := make(chan error, 1)
			go func() {
				c, err := l.Accept()
				if err == nil {
					_, err = io.Copy(c, c) // echo until the client closes
					c.Close()
				}
				done <- err
			}()
			c, err := net.Dial(nw, l.Addr().String())
			if err != nil {
				l.Close()
				return err
			}
			msg := []byte("counters")
			for i := 0; i < 3; i++ {
				if _, err := c.Write(msg); err == nil {
					_, err = io.ReadFull(c, msg)
				}
				if err != nil {
					c.Close()
					l.Close()
					return err
				}
			}
			c.Close()
			err = <-done
			l.Close()
			if err != nil {
				return err
			}
		}
		u, err := net.Dial("udp4", "127.0.0.1:9") // discard: nobody listens
		if err != nil {
			return err
		}
		defer u.Close()
		for i := 0; i < 2; i++ {
			_, _ = u.Write([]byte("x"))
			time.Sleep(5 * time.Millisecond)
		}
		return nil
	})
}

// TestCaptureCounterFiles rewrites testdata/proc/linux-X.Y from the
// running kernel: the counter files of a namespace with some traffic and
// softnet_stat. Run it with -capture (as root), then -update.
func TestCaptureCounterFiles(t *testing.T) {
	if !*capture {
		t.Skip("rewrites testdata from this kernel; run with -capture")
	}
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^\d+\.\d+`).FindString(unix.ByteSliceToString(uts.Release[:]))
	if m == "" {
		t.Fatalf("cannot read the kernel release %q", uts.Release[:])
	}
	dir := filepath.Join("testdata", "proc", "linux-"+m)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	k := testNS(t)
	counterTraffic(t, k)
	inNS(t, k, func() error {
		for _, f := range []struct{ proc, file string }{
			{"snmp", "snmp"}, {"snmp6", "snmp6"}, {"netstat", "netstat"},
			{"sctp/snmp", "sctp_snmp"}, {"softnet_stat", "softnet_stat"},
		} {
			b, err := os.ReadFile(procNetPath(f.proc))
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, f.file), b, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}

// nstatList runs nstat in k's namespace with args and a history file of
// the test's own, and returns the counters it printed, in order.
func nstatList(t *testing.T, k *Kernel, args ...string) []stack.Counter {
	t.Helper()
	nstat := lookTool(t, "nstat")
	ip := lookTool(t, "ip")
	cmd := exec.Command(ip, append([]string{"netns", "exec", k.NetNS, nstat}, args...)...)
	cmd.Env = append(os.Environ(), "NSTAT_HISTORY="+filepath.Join(t.TempDir(), "history"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("nstat %s: %v", strings.Join(args, " "), err)
	}
	if bytes.HasPrefix(bytes.TrimSpace(out), []byte("{")) {
		return nstatJSON(t, out)
	}
	return nstatText(t, out)
}

// nstatText reads nstat's text output: "#kernel", then a counter a line.
func nstatText(t *testing.T, out []byte) []stack.Counter {
	t.Helper()
	var list []stack.Counter
	for i, line := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if i == 0 {
			if line != "#kernel" {
				t.Fatalf("nstat output starts with %q, not #kernel", line)
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			t.Fatalf("nstat output line %q", line)
		}
		v, ok := parseCounterValue([]byte(f[1]))
		if !ok {
			t.Fatalf("nstat output line %q", line)
		}
		list = append(list, stack.Counter{Name: f[0], Value: v})
	}
	return list
}

// nstatJSON reads nstat's JSON output, {"kernel":{"Name":value,...}},
// keeping the order of the keys.
func nstatJSON(t *testing.T, out []byte) []stack.Counter {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(out))
	d.UseNumber()
	want := func(tok json.Token) {
		t.Helper()
		got, err := d.Token()
		if err != nil || got != tok {
			t.Fatalf("nstat JSON: %v %v, want %v", got, err, tok)
		}
	}
	want(json.Delim('{'))
	want("kernel")
	want(json.Delim('{'))
	var list []stack.Counter
	for d.More() {
		name, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		num, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		n, ok := num.(json.Number)
		v, ok2 := parseCounterValue([]byte(n))
		if !ok || !ok2 {
			t.Fatalf("nstat JSON: %v: %v", name, num)
		}
		list = append(list, stack.Counter{Name: name.(string), Value: v})
	}
	want(json.Delim('}'))
	want(json.Delim('}'))
	return list
}

func counterNames(list []stack.Counter) []string {
	names := make([]string, len(list))
	for i, c := range list {
		names[i] = c.Name
	}
	return names
}

// TestCountersMatchNstat compares Counters in a fresh namespace that
// carried some traffic with what the installed nstat prints there: the
// same names in the same order, and each value between the ones read
// before and after nstat (the counters only grow).
func TestCountersMatchNstat(t *testing.T) {
	k := testNS(t)
	lookTool(t, "nstat")
	counterTraffic(t, k)
	ctx := context.Background()
	for _, args := range [][]string{{"-asz"}, {"-asz", "--json"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			before, err := k.Counters(ctx)
			if err != nil {
				t.Fatal(err)
			}
			nstat := nstatList(t, k, args...)
			after, err := k.Counters(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(before.Warnings)+len(after.Warnings) > 0 {
				t.Errorf("warnings: %q %q", before.Warnings, after.Warnings)
			}
			if diff := cmp.Diff(counterNames(nstat), counterNames(before.List)); diff != "" {
				t.Fatalf("counter names and order differ from nstat's (-nstat +ours):\n%s", diff)
			}
			if diff := cmp.Diff(counterNames(before.List), counterNames(after.List)); diff != "" {
				t.Fatalf("counter names changed between two reads:\n%s", diff)
			}
			for i, n := range nstat {
				if b, a := before.List[i].Value, after.List[i].Value; n.Value < b || n.Value > a {
					t.Errorf("%s: nstat says %d, we read %d before it and %d after", n.Name, n.Value, b, a)
				}
			}
		})
	}
	// The traffic shows, so that the comparison above is not one of
	// zeroes.
	c, err := k.Counters(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]uint64{}
	for _, x := range c.List {
		got[x.Name] = x.Value
	}
	for _, name := range []string{"TcpActiveOpens", "TcpPassiveOpens", "UdpNoPorts", "IcmpMsgOutType3", "IpExtInOctets"} {
		if got[name] == 0 {
			t.Errorf("%s is 0 after the traffic", name)
		}
	}
	for _, name := range []string{"TcpCurrEstab", "TcpMaxConn", "IpForwarding"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s is listed; nstat leaves it out", name)
		}
	}
}

// TestCountersNamespaces checks that the counters are the namespace's:
// a namespace that carried the test's traffic and one that did not differ
// as they should, and a missing namespace is an error.
func TestCountersNamespaces(t *testing.T) {
	busy, idle := testNS(t), testNS(t)
	counterTraffic(t, busy)
	ctx := context.Background()
	value := func(k *Kernel, name string) uint64 {
		t.Helper()
		c, err := k.Counters(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range c.List {
			if x.Name == name {
				return x.Value
			}
		}
		t.Fatalf("no %s", name)
		return 0
	}
	// Two connections (one without IPv6).
	if n := value(busy, "TcpPassiveOpens"); n < 1 || n > 2 {
		t.Errorf("TcpPassiveOpens %d in the namespace with traffic, want 1 or 2", n)
	}
	if n := value(idle, "TcpPassiveOpens"); n != 0 {
		t.Errorf("TcpPassiveOpens %d in the namespace without traffic", n)
	}
	_, err := New("sbk-no-such-namespace").Counters(ctx)
	var nse *NetNSError
	if !errors.As(err, &nse) {
		t.Errorf("missing namespace: error %v, want a *NetNSError", err)
	}
}

// TestSoftnetKernel reads this kernel's softnet_stat: a line per online
// CPU, in the layout of the file, numbered as the online CPUs are.
func TestSoftnetKernel(t *testing.T) {
	b, err := os.ReadFile("/proc/net/softnet_stat")
	if err != nil {
		t.Skipf("needs /proc/net/softnet_stat: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	width := len(strings.Fields(lines[0]))
	stats, err := New("").Softnet(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != len(lines) {
		t.Fatalf("%d CPUs, the file has %d lines", len(stats), len(lines))
	}
	var cpus []int
	for _, st := range stats {
		if len(st.Columns) != width || st.Processed != st.Columns[0] || st.HasBacklogLen != (width >= 12) {
			t.Errorf("cpu %d: %+v, from %d columns", st.CPU, st, width)
		}
		cpus = append(cpus, st.CPU)
	}
	online, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil || width < 13 {
		return // no cpu column, or nothing to compare it with
	}
	var want []int
	for _, r := range strings.Split(strings.TrimSpace(string(online)), ",") {
		var lo, hi int
		if n, _ := fmt.Sscanf(r, "%d-%d", &lo, &hi); n == 1 {
			hi = lo
		}
		for c := lo; c <= hi; c++ {
			want = append(want, c)
		}
	}
	if diff := cmp.Diff(want, cpus); diff != "" {
		t.Errorf("cpu numbers differ from the online CPUs (-online +got):\n%s", diff)
	}
}

// TestCounterFilesMatchNstat runs the installed nstat on each testdata
// directory's files (it reads them in place of /proc's when PROC_NET_SNMP
// and the like name them) and compares its list with ours, where we lose
// nothing. nstat aborts on the garbled files.
func TestCounterFilesMatchNstat(t *testing.T) {
	nstat := lookTool(t, "nstat")
	for _, dir := range procDirs(t) {
		if !hasFile(dir, "snmp") {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			ours, err := readCounters(dirReader(dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range ours.Warnings {
				if strings.Contains(w, "left out") || strings.Contains(w, "ignored;") {
					t.Skipf("we leave out what nstat cannot parse: %s", w)
				}
			}
			env := append(os.Environ(), "NSTAT_HISTORY="+filepath.Join(t.TempDir(), "history"))
			for _, f := range []struct{ env, proc string }{
				{"PROC_NET_SNMP", "snmp"}, {"PROC_NET_SNMP6", "snmp6"},
				{"PROC_NET_NETSTAT", "netstat"}, {"PROC_NET_SCTP_SNMP", "sctp/snmp"},
			} {
				// A missing file is missing for nstat too.
				env = append(env, f.env+"="+procFile(dir, f.proc))
			}
			cmd := exec.Command(nstat, "-asz")
			cmd.Env = env
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("nstat: %v", err)
			}
			if diff := cmp.Diff(nstatText(t, out), ours.List); diff != "" {
				t.Errorf("(-nstat +ours):\n%s", diff)
			}
		})
	}
}

// BenchmarkKernelCounters reads and parses the counters of the current
// namespace.
func BenchmarkKernelCounters(b *testing.B) {
	k := New("")
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Counters(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
