//go:build linux

package ssdiff

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/normalize")

// TestNormalizeGolden normalises outputs captured from ss 6.1 (testdata/
// normalize/*.in: a "pid N" line, an "args ..." line, then stdout) and
// compares them with the .golden files. Review the diff after -update.
func TestNormalizeGolden(t *testing.T) {
	ins, err := filepath.Glob("testdata/normalize/*.in")
	if err != nil || len(ins) == 0 {
		t.Fatalf("no inputs in testdata/normalize: %v", err)
	}
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			head, rest, _ := strings.Cut(string(b), "\n")
			_, stdout, _ := strings.Cut(rest, "\n") // the args line
			pid, err := strconv.Atoi(strings.TrimPrefix(head, "pid "))
			if err != nil {
				t.Fatalf("%s: first line %q is not \"pid N\"", in, head)
			}
			got := normalize(stdout, "", 0, pid)
			text := got.Stdout + "---- rules fired: " + strings.Join(got.Notes, ", ") + "\n"
			golden := strings.TrimSuffix(in, ".in") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := lineDiff("golden", string(want), "normalised", text); d != "" {
				t.Errorf("normalised %s differs from %s:\n%s", in, golden, d)
			}
			if strings.Contains(got.Stdout, strconv.Itoa(pid)) {
				t.Errorf("the tool's own pid %d survived normalisation", pid)
			}
		})
	}
}

// TestNormalizeEqualizes: outputs that differ only in volatile fields are
// equal after normalisation.
func TestNormalizeEqualizes(t *testing.T) {
	for _, tc := range []struct {
		name         string
		a, b         string
		pidA, pidB   int
		wantNoteFrom string
	}{
		{
			name: "timer and padding",
			a:    "ESTAB 0 0 127.0.0.1:1023 127.0.0.1:80 timer:(keepalive,119min,0)\nLISTEN 0 1 *:22 *:*                        \n",
			b:    "ESTAB 0 0 127.0.0.1:1023 127.0.0.1:80 timer:(keepalive,118min,0) \nLISTEN 0 1 *:22 *:*                         \n",
		},
		{
			name: "tcp_info times",
			a:    "\t skmem:(r0) lastsnd:6792 lastrcv:6792 lastack:6784 busy:4ms rwnd_limited:4ms(100.0%) sndbuf_limited:1ms(25.0%)\n",
			b:    "\t skmem:(r0) lastsnd:9340 lastrcv:9340 lastack:9332 busy:17ms rwnd_limited:17ms(94.1%) sndbuf_limited:2ms(11.8%)\n",
		},
		{
			name: "summary",
			a:    "Total: 85\nTCP:   80058 (estab 25, closed 80016, orphaned 0, timewait 1)\n",
			b:    "Total: 84\nTCP:   80071 (estab 25, closed 80029, orphaned 0, timewait 1)\n",
		},
		{
			name: "own netlink socket, moved by its pid",
			a:    "nl UNCONN 0 0 rtnl:kernel *\nnl UNCONN 4352 0 tcpdiag:ss/100 *\nnl UNCONN 832 0 tcpdiag:kernel *\n",
			b:    "nl UNCONN 0 0 rtnl:kernel *\nnl UNCONN 832 0 tcpdiag:kernel *\nnl UNCONN 8192 0 tcpdiag:ss/200 *\n",
			pidA: 100, pidB: 200,
		},
		{
			name: "own netlink socket, numeric",
			a:    "UNCONN 4352 0 4:100 *\tskmem:(r4352,rb2097152)\n",
			b:    "UNCONN 0 0 4:200 *\tskmem:(r0,rb1)\n",
			pidA: 100, pidB: 200,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			na := normalize(tc.a, "err\n", 1, tc.pidA)
			nb := normalize(tc.b, "err\n", 1, tc.pidB)
			if !na.equal(nb) {
				t.Errorf("not equal after normalisation:\n%s", lineDiff("a", na.Stdout, "b", nb.Stdout))
			}
			if len(na.Notes) == 0 {
				t.Errorf("no rule fired")
			}
		})
	}
}

