package kernel

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
	"github.com/stackbox/stackbox/pkg/stack"
)

// procDirs are the directories of captured and hand-made /proc files
// (see testdata/proc/README).
func procDirs(t testing.TB) []string {
	t.Helper()
	dirs, err := filepath.Glob("testdata/proc/*")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		t.Fatal("no testdata/proc directories")
	}
	return out
}

// procFile is where a testdata directory keeps the file at proc (a path
// under /proc/net): sctp/snmp is sctp_snmp.
func procFile(dir, proc string) string {
	return filepath.Join(dir, strings.ReplaceAll(proc, "/", "_"))
}

// dirReader reads the counter files from a testdata directory as
// Counters reads them from /proc/net.
func dirReader(dir string) func(proc, name string) ([]byte, error) {
	return func(proc, name string) ([]byte, error) {
		b, err := os.ReadFile(procFile(dir, proc))
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = name
		}
		return b, err
	}
}

func hasFile(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}

// countersText renders counters for golden files: a counter a line, then
// the warnings.
func countersText(c *stack.Counters) []byte {
	var b bytes.Buffer
	for _, x := range c.List {
		fmt.Fprintf(&b, "%s %d\n", x.Name, x.Value)
	}
	for _, w := range c.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	return b.Bytes()
}

// softnetText renders softnet stats for golden files, then the error.
func softnetText(stats []stack.SoftnetStat, err error) []byte {
	var b bytes.Buffer
	for _, s := range stats {
		fmt.Fprintf(&b, "cpu=%d processed=%d dropped=%d time_squeeze=%d received_rps=%d flow_limit=%d",
			s.CPU, s.Processed, s.Dropped, s.TimeSqueeze, s.ReceivedRPS, s.FlowLimit)
		if s.HasBacklogLen {
			fmt.Fprintf(&b, " backlog=%d", s.BacklogLen)
		}
		fmt.Fprintf(&b, " columns=%x\n", s.Columns)
	}
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.Bytes()
}

// TestCountersGolden parses every testdata/proc directory's counter
// files and compares the result with its counters.golden.
func TestCountersGolden(t *testing.T) {
	for _, dir := range procDirs(t) {
		if !hasFile(dir, "snmp") {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			c, err := readCounters(dirReader(dir))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join(dir, "counters.golden"), countersText(c))
		})
	}
}

// TestSoftnetGolden parses every testdata/proc directory's softnet_stat
// and compares the result with its softnet.golden.
func TestSoftnetGolden(t *testing.T) {
	for _, dir := range procDirs(t) {
		if !hasFile(dir, "softnet_stat") {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, "softnet_stat"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			stats, err := ParseSoftnet(procSoftnet, f)
			golden(t, filepath.Join(dir, "softnet.golden"), softnetText(stats, err))
		})
	}
}

// TestSoftnetLayouts checks the named fields of each column layout.
func TestSoftnetLayouts(t *testing.T) {
	row := func(n int) string {
		f := make([]string, n)
		for i := range f {
			f[i] = fmt.Sprintf("%08x", 0x10+i)
		}
		return strings.Join(f, " ") + "\n"
	}
	for _, tc := range []struct {
		cols int
		want stack.SoftnetStat
	}{
		{9, stack.SoftnetStat{CPU: 0, Processed: 0x10, Dropped: 0x11, TimeSqueeze: 0x12}},
		{10, stack.SoftnetStat{CPU: 0, Processed: 0x10, Dropped: 0x11, TimeSqueeze: 0x12, ReceivedRPS: 0x19}},
		{11, stack.SoftnetStat{CPU: 0, Processed: 0x10, Dropped: 0x11, TimeSqueeze: 0x12, ReceivedRPS: 0x19, FlowLimit: 0x1a}},
		{13, stack.SoftnetStat{CPU: 0x1c, Processed: 0x10, Dropped: 0x11, TimeSqueeze: 0x12, ReceivedRPS: 0x19, FlowLimit: 0x1a, BacklogLen: 0x1b, HasBacklogLen: true}},
		{15, stack.SoftnetStat{CPU: 0x1c, Processed: 0x10, Dropped: 0x11, TimeSqueeze: 0x12, ReceivedRPS: 0x19, FlowLimit: 0x1a, BacklogLen: 0x1b, HasBacklogLen: true}},
		{17, stack.SoftnetStat{CPU: 0x1c, Processed: 0x10, Dropped: 0x11, TimeSqueeze: 0x12, ReceivedRPS: 0x19, FlowLimit: 0x1a, BacklogLen: 0x1b, HasBacklogLen: true}},
	} {
		stats, err := ParseSoftnet(procSoftnet, strings.NewReader(row(tc.cols)))
		if err != nil || len(stats) != 1 {
			t.Errorf("%d columns: %v %v", tc.cols, stats, err)
			continue
		}
		got := stats[0]
		if len(got.Columns) != tc.cols || got.Columns[tc.cols-1] != uint32(0x10+tc.cols-1) {
			t.Errorf("%d columns: Columns %x", tc.cols, got.Columns)
		}
		got.Columns = nil
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%d columns (-want +got):\n%s", tc.cols, diff)
		}
	}
}

