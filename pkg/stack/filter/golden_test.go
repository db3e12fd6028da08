package filter

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

// The golden files record what /usr/bin/ss (iproute2 6.1) does with each
// case; "go test -update" captures them again (as root, with ss, strace
// and ip installed), running ss in a fresh network namespace so that no
// name lookup can leave the machine.
var update = flag.Bool("update", false, "rewrite the golden files from /usr/bin/ss")

// bytecodeCases are ss invocations whose kernel program is recorded.
var bytecodeCases = []struct{ flags, expr string }{
	{"-tn", "sport = :22"},
	{"-tn", "dport = :22"},
	{"-tn", "sport != :22"},
	{"-tn", "sport > :22"},
	{"-tn", "sport < :22"},
	{"-tn", "sport >= :22"},
	{"-tn", "sport <= :22"},
	{"-tn", "dport > :1024"},
	{"-tn", "dport >= 1"},
	{"-tn", "dport <= 65535"},
	{"-tn", "dport < 80"},
	{"-tn", "sport > :65558"},
	{"-tn", "sport = :99999"},
	{"-tn", "sport = :-1"},
	{"-tn", "sport = :ssh"},
	{"-tn", "src 127.0.0.1"},
	{"-tn", "src 127.0.0.1:22"},
	{"-tn", "dst 10.0.0.0/8"},
	{"-tn", "dst 10.0.0.0/8:80"},
	{"-tn", "dst 10.8:80"},
	{"-tn", "dst 1.2.3.4/255.255.0.0"},
	{"-tn", "src 1.2.3.4/any"},
	{"-tn", "src [::1]"},
	{"-tn", "dst [::1]:22"},
	{"-tn", "src fe80::/10"},
	{"-tn", "src ::/0"},
	{"-tn", "src 0.0.0.0/0"},
	{"-tn", "src default"},
	{"-tn", "src *:22"},
	{"-tn", "src *"},
	{"-tn", "src :22"},
	{"-tn", "src localhost"},
	{"-tn", "src localhost:ssh"},
	{"-tn", "src inet:127.0.0.1"},
	{"-tn", "src inet6:[::1]:22"},
	{"-6tn", "src [::ffff:1.2.3.4]"},
	{"-6tn", "src default"},
	{"-4tn", "src 2130706433"},
	{"-tn", "autobound"},
	{"-tn", "not autobound"},
	{"-tn", "fwmark = 0x10/0xff"},
	{"-tn", "fwmark != 1"},
	{"-tn", "fwmark -1"},
	{"-tn", "dev = lo"},
	{"-tn", "sport = :22 and dev = lo"},
	{"-tn", "not dev = 1"},
	{"-tn", "sport = :22 or dport = :80"},
	{"-tn", "sport = :22 and dport = :80"},
	{"-tn", "sport = :22 dport = :80"},
	{"-tn", "not sport = :22"},
	{"-tn", "not ( sport = :22 or sport = :80 )"},
	{"-tn", "( sport = :22 or sport = :80 ) and ( dport = :1 or dport = :2 )"},
	{"-tn", "sport = :22 and dport = :80 and src 127.0.0.1"},
	{"-tn", "sport = :22 or dport = :80 or src 127.0.0.1"},
	{"-tn", "sport = :22 or dport = :80 and src 127.0.0.1"},
	{"-tn", "not not sport = :22"},
	{"-tn", "sport > :22 and sport < :80"},
	{"-tn", "not sport > :22 or not src 127.0.0.1 and autobound"},
	{"-tn", "( dst 10.0.0.0/8 or dst 192.168.0.0/16 ) and not ( dport = :22 or fwmark 1/1 )"},
	{"-tn", "! ( ( sport >= :1 && sport <= :1024 ) || dport == :53 ) && src [::1]"},
}

// parseCases are ss invocations whose stderr and exit status are
// recorded; file is the -F file's content when not empty.
type parseCase struct {
	Flags  string   `json:"flags"`
	Args   []string `json:"args"`
	File   string   `json:"file,omitempty"`
	Code   int      `json:"code"`
	Stderr string   `json:"stderr"`
	Usage  bool     `json:"usage,omitempty"`
}

