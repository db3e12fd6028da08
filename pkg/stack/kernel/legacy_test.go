package kernel

import (
	"encoding/binary"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

// TestLegacyInetRequest checks the DCCPDIAG_GETSOCK request against the one
// ss 6.1 sends (seen with strace: 76 bytes, AF_INET, the states after the
// 48-byte socket id, idiag_dbs 0).
func TestLegacyInetRequest(t *testing.T) {
	states := stack.StateSet(0x1b97)
	b := legacyInetRequest(dccpDiagGetSock, states)
	if len(b) != 76 {
		t.Fatalf("len = %d, want 76", len(b))
	}
	if got := binary.NativeEndian.Uint32(b[0:]); got != 76 {
		t.Errorf("nlmsg_len = %d, want 76", got)
	}
	if got := binary.NativeEndian.Uint16(b[4:]); got != 19 {
		t.Errorf("nlmsg_type = %d, want 19 (DCCPDIAG_GETSOCK)", got)
	}
	if got := binary.NativeEndian.Uint32(b[8:]); got != 123456 {
		t.Errorf("nlmsg_seq = %d, want 123456", got)
	}
	if b[16] != afInet {
		t.Errorf("idiag_family = %d, want AF_INET", b[16])
	}
	if got := binary.NativeEndian.Uint32(b[16+4+48:]); got != uint32(states) {
		t.Errorf("idiag_states = %#x, want %#x", got, states)
	}
	if got := binary.NativeEndian.Uint32(b[16+4+48+4:]); got != 0 {
		t.Errorf("idiag_dbs = %#x, want 0", got)
	}
}
