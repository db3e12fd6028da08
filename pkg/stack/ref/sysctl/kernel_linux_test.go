package sysctl

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// These tests compare the tree with the running kernel, in network
// namespaces they create and delete. They need root, ip(8), sysctl(8) and
// sh; they only read the host's /proc/sys.

// requireKernel skips the test without root or the tools.
func requireKernel(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces")
	}
	for _, tool := range []string{"ip", "sysctl", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s: %v", tool, err)
		}
	}
}

var nsSeq atomic.Int32

// newNetns creates a fresh network namespace, deleted when the test ends.
func newNetns(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("sbt-sysctl-%d-%d", os.Getpid(), nsSeq.Add(1))
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	return name
}

// sysctlA runs `sysctl -a` in ns: values by name, and names in order.
func sysctlA(t *testing.T, ns string) (map[string]string, []string) {
	t.Helper()
	// sysctl -a may fail on a few unreadable keys; what it printed is enough.
	out, _ := exec.Command("ip", "netns", "exec", ns, "sysctl", "-a").Output()
	vals := map[string]string{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " = ")
		if !ok {
			continue
		}
		vals[k] = v
		order = append(order, k)
	}
	if len(order) < 100 {
		t.Fatalf("sysctl -a in %s printed %d keys", ns, len(order))
	}
	return vals, order
}

func procPath(name string) string { return "/proc/sys/" + strings.ReplaceAll(name, ".", "/") }

// hostValue reads a sysctl of the host, as /proc/sys shows it.
func hostValue(name string) (string, bool) {
	b, err := os.ReadFile(procPath(name))
	if err != nil {
		return "", false
	}
	return strings.TrimSuffix(string(b), "\n"), true
}

func memTotal(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no MemTotal in /proc/meminfo")
	return 0
}

// buildConfigDependent are sysctls whose defaults come from the kernel's
// configuration, not its code: CONFIG_DEFAULT_TCP_CONG (this machine's kernel
// says bbr; the tree follows upstream's cubic) and the algorithms built in.
var buildConfigDependent = map[string]bool{
	"net.ipv4.tcp_congestion_control":           true,
	"net.ipv4.tcp_allowed_congestion_control":   true,
	"net.ipv4.tcp_available_congestion_control": true,
}

// approxMemory are memory-derived sysctls whose formulas start from page
// counts a little below MemTotal; NewWithMemory(MemTotal) is within 2%.
var approxMemory = map[string]bool{
	"fs.file-max":      true,
	"net.ipv4.tcp_mem": true,
	"net.ipv4.udp_mem": true,
}

// visibleGlobal are global sysctls that every namespace shows.
var visibleGlobal = map[string]bool{
	"fs.file-max": true, "fs.nr_open": true,
	"net.ipv4.tcp_allowed_congestion_control":   true,
	"net.ipv4.tcp_available_congestion_control": true,
}

func TestKernelDefaults(t *testing.T) {
	requireKernel(t)
	ns := newNetns(t)
	kernel, order := sysctlA(t, ns)
	ref, mem := New(), NewWithMemory(memTotal(t))
	memoryDerived := map[string]bool{}
	for _, n := range MemoryDerived {
		memoryDerived[n] = true
	}
	compared := 0
	for _, name := range Names() {
		info, _ := Lookup(name)
		got, inNs := kernel[name]
		if inNs && !info.PerNetns && !visibleGlobal[name] {
			t.Errorf("%s is global in the tree but a fresh namespace has it", name)
		}
		if !inNs {
			if strings.HasPrefix(name, "net.netfilter.") {
				continue // nf_conntrack not loaded: nothing to compare
			}
			if info.PerNetns {
				t.Errorf("%s is per-namespace in the tree but missing from a fresh namespace", name)
				continue
			}
			var ok bool
			if got, ok = hostValue(name); !ok {
				t.Errorf("%s: not in /proc/sys", name)
				continue
			}
		}
		want, _ := ref.Get(name)
		switch {
		case buildConfigDependent[name]:
			continue
		case approxMemory[name]:
			want, _ = mem.Get(name)
			if !within(got, want, 0.02) {
				t.Errorf("%s: kernel %q, formula for this machine %q (more than 2%% apart)", name, got, want)
			}
			compared++
			continue
		case memoryDerived[name]:
			// Exact: these follow from hash sizes rounded to powers of two.
			want, _ = mem.Get(name)
		}
		if got != want {
			t.Errorf("%s: kernel %q, tree %q", name, got, want)
		}
		compared++
	}
	t.Logf("compared %d of %d sysctls with the kernel", compared, len(table))

	// Order: the tree's names appear in `sysctl -a` in Names order.
	var seen []string
	for _, n := range order {
		if _, ok := index[n]; ok {
			seen = append(seen, n)
		}
	}
	var want []string
	for _, n := range Names() {
		if _, ok := kernel[n]; ok {
			want = append(want, n)
		}
	}
	if strings.Join(seen, " ") != strings.Join(want, " ") {
		t.Errorf("order differs from sysctl -a:\nkernel %v\ntree   %v", seen, want)
	}
}

