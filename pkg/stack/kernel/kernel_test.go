package kernel

import (
	"context"
	"errors"
	"os"
	"runtime"
	"syscall"
	"testing"

	"github.com/stackbox/stackbox/pkg/stack"
)

func TestStrerror(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{syscall.ENOENT, "No such file or directory"},
		{syscall.EPERM, "Operation not permitted"},
		{&os.PathError{Op: "open", Path: "/x", Err: syscall.EACCES}, "Permission denied"},
		{errors.New("plain"), "plain"},
	} {
		if got := Strerror(tt.err); got != tt.want {
			t.Errorf("Strerror(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestNetNSError(t *testing.T) {
	e := &NetNSError{Name: "blue", Op: "open", Err: syscall.ENOENT}
	if got, want := e.Error(), `Cannot open network namespace "blue": No such file or directory`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(e, syscall.ENOENT) {
		t.Error("does not unwrap to ENOENT")
	}
	e.Op = "setns"
	if got, want := e.Error(), `setting the network namespace "blue" failed: No such file or directory`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMissingNamespace(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("network namespaces are Linux-only")
	}
	k := New("sbk-no-such-namespace")
	err := k.Sockets(context.Background(), stack.SocketQuery{Tables: allTables(), States: stack.StatesAll}, func(*stack.Socket) error { return nil })
	var nserr *NetNSError
	if !errors.As(err, &nserr) || !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("got %v, want a NetNSError for ENOENT", err)
	}
	if got, want := err.Error(), `Cannot open network namespace "sbk-no-such-namespace": No such file or directory`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := k.SocketSummary(context.Background()); !errors.As(err, &nserr) {
		t.Errorf("SocketSummary: got %v", err)
	}
}
