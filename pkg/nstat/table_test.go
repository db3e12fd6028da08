package nstat

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stackbox/stackbox/pkg/stack"
)

func TestReadTable(t *testing.T) {
	long := strings.Repeat("x", 4200)
	for _, tc := range []struct {
		name     string
		in       string
		start    string // the Source's Info before reading
		want     []Entry
		info     string
		mismatch bool
		errLine  int // a ParseError at this line, 0 for none
	}{
		{name: "empty", in: ""},
		{
			name: "history",
			in:   "#kernel\nIpInReceives                    1983               0.0\nTcpActiveOpens 33 1.5\n",
			want: []Entry{{"IpInReceives", 1983, 0}, {"TcpActiveOpens", 33, 1.5}},
			info: "kernel",
		},
		{
			name: "constants dropped",
			in:   "#kernel\nIpForwarding 1\nIpDefaultTTL 64\nTcpRtoAlgorithm 1\nTcpRtoMin 200\nTcpRtoMax 120000\nTcpMaxConn 18446744073709551615\nTcpCurrEstab 3\nSctpCurrEstab 2\n",
			want: []Entry{{"SctpCurrEstab", 2, 0}},
			info: "kernel",
		},
		{
			name: "no rate, bad rate, extra fields",
			in:   "A 1\nB 2 x\nC 3 4 5\nD 4 1e\n",
			want: []Entry{{"A", 1, 0}, {"B", 2, 0}, {"C", 3, 4}, {"D", 4, 1}},
		},
		{
			name: "numbers as scanf reads them",
			in:   "A -5\nB +7\nC 99999999999999999999\nD 12abc\nE 0x10 0x1p4\nF 1 0x1p4\n",
			want: []Entry{{"A", 1<<64 - 5, 0}, {"B", 7, 0}, {"C", math.MaxUint64, 0}, {"D", 12, 0}, {"E", 0, 0}, {"F", 1, 16}},
		},
		{name: "no value", in: "#kernel\nfoo\n", info: "kernel", errLine: 2},
		{name: "bad value", in: "A 1\nfoo bar\n", want: []Entry{{"A", 1, 0}}, errLine: 2},
		{name: "blank line", in: "A 1\n\n", want: []Entry{{"A", 1, 0}}, errLine: 2},
		{name: "spaces and tabs", in: " \t A \v 1 \f 2 \r\n", want: []Entry{{"A", 1, 2}}},
		{name: "no final newline", in: "#kernel\nA 1", want: []Entry{{"A", 1, 0}}, info: "kernel"},
		{name: "source without newline loses its last byte", in: "#kernel", info: "kerne"},
		{name: "bare #", in: "#\nA 1\n", want: []Entry{{"A", 1, 0}}},
		{name: "NUL ends a line", in: "A 1\x00 junk\nB\x002\n", want: []Entry{{"A", 1, 0}}, errLine: 2},
		{name: "NUL in a source", in: "#ker\x00nel\n", info: "ke"},
		{
			name: "two sources",
			in:   "#kernel\nA 1\n#other\nB 2\n",
			want: []Entry{{"A", 1, 0}, {"B", 2, 0}},
			info: "other", mismatch: true,
		},
		{name: "same source twice", in: "#kernel\n#kernel\n", info: "kernel"},
		{name: "source differs from the history's", in: "#1.2 x\n", start: "kernel", info: "1.2 x", mismatch: true},
		{
			name: "long source kept to 127 bytes and then differs from itself",
			in:   "#" + strings.Repeat("s", 200) + "\n#" + strings.Repeat("s", 200) + "\n",
			info: strings.Repeat("s", 127), mismatch: true,
		},
		{
			// fgets reads 4095 bytes at a time: the rest of a long line
			// is a line of its own.
			name: "long line split",
			in:   "A 1 " + long[:4091] + "B 2\n",
			want: []Entry{{"A", 1, 0}, {"B", 2, 0}},
		},
		{name: "long name split without value", in: long + " 1\n", errLine: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := Source{Info: tc.start}
			got, err := src.ReadTable(strings.NewReader(tc.in))
			var pe *ParseError
			switch {
			case tc.errLine == 0 && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.errLine != 0 && !errors.As(err, &pe):
				t.Fatalf("error %v, want a ParseError at line %d", err, tc.errLine)
			case tc.errLine != 0 && pe.Line != tc.errLine:
				t.Errorf("ParseError at line %d, want %d", pe.Line, tc.errLine)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			if src.Info != tc.info || src.Mismatch != tc.mismatch {
				t.Errorf("source %q mismatch %v, want %q %v", src.Info, src.Mismatch, tc.info, tc.mismatch)
			}
		})
	}
}

func TestScanFloat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		n    int
		ok   bool
	}{
		{"1.5", 1.5, 3, true}, {"-2", -2, 2, true}, {"inf", math.Inf(1), 3, true},
		{"-Infinity", math.Inf(-1), 9, true}, {"infin", 0, 0, false}, {"1e", 1, 2, true},
		{"0x", 0, 2, true}, {"0x1.8", 1.5, 5, true}, {".", 0, 0, false}, {"e5", 0, 0, false},
		{"1e400", math.Inf(1), 5, true}, {"", 0, 0, false}, {"+", 0, 0, false},
	} {
		got, n, ok := ScanFloat([]byte(tc.in))
		if ok != tc.ok || ok && (got != tc.want || n != tc.n) {
			t.Errorf("ScanFloat(%q) = %v, %d, %v; want %v, %d, %v", tc.in, got, n, ok, tc.want, tc.n, tc.ok)
		}
	}
	if got, _, ok := ScanFloat([]byte("nan")); !ok || !math.IsNaN(got) {
		t.Errorf("ScanFloat(nan) = %v, %v", got, ok)
	}
}

func TestScanInt32(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int32
		ok   bool
	}{
		{"5", 5, true}, {" 5x", 5, true}, {"+5", 5, true}, {"-5", -5, true}, {"x", 0, false},
		{"", 0, false}, {"4294967297", 1, true}, {"99999999999999999999", -1, true},
		{"-99999999999999999999", 0, true},
	} {
		got, ok := ScanInt32(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ScanInt32(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFromCounters(t *testing.T) {
	c := &stack.Counters{List: []stack.Counter{
		{Name: "IpForwarding", Value: 1}, {Name: "IpInReceives", Value: 5},
		{Name: "TcpCurrEstab", Value: 2}, {Name: "TcpExtTW", Value: 3},
		{Name: "SctpCurrEstab", Value: 4}, {Name: "SctpActiveEstabs", Value: 6},
	}}
	want := []Entry{{"SctpCurrEstab", 4, 0}, {"SctpActiveEstabs", 6, 0}, {"IpInReceives", 5, 0}, {"TcpExtTW", 3, 0}}
	if diff := cmp.Diff(want, FromCounters(c)); diff != "" {
		t.Errorf("FromCounters (-want +got):\n%s", diff)
	}
	if FromCounters(nil) != nil {
		t.Error("FromCounters(nil) should be nil")
	}
}
