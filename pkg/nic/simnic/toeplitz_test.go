package simnic

import (
	"net/netip"
	"testing"
)

// The verification suite of Microsoft's RSS specification ("Verifying the
// RSS Hash Calculation"), with its default key.
var rssVectors = []struct {
	src, dst     string
	sport, dport uint16
	with4, with2 uint32
}{
	{"66.9.149.187", "161.142.100.80", 2794, 1766, 0x51ccc178, 0x323e8fc2},
	{"199.92.111.2", "65.69.140.83", 14230, 4739, 0xc626b0ea, 0xd718262a},
	{"24.19.198.95", "12.22.207.184", 12898, 38024, 0x5c2b394a, 0xd2d0a5de},
	{"38.27.205.30", "209.142.163.6", 48228, 2217, 0xafc7327f, 0x82989176},
	{"153.39.163.191", "202.188.127.2", 44251, 1303, 0x10e828a2, 0x5d1809c5},
	{"3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766, 0x40207d3d, 0x2cc18cd5},
	{"3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 14230, 4739, 0xdde51bbf, 0x0f0c461c},
	{"3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf", 44251, 38024, 0x02d1feef, 0x4b61e985},
}

func TestToeplitzKnownAnswers(t *testing.T) {
	var tab toeplitzTable
	tab.init(DefaultKey[:])
	for _, v := range rssVectors {
		src, dst := netip.MustParseAddr(v.src), netip.MustParseAddr(v.dst)
		f := Flow{V6: src.Is6(), Src: src.As16(), Dst: dst.As16(), Proto: 6, SrcPort: v.sport, DstPort: v.dport}
		var buf [toeplitzInputMax]byte
		in := f.hashInput(buf[:], true)
		if got := Toeplitz(DefaultKey[:], in); got != v.with4 {
			t.Errorf("%s:%d -> %s:%d: 4-tuple hash %#08x, want %#08x", v.src, v.sport, v.dst, v.dport, got, v.with4)
		}
		if got := tab.hash(in); got != v.with4 {
			t.Errorf("%s -> %s: table 4-tuple hash %#08x, want %#08x", v.src, v.dst, got, v.with4)
		}
		in = f.hashInput(buf[:], false)
		if got := Toeplitz(DefaultKey[:], in); got != v.with2 {
			t.Errorf("%s -> %s: 2-tuple hash %#08x, want %#08x", v.src, v.dst, got, v.with2)
		}
		if got := tab.hash(in); got != v.with2 {
			t.Errorf("%s -> %s: table 2-tuple hash %#08x, want %#08x", v.src, v.dst, got, v.with2)
		}
	}
}

func FuzzToeplitzTable(f *testing.F) {
	f.Add([]byte{1, 2, 3}, []byte{0x42, 0x00, 0xff})
	f.Fuzz(func(t *testing.T, key, in []byte) {
		if len(in) > toeplitzInputMax {
			in = in[:toeplitzInputMax]
		}
		var tab toeplitzTable
		tab.init(key)
		if a, b := Toeplitz(key, in), tab.hash(in); a != b {
			t.Fatalf("Toeplitz %#x, table %#x", a, b)
		}
	})
}