var parseCases = []parseCase{
	// Accepted.
	{Flags: "-tn", Args: nil},
	{Flags: "-tn", Args: []string{""}},
	{Flags: "-tn", Args: []string{"sport = :22"}},
	{Flags: "-tn", Args: []string{"sport", "=", ":22"}},
	{Flags: "-tn", Args: []string{"sport == :22"}},
	{Flags: "-tn", Args: []string{"sport eq :22"}},
	{Flags: "-tn", Args: []string{"sport :22"}},
	{Flags: "-tn", Args: []string{"sport 22"}},
	{Flags: "-tn", Args: []string{"sport ne :22"}},
	{Flags: "-tn", Args: []string{"sport neq :22"}},
	{Flags: "-tn", Args: []string{"sport gt 22"}},
	{Flags: "-tn", Args: []string{"sport lt 22"}},
	{Flags: "-tn", Args: []string{"sport ge 22"}},
	{Flags: "-tn", Args: []string{"sport geq 22"}},
	{Flags: "-tn", Args: []string{"sport le 22"}},
	{Flags: "-tn", Args: []string{"sport leq 22"}},
	{Flags: "-tn", Args: []string{"sport = :"}},
	{Flags: "-tn", Args: []string{"sport = *"}},
	{Flags: "-tn", Args: []string{"sport = :*"}},
	{Flags: "-tn", Args: []string{"sport = :0x16"}},
	{Flags: "-tn", Args: []string{"sport = :026"}},
	{Flags: "-tn", Args: []string{"sport = [22]"}},
	{Flags: "-tn", Args: []string{"dport = :domain"}},
	{Flags: "-un", Args: []string{"dport = :domain"}},
	{Flags: "-un", Args: []string{"dport = :ntp"}},
	{Flags: "-tun", Args: []string{"dport = :sunrpc"}},
	{Flags: "-tn", Args: []string{"dport = :www"}},
	{Flags: "-tn", Args: []string{"src = 127.0.0.1"}},
	{Flags: "-tn", Args: []string{"src 10/8"}},
	{Flags: "-tn", Args: []string{"src 0x7f.1"}},
	{Flags: "-tn", Args: []string{"src -0.0.0.0"}},
	{Flags: "-tn", Args: []string{"src 1.2.3.4/0x10"}},
	{Flags: "-tn", Args: []string{"src 1.2.3.4/255.255"}},
	{Flags: "-tn", Args: []string{"src [::1]22"}},
	{Flags: "-tn", Args: []string{"src 1.2.3.4:"}},
	{Flags: "-tn", Args: []string{"src ::1/128"}},
	{Flags: "-tn", Args: []string{"src any"}},
	{Flags: "-tn", Args: []string{"src all"}},
	{Flags: "-tn", Args: []string{"dst *:*"}},
	{Flags: "-tn", Args: []string{"src []:22"}},
	{Flags: "-tn", Args: []string{"dev = lo"}},
	{Flags: "-tn", Args: []string{"dev lo"}},
	{Flags: "-tn", Args: []string{"dev != lo"}},
	{Flags: "-tn", Args: []string{"dev = 1"}},
	{Flags: "-tn", Args: []string{"dev = 0x10"}},
	{Flags: "-tn", Args: []string{"dev = 0"}},
	{Flags: "-tn", Args: []string{"fwmark 1x"}},
	{Flags: "-tn", Args: []string{"fwmark 0x/0x"}},
	{Flags: "-tn", Args: []string{"fwmark 1/2/3"}},
	{Flags: "-tn", Args: []string{"autobound"}},
	{Flags: "-tn", Args: []string{"! autobound"}},
	{Flags: "-tn", Args: []string{"sport = :22 && dport = :80"}},
	{Flags: "-tn", Args: []string{"sport = :22 & dport = :80"}},
	{Flags: "-tn", Args: []string{"sport = :22 || dport = :80"}},
	{Flags: "-tn", Args: []string{"sport = :22 | dport = :80"}},
	{Flags: "-tn", Args: []string{"\\( sport = :22 \\)"}},
	{Flags: "-tn", Args: []string{"sport\t=\t:22"}},
	{Flags: "-tn", Args: []string{"(", "sport", "=", ":22", ")", "or", "(dport = :1)"}},
	{Flags: "-tn", Args: []string{"state", "listening"}},
	{Flags: "-tn", Args: []string{"state", "LISTENING", "sport = :22"}},
	{Flags: "-tn", Args: []string{"state", "syn-rcv", "state", "unknown"}},
	{Flags: "-tn", Args: []string{"exclude", "listening", "excl", "time-wait"}},
	{Flags: "-tn", Args: []string{"state", "all", "exclude", "bucket", "exclude", "big"}},
	{Flags: "-tn", Args: []string{"state", "connected", "state", "synchronized", "state", "closed", "state", "close"}},
	{Flags: "-xn", Args: []string{"src unix:/tmp/*"}},
	{Flags: "-xn", Args: []string{"src /tmp/x"}},
	{Flags: "-xn", Args: []string{"sport = :nosuchservice"}},
	{Flags: "-xn", Args: []string{"dst unix:"}},
	{Flags: "-0n", Args: []string{"src link:ip"}},
	{Flags: "-0n", Args: []string{"src ip"}},
	{Flags: "-0n", Args: []string{"src 0x800:1"}},
	{Flags: "-0n", Args: []string{"src IPV6:lo"}},
	{Flags: "-0n", Args: []string{"src link:*:lo"}},
	{Flags: "-0n", Args: []string{"src LLDP"}},
	{Flags: "-0n", Args: []string{"sport = :lo"}},
	{Flags: "-0n", Args: []string{"sport = 7"}},
	{Flags: "-an", Args: []string{"src netlink:rtnl"}},
	{Flags: "-an", Args: []string{"src netlink:rtnl:kernel"}},
	{Flags: "-an", Args: []string{"src netlink:16:-5"}},
	{Flags: "-an", Args: []string{"src netlink:*"}},
	{Flags: "-an", Args: []string{"src vsock:1:2"}},
	{Flags: "-an", Args: []string{"src vsock:*:*"}},

	// Refused while lexing.
	{Flags: "-tn", Args: []string{"sport = :foo"}},
	{Flags: "-tn", Args: []string{"sport", "=", ":foo"}},
	{Flags: "-un", Args: []string{"sport = :ssh"}},
	{Flags: "-wn", Args: []string{"sport = :ssh"}},
	{Flags: "-tn", Args: []string{"sport = [::1]:22"}},
	{Flags: "-tn", Args: []string{"sport = [22"}},
	{Flags: "-tn", Args: []string{"sport = 1.2.3.4:22"}},
	{Flags: "-tn", Args: []string{"sport = :22 or 1.2.3.4"}},
	{Flags: "-tn", Args: []string{"foo"}},
	{Flags: "-tn", Args: []string{"src 1.2.3.4/33"}},
	{Flags: "-tn", Args: []string{"src 300.1.1.1"}},
	{Flags: "-tn", Args: []string{"src 1.2.3.4.5"}},
	{Flags: "-tn", Args: []string{"src [::1"}},
	{Flags: "-tn", Args: []string{"src ::1"}},
	{Flags: "-tn", Args: []string{"src default/8"}},
	{Flags: "-tn", Args: []string{"src 1.2.3.4/255.0.255.0"}},
	{Flags: "-tn", Args: []string{"dst *foo"}},
	{Flags: "-tn", Args: []string{"src nosuch:ssh"}},
	{Flags: "-tn", Args: []string{"src nosuch:nosuch"}},
	{Flags: "-tn", Args: []string{"src fe80::1%lo/64"}},
	{Flags: "-6tn", Args: []string{"src 127.0.0.1"}},
	{Flags: "-4tn", Args: []string{"src [::1]"}},
	{Flags: "-6tn", Args: []string{"src 2130706433"}},
	{Flags: "-tn", Args: []string{"src\\ 127.0.0.1"}},
	{Flags: "-tn", Args: []string{"dev = nosuch"}},
	{Flags: "-tn", Args: []string{"dev = 99999999999"}},
	{Flags: "-tn", Args: []string{"dev = -1"}},
	{Flags: "-tn", Args: []string{"dev = lo 1.2.3.4"}},
	{Flags: "-tn", Args: []string{"fwmark = abc"}},
	{Flags: "-tn", Args: []string{"fwmark 1/"}},
	{Flags: "-tn", Args: []string{"fwmark /1"}},
	{Flags: "-tn", Args: []string{"fwmark 5//3"}},
	{Flags: "-tn", Args: []string{"fwmark -"}},
	{Flags: "-0n", Args: []string{"src link:bogus"}},
	{Flags: "-0n", Args: []string{"src link:ip:bogusdev"}},
	{Flags: "-0n", Args: []string{"sport = :ssh"}},
	{Flags: "-an", Args: []string{"src netlink:bogus"}},
	{Flags: "-an", Args: []string{"src netlink:rtnl:user"}},
	{Flags: "-an", Args: []string{"src vsock:x"}},
	{Flags: "-an", Args: []string{"src vsock:1:"}},

	// Refused by the grammar.
	{Flags: "-tn", Args: []string{"("}},
	{Flags: "-tn", Args: []string{")"}},
	{Flags: "-tn", Args: []string{"sport"}},
	{Flags: "-tn", Args: []string{"sport ="}},
	{Flags: "-tn", Args: []string{"and"}},
	{Flags: "-tn", Args: []string{"not"}},
	{Flags: "-tn", Args: []string{"src"}},
	{Flags: "-tn", Args: []string{"src 1.2.3.4 and"}},
	{Flags: "-tn", Args: []string{"src 1.2.3.4 )"}},
	{Flags: "-tn", Args: []string{"( src 1.2.3.4"}},
	{Flags: "-tn", Args: []string{"( )"}},
	{Flags: "-tn", Args: []string{"src != 1.2.3.4"}},
	{Flags: "-tn", Args: []string{"src > 1.2.3.4"}},
	{Flags: "-tn", Args: []string{"dst >= 1.2.3.4"}},
	{Flags: "-tn", Args: []string{"dev > lo"}},
	{Flags: "-tn", Args: []string{"fwmark > 1"}},
	{Flags: "-tn", Args: []string{"cgroup > /"}},
	{Flags: "-tn", Args: []string{"1.2.3.4"}},
	{Flags: "-tn", Args: []string{"autobound 1.2.3.4"}},
	{Flags: "-tn", Args: []string{"autobound = 1.2.3.4"}},
	{Flags: "-tn", Args: []string{"sport = = :22"}},
	{Flags: "-tn", Args: []string{"sport and"}},
	{Flags: "-tn", Args: []string{"state foo"}},
	{Flags: "-tn", Args: []string{"sport = :22", "state", "listening"}},

	// Refused with the state words.
	{Flags: "-tn", Args: []string{"state"}},
	{Flags: "-tn", Args: []string{"exclude"}},
	{Flags: "-tn", Args: []string{"state", "listening", "excl"}},
	{Flags: "-tn", Args: []string{"state", "bogus"}},
	{Flags: "-tn", Args: []string{"state", "listen"}},
	{Flags: "-tn", Args: []string{"state", "new-syn-recv"}},
	{Flags: "-tn", Args: []string{"exclude", "bound-inactive", "sport = :22"}},
	{Flags: "-tn", Args: []string{"state", "established "}},

	// Filter files.
	{Flags: "-tn", File: "sport = :22\n"},
	{Flags: "-tn", File: "# a comment\nsport = :22\n\n  or\tdport = :80"},
	{Flags: "-tn", File: "0 this line is skipped\nsport = :22\n"},
	{Flags: "-tn", File: "sport\n=\n:22\n"},
	{Flags: "-tn", Args: []string{"sport = :22", "or"}, File: "dport = :80\n"},
	{Flags: "-tn", Args: []string{"sport = :22"}, File: "or\n"},
	{Flags: "-tn", File: "sport = :foo\n"},
	{Flags: "-tn", File: "(\n"},
	{Flags: "-tn", File: "\x00sport = :22\n"},
	{Flags: "-tn", File: "sport = :22\x00junk\n"},
	{Flags: "-tn", File: "sport = :22 " + strings.Repeat(" ", 1008) + "\n"},
	{Flags: "-tn", File: "sport = :22 " + strings.Repeat(" ", 1009) + "\n"},
	{Flags: "-tn", File: "sport = :22 " + strings.Repeat(" ", 1010)},
	{Flags: "-tn", File: "sport = :22 " + strings.Repeat(" ", 1010) + "\n"},
	{Flags: "-tn", File: "sport = :22 " + strings.Repeat(" ", 1011)},
	{Flags: "-tn", File: "sport = :22 \\\n"},
}

