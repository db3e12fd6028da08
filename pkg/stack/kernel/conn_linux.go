package kernel

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"
	"unsafe"

	"github.com/mdlayher/netlink"
	"golang.org/x/sys/unix"
)

// diagConn is a NETLINK_SOCK_DIAG socket.
//
// Dumps and events are read with a raw recv loop through the socket's
// syscall.RawConn into one reused buffer and parsed in place: the
// library's Receive allocates a buffer per call, peeks at every read and
// builds a slice of messages, which a dump of tens of thousands of
// sockets pays for. Connections without a socket (nltest fakes) go
// through Send and Receive instead.
type diagConn struct {
	c   *netlink.Conn
	rc  syscall.RawConn // nil: use c.Send and c.Receive
	buf []byte

	// tap, when set, sees every datagram sent and read (tests record
	// the kernel's replies).
	tap func(sent bool, b []byte)
}

// recvBufSize is the read buffer: the kernel fills at most 32 KiB per
// dump read, and the buffer grows for larger multicast messages.
const recvBufSize = 64 << 10

// dialDiag opens a sock_diag socket in the kernel's namespace, subscribed
// to the multicast groups in the bit mask groups, with the socket buffer
// sizes ss uses.
func (k *Kernel) dialDiag(groups uint32) (*diagConn, error) {
	var c *netlink.Conn
	err := k.Do(func() error {
		var err error
		c, err = netlink.Dial(unix.NETLINK_SOCK_DIAG, &netlink.Config{Groups: groups})
		return err
	})
	if err != nil {
		var nserr *NetNSError
		if errors.As(err, &nserr) {
			return nil, err
		}
		return nil, fmt.Errorf("sock_diag socket: %w", err)
	}
	_ = c.SetWriteBuffer(32 << 10)
	_ = c.SetReadBuffer(1 << 20)
	_ = c.SetOption(netlink.ExtendedAcknowledge, true)
	return newDiagConn(c), nil
}

func newDiagConn(c *netlink.Conn) *diagConn {
	dc := &diagConn{c: c}
	if rc, err := c.SyscallConn(); err == nil {
		dc.rc = rc
		dc.buf = make([]byte, recvBufSize)
	}
	return dc
}

func (dc *diagConn) Close() error { return dc.c.Close() }

// watch makes a blocked read return when ctx is done. The returned stop
// function must be called before the connection is used again.
func (dc *diagConn) watch(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, func() { _ = dc.c.SetReadDeadline(time.Unix(1, 0)) })
}

// dump sends req, a whole request message, and calls fn with the type and
// payload of every reply until the kernel's NLMSG_DONE. The payloads are
// valid only during the call. An error from fn abandons the dump, and
// the connection with it.
func (dc *diagConn) dump(ctx context.Context, req []byte, fn func(typ uint16, payload []byte) error) error {
	if dc.rc == nil {
		return dc.dumpMessages(req, fn)
	}
	stop := dc.watch(ctx)
	defer stop()
	if err := dc.send(req); err != nil {
		return err
	}
	for {
		n, err := dc.recv()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if dc.tap != nil {
			dc.tap(false, dc.buf[:n])
		}
		switch err := walkMessages(dc.buf[:n], "dump", fn); {
		case err == errDone:
			return nil
		case err != nil:
			return err
		}
	}
}

// dumpMessages is dump over the library's Send and Receive.
func (dc *diagConn) dumpMessages(req []byte, fn func(typ uint16, payload []byte) error) error {
	var m netlink.Message
	if err := m.UnmarshalBinary(req); err != nil {
		return err
	}
	if _, err := dc.c.Send(m); err != nil {
		return err
	}
	msgs, err := dc.c.Receive()
	if err != nil {
		return netlinkError("dump", err)
	}
	for _, m := range msgs {
		if m.Header.Type == netlink.Done || m.Header.Type == netlink.Error {
			continue
		}
		if err := fn(uint16(m.Header.Type), m.Data); err != nil {
			return err
		}
	}
	return nil
}

// netlinkError turns the library's errors for NLMSG_ERROR replies into
// an *Error carrying the errno.
func netlinkError(op string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return &Error{Op: op, Err: errno}
	}
	return err
}

// send writes one message to the kernel.
func (dc *diagConn) send(req []byte) error {
	if dc.tap != nil {
		dc.tap(true, req)
	}
	var err error
	werr := dc.rc.Write(func(fd uintptr) bool {
		err = unix.Sendto(int(fd), req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
		return err != unix.EAGAIN
	})
	if werr != nil {
		return fmt.Errorf("sock_diag send: %w", werr)
	}
	if err != nil {
		return fmt.Errorf("sock_diag send: %w", err)
	}
	return nil
}

// recv reads the next datagram into dc.buf, growing it when a datagram
// does not fit, and returns its length.
func (dc *diagConn) recv() (int, error) {
	var n int
	var err error
	rerr := dc.rc.Read(func(fd uintptr) bool {
		for {
			n, err = recvfrom(fd, dc.buf, unix.MSG_PEEK|unix.MSG_TRUNC)
			if err == unix.EINTR {
				continue
			}
			if err == unix.EAGAIN {
				return false
			}
			if err != nil {
				return true
			}
			if n > len(dc.buf) {
				dc.buf = make([]byte, (n+4095)&^4095)
			}
			n, err = recvfrom(fd, dc.buf, 0)
			if err == unix.EINTR {
				continue
			}
			return err != unix.EAGAIN
		}
	})
	if rerr != nil {
		return 0, fmt.Errorf("sock_diag receive: %w", rerr)
	}
	if err != nil {
		return 0, fmt.Errorf("sock_diag receive: %w", err)
	}
	return n, nil
}

// recvfrom is recvfrom(2) without a source address, which unix.Recvfrom
// would allocate on every call.
func recvfrom(fd uintptr, b []byte, flags int) (int, error) {
	n, _, errno := unix.Syscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(flags), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}
