package kernel

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stackbox/stackbox/pkg/stack"
)

func TestProcsParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int32
		ok   bool
	}{
		{"1", 1, true},
		{"4194304", 4194304, true},
		{"12abc", 12, true}, // %d%*c: the rest is ignored
		{" 7", 7, true},
		{"+8", 8, true},
		{"-9", -9, true},
		{"2147483648", math.MinInt32, true}, // the low 32 bits
		{"99999999999999999999", -1, true},  // strtol saturates, then int keeps 32 bits
		{"-99999999999999999999", 0, true},
		{"", 0, false},
		{".", 0, false},
		{"..", 0, false},
		{"self", 0, false},
		{"-", 0, false},
		{"+x", 0, false},
	}
	for _, tt := range tests {
		got, ok := procsParseInt([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("procsParseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestProcsParseSocketLink(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"socket:[12345]", 12345, true},
		{"socket:[0]", 0, true},
		{"socket:[4294967295]", math.MaxUint32, true},
		{"socket:[4294967296]", 0, true}, // %u keeps the low 32 bits
		{"socket:[ 77]", 77, true},
		{"socket:[77", 77, true}, // the closing ']' is not checked
		{"socket:[77x]", 77, true},
		{"socket:[-1]", math.MaxUint32, true},
		{"socket:[]", 0, false},
		{"socket:[x]", 0, false},
		{"socket:", 0, false},
		{"pipe:[12345]", 0, false},
		{"/dev/null", 0, false},
		{"anon_inode:[eventpoll]", 0, false},
		{"/run/socket:[1]", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := procsParseSocketLink([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("procsParseSocketLink(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestProcsParseComm(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"1 (systemd) S 0 1 1 0 -1 4194560", "systemd", true},
		{"42 (tmux: server) S 1", "tmux: server", true},
		// ss 6.1 stops at the first ')', so a name holding one is cut.
		{"43 (a) b(c) S 1", "a", true},
		{"44 (x)y) R 1", "x", true},
		{"45 ((sd-pam)) S 1", "(sd-pam", true},
		{"46 (new\nline) S", "new\nline", true},
		{"  47\t(spaced) S", "spaced", true},
		{"48(tight) S", "tight", true},
		{"-49 (neg) S", "neg", true},
		{"50 (unterminated", "unterminated", true},
		{"51 () S", "", false},
		{"52 S", "", false},
		{"(nopid) S", "", false},
		{"garbage", "", false},
		{"", "", false},
		{"53 (", "", false},
	}
	for _, tt := range tests {
		got, ok := procsParseComm([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("procsParseComm(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// procsDirent encodes one struct linux_dirent64, padded to 8 bytes.
func procsDirent(name string) []byte {
	reclen := (procsDirentHeader + len(name) + 1 + 7) &^ 7
	b := make([]byte, reclen)
	binary.NativeEndian.PutUint64(b[0:], 1)
	binary.NativeEndian.PutUint64(b[8:], 2)
	binary.NativeEndian.PutUint16(b[16:], uint16(reclen))
	b[18] = 10 // DT_LNK
	copy(b[procsDirentHeader:], name)
	return b
}

func TestProcsParseDirents(t *testing.T) {
	var buf []byte
	for _, n := range []string{".", "..", "0", "1", "12345", "self"} {
		buf = append(buf, procsDirent(n)...)
	}
	var got []string
	if !procsParseDirents(buf, func(name []byte) { got = append(got, string(name)) }) {
		t.Fatal("procsParseDirents: well-formed buffer rejected")
	}
	if diff := cmp.Diff([]string{".", "..", "0", "1", "12345", "self"}, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}

	// A truncated or corrupt record stops the walk.
	for name, bad := range map[string][]byte{
		"short header": buf[:10],
		"cut record":   append(append([]byte{}, procsDirent("1")...), procsDirent("2")[:20]...),
		"zero reclen":  make([]byte, 24),
	} {
		n := 0
		if procsParseDirents(bad, func([]byte) { n++ }) {
			t.Errorf("%s: accepted", name)
		}
		if name == "cut record" && n != 1 {
			t.Errorf("%s: %d names before the bad record, want 1", name, n)
		}
	}
}

// procsFormatUsers renders users the way ss 6.1 prints them after
// "users:" (with tid= for ss -T).
func procsFormatUsers(us []stack.ProcessFD, threads bool) string {
	var b strings.Builder
	b.WriteString("(")
	for i, u := range us {
		if i > 0 {
			b.WriteString(",")
		}
		if threads {
			fmt.Fprintf(&b, "(%q,pid=%d,tid=%d,fd=%d)", u.Name, u.PID, u.TID, u.FD)
		} else {
			fmt.Fprintf(&b, "(%q,pid=%d,fd=%d)", u.Name, u.PID, u.FD)
		}
	}
	b.WriteString(")")
	return b.String()
}

// TestProcsBuildTableOrder checks the order rule on hand-made scan
// results: ss prepends every entry it finds, so the last process and,
// within a process, the last descriptor come first.
func TestProcsBuildTableOrder(t *testing.T) {
	procs := [][]procsTask{
		{{pid: 10, tid: 10, name: "ten", parts: [][]procsSock{{{1000, 3}, {2000, 4}}, {{1000, 9}}}}},
		{{pid: 11, tid: 11, name: "none"}},
		{
			{pid: 12, tid: 12, name: "srv", parts: [][]procsSock{{{1000, 5}, {0, 6}}}},
			{pid: 12, tid: 13, name: "srv-w", shared: true},
			{pid: 12, tid: 14, name: "srv-x", parts: [][]procsSock{{{3000, 7}}}},
		},
	}
	for _, threads := range []bool{false, true} {
		tbl := procsBuildTable(procs, threads)
		tid := func(n int) int {
			if threads {
				return n
			}
			return 0
		}
		want := []stack.ProcessFD{
			{Name: "srv-w", PID: 12, TID: tid(13), FD: 5},
			{Name: "srv", PID: 12, TID: tid(12), FD: 5},
			{Name: "ten", PID: 10, TID: tid(10), FD: 9},
			{Name: "ten", PID: 10, TID: tid(10), FD: 3},
		}
		if diff := cmp.Diff(want, tbl.Lookup(1000)); diff != "" {
			t.Errorf("threads=%v: Lookup(1000) (-want +got):\n%s", threads, diff)
		}
		if diff := cmp.Diff([]stack.ProcessFD{{Name: "ten", PID: 10, TID: tid(10), FD: 4}}, tbl.Lookup(2000)); diff != "" {
			t.Errorf("threads=%v: Lookup(2000) (-want +got):\n%s", threads, diff)
		}
		if diff := cmp.Diff([]stack.ProcessFD{{Name: "srv-x", PID: 12, TID: tid(14), FD: 7}}, tbl.Lookup(3000)); diff != "" {
			t.Errorf("threads=%v: Lookup(3000) (-want +got):\n%s", threads, diff)
		}
		if got := tbl.Lookup(0); got != nil {
			t.Errorf("Lookup(0) = %v, want nil (ss never looks up inode 0)", got)
		}
		if got := tbl.Lookup(4000); got != nil {
			t.Errorf("Lookup(4000) = %v, want nil", got)
		}
		// Entries: 3 of pid 10, 2 of pid 12 and 2 again for its shared
		// thread, 1 of the other thread.
		if tbl.Len() != 8 || tbl.Inodes() != 4 {
			t.Errorf("Len, Inodes = %d, %d; want 8, 4", tbl.Len(), tbl.Inodes())
		}
	}

	// The result of Lookup is capped: appending to it must not clobber
	// the next inode's users.
	tbl := procsBuildTable(procs, false)
	u := tbl.Lookup(2000)
	_ = append(u, stack.ProcessFD{Name: "x"})
	if tbl.Lookup(1000)[0].Name != "srv-w" {
		t.Error("append to a Lookup result changed the table")
	}

	var nilTable *ProcessTable
	if nilTable.Lookup(1000) != nil || nilTable.Len() != 0 || nilTable.Inodes() != 0 {
		t.Error("nil table is not empty")
	}
	if got := procsFormatUsers(tbl.Lookup(2000), false); got != `(("ten",pid=10,fd=4))` {
		t.Errorf("format = %s", got)
	}
}

func FuzzProcsParseComm(f *testing.F) {
	for _, s := range []string{"1 (systemd) S 0", "43 (a) b(c) S 1", "50 (x", "", "-+1 (", " 9 ((()))"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		name, ok := procsParseComm(b)
		if !ok && name != "" {
			t.Fatalf("failed parse returned name %q", name)
		}
		if ok && (name == "" || strings.Contains(name, ")")) {
			t.Fatalf("bad name %q", name)
		}
	})
}

func FuzzProcsParseSocketLink(f *testing.F) {
	for _, s := range []string{"socket:[123]", "socket:[ -5]", "socket:[", "pipe:[1]", "socket:[99999999999999999999999]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ino, ok := procsParseSocketLink(b)
		if ok && !strings.HasPrefix(string(b), "socket:[") {
			t.Fatalf("accepted %q", b)
		}
		// Plain kernel-style links must parse to their number.
		var v uint32
		if n, err := fmt.Sscanf(string(b), "socket:[%d]", &v); err == nil && n == 1 &&
			string(b) == fmt.Sprintf("socket:[%d]", v) && (!ok || ino != v) {
			t.Fatalf("procsParseSocketLink(%q) = %d, %v; want %d", b, ino, ok, v)
		}
	})
}

func FuzzProcsParseInt(f *testing.F) {
	for _, s := range []string{"1", "-1", "2147483648", " +3x", "", "self"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, ok := procsParseInt(b)
		if !ok && n != 0 {
			t.Fatalf("failed parse returned %d", n)
		}
		if s := fmt.Sprint(n); ok && n >= 0 && string(b) == s {
			return
		} else if !ok && len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
			t.Fatalf("rejected %q", b)
		}
	})
}

func FuzzProcsParseDirents(f *testing.F) {
	f.Add(append(procsDirent("1"), procsDirent("socket")...))
	f.Add(procsDirent("12345")[:20])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		total := 0
		procsParseDirents(b, func(name []byte) { total += procsDirentHeader + len(name) })
		if total > len(b) {
			t.Fatalf("names cover %d bytes of %d", total, len(b))
		}
	})
}
