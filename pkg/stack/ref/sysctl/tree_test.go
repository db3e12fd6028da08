package sysctl

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// dump renders a tree as `sysctl -a` does.
func dump(t *Tree) string {
	var b strings.Builder
	for _, n := range t.Names() {
		v, err := t.Get(n)
		if err != nil {
			panic(err)
		}
		b.WriteString(n + " = " + v + "\n")
	}
	return b.String()
}

func TestDefaultsGolden(t *testing.T) {
	got := dump(New())
	path := filepath.Join("testdata", "defaults.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestReferenceDefaults(t *testing.T) {
	// Values fixed by the reference machine and kernel, spelled out.
	tr := New()
	for name, want := range map[string]string{
		"net.ipv4.tcp_rmem":                "4096\t131072\t33554432",
		"net.ipv4.tcp_wmem":                "4096\t16384\t4194304",
		"net.ipv4.tcp_mem":                 "196608\t262144\t393216",
		"net.ipv4.udp_mem":                 "393216\t524288\t786432",
		"net.ipv4.tcp_max_syn_backlog":     "1024",
		"net.ipv4.tcp_max_tw_buckets":      "65536",
		"net.ipv4.tcp_max_orphans":         "65536",
		"net.netfilter.nf_conntrack_max":   "262144",
		"net.netfilter.nf_conntrack_count": "0",
		"net.core.somaxconn":               "4096",
		"net.core.netdev_budget_usecs":     "8000",
		"net.ipv4.ip_local_port_range":     "32768\t60999",
		"net.ipv4.tcp_congestion_control":  "cubic",
		"net.ipv4.tcp_notsent_lowat":       "4294967295",
		"fs.file-max":                      "1677721",
		"fs.nr_open":                       "1048576",
	} {
		if got, err := tr.Get(name); err != nil || got != want {
			t.Errorf("Get(%s) = %q, %v; want %q", name, got, err, want)
		}
	}
}

func TestNewWithMemory(t *testing.T) {
	for _, tc := range []struct {
		ram                             int64
		tw, syn, orphans, ct, mem, rmax int64
	}{
		// This machine: 24683656 kB; Linux shows 131072, 2048, 131072, 262144.
		{24683656 << 10, 131072, 2048, 131072, 262144, 385682, 32 << 20},
		{16 << 30, 65536, 1024, 65536, 262144, 262144, 32 << 20},
		{2 << 30, 8192, 128, 8192, 65536, 32768, 16 << 20},
		{512 << 20, 2048, 128, 2048, 4096, 8192, 4 << 20},
		{1, 256, 128, 256, 1024, 128, 131072},
	} {
		tr := NewWithMemory(tc.ram)
		got := []int64{tr.Int(TCPMaxTwBuckets), tr.Int(TCPMaxSynBacklog), tr.Int(TCPMaxOrphans),
			tr.Int(NfConntrackMax), tr.Int(TCPMemPressure), tr.Int(TCPRmemMax)}
		want := []int64{tc.tw, tc.syn, tc.orphans, tc.ct, tc.mem, tc.rmax}
		if !slices.Equal(got, want) {
			t.Errorf("NewWithMemory(%d) = %v, want %v", tc.ram, got, want)
		}
	}
}

func TestNamesSorted(t *testing.T) {
	n := Names()
	if !slices.IsSortedFunc(n, compareNames) {
		t.Errorf("Names not sorted: %v", n)
	}
	if len(n) != len(table) || len(slices.Compact(slices.Clone(n))) != len(n) {
		t.Errorf("Names has %d entries for %d sysctls, or duplicates", len(n), len(table))
	}
	// Directory by directory: a name sorts before every name that extends
	// its last component.
	for _, p := range [][2]string{
		{"fs.file-max", "fs.nr_open"},
		{"net.core.wmem_max", "net.ipv4.icmp_echo_ignore_all"},
		{"net.ipv4.tcp_wmem", "net.ipv4.udp_mem"},
		{"net.ipv6.conf.all.mtu", "net.ipv6.conf.default.hop_limit"},
		{"a.b.c", "a.b-c"},
		{"a.b.z", "a.bb"},
		{"net.netfilter.nf_log.1", "net.netfilter.nf_log.10"},
		{"net.netfilter.nf_log.10", "net.netfilter.nf_log.2"},
	} {
		if compareNames(p[0], p[1]) >= 0 || compareNames(p[1], p[0]) <= 0 {
			t.Errorf("want %s before %s", p[0], p[1])
		}
	}
	// Names returns a copy.
	n[0] = "x"
	if Names()[0] == "x" {
		t.Error("Names shares its slice")
	}
}

func TestUnknown(t *testing.T) {
	tr := New()
	if _, err := tr.Get("net.ipv4.tcp_foo"); !errors.Is(err, ErrUnknown) || Errno(err) != syscall.ENOENT {
		t.Errorf("Get unknown: %v", err)
	}
	err := tr.Set("net.ipv4.tcp_foo", "1")
	var e *Error
	if !errors.As(err, &e) || e.Op != "set" || e.Name != "net.ipv4.tcp_foo" || !errors.Is(err, ErrUnknown) {
		t.Errorf("Set unknown: %v", err)
	}
	if want := `sysctl: set net.ipv4.tcp_foo to "1": unknown sysctl`; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
	for _, n := range []string{"", "net", "net.ipv4", "net.ipv4.tcp_rmem.", "NET.CORE.SOMAXCONN"} {
		if _, ok := Lookup(n); ok {
			t.Errorf("Lookup(%q) found", n)
		}
	}
}

// setCase is one write and what Linux 6.18 does with it (checked against
// the kernel by hand and by kernel_linux_test.go).
type setCase struct {
	name, value string
	ok          bool
	want        string // the value after, whether or not the write failed
}

var setCases = []setCase{
	{"net.core.somaxconn", "0x10", true, "16"},
	{"net.core.somaxconn", "0X1f", true, "31"},
	{"net.core.somaxconn", "010", true, "8"},
	{"net.core.somaxconn", "00", true, "0"},
	{"net.core.somaxconn", "-0", true, "0"},
	{"net.core.somaxconn", " 5", true, "5"},
	{"net.core.somaxconn", "\v14", true, "14"},
	{"net.core.somaxconn", "\t7", true, "7"},
	{"net.core.somaxconn", "5 ", true, "5"},
	{"net.core.somaxconn", "5\n", true, "5"},
	{"net.core.somaxconn", "5 6", true, "5"},
	{"net.core.somaxconn", "7 x", true, "7"},
	{"net.core.somaxconn", "11\n12", true, "11"},
	{"net.core.somaxconn", "", true, "4096"},
	{"net.core.somaxconn", "0x7fffffff", true, "2147483647"},
	{"net.core.somaxconn", "0x80000000", false, "4096"},
	{"net.core.somaxconn", "+5", false, "4096"},
	{"net.core.somaxconn", "5x", false, "4096"},
	{"net.core.somaxconn", "13\r", false, "4096"},
	{"net.core.somaxconn", " ", false, "4096"},
	{"net.core.somaxconn", "08", false, "4096"},
	{"net.core.somaxconn", "0x", false, "4096"},
	{"net.core.somaxconn", "-", false, "4096"},
	{"net.core.somaxconn", "-1", false, "4096"},
	{"net.core.somaxconn", "99999999999999999999", false, "4096"},
	{"net.core.somaxconn", "000000000000000000001", false, "4096"},
	{"net.core.somaxconn", "00000000000000000001", true, "1"},
	{"net.ipv4.ip_forward", "-2147483648", true, "-2147483648"},
	{"net.ipv4.ip_forward", "-2147483649", false, "0"},
	{"net.ipv4.tcp_syn_retries", "0", false, "6"},
	{"net.ipv4.tcp_syn_retries", "127", true, "127"},
	{"net.ipv4.tcp_syn_retries", "128", false, "6"},
	{"net.ipv4.tcp_syncookies", "255", true, "255"},
	{"net.ipv4.tcp_syncookies", "256", false, "1"},
	{"net.ipv4.tcp_syncookies", "-0", false, "1"},
	{"net.ipv4.tcp_notsent_lowat", "4294967295", true, "4294967295"},
	{"net.ipv4.tcp_notsent_lowat", "4294967296", false, "4294967295"},
	{"net.ipv4.tcp_notsent_lowat", "-0", false, "4294967295"},
	{"net.ipv4.tcp_fin_timeout", "8589934", true, "8589934"},
	{"net.ipv4.tcp_fin_timeout", "-8589934", true, "-8589934"},
	{"net.ipv4.tcp_fin_timeout", "8589935", false, "60"},
	{"net.ipv4.tcp_fin_timeout", "-8589935", false, "60"},
	{"net.ipv4.icmp_ratelimit", "1001", true, "1004"},
	{"net.ipv4.icmp_ratelimit", "1", true, "4"},
	{"net.ipv4.icmp_ratelimit", "2147483644", true, "2147483644"},
	{"net.ipv4.icmp_ratelimit", "2147483645", true, "2147483648"},
	{"net.ipv4.icmp_ratelimit", "2147483648", false, "1000"},
	{"net.ipv4.icmp_ratelimit", "-1", false, "1000"},
	{"net.ipv4.tcp_adv_win_scale", "-31", true, "-31"},
	{"net.ipv4.tcp_adv_win_scale", "-32", false, "1"},
	{"net.ipv4.tcp_reordering", "300", true, "300"},
	{"net.ipv4.tcp_reordering", "301", false, "3"},
	{"net.ipv4.tcp_reordering", "0", false, "3"},
	{"net.ipv4.tcp_rto_max_ms", "999", false, "120000"},
	{"net.ipv4.tcp_rto_max_ms", "120001", false, "120000"},
	{"net.ipv4.tcp_tw_reuse_delay", "60000", true, "60000"},
	{"net.ipv4.tcp_tw_reuse_delay", "60001", false, "1000"},
	{"net.ipv4.tcp_rmem", "1 2", true, "1\t2\t33554432"},
	{"net.ipv4.tcp_rmem", "8192", true, "8192\t131072\t33554432"},
	{"net.ipv4.tcp_rmem", "1 2 3 4", true, "1\t2\t3"},
	{"net.ipv4.tcp_rmem", "1\t2\t3", true, "1\t2\t3"},
	{"net.ipv4.tcp_rmem", "4096\n5000\n6000", true, "4096\t5000\t6000"},
	{"net.ipv4.tcp_rmem", "0 5 6", false, "4096\t131072\t33554432"},
	{"net.ipv4.tcp_rmem", "5 0 6", false, "5\t131072\t33554432"},
	{"net.ipv4.tcp_rmem", "7 8 x", false, "7\t8\t33554432"},
	{"net.ipv4.tcp_rmem", "1,2,3", false, "4096\t131072\t33554432"},
	{"net.ipv4.ip_local_port_range", "1024 2000", true, "1024\t2000"},
	{"net.ipv4.ip_local_port_range", "2000 2000", true, "2000\t2000"},
	{"net.ipv4.ip_local_port_range", "2001", true, "2001\t60999"},
	{"net.ipv4.ip_local_port_range", "40000\t50000", true, "40000\t50000"},
	{"net.ipv4.ip_local_port_range", "  3000   4000  ", true, "3000\t4000"},
	{"net.ipv4.ip_local_port_range", "1 2", false, "32768\t60999"},
	{"net.ipv4.ip_local_port_range", "1023 2000", false, "32768\t60999"},
	{"net.ipv4.ip_local_port_range", "2000 1999", false, "32768\t60999"},
	{"net.ipv4.ip_local_port_range", "1 2 3", false, "32768\t60999"},
	{"net.ipv4.ip_local_port_range", "0 5", false, "32768\t60999"},
	{"net.ipv4.ip_local_port_range", "1025 65536", false, "32768\t60999"},
	{"net.ipv4.ip_local_port_range", "1024-2000", false, "32768\t60999"},
	{"net.ipv4.ip_local_port_range", "1024 -2000", false, "32768\t60999"},
	{"net.ipv4.ip_unprivileged_port_start", "32768", true, "32768"},
	{"net.ipv4.ip_unprivileged_port_start", "32769", false, "1024"},
	{"net.ipv4.ip_unprivileged_port_start", "0", true, "0"},
	{"net.ipv4.ipfrag_high_thresh", "3145728", true, "3145728"},
	{"net.ipv4.ipfrag_high_thresh", "3145727", false, "4194304"},
	{"net.ipv4.ipfrag_low_thresh", "4194305", false, "3145728"},
	{"net.ipv4.ipfrag_low_thresh", "5 -1", true, "5"},
	{"net.ipv4.ipfrag_low_thresh", "-1", false, "3145728"},
	{"net.ipv4.tcp_mem", "1 2 3", true, "1\t2\t3"},
	{"net.ipv4.tcp_mem", "9223372036854775807", true, "9223372036854775807\t262144\t393216"},
	{"net.ipv4.tcp_mem", "9223372036854775808", false, "196608\t262144\t393216"},
	{"net.ipv6.conf.all.mtu", "1279", false, "1280"},
	{"net.ipv6.conf.default.hop_limit", "255", true, "255"},
	{"fs.nr_open", "63", false, "1048576"},
	{"fs.nr_open", "2147483584", true, "2147483584"},
	{"fs.nr_open", "2147483585", false, "1048576"},
	{"net.ipv4.tcp_congestion_control", "reno", true, "reno"},
	{"net.ipv4.tcp_congestion_control", "reno\nxx", true, "reno"},
	{"net.ipv4.tcp_congestion_control", "", true, "cubic"},
	{"net.ipv4.tcp_congestion_control", "reno ", false, "cubic"},
	{"net.ipv4.tcp_congestion_control", "RENO", false, "cubic"},
	{"net.ipv4.tcp_congestion_control", "vegas", false, "cubic"},
	{"net.ipv4.tcp_congestion_control", "\n", false, "cubic"},
	{"net.ipv4.tcp_allowed_congestion_control", "cubic reno", true, "reno cubic"},
	{"net.ipv4.tcp_allowed_congestion_control", "cubic", true, "cubic"},
	{"net.ipv4.tcp_allowed_congestion_control", "reno  cubic", true, "reno"},
	{"net.ipv4.tcp_allowed_congestion_control", "\n", true, ""},
	{"net.ipv4.tcp_allowed_congestion_control", "reno foo", false, "reno cubic"},
	{"net.core.default_qdisc", "fq", true, "fq"},
	{"net.core.default_qdisc", "fq\n", true, "fq"},
	{"net.core.default_qdisc", "cake", false, "pfifo_fast"},
}

func TestSet(t *testing.T) {
	for _, c := range setCases {
		tr := New()
		err := tr.Set(c.name, c.value)
		if (err == nil) != c.ok {
			t.Errorf("Set(%s, %q) = %v, want ok=%v", c.name, c.value, err, c.ok)
		}
		if err != nil && Errno(err) == 0 {
			t.Errorf("Set(%s, %q): error %v wraps no sentinel", c.name, c.value, err)
		}
		if got, _ := tr.Get(c.name); got != c.want {
			t.Errorf("Set(%s, %q): now %q, want %q", c.name, c.value, got, c.want)
		}
	}
}

func TestErrnos(t *testing.T) {
	tr := New()
	for _, c := range []struct {
		name, value string
		want        syscall.Errno
	}{
		{"net.core.somaxconn", "x", syscall.EINVAL},
		{"net.ipv4.tcp_congestion_control", "vegas", syscall.ENOENT},
		{"net.ipv4.tcp_allowed_congestion_control", "vegas", syscall.ENOENT},
		{"net.core.default_qdisc", "cake", syscall.ENOENT},
		{"net.ipv4.tcp_available_congestion_control", "reno", syscall.EACCES},
		{"net.netfilter.nf_conntrack_count", "1", syscall.EACCES},
		{"net.netfilter.nf_conntrack_buckets", "1", syscall.EACCES},
		{"net.ipv4.nope", "1", syscall.ENOENT},
	} {
		if got := Errno(tr.Set(c.name, c.value)); got != c.want {
			t.Errorf("Set(%s, %q): errno %v, want %v", c.name, c.value, got, c.want)
		}
	}
	if Errno(nil) != 0 || Errno(errors.New("x")) != 0 {
		t.Error("Errno of a foreign error is not 0")
	}
}

// TestRanges writes each integer sysctl's bounds and one past them.
func TestRanges(t *testing.T) {
	for i := range table {
		d := &table[i]
		if d.str != notString || d.readOnly || d.check != nil {
			continue // strings, read-only and cross-checked ones have their own cases
		}
		lo, hi := d.min, d.max
		if d.minRef != 0 {
			lo = max(lo, New().Int(d.minRef-1))
		}
		if d.maxRef != 0 {
			hi = min(hi, New().Int(d.maxRef-1))
		}
		for _, c := range []struct {
			v  int64
			ok bool
		}{{lo, true}, {hi, true}, {lo - 1, false}, {hi + 1, false}} {
			if c.v == hi+1 && hi == 1<<63-1 || c.v == lo-1 && lo == -1<<63 {
				continue
			}
			tr := New()
			before := tr.Int(d.slot)
			err := tr.Set(d.name, strconv.FormatInt(c.v, 10))
			if (err == nil) != c.ok {
				t.Errorf("Set(%s, %d) = %v, want ok=%v", d.name, c.v, err, c.ok)
				continue
			}
			want := c.v
			if d.ms {
				want = (want + msPerTick - 1) / msPerTick * msPerTick
			}
			if c.ok && tr.Int(d.slot) != want || !c.ok && (!errors.Is(err, ErrInvalid) || tr.Int(d.slot) != before) {
				t.Errorf("Set(%s, %d): value %d, err %v", d.name, c.v, tr.Int(d.slot), err)
			}
		}
	}
}

func TestReadOnlyAndPublish(t *testing.T) {
	tr := New()
	for _, n := range []string{"net.netfilter.nf_conntrack_count", "net.netfilter.nf_conntrack_buckets", "net.ipv4.tcp_available_congestion_control"} {
		before, _ := tr.Get(n)
		if err := tr.Set(n, "7"); !errors.Is(err, ErrReadOnly) {
			t.Errorf("Set(%s) = %v, want ErrReadOnly", n, err)
		}
		if after, _ := tr.Get(n); after != before {
			t.Errorf("%s changed to %q", n, after)
		}
		if info, _ := Lookup(n); !info.ReadOnly {
			t.Errorf("Lookup(%s) not read-only", n)
		}
	}
	tr.Publish(NfConntrackCount, 42)
	if v, _ := tr.Get("net.netfilter.nf_conntrack_count"); v != "42" {
		t.Errorf("after Publish: %q", v)
	}
}

func TestCongestionControl(t *testing.T) {
	tr := New()
	if err := tr.Set("net.ipv4.tcp_congestion_control", "bbr"); !errors.Is(err, ErrNotAvailable) {
		t.Fatalf("bbr before it is available: %v", err)
	}
	if err := tr.SetAvailableCongestionControl("reno", "bbr"); err == nil {
		t.Error("dropping the default cubic: no error")
	}
	for _, bad := range [][]string{nil, {"reno", "reno", "cubic"}, {"cubic", ""}, {"cubic", "a b"}, {"cubic", "sixteen_chars_xx"}} {
		if err := tr.SetAvailableCongestionControl(bad...); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetAvailableCongestionControl(%q) = %v", bad, err)
		}
	}
	if err := tr.SetAvailableCongestionControl("reno", "bbr", "cubic"); err != nil {
		t.Fatal(err)
	}
	get := func(n string) string { v, _ := tr.Get("net.ipv4.tcp_" + n); return v }
	if a, al := get("available_congestion_control"), get("allowed_congestion_control"); a != "reno bbr cubic" || al != "reno cubic" {
		t.Errorf("available %q allowed %q", a, al)
	}
	if err := tr.Set("net.ipv4.tcp_congestion_control", "bbr"); err != nil {
		t.Fatal(err)
	}
	// The default becomes allowed; allowed lists in registration order.
	if cc, al := tr.CongestionControl(), get("allowed_congestion_control"); cc != "bbr" || al != "reno bbr cubic" {
		t.Errorf("cc %q allowed %q", cc, al)
	}
	if err := tr.Set("net.ipv4.tcp_allowed_congestion_control", "cubic"); err != nil {
		t.Fatal(err)
	}
	if tr.CongestionControlAllowed("reno") || !tr.CongestionControlAllowed("cubic") || tr.CongestionControlAllowed("nope") {
		t.Errorf("allowed %q", get("allowed_congestion_control"))
	}
	if got := tr.AvailableCongestionControl(); !slices.Equal(got, []string{"reno", "bbr", "cubic"}) {
		t.Errorf("AvailableCongestionControl = %q", got)
	}
	if err := tr.SetQdiscs("fq", "pfifo_fast"); err != nil {
		t.Fatal(err)
	}
	if err := tr.SetQdiscs("fq"); err == nil {
		t.Error("SetQdiscs dropping the default pfifo_fast: no error")
	}
	if tr.Set("net.core.default_qdisc", "fq_codel") == nil || tr.Set("net.core.default_qdisc", "fq") != nil || tr.DefaultQdisc() != "fq" {
		t.Errorf("default_qdisc %q", tr.DefaultQdisc())
	}
}