// TestSoftnetGarbled checks that garbled lines are left out and named,
// and that the other lines come with the error.
func TestSoftnetGarbled(t *testing.T) {
	f, err := os.Open("testdata/proc/garbled/softnet_stat")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stats, err := ParseSoftnet(procSoftnet, f)
	var pe *PartialError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v, want a *PartialError", err)
	}
	if len(pe.Warnings) != 2 || !strings.HasPrefix(pe.Warnings[0], "/proc/net/softnet_stat:2: ") ||
		!strings.HasPrefix(pe.Warnings[1], "/proc/net/softnet_stat:4: ") {
		t.Errorf("warnings %q, want lines 2 and 4", pe.Warnings)
	}
	if len(stats) != 2 || stats[0].CPU != 0 || stats[1].CPU != 2 {
		t.Errorf("stats %+v, want cpus 0 and 2", stats)
	}
}

// TestCountersGarbled checks that a damaged copy of this kernel's files
// loses exactly the counters of the damaged lines, with a warning naming
// the file and line of each.
func TestCountersGarbled(t *testing.T) {
	clean, err := readCounters(dirReader("testdata/proc/linux-6.18"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := readCounters(dirReader("testdata/proc/garbled"))
	if err != nil {
		t.Fatal(err)
	}
	lost := regexp.MustCompile(`^(IcmpInTimeExcds|Tcp(InSegs|OutSegs|RetransSegs|InErrs|OutRsts|InCsumErrors)|UdpLite[A-Z].*|Ip6InAddrErrors|Ip6InDelivers|IpExt.*)$`)
	var want []stack.Counter
	for _, c := range clean.List {
		if !lost.MatchString(c.Name) {
			want = append(want, c)
		}
	}
	if diff := cmp.Diff(want, got.List); diff != "" {
		t.Errorf("counters (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		`/proc/net/snmp:4: IcmpInTimeExcds: bad value "1x"; counter left out`,
		`/proc/net/snmp:7: no "Name:" prefix naming the table; line ignored`,
		`/proc/net/snmp:9: Tcp: header and values differ in length (15 names, 9 values); the last 6 counters are left out`,
		`/proc/net/snmp:12: UdpLite: header line without a values line; its counters are left out`,
		`/proc/net/snmp6:5: Ip6InAddrErrors: no value; counter left out`,
		`/proc/net/snmp6:9: Ip6InDelivers: bad value "12abc"; counter left out`,
		`/proc/net/netstat:3: IpExt: values line without a header line; line ignored`,
	}
	if diff := cmp.Diff(wantWarnings, got.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

// TestCounterTables covers the pairing of header and values lines.
func TestCounterTables(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     string // counters and warnings as countersText renders them
	}{
		{"pairs", "A: x y\nA: 1 2\nB: z\nB: 3\n", "Ax 1\nAy 2\nBz 3\n"},
		{"several pairs of a prefix", "M: a\nM: 1\nM: b\nM: 2\n", "Ma 1\nMb 2\n"},
		{"no final newline", "A: x\nA: 1", "Ax 1\n"},
		{"blank lines and CRLF", "\nA: x y\r\n\nA: 1 2\r\n  \n", "Ax 1\nAy 2\n"},
		{"blanks between fields", "A:  x\t y \nA: 1   2 \n", "Ax 1\nAy 2\n"},
		{"negative values wrap", "A: x y\nA: -1 -2\n", "Ax 18446744073709551615\nAy 18446744073709551614\n"},
		{"constants dropped", "Tcp: RtoMin MaxConn CurrEstab InSegs\nTcp: 200 -1 3 9\n", "TcpInSegs 9\n"},
		{"more values", "A: x y\nA: 1 2 3\nB: z\nB: 4\n",
			"Ax 1\nAy 2\nBz 4\nwarning: f:2: A: header and values differ in length (2 names, 3 values); the last 1 values are ignored\n"},
		{"fewer values", "A: x y z\nA: 1\n",
			"Ax 1\nwarning: f:2: A: header and values differ in length (3 names, 1 values); the last 2 counters are left out\n"},
		{"empty values line", "A: x\nA:\nB: y\nB: 2\n",
			"By 2\nwarning: f:2: A: header and values differ in length (1 names, 0 values); the last 1 counters are left out\n"},
		{"header then header", "A: x\nB: y\nB: 2\n",
			"By 2\nwarning: f:1: A: header line without a values line; its counters are left out\n"},
		{"values of another prefix", "A: x\nB: 1\nC: z\nC: 3\n",
			"Cz 3\nwarning: f:1: A: header line without a values line; its counters are left out\nwarning: f:2: B: values line without a header line; line ignored\n"},
		{"header at the end", "A: x\nA: 1\nB: y", "Ax 1\nwarning: f:3: B: header line without a values line; its counters are left out\n"},
		{"values first", "A: 1 2\nB: y\nB: 2\n", "By 2\nwarning: f:1: A: values line without a header line; line ignored\n"},
		{"first value garbled", "A: x y\nA: 1q 2\n", "Ay 2\nwarning: f:2: Ax: bad value \"1q\"; counter left out\n"},
		{"too big", "A: x y\nA: 18446744073709551616 18446744073709551615\n",
			"Ay 18446744073709551615\nwarning: f:2: Ax: bad value \"18446744073709551616\"; counter left out\n"},
		{"no prefix", "junk\nA: x\nA: 1\n", "Ax 1\nwarning: f:1: no \"Name:\" prefix naming the table; line ignored\n"},
		{"spaced prefix", "A B: x\nA: x\nA: 1\n", "Ax 1\nwarning: f:1: no \"Name:\" prefix naming the table; line ignored\n"},
		{"garbled values line", "A: x\ngarbage 1\nB: y\nB: 2\n",
			"By 2\nwarning: f:1: A: header line without a values line; its counters are left out\nwarning: f:2: no \"Name:\" prefix naming the table; line ignored\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c stack.Counters
			if err := ParseCounterTables(&c, "f", strings.NewReader(tc.in)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(countersText(&c))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestCounterLines covers files of a counter a line.
func TestCounterLines(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     string
	}{
		{"lines", "Ip6InReceives                   \t14\nIcmp6InMsgs 0\n", "Ip6InReceives 14\nIcmp6InMsgs 0\n"},
		{"big", "Ip6InOctets 18446744073709551615\n", "Ip6InOctets 18446744073709551615\n"},
		{"blank and comment lines", "\n#kernel\nA 1\n\n", "A 1\n"},
		{"no value", "A\nB 2\n", "B 2\nwarning: f:1: A: no value; counter left out\n"},
		{"bad value", "A 0x1\nB 2\n", "B 2\nwarning: f:1: A: bad value \"0x1\"; counter left out\n"},
		{"extra field", "A 1 0.5\n", "A 1\nwarning: f:1: A: unexpected \"0.5\" after the value\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c stack.Counters
			if err := ParseCounterLines(&c, "f", strings.NewReader(tc.in)); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(countersText(&c))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestCountersWarningLimit checks that a file of garbage gives a bounded
// number of warnings.
func TestCountersWarningLimit(t *testing.T) {
	var c stack.Counters
	in := strings.Repeat("junk\n", 1000)
	if err := ParseCounterTables(&c, "f", strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != maxWarnings+1 || c.Warnings[maxWarnings] != "f: 980 more problems not shown" {
		t.Errorf("%d warnings, last %q", len(c.Warnings), c.Warnings[len(c.Warnings)-1])
	}
}

// TestCountersFiles checks which files may be missing and nstat's order
// of the files.
func TestCountersFiles(t *testing.T) {
	files := map[string]string{
		"snmp":      "Tcp: InSegs\nTcp: 1\n",
		"snmp6":     "Ip6InReceives 2\n",
		"netstat":   "TcpExt: TW\nTcpExt: 3\n",
		"sctp/snmp": "SctpCurrEstab 4\n",
	}
	reader := func(missing string, err error) func(proc, name string) ([]byte, error) {
		return func(proc, name string) ([]byte, error) {
			if proc == missing {
				return nil, &fs.PathError{Op: "open", Path: name, Err: err}
			}
			return []byte(files[proc]), nil
		}
	}
	c, err := readCounters(reader("", nil))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(countersText(c)), "SctpCurrEstab 4\nTcpInSegs 1\nIp6InReceives 2\nTcpExtTW 3\n"; got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
	for _, optional := range []string{"snmp6", "netstat", "sctp/snmp"} {
		c, err := readCounters(reader(optional, fs.ErrNotExist))
		if err != nil || len(c.List) != 3 {
			t.Errorf("without %s: %v, %v", optional, c, err)
		}
		if _, err := readCounters(reader(optional, fs.ErrPermission)); !errors.Is(err, fs.ErrPermission) {
			t.Errorf("%s unreadable: error %v", optional, err)
		}
	}
	// Without snmp nstat prints what it has and exits 0; we also warn.
	noSNMP, err := readCounters(reader("snmp", fs.ErrNotExist))
	if err != nil || len(noSNMP.List) != 3 || len(noSNMP.Warnings) != 1 || !strings.Contains(noSNMP.Warnings[0], "/proc/net/snmp") {
		t.Errorf("without snmp: %v, %v; want the rest and one warning naming /proc/net/snmp", noSNMP, err)
	}

	// ParseCounters has the same order.
	p, err := ParseCounters(CounterFiles{
		SNMP:    CounterFile{procSNMP, strings.NewReader(files["snmp"])},
		SNMP6:   CounterFile{procSNMP6, strings.NewReader(files["snmp6"])},
		Netstat: CounterFile{procNetstat, strings.NewReader(files["netstat"])},
		SCTP:    CounterFile{procSCTP, strings.NewReader(files["sctp/snmp"])},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c.List, p.List); diff != "" {
		t.Errorf("ParseCounters (-readCounters +ParseCounters):\n%s", diff)
	}
}

func TestConstantCounter(t *testing.T) {
	for name, want := range map[string]bool{
		"IpForwarding": true, "IpDefaultTTL": true, "TcpRtoAlgorithm": true, "TcpRtoMin": true,
		"TcpRtoMax": true, "TcpMaxConn": true, "TcpCurrEstab": true,
		"TcpActiveOpens": false, "SctpCurrEstab": false, "MPTcpExtMPCurrEstab": false, "IpExtInOctets": false,
	} {
		if got := ConstantCounter(name); got != want {
			t.Errorf("ConstantCounter(%q) = %v", name, got)
		}
	}
}

// TestParseCountersNamesAndErrors checks the default file names in
// warnings and that read errors end the parse.
func TestParseCountersNamesAndErrors(t *testing.T) {
	c, err := ParseCounters(CounterFiles{
		SNMP:  CounterFile{R: strings.NewReader("junk\n")},
		SNMP6: CounterFile{R: strings.NewReader("A\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`/proc/net/snmp:1: no "Name:" prefix naming the table; line ignored`,
		`/proc/net/snmp6:1: A: no value; counter left out`,
	}
	if diff := cmp.Diff(want, c.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	boom := errors.New("boom")
	_, err = ParseCounters(CounterFiles{Netstat: CounterFile{Name: "n", R: iotest.ErrReader(boom)}})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "reading n") {
		t.Errorf("read error: %v", err)
	}
	if _, err := ParseSoftnet("s", iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("softnet read error: %v", err)
	}
}