const (
	bytecodeGolden = "testdata/bytecode.golden"
	parseGolden    = "testdata/parse.golden"
)

func TestBytecodeGolden(t *testing.T) {
	if *update {
		updateBytecodeGolden(t)
	}
	want := readBytecodeGolden(t)
	for _, c := range bytecodeCases {
		key := c.flags + "\t" + c.expr
		w, ok := want[key]
		if !ok {
			t.Errorf("%s %q: not in %s (run go test -update)", c.flags, c.expr, bytecodeGolden)
			continue
		}
		f, err := Parse([]string{c.expr}, optsFor(c.flags, newFakeResolver()))
		if err != nil {
			t.Errorf("ss %s %q: %v", c.flags, c.expr, err)
			continue
		}
		prog, ok := f.InetDiagBytecode(afInet)
		got := hex.EncodeToString(prog)
		if (w != "") != ok || got != w {
			t.Errorf("ss %s %q: bytecode %q (ok %v), ss sends %q", c.flags, c.expr, got, ok, w)
		}
	}
}

func readBytecodeGolden(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(bytecodeGolden)
	if err != nil {
		t.Fatal(err)
	}
	m := make(map[string]string)
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("%s: bad line %q", bytecodeGolden, line)
		}
		m[f[0]+"\t"+f[1]] = f[2]
	}
	return m
}

