package ss

import (
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

func TestAppendSubflow(t *testing.T) {
	all := uint32(1<<stack.SubflowTokenRem | 1<<stack.SubflowTokenLoc | 1<<stack.SubflowIDRem |
		1<<stack.SubflowIDLoc | 1<<stack.SubflowMapSeq | 1<<stack.SubflowMapSfSeq |
		1<<stack.SubflowSSNOffset | 1<<stack.SubflowMapDataLen | 1<<stack.SubflowFlags)
	tests := []struct {
		f    stack.MPTCPSubflow
		want string
	}{
		// As ss 6.1 printed it for a subflow of this kernel.
		{stack.MPTCPSubflow{Has: all, Flags: 0x83, TokenLoc: 0x7b7800e2, MapSeq: 0x3938ee2bfaf3eb8, MapSfSeq: 1, SSNOffset: 0xc88f24a2},
			" flags:Mmc token:0000(id:0)/7b7800e2(id:0) seq:3938ee2bfaf3eb8 sfseq:1 ssnoff:c88f24a2 maplen:0"},
		{stack.MPTCPSubflow{Has: all, Flags: 0x1ff, TokenRem: 0xab, IDRem: 2, TokenLoc: 0x12345, IDLoc: 1},
			" flags:MmJjBbecv token:00ab(id:2)/12345(id:1) seq:0 sfseq:0 ssnoff:0 maplen:0"},
		{stack.MPTCPSubflow{Has: 1 << stack.SubflowFlags}, ""},
		{stack.MPTCPSubflow{Has: 1<<stack.SubflowTokenRem | 1<<stack.SubflowMapDataLen, MapDataLen: 0x10}, " maplen:10"},
	}
	for _, tt := range tests {
		if got := string(appendSubflow(nil, &tt.f)); got != tt.want {
			t.Errorf("appendSubflow(%+v) = %q, want %q", tt.f, got, tt.want)
		}
	}
	for v, want := range map[uint32]string{0: "0000", 0xf: "000f", 0x123: "0123", 0x1234: "1234", 0xabcdef: "abcdef"} {
		if got := string(appendHexPad4(nil, v)); got != want {
			t.Errorf("appendHexPad4(%#x) = %q, want %q", v, got, want)
		}
	}
}
