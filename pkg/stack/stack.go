package stack

import (
	"context"
	"errors"
)

// Stack is a network stack stackbox can inspect: the host kernel or the
// reference stack.
type Stack interface {
	// Sockets calls fn for every socket q selects, in the order the stack
	// dumps them, without holding the whole table in memory. An error from
	// fn stops the dump and is returned.
	Sockets(ctx context.Context, q SocketQuery, fn func(*Socket) error) error
	// DestroySocket closes a socket forcibly (SOCK_DESTROY, ss -K).
	DestroySocket(ctx context.Context, s *Socket) error
	// SocketEvents calls fn for every socket the stack destroys (the
	// sock_diag destroy multicast groups, ss -E) until ctx is done.
	SocketEvents(ctx context.Context, q SocketQuery, fn func(*Socket) error) error
	// SocketSummary returns the totals ss -s prints.
	SocketSummary(ctx context.Context) (*SocketSummary, error)
	// Processes maps socket inodes to the processes holding them (ss -p).
	Processes(ctx context.Context) (ProcessMap, error)
}

// SocketQuery selects sockets.
type SocketQuery struct {
	Tables TableSet
	// Families restricts inet tables to AF_INET and/or AF_INET6 (a set of
	// 1<<AF_* bits); zero means both.
	Families uint32
	// Preferred is ss's preferred family: the last of -4, -6, -f, ...
	// given. With AF_INET or AF_INET6, ss's sock_diag dumps ask for that
	// family alone, whatever Families holds (its /proc fallback reads
	// Families).
	Preferred uint8
	// States selects socket states (for every table: ss applies one state
	// set to all the tables it dumps).
	States StateSet
	// Filter, when not nil, selects sockets further. Stacks may use its
	// kernel form (see BytecodeFilter) and must still call Match on every
	// socket they return.
	Filter Filter
	// Want says which optional parts the caller will print, so that a stack
	// asks only for those.
	Want Want
	// OnError, when set, is told when the stack refuses to dump one table
	// (a kernel without that protocol, say); if it returns nil the dump
	// goes on with the next table, as ss does after printing the error.
	// Unset, such an error ends the dump.
	OnError func(t Table, err error) error
}

// Want says which optional socket parts to fetch.
type Want struct {
	Mem      bool // MemInfo and SkMemInfo (-m)
	TCPInfo  bool // TCPInfo, congestion info (-i)
	Details  bool // cgroup, shutdown, v6only; unix VFS and pending connections (-e)
	Packet   bool // packet_diag info and fanout
	UnixPeer bool // unix peer and pending connections
	TOS      bool // TOS, TClass and ClassID (--tos)
}

// Filter selects sockets in user space.
type Filter interface {
	Match(s *Socket) bool
}

// BytecodeFilter is a Filter with a kernel form: the INET_DIAG_REQ_BYTECODE
// program for one address family (AF_INET or AF_INET6). ok is false when
// the filter cannot be expressed for the kernel; it then filters only in
// user space.
type BytecodeFilter interface {
	Filter
	InetDiagBytecode(family uint8) (prog []byte, ok bool)
}

// SocketSummary holds what ss -s prints.
type SocketSummary struct {
	Total int // sockets in use (from /proc/net/sockstat "sockets: used")

	TCPTotal, TCPEstab, TCPClosed, TCPOrphaned, TCPTimeWait int
	TCPSynRecv                                              int // (unused by ss 6.1 output)
	// Transport lines: per protocol, total, IPv4 and IPv6 counts.
	RAW, UDP, TCP, INET, FRAG [3]int
}

// ProcessMap maps a socket inode to the processes holding it.
type ProcessMap interface {
	Lookup(inode uint32) []ProcessFD
}

// ErrNotSupported is returned for operations a stack does not implement.
var ErrNotSupported = errors.New("operation not supported")