func TestParseGolden(t *testing.T) {
	if *update {
		updateParseGolden(t)
	}
	b, err := os.ReadFile(parseGolden)
	if err != nil {
		t.Fatal(err)
	}
	var want []parseCase
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c parseCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		want = append(want, c)
	}
	if len(want) != len(parseCases) {
		t.Fatalf("%s has %d cases, the test %d (run go test -update)", parseGolden, len(want), len(parseCases))
	}
	for i, w := range want {
		c := parseCases[i]
		if c.Flags != w.Flags || !equalStrings(c.Args, w.Args) || c.File != w.File {
			t.Fatalf("%s case %d is %s %q, the test's %s %q (run go test -update)", parseGolden, i, w.Flags, w.Args, c.Flags, c.Args)
		}
		opts := optsFor(c.Flags, newFakeResolver())
		if c.File != "" {
			opts.File = strings.NewReader(c.File)
		}
		_, err := Parse(c.Args, opts)
		var got parseCase
		got.Flags, got.Args, got.File = c.Flags, c.Args, c.File
		var fe *Error
		switch {
		case err == nil:
		case errors.As(err, &fe):
			got.Code, got.Stderr, got.Usage = fe.Code, fe.Msg, fe.Usage
		default:
			t.Errorf("ss %s %q: error %v is not an *Error", c.Flags, c.Args, err)
			continue
		}
		if got.Code != w.Code || got.Stderr != w.Stderr || got.Usage != w.Usage {
			t.Errorf("ss %s %q (file %q):\n got exit %d usage %v stderr %q\nwant exit %d usage %v stderr %q",
				c.Flags, c.Args, c.File, got.Code, got.Usage, got.Stderr, w.Code, w.Usage, w.Stderr)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// ssNetns creates an empty network namespace for running ss in, or skips.
func ssNetns(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("updating the golden files needs root (ip netns)")
	}
	for _, tool := range []string{"ss", "ip", "strace"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("updating the golden files needs %s", tool)
		}
	}
	name := fmt.Sprintf("sbfilter-gold-%d-%d", os.Getpid(), rand.Intn(1e6))
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Skipf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	return name
}

