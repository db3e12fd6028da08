package kernel

import (
	"os"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

func readFixture(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeTCPInfoLengths(t *testing.T) {
	full := readFixture(t, "testdata/tcpinfo/current.bin")
	var cur stack.TCPInfo
	decodeTCPInfo(full, &cur)
	if cur.Len != len(full) || cur.Len < stack.TCPInfoOffTotalRTO+8 {
		t.Fatalf("current tcp_info: Len %d of %d bytes", cur.Len, len(full))
	}
	if cur.State != uint8(stack.StateEstablished) || cur.SndMSS == 0 || cur.RTT == 0 || cur.SndCwnd == 0 || cur.BytesAcked == 0 || cur.SegsOut == 0 || cur.Delivered == 0 || cur.SndWnd == 0 || cur.RcvWnd == 0 {
		t.Errorf("current tcp_info lacks values an established socket has: %+v", cur)
	}
	if cur.Options&stack.TCPOptTimestamps == 0 || cur.SndWscale == 0 || cur.RcvWscale == 0 {
		t.Errorf("options %#x wscale %d,%d: loopback negotiates timestamps and window scaling", cur.Options, cur.SndWscale, cur.RcvWscale)
	}

	for _, tt := range []struct {
		file string
		n    int
		// the last field the struct of that length holds, and the
		// first it does not
		has, lacks func(*stack.TCPInfo) uint64
	}{
		{"len104.bin", 104, func(i *stack.TCPInfo) uint64 { return uint64(i.SndCwnd) }, func(i *stack.TCPInfo) uint64 { return i.PacingRate }},
		{"len192.bin", 192, func(i *stack.TCPInfo) uint64 { return i.DeliveryRate }, func(i *stack.TCPInfo) uint64 { return uint64(i.Delivered) }},
	} {
		b := readFixture(t, "testdata/tcpinfo/"+tt.file)
		var old stack.TCPInfo
		decodeTCPInfo(b, &old)
		if old.Len != tt.n {
			t.Errorf("%s: Len %d, want %d", tt.file, old.Len, tt.n)
		}
		if tt.has(&old) != tt.has(&cur) || tt.has(&old) == 0 {
			t.Errorf("%s: a field within the struct reads %d, want %d", tt.file, tt.has(&old), tt.has(&cur))
		}
		if tt.lacks(&old) != 0 {
			t.Errorf("%s: a field past the struct reads %d, want 0", tt.file, tt.lacks(&old))
		}
		// Every field within the length matches the full decode.
		want := cur
		decodeTCPInfo(full[:tt.n], &want)
		if old != want {
			t.Errorf("%s: decodes differently from the first %d bytes of the full struct", tt.file, tt.n)
		}
	}

	// A struct cut inside a field, or empty, decodes without panicking.
	for _, n := range []int{0, 1, 7, 9, 107, 241} {
		var ti stack.TCPInfo
		decodeTCPInfo(full[:n], &ti)
		if ti.Len != n {
			t.Errorf("%d bytes: Len %d", n, ti.Len)
		}
	}
}

func TestDecodeMPTCPInfo(t *testing.T) {
	b := make([]byte, 48)
	b[0], b[3], b[5] = 2, 8, 8
	ne.PutUint32(b[8:], 1)
	ne.PutUint32(b[12:], 0xdeadbeef)
	ne.PutUint64(b[16:], 100)
	ne.PutUint64(b[24:], 90)
	ne.PutUint64(b[32:], 7)
	b[40], b[41], b[42] = 1, 8, 1
	var m stack.MPTCPInfo
	decodeMPTCPInfo(b, &m)
	want := stack.MPTCPInfo{Subflows: 2, SubflowsMax: 8, AddAddrAcceptedMax: 8, Flags: 1, Token: 0xdeadbeef, WriteSeq: 100, SndUna: 90, RcvNxt: 7, LocalAddrUsed: 1, LocalAddrMax: 8, LocalAddrMaxUsed: 8, CsumEnabled: 1}
	if m != want {
		t.Errorf("got %+v\nwant %+v", m, want)
	}
}
