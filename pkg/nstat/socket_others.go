//go:build !linux

package nstat

import (
	"fmt"
	"net"
	"os"
	"runtime"
)

// Listen is not implemented outside Linux (abstract unix sockets are
// Linux's).
func Listen(name string) (*os.File, error) {
	return nil, &SocketError{Op: "socket", Err: fmt.Errorf("not implemented on %s", runtime.GOOS)}
}

// Dial finds no daemon outside Linux.
func Dial(names []string, uid int) (conn net.Conn, ok bool) { return nil, false }
