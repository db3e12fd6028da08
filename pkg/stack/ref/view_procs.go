package ref

import (
	"context"
	"slices"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Processes maps the host's socket inodes to the workload processes that
// hold them (ss -p). TCP sockets carry the descriptor numbers the TCP
// implementation gave them (3, 4, ... per process, in the order they were
// opened); a process's UDP sockets, which have none, are numbered after
// its highest TCP descriptor, in inode order.
func (v *HostView) Processes(ctx context.Context) (stack.ProcessMap, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h := v.Host
	m := processMap{}
	next := map[int]int{} // pid -> the next free descriptor (looked up, never iterated)
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableTCP), States: viewStatesAll}
	err := h.dumpTCP(q, func(s *stack.Socket) error {
		if s.Inode == 0 {
			return nil
		}
		for _, u := range s.Users {
			m[s.Inode] = append(m[s.Inode], u)
			next[u.PID] = max(next[u.PID], u.FD+1, 3)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	udp := slices.Clone(h.UDPSockets())
	slices.SortStableFunc(udp, func(a, b *UDPSocket) int {
		if a.Inode < b.Inode {
			return -1
		}
		if a.Inode > b.Inode {
			return 1
		}
		return 0
	})
	for _, u := range udp {
		if u.Proc == nil {
			continue
		}
		fd := max(next[u.Proc.PID], 3)
		next[u.Proc.PID] = fd + 1
		m[u.Inode] = append(m[u.Inode], stack.ProcessFD{Name: u.Proc.Name, PID: u.Proc.PID, FD: fd})
	}
	return m, nil
}

// processMap is a ProcessMap built from the simulation's processes.
type processMap map[uint32][]stack.ProcessFD

// Lookup returns the processes holding the socket with inode.
func (m processMap) Lookup(inode uint32) []stack.ProcessFD { return m[inode] }
