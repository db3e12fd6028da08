package kernel

import (
	"net/netip"
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

func TestDecodeMD5Keys(t *testing.T) {
	sig := func(fam, prefix byte, addr []byte, key string) []byte {
		b := make([]byte, md5SigLen)
		b[0], b[1] = fam, prefix
		ne.PutUint16(b[2:], uint16(len(key)))
		copy(b[4:20], addr)
		copy(b[20:], key)
		return b
	}
	b := append(sig(afInet6, 128, netip.MustParseAddr("::1").AsSlice(), "k2"),
		sig(afInet, 32, []byte{127, 0, 0, 2}, "se,cr t\\\x01")...)
	b = append(b, 1, 2, 3) // a short trailing entry is dropped
	got := decodeMD5Keys(b, nil)
	want := []stack.MD5Key{
		{Addr: netip.MustParseAddr("::1"), PrefixLen: 128, Key: []byte("k2")},
		{Addr: netip.MustParseAddr("127.0.0.2"), PrefixLen: 32, Key: []byte("se,cr t\\\x01")},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	long := sig(afInet, 32, []byte{1, 2, 3, 4}, "")
	ne.PutUint16(long[2:], 500) // a key length past the 80-byte key
	if k := decodeMD5Keys(long, nil); len(k) != 1 || len(k[0].Key) != 80 {
		t.Errorf("overlong key length: %+v", k)
	}
}

func TestDecodeTLS(t *testing.T) {
	b := encodeAttrs(t, func(ae *netlink.AttributeEncoder) {
		ae.Uint16(stack.TLSVersion, 0x0304)
		ae.Uint16(stack.TLSCipher, 52)
		ae.Uint16(stack.TLSTxConf, 1)
		ae.Uint16(stack.TLSRxConf, 2)
		ae.Flag(stack.TLSZcRoTx, true)
	})
	var got stack.TLSInfo
	if err := decodeTLS(b, &got); err != nil {
		t.Fatal(err)
	}
	want := stack.TLSInfo{Has: 1<<stack.TLSVersion | 1<<stack.TLSCipher | 1<<stack.TLSTxConf | 1<<stack.TLSRxConf | 1<<stack.TLSZcRoTx,
		Version: 0x0304, Cipher: 52, TxConf: 1, RxConf: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
