package kernel

import (
	"errors"
	"syscall"
	"testing"
)

// msg builds a netlink message.
func msg(typ uint16, payload []byte) []byte {
	b := appendHeader(nil, nlmsgHdrLen+len(payload), typ, nlmFMulti, diagSeq)
	b = append(b, payload...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func errno32(e syscall.Errno) []byte { return ne.AppendUint32(nil, uint32(-int32(e))) }

func TestWalkMessages(t *testing.T) {
	var got []string
	collect := func(typ uint16, b []byte) error {
		got = append(got, string(b))
		return nil
	}
	buf := append(msg(sockDiagByFamily, []byte("one")), msg(nlmsgNoop, nil)...)
	buf = append(buf, msg(sockDiagByFamily, []byte("two!"))...)
	if err := walkMessages(buf, "dump", collect); err != nil || len(got) != 2 || got[0] != "one" || got[1] != "two!" {
		t.Errorf("got %q, %v", got, err)
	}

	got = nil
	buf = append(msg(sockDiagByFamily, []byte("x")), msg(nlmsgDone, make([]byte, 4))...)
	buf = append(buf, msg(sockDiagByFamily, []byte("after"))...)
	if err := walkMessages(buf, "dump", collect); err != errDone || len(got) != 1 {
		t.Errorf("DONE: got %q, %v", got, err)
	}

	for _, tt := range []struct {
		name string
		buf  []byte
		want syscall.Errno
		text string
	}{
		{"error", msg(nlmsgError, append(errno32(syscall.EINVAL), make([]byte, 16)...)), syscall.EINVAL, "RTNETLINK answers: Invalid argument"},
		{"done with error", msg(nlmsgDone, errno32(syscall.ENOBUFS)), syscall.ENOBUFS, "RTNETLINK answers: No buffer space available"},
	} {
		err := walkMessages(tt.buf, "dump", collect)
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, tt.want) || err.Error() != tt.text {
			t.Errorf("%s: got %v, want %s", tt.name, err, tt.text)
		}
	}
	if err := walkMessages(msg(nlmsgError, make([]byte, 20)), "SOCK_DESTROY", collect); err != errDone {
		t.Errorf("ack: got %v, want errDone", err)
	}

	for name, buf := range map[string][]byte{
		"short header": make([]byte, 10),
		"long length":  append(ne.AppendUint32(nil, 100), make([]byte, 12)...),
		"tiny length":  append(ne.AppendUint32(nil, 8), make([]byte, 12)...),
		"short error":  msg(nlmsgError, []byte{1}),
	} {
		if err := walkMessages(buf, "dump", collect); !errors.Is(err, errShortMessage) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	stop := errors.New("stop")
	if err := walkMessages(msg(sockDiagByFamily, nil), "dump", func(uint16, []byte) error { return stop }); err != stop {
		t.Errorf("callback error: got %v", err)
	}
}