// TestNormalizeKeepsDifferences: real differences survive normalisation.
func TestNormalizeKeepsDifferences(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b string
		pid  int
	}{
		{"state", "ESTAB 0 0 a b\n", "LISTEN 0 0 a b\n", 0},
		{"queue", "ESTAB 0 0 a b\n", "ESTAB 1 0 a b\n", 0},
		{"trailing blank without volatile fields", "ESTAB 0 0 a b \n", "ESTAB 0 0 a b\n", 0},
		{"column alignment", "ESTAB 0 0  a b\n", "ESTAB 0 0 a  b\n", 0},
		{"timer name", "x timer:(keepalive,1min,0)\n", "x timer:(on,1min,0)\n", 0},
		{"timer count", "x timer:(on,1sec,0)\n", "x timer:(on,1sec,1)\n", 0},
		{"tcp_info counter", "\t segs_out:3 lastsnd:1\n", "\t segs_out:4 lastsnd:1\n", 0},
		{"someone else's netlink socket", "nl UNCONN 0 0 rtnl:sockmix/100 *\n", "nl UNCONN 0 0 rtnl:sockmix/101 *\n", 7},
		{"a port equal to the pid", "tcp ESTAB 0 0 127.0.0.1:4242 127.0.0.1:1\n", "tcp ESTAB 0 0 127.0.0.1:4243 127.0.0.1:1\n", 4242},
		{"the own socket's protocol", "nl UNCONN 0 0 tcpdiag:ss/5 *\n", "nl UNCONN 0 0 rtnl:ss/5 *\n", 5},
		{"last line without newline", "ESTAB 0 0 a b\n", "ESTAB 0 0 a b", 0},
		{"summary estab", "TCP:   1 (estab 2, closed 3, orphaned 0, timewait 0)\n", "TCP:   1 (estab 3, closed 3, orphaned 0, timewait 0)\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			na, nb := normalize(tc.a, "", 0, tc.pid), normalize(tc.b, "", 0, tc.pid)
			if na.equal(nb) {
				t.Errorf("%q and %q are equal after normalisation (%q)", tc.a, tc.b, na.Stdout)
			}
		})
	}
	if normalize("x", "a", 0, 0).equal(normalize("x", "b", 0, 0)) {
		t.Error("stderr differences are lost")
	}
	if normalize("x", "", 0, 0).equal(normalize("x", "", 1, 0)) {
		t.Error("exit status differences are lost")
	}
}

func TestLineDiff(t *testing.T) {
	if d := lineDiff("a", "x\ny\n", "b", "x\ny\n"); d != "" {
		t.Errorf("diff of equal texts = %q", d)
	}
	var lines []string
	for i := 0; i < 20; i++ {
		lines = append(lines, "line "+strconv.Itoa(i))
	}
	a := strings.Join(lines, "\n")
	lines[10] = "LINE 10"
	b := strings.Join(lines, "\n") + " "
	d := lineDiff("old", a, "new", b)
	for _, want := range []string{"--- old\n", "+++ new\n", "- line 10$\n", "+ LINE 10$\n", "  line 9$\n", "- line 19$\n", "+ line 19 $\n", "  ...\n"} {
		if !strings.Contains(d, want) {
			t.Errorf("diff lacks %q:\n%s", want, d)
		}
	}
	long := strings.Repeat("x", 70)
	d2 := lineDiff("a", "head\n"+long+"A tail\n", "b", "head\n"+long+"B tail\n")
	if !strings.Contains(d2, "? first difference at column 71:") {
		t.Errorf("no hint at the first difference of long lines:\n%s", d2)
	}
	if strings.Contains(d, "line 2$") {
		t.Errorf("diff shows lines far from any change:\n%s", d)
	}
}