func TestAccessors(t *testing.T) {
	tr := New()
	if tr.Int(TCPSynRetries) != 6 || !tr.Bool(TCPSACK) || tr.Bool(TCPAbortOnOverflow) {
		t.Error("defaults through Int/Bool")
	}
	if err := tr.Set("net.ipv4.tcp_wmem", "4096 65536 16777216"); err != nil {
		t.Fatal(err)
	}
	if tr.Int(TCPWmemMin) != 4096 || tr.Int(TCPWmemDefault) != 65536 || tr.Int(TCPWmemMax) != 16777216 {
		t.Error("tcp_wmem through Int")
	}
	if s := TCPRmemMax.String(); s != "net.ipv4.tcp_rmem[2]" {
		t.Errorf("TCPRmemMax.String() = %q", s)
	}
	if s := TCPSynRetries.String(); s != "net.ipv4.tcp_syn_retries" {
		t.Errorf("TCPSynRetries.String() = %q", s)
	}
	if s := Knob(60000).String(); s != "Knob(60000)" {
		t.Errorf("bad knob String() = %q", s)
	}
	info, ok := Lookup("net.ipv4.tcp_rmem")
	if want := (Info{Name: "net.ipv4.tcp_rmem", Len: 3, Knob: TCPRmemMin, Min: 1, Max: intMax, PerNetns: true}); !ok || info != want {
		t.Errorf("Lookup(tcp_rmem) = %+v", info)
	}
	if info, _ := Lookup("net.ipv4.tcp_mem"); info.PerNetns {
		t.Error("tcp_mem is global")
	}
}