func updateBytecodeGolden(t *testing.T) {
	ns := ssNetns(t)
	var b strings.Builder
	b.WriteString("# flags\texpression\tthe INET_DIAG_REQ_BYTECODE ss 6.1 sends (hex; empty: none)\n")
	for _, c := range bytecodeCases {
		out, err := exec.Command("ip", "netns", "exec", ns, "strace", "-f", "-qq", "-e", "trace=sendmsg",
			"-e", "write=all", "-xx", "-s", "0", "ss", c.flags, c.expr).CombinedOutput()
		if err != nil {
			t.Fatalf("ss %s %q: %v\n%s", c.flags, c.expr, err, out)
		}
		prog, err := straceBytecode(out)
		if err != nil {
			t.Fatalf("ss %s %q: %v\n%s", c.flags, c.expr, err, out)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\n", c.flags, c.expr, hex.EncodeToString(prog))
	}
	if err := os.WriteFile(bytecodeGolden, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// straceBytecode finds ss's first sock_diag request in strace's dump of
// sendmsg data and returns its bytecode (iov buffer 2), nil when none.
func straceBytecode(out []byte) ([]byte, error) {
	type msg struct{ bufs [][]byte }
	var msgs []*msg
	var cur *msg
	var buf []byte
	want := 0
	flush := func() {
		if cur != nil && buf != nil {
			cur.bufs = append(cur.bufs, buf)
		}
		buf = nil
	}
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "sendmsg("):
			flush()
			cur = &msg{}
			msgs = append(msgs, cur)
		case strings.HasPrefix(line, " * ") && strings.Contains(line, " bytes in buffer "):
			flush()
			f := strings.Fields(line)
			n, err := strconv.Atoi(f[1])
			if err != nil {
				return nil, err
			}
			buf, want = []byte{}, n
		case strings.HasPrefix(line, " | ") && buf != nil:
			f := strings.Fields(line)
			for _, h := range f[2:] {
				if len(buf) == want || len(h) != 2 {
					break
				}
				v, err := strconv.ParseUint(h, 16, 8)
				if err != nil {
					break
				}
				buf = append(buf, byte(v))
			}
		}
	}
	flush()
	for _, m := range msgs {
		// struct nlmsghdr + inet_diag_req_v2 of type SOCK_DIAG_BY_FAMILY.
		if len(m.bufs) > 0 && isDiagRequest(m.bufs[0]) {
			if len(m.bufs) < 3 {
				return nil, nil
			}
			return m.bufs[2], nil
		}
	}
	return nil, errors.New("no sock_diag request in the trace")
}

