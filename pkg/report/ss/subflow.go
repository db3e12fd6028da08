package ss

import (
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// subflowFlagLetters are ss's letters for MPTCP_SUBFLOW_FLAG_* bits 0-8.
const subflowFlagLetters = "MmJjBbecv"

// subflowFlags appends the letters of the subflow flags that are set.
func subflowFlags(b []byte, flags uint32) []byte {
	for i := 0; i < len(subflowFlagLetters); i++ {
		if flags&(1<<i) != 0 {
			b = append(b, subflowFlagLetters[i])
		}
	}
	return b
}

// appendSubflow prints an MPTCP subflow's details after tcp-ulp-mptcp, as
// ss's mptcp_subflow_info: flags, tokens with ids, the mapping.
func appendSubflow(b []byte, f *stack.MPTCPSubflow) []byte {
	if f.Present(stack.SubflowFlags) && f.Flags != 0 {
		b = subflowFlags(append(b, " flags:"...), f.Flags)
	}
	if f.Present(stack.SubflowTokenRem) && f.Present(stack.SubflowTokenLoc) &&
		f.Present(stack.SubflowIDRem) && f.Present(stack.SubflowIDLoc) {
		b = append(b, " token:"...)
		b = appendHexPad4(b, f.TokenRem)
		b = append(b, "(id:"...)
		b = strconv.AppendUint(b, uint64(f.IDRem), 10)
		b = append(b, ")/"...)
		b = appendHexPad4(b, f.TokenLoc)
		b = append(b, "(id:"...)
		b = strconv.AppendUint(b, uint64(f.IDLoc), 10)
		b = append(b, ')')
	}
	if f.Present(stack.SubflowMapSeq) {
		b = strconv.AppendUint(append(b, " seq:"...), f.MapSeq, 16)
	}
	if f.Present(stack.SubflowMapSfSeq) {
		b = strconv.AppendUint(append(b, " sfseq:"...), uint64(f.MapSfSeq), 16)
	}
	if f.Present(stack.SubflowSSNOffset) {
		b = strconv.AppendUint(append(b, " ssnoff:"...), uint64(f.SSNOffset), 16)
	}
	if f.Present(stack.SubflowMapDataLen) {
		b = strconv.AppendUint(append(b, " maplen:"...), uint64(f.MapDataLen), 16)
	}
	return b
}

// appendHexPad4 is printf's %04x.
func appendHexPad4(b []byte, v uint32) []byte {
	for n := v; n < 0x1000; n <<= 4 {
		b = append(b, '0')
		if n == 0 {
			return append(b, "000"...)
		}
	}
	return strconv.AppendUint(b, uint64(v), 16)
}