func TestCloneIndependent(t *testing.T) {
	a := New()
	var calls []string
	a.OnChange(func(n string) { calls = append(calls, n) })
	b := a.Clone()
	must(t, b.Set("net.core.somaxconn", "1"))
	must(t, b.Set("net.ipv4.tcp_rmem", "1 2 3"))
	must(t, b.SetAvailableCongestionControl("reno", "cubic", "bbr"))
	must(t, b.Set("net.ipv4.tcp_congestion_control", "bbr"))
	must(t, b.SetQdiscs("pfifo_fast", "sfq"))
	must(t, b.Set("net.core.default_qdisc", "sfq"))
	if d := a.Diff(New()); d != nil {
		t.Errorf("original changed: %v", d)
	}
	if a.Set("net.core.default_qdisc", "sfq") == nil {
		t.Error("qdisc list shared")
	}
	if len(calls) != 0 {
		t.Errorf("hooks copied to the clone: %v", calls)
	}
	want := []string{
		"net.core.default_qdisc", "net.core.somaxconn",
		"net.ipv4.tcp_allowed_congestion_control", "net.ipv4.tcp_available_congestion_control",
		"net.ipv4.tcp_congestion_control", "net.ipv4.tcp_rmem",
	}
	if diff := cmp.Diff(want, b.Diff(a)); diff != "" {
		t.Errorf("Diff (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, a.Diff(b)); diff != "" {
		t.Errorf("reverse Diff (-want +got):\n%s", diff)
	}
}

func TestOnChange(t *testing.T) {
	tr := New()
	var calls []string
	tr.OnChange(func(n string) { calls = append(calls, "1:"+n) })
	tr.OnChange(func(n string) { calls = append(calls, "2:"+n) })
	check := func(step string, want ...string) {
		t.Helper()
		if diff := cmp.Diff(want, calls); diff != "" {
			t.Errorf("%s: hooks (-want +got):\n%s", step, diff)
		}
		calls = nil
	}
	must(t, tr.Set("net.core.somaxconn", "128"))
	check("somaxconn", "1:net.core.somaxconn", "2:net.core.somaxconn")
	must(t, tr.Set("net.core.somaxconn", "128"))
	check("same value")
	_ = tr.Set("net.ipv4.tcp_rmem", "5 0 6") // fails after storing 5
	check("partial write", "1:net.ipv4.tcp_rmem", "2:net.ipv4.tcp_rmem")
	_ = tr.Set("net.ipv4.tcp_syn_retries", "0")
	check("failed write")
	must(t, tr.Set("net.ipv4.tcp_allowed_congestion_control", "cubic"))
	calls = nil
	must(t, tr.Set("net.ipv4.tcp_congestion_control", "reno"))
	check("default cc", "1:net.ipv4.tcp_allowed_congestion_control", "2:net.ipv4.tcp_allowed_congestion_control",
		"1:net.ipv4.tcp_congestion_control", "2:net.ipv4.tcp_congestion_control")
	must(t, tr.SetAvailableCongestionControl("reno", "cubic", "bbr"))
	check("available", "1:net.ipv4.tcp_available_congestion_control", "2:net.ipv4.tcp_available_congestion_control")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func BenchmarkInt(b *testing.B) {
	tr := New()
	var s int64
	for b.Loop() {
		s += tr.Int(TCPSynRetries) + tr.Int(TCPRmemMax)
	}
	_ = s
}

func BenchmarkGet(b *testing.B) {
	tr := New()
	for b.Loop() {
		_, _ = tr.Get("net.ipv4.tcp_rmem")
	}
}

func BenchmarkSet(b *testing.B) {
	tr := New()
	for b.Loop() {
		_ = tr.Set("net.ipv4.tcp_rmem", "4096 131072 6291456")
	}
}

func BenchmarkClone(b *testing.B) {
	tr := New()
	for b.Loop() {
		_ = tr.Clone()
	}
}
