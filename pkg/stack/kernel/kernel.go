package kernel

import (
	"errors"
	"fmt"
	"syscall"
)

// Kernel is the host Linux kernel as a stack.Stack: the current network
// namespace, or the one named NetNS (as ip netns names them, a file under
// /run/netns). A Kernel holds no resources, except the ctnetlink sockets
// its flow requests keep open for the next (see CloseFlows): every other
// call opens what it needs and closes it before returning.
type Kernel struct {
	// NetNS names the network namespace to inspect; empty is the
	// namespace of the calling process. A name that starts with "/" is
	// taken as the path of a namespace file (/proc/PID/ns/net).
	NetNS string

	ns nsState // the namespace thread (Linux)
	ct ctState // ctnetlink sockets (Linux)
}

// New returns the kernel seen from the network namespace netns ("" for
// the current one).
func New(netns string) *Kernel { return &Kernel{NetNS: netns} }

// netnsDir is where ip netns keeps its namespace files.
const netnsDir = "/run/netns"

// nsPath is the file naming the namespace.
func (k *Kernel) nsPath() string {
	if len(k.NetNS) > 0 && k.NetNS[0] == '/' {
		return k.NetNS
	}
	return netnsDir + "/" + k.NetNS
}

// NetNSError is a failure to enter a named network namespace. Its text is
// ss's (ss exits 1 after printing it).
type NetNSError struct {
	Name string
	Op   string // "open" or "setns"
	Err  error
}

func (e *NetNSError) Error() string {
	if e.Op == "setns" {
		return fmt.Sprintf("setting the network namespace %q failed: %s", e.Name, Strerror(e.Err))
	}
	return fmt.Sprintf("Cannot open network namespace %q: %s", e.Name, Strerror(e.Err))
}

func (e *NetNSError) Unwrap() error { return e.Err }

// Error is a sock_diag request the kernel refused. Err is the errno
// (a syscall.Errno; errors.Is works with unix.ENOENT and the like).
type Error struct {
	// Op is what was asked: "SOCK_DESTROY" for DestroySocket, "dump"
	// for socket dumps, "events" for SocketEvents.
	Op  string
	Err error
}

// Error reads like ss's messages: "SOCK_DESTROY answers: Operation not
// supported", "RTNETLINK answers: Invalid argument".
func (e *Error) Error() string {
	if e.Op == "SOCK_DESTROY" {
		return "SOCK_DESTROY answers: " + Strerror(e.Err)
	}
	return "RTNETLINK answers: " + Strerror(e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Strerror is the C library's text for the errno in err (Go's errno
// strings are glibc's with the first letter lowered), so that messages
// read like the original tools'. Other errors give their own text.
func Strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	s := errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// ignorable reports whether ss passes over a sock_diag error silently:
// the kernel lacks the family's diag module (ENOENT) or the operation
// (EOPNOTSUPP).
func ignorable(err error) bool {
	return errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EOPNOTSUPP)
}
