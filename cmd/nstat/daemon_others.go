//go:build !linux

package nstat

import (
	"fmt"
	"os"
	"runtime"

	"github.com/stackbox/stackbox/pkg/nstat"
)

// startDaemon is not implemented outside Linux.
func startDaemon(sock *os.File, _ ServeFunc) error {
	return &nstat.SocketError{Op: "daemon", Err: fmt.Errorf("not implemented on %s", runtime.GOOS)}
}

// inheritedSocket finds none outside Linux.
func inheritedSocket() (*os.File, bool) { return nil, false }

// unlink removes a file, never a directory, as unlink(2) does.
func unlink(path string) error { return os.Remove(path) }
