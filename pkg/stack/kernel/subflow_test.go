package kernel

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/stack"
)

func TestDecodeSubflow(t *testing.T) {
	b := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Uint32(stack.SubflowTokenRem, 0xab)
		ae.Uint32(stack.SubflowTokenLoc, 0x7b7800e2)
		ae.Uint64(stack.SubflowMapSeq, 0x3938ee2bfaf3eb8)
		ae.Uint32(stack.SubflowMapSfSeq, 1)
		ae.Uint32(stack.SubflowSSNOffset, 0xc88f24a2)
		ae.Uint32(stack.SubflowMapDataLen, 7)
		ae.Uint32(stack.SubflowFlags, 0x83)
		ae.Uint8(stack.SubflowIDRem, 2)
		ae.Uint8(stack.SubflowIDLoc, 3)
		ae.Uint32(99, 5) // unknown: ignored
	})
	var got stack.MPTCPSubflow
	if err := decodeSubflow(b, &got); err != nil {
		t.Fatal(err)
	}
	want := stack.MPTCPSubflow{
		Has: 1<<stack.SubflowTokenRem | 1<<stack.SubflowTokenLoc | 1<<stack.SubflowMapSeq |
			1<<stack.SubflowMapSfSeq | 1<<stack.SubflowSSNOffset | 1<<stack.SubflowMapDataLen |
			1<<stack.SubflowFlags | 1<<stack.SubflowIDRem | 1<<stack.SubflowIDLoc,
		TokenRem: 0xab, TokenLoc: 0x7b7800e2, MapSeq: 0x3938ee2bfaf3eb8, MapSfSeq: 1,
		SSNOffset: 0xc88f24a2, MapDataLen: 7, Flags: 0x83, IDRem: 2, IDLoc: 3,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := decodeSubflow([]byte{8, 0, 1}, &got); err == nil {
		t.Error("truncated attribute decoded without error")
	}
}