// within reports whether two tab-separated vectors differ by at most frac.
func within(a, b string, frac float64) bool {
	fa, fb := strings.Fields(a), strings.Fields(b)
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		x, err1 := strconv.ParseFloat(fa[i], 64)
		y, err2 := strconv.ParseFloat(fb[i], 64)
		if err1 != nil || err2 != nil || x < y*(1-frac) || x > y*(1+frac) {
			return false
		}
	}
	return true
}

// shQuote renders s as a printf(1) format that prints exactly s.
func shQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "\\%03o", s[i])
	}
	b.WriteByte('\'')
	return b.String()
}

// TestKernelWrites makes the same writes to a fresh namespace and to a tree
// holding the namespace's values, and compares what each accepts and keeps:
// every per-namespace integer sysctl at its bounds and one past them, and
// the parsing cases of setCases.
func TestKernelWrites(t *testing.T) {
	requireKernel(t)
	ns := newNetns(t)
	kernel, _ := sysctlA(t, ns)
	base := New()
	writable := func(name string) bool {
		i, ok := index[name]
		d := &table[i]
		_, inNs := kernel[name]
		return ok && inNs && d.str == notString && !d.readOnly && d.scope == perNetns
	}
	for _, n := range Names() {
		if writable(n) {
			must(t, base.Set(n, kernel[n]))
		}
	}
	hz := 0
	if u, ok := hostValue("net.core.netdev_budget_usecs"); ok {
		if v, err := strconv.Atoi(u); err == nil && v > 0 {
			hz = 2000000 / v
		}
	}

	type wcase struct{ name, value string }
	var cases []wcase
	for _, c := range setCases {
		if writable(c.name) {
			cases = append(cases, wcase{c.name, c.value})
		}
	}
	for _, n := range Names() {
		if !writable(n) {
			continue
		}
		d := &table[index[n]]
		if d.min == -jiffyMax && hz != HZ {
			t.Logf("%s: kernel HZ looks like %d, not %d: bounds not compared", n, hz, HZ)
			continue
		}
		lo, hi := d.min, d.max
		if d.minRef != 0 {
			lo = max(lo, base.Int(d.minRef-1))
		}
		if d.maxRef != 0 {
			hi = min(hi, base.Int(d.maxRef-1))
		}
		for _, v := range []int64{lo - 1, lo, hi, hi + 1} {
			cases = append(cases, wcase{n, strconv.FormatInt(v, 10)})
		}
	}

	var script strings.Builder
	for i, c := range cases {
		p := procPath(c.name)
		fmt.Fprintf(&script, "if printf %s >%s 2>/dev/null; then r=ok; else r=err; fi\n", shQuote(c.value), p)
		fmt.Fprintf(&script, "echo \"@@ %d $r\"; cat %s\n", i, p)
		fmt.Fprintf(&script, "printf %s >%s\n", shQuote(kernel[c.name]), p)
	}
	cmd := exec.Command("ip", "netns", "exec", ns, "sh")
	cmd.Stdin = strings.NewReader(script.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("script: %v: %s", err, out)
	}
	lines := strings.Split(string(out), "\n")
	checked := 0
	for j := 0; j+1 < len(lines); j++ {
		var i int
		var r string
		if _, err := fmt.Sscanf(lines[j], "@@ %d %s", &i, &r); err != nil {
			continue
		}
		c := cases[i]
		kval := lines[j+1]
		tr := base.Clone()
		err := tr.Set(c.name, c.value)
		got, _ := tr.Get(c.name)
		if (err == nil) != (r == "ok") || got != kval {
			t.Errorf("write %q to %s: kernel %s, now %q; tree %v, now %q", c.value, c.name, r, kval, err, got)
		}
		checked++
	}
	if checked != len(cases) {
		t.Errorf("checked %d of %d writes; output:\n%s", checked, len(cases), out)
	}
	t.Logf("compared %d writes with the kernel", checked)
}
