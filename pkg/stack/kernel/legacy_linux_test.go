package kernel

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"syscall"
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

// TestDCCPLegacyRetry dumps the dccp table in a test namespace. A kernel
// with DCCP answers (no sockets there); one without it has no sock_diag
// handler, and the legacy DCCPDIAG_GETSOCK that ss retries with is refused
// with EINVAL, which ss prints as "RTNETLINK answers: Invalid argument".
// OnError must see that refusal and the dump must go on to tcp.
func TestDCCPLegacyRetry(t *testing.T) {
	k := testNS(t)
	q := stack.SocketQuery{
		Tables: stack.TableSet(0).With(stack.TableDCCP).With(stack.TableTCP),
		States: stack.StatesAll,
	}
	var refused []error
	q.OnError = func(tb stack.Table, err error) error {
		if tb != stack.TableDCCP {
			t.Errorf("OnError for table %v: %v", tb, err)
		}
		refused = append(refused, err)
		return nil
	}
	err := k.Sockets(context.Background(), q, func(s *stack.Socket) error {
		if s.Table == stack.TableDCCP {
			t.Errorf("dccp socket in an empty namespace: %+v", s)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Sockets: %v", err)
	}
	if protos, err := os.ReadFile("/proc/net/protocols"); err != nil || bytes.Contains(protos, []byte("\nDCCP")) {
		return // this kernel has DCCP (or cannot tell)
	}
	if len(refused) != 1 || !errors.Is(refused[0], syscall.EINVAL) {
		t.Fatalf("refusals = %v, want one EINVAL", refused)
	}
	if got := refused[0].Error(); got != "RTNETLINK answers: Invalid argument" {
		t.Errorf("error text %q, want ss's", got)
	}
}
