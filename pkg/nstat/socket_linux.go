package nstat

import (
	"errors"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// listenBacklog is nstat's listen() backlog.
const listenBacklog = 5

// Listen creates a daemon's socket as nstat does: a stream socket bound
// to the abstract name, listening with a backlog of 5. It is created in
// the calling thread's network namespace. The file can be handed to
// another process; Listener makes a net.Listener of it.
func Listen(name string) (*os.File, error) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, &SocketError{Op: "socket", Err: err}
	}
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: name}); err != nil {
		unix.Close(fd)
		return nil, &SocketError{Op: "bind", Err: err}
	}
	if err := unix.Listen(fd, listenBacklog); err != nil {
		unix.Close(fd)
		return nil, &SocketError{Op: "listen", Err: err}
	}
	return os.NewFile(uintptr(fd), name), nil
}

// Dial connects to a daemon as nstat's client does: to each name in turn
// until one accepts (nstat tries its uid's socket, then root's), keeping
// the connection only if the peer runs as uid or as root. The socket is
// created in the calling thread's network namespace. ok is false when
// there is no daemon to read.
func Dial(names []string, uid int) (conn net.Conn, ok bool) {
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	connected := false
	for _, name := range names {
		if err := connectRetry(fd, name); err == nil {
			connected = true
			break
		}
	}
	if !connected || !trustedPeer(fd, uid) {
		unix.Close(fd)
		return nil, false
	}
	f := os.NewFile(uintptr(fd), "nstat daemon")
	defer f.Close()
	c, err := net.FileConn(f)
	if err != nil {
		return nil, false
	}
	return c, true
}

func connectRetry(fd int, name string) error {
	for {
		err := unix.Connect(fd, &unix.SockaddrUnix{Name: name})
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// trustedPeer reports whether the peer of a connected unix socket runs as
// uid or as root (nstat's verify_forging).
func trustedPeer(fd, uid int) bool {
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return false
	}
	return int(cred.Uid) == uid || cred.Uid == 0
}