// isDiagRequest reports whether b is a struct nlmsghdr and struct
// inet_diag_req_v2 of type SOCK_DIAG_BY_FAMILY for an inet family.
func isDiagRequest(b []byte) bool {
	return len(b) == 72 && b[4] == 20 && (b[16] == afInet || b[16] == afInet6)
}

// straceStates returns the idiag_states of ss's first sock_diag request.
func straceStates(out []byte) (uint32, error) {
	var last []byte
	lines := strings.Split(string(out), "\n")
	for i, line := range lines {
		if !strings.HasPrefix(line, " * 72 bytes in buffer 0") {
			continue
		}
		for _, l := range lines[i+1 : min(i+6, len(lines))] {
			f := strings.Fields(l)
			for _, h := range f[2:] {
				if len(h) != 2 || len(last) == 72 {
					break
				}
				v, err := strconv.ParseUint(h, 16, 8)
				if err != nil {
					break
				}
				last = append(last, byte(v))
			}
		}
		if isDiagRequest(last) {
			return uint32(last[20]) | uint32(last[21])<<8 | uint32(last[22])<<16 | uint32(last[23])<<24, nil
		}
		last = nil
	}
	return 0, errors.New("no sock_diag request in the trace")
}

func updateParseGolden(t *testing.T) {
	ns := ssNetns(t)
	dir := t.TempDir()
	var b strings.Builder
	for i, c := range parseCases {
		args := []string{"netns", "exec", ns, "ss", c.Flags}
		if c.File != "" {
			path := filepath.Join(dir, fmt.Sprintf("filter%d", i))
			if err := os.WriteFile(path, []byte(c.File), 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, "-F", path)
		}
		args = append(args, c.Args...)
		cmd := exec.Command("ip", args...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			c.Code = ee.ExitCode()
		default:
			t.Fatal(err)
		}
		c.Stderr = stderr.String()
		if i := strings.Index(c.Stderr, "Usage: ss "); i >= 0 {
			c.Stderr, c.Usage = c.Stderr[:i], true
		}
		j, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(j)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(parseGolden, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stateCases are state words whose resulting idiag_states ss -t sends is
// recorded.
var stateCases = [][]string{
	{"state", "all"},
	{"state", "connected"},
	{"state", "synchronized"},
	{"state", "bucket"},
	{"state", "big"},
	{"state", "established"},
	{"state", "syn-sent"},
	{"state", "syn-recv"},
	{"state", "syn-rcv"},
	{"state", "fin-wait-1"},
	{"state", "fin-wait-2"},
	{"state", "time-wait"},
	{"state", "closed"},
	{"state", "close"},
	{"state", "unconnected"},
	{"state", "close-wait"},
	{"state", "last-ack"},
	{"state", "listening"},
	{"state", "closing"},
	{"state", "unknown"},
	{"state", "Established"},
	{"state", "listening", "state", "established"},
	{"exclude", "listening"},
	{"excl", "bucket"},
	{"exclude", "listening", "exclude", "established"},
	{"state", "listening", "exclude", "listening", "state", "closing"},
	{"exclude", "all", "state", "time-wait"},
	{"state", "connected", "exclude", "synchronized"},
}

const statesGolden = "testdata/states.golden"

func TestStatesGolden(t *testing.T) {
	if *update {
		ns := ssNetns(t)
		var b strings.Builder
		b.WriteString("# state words\tthe idiag_states ss -t sends\n")
		for _, words := range stateCases {
			args := append([]string{"netns", "exec", ns, "strace", "-f", "-qq", "-e", "trace=sendmsg",
				"-e", "write=all", "-xx", "-s", "0", "ss", "-tn"}, words...)
			out, err := exec.Command("ip", args...).CombinedOutput()
			if err != nil {
				t.Fatalf("ss %q: %v\n%s", words, err, out)
			}
			st, err := straceStates(out)
			if err != nil {
				t.Fatalf("ss %q: %v\n%s", words, err, out)
			}
			fmt.Fprintf(&b, "%s\t%#x\n", strings.Join(words, " "), st)
		}
		if err := os.WriteFile(statesGolden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(statesGolden)
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string]uint64)
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		words, v, _ := strings.Cut(line, "\t")
		n, err := strconv.ParseUint(v, 0, 32)
		if err != nil {
			t.Fatal(err)
		}
		want[words] = n
	}
	for _, words := range stateCases {
		w, ok := want[strings.Join(words, " ")]
		if !ok {
			t.Errorf("%q: not in %s (run go test -update)", words, statesGolden)
			continue
		}
		f, err := Parse(words, optsFor("-tn", newFakeResolver()))
		if err != nil {
			t.Errorf("%q: %v", words, err)
			continue
		}
		// What ss -t sends: the words' set, or tcp's default when empty.
		got := f.States
		if !f.HasStates || got == 0 {
			got = stack.StatesConnected
		}
		if uint64(got) != w {
			t.Errorf("%q: states %#x, ss sends %#x", words, uint32(got), w)
		}
	}
}
