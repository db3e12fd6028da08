package nstat

import (
	"bytes"
	"strings"
	"testing"

	report "github.com/stackbox/stackbox/pkg/report/nstat"
)

// FuzzReadTable feeds history files and daemon replies to the table
// reader: it must not panic, and what it reads must survive being
// written back as a history and read again.
func FuzzReadTable(f *testing.F) {
	for _, s := range []string{
		"#kernel\nIpInReceives                    1983               0.0\n",
		"#1234.1804289383 sampling_interval=1 time_const=60\nIpExtInOctets 4300 155.6\nTcpActiveOpens 1 0.0 (overflow)\n",
		"#kernel\nfoo\n", "\n", "#", "A -5 nan\nB 99999999999999999999 -inf\nC 1 0x1p4\n",
		"#a\n#b\nX 1\x00 2\n", "A 1 1e\nB 2 infin\n", strings.Repeat("x", 5000) + " 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var src Source
		got, err := src.ReadTable(bytes.NewReader(in))
		if len(src.Info) > infoMax {
			t.Fatalf("source kept %d bytes", len(src.Info))
		}
		for _, e := range got {
			if e.Name == "" || strings.ContainsAny(e.Name, " \t\n\v\f\r\x00") || Useless(e.Name) {
				t.Fatalf("bad entry %+v", e)
			}
		}
		if err != nil || len(src.Info) >= infoMax || strings.ContainsAny(src.Info, "\n\x00") {
			return
		}
		for _, e := range got {
			if len(e.Name) >= 32 || e.Name[0] == '#' || e.Value >= 1e15 {
				// "%-32s" leaves no space after a name this long, and
				// "%-16llu" none after a value of 16 digits: nstat
				// reads them back glued to what follows. A name
				// starting with '#' reads back as a source line.
				return
			}
		}
		// Written back as nstat writes a history, the values read
		// again the same (rates are rounded to a tenth).
		rows := Absolute(got, nil, false, Selection{Zeros: true})
		var b bytes.Buffer
		if err := report.Text(&b, src.Info, rows); err != nil {
			t.Fatal(err)
		}
		if b.Len() > 0 && bytes.Count(b.Bytes(), []byte("\n")) != len(rows)+1 {
			return
		}
		var src2 Source
		again, err := src2.ReadTable(&b)
		if err != nil {
			t.Fatalf("re-reading %q: %v", b.String(), err)
		}
		if len(again) != len(got) || src2.Info != src.Info {
			t.Fatalf("re-read %d entries from %q, want %d", len(again), src2.Info, len(got))
		}
		for i := range got {
			if again[i].Name != got[i].Name || again[i].Value != got[i].Value {
				t.Fatalf("entry %d: %+v became %+v", i, got[i], again[i])
			}
		}
	})
}

// FuzzFnmatch checks that matching never panics, that a pattern without
// special characters matches exactly its own text (in either case), and
// that "*" and a pattern followed by "*" match what they must.
func FuzzFnmatch(f *testing.F) {
	for _, s := range [][2]string{
		{"Tcp*", "TcpActiveOpens"}, {"[[:upper:]]*", "X"}, {"[!a-z]", "Q"}, {"[", "["}, {"\\", ""},
		{"*[[.a.]-[.c.]]", "xb"}, {"[[=a=]]", "a"}, {"[]-]", "]"}, {"**?*", "ab"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if len(pattern) > 64 || len(name) > 64 {
			return // the matcher backtracks, as glibc's does
		}
		m := Fnmatch(pattern, name, false)
		if !strings.ContainsAny(pattern, "*?[\\") {
			if want := strings.EqualFold(pattern, name) && asciiFoldOnly(pattern, name); m != want && asciiFoldOnly(pattern, name) {
				t.Fatalf("Fnmatch(%q, %q) = %v, want %v", pattern, name, m, want)
			}
		}
		if !Fnmatch("*", name, false) {
			t.Fatalf("* does not match %q", name)
		}
		if m && !Fnmatch(pattern+"*", name+"x", false) && !strings.HasSuffix(pattern, "\\") {
			t.Fatalf("%q matches %q but %q does not match %q", pattern, name, pattern+"*", name+"x")
		}
	})
}

// asciiFoldOnly reports whether the strings hold only ASCII, where
// EqualFold and fnmatch's C-locale folding agree.
func asciiFoldOnly(a, b string) bool {
	for _, s := range []string{a, b} {
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return false
			}
		}
	}
	return true
}
