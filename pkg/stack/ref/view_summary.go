package ref

import (
	"context"

	"github.com/stackbox/stackbox/pkg/stack"
)

// SocketSummary returns what ss -s prints for the host, counted as
// /proc/net/sockstat counts and with ss 6.1's arithmetic (the kernel
// implementation's):
//
//   - sockets: used is the sockets an application holds (UDP sockets, and
//     TCP sockets with an inode: not orphaned, not TIME_WAIT, not request
//     sockets);
//   - TCP inuse is the hashed full sockets (listening, connecting or
//     connected, orphans included), per family; tw the TIME_WAIT ones;
//     alloc every full socket; orphan those the application closed; estab the
//     ESTABLISHED and CLOSE_WAIT ones (CurrEstab);
//   - UDP is the open UDP sockets, RAW none, FRAG the datagrams being
//     reassembled.
func (v *HostView) SocketSummary(ctx context.Context) (*stack.SocketSummary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h := v.Host
	var st struct {
		used                  int
		tcpInuse              [2]int // AF_INET, AF_INET6
		tcpTW, tcpAlloc, orph int
		estab                 int
		udp, frag             [2]int
	}
	fi := func(fam uint8) int {
		if fam == viewAFInet6 {
			return 1
		}
		return 0
	}
	for _, u := range h.UDPSockets() {
		st.udp[fi(u.family())]++
		st.used++
	}
	q := stack.SocketQuery{Tables: stack.TableSet(0).With(stack.TableTCP), States: viewStatesAll}
	err := h.tcpDump(q, func(s *stack.Socket) error {
		switch s.State {
		case stack.StateTimeWait:
			st.tcpTW++
			return nil
		case stack.StateNewSynRecv:
			return nil // a request socket, not a full one
		}
		st.tcpAlloc++
		if s.State != stack.StateClose {
			st.tcpInuse[fi(s.Family)]++
		}
		if s.Inode != 0 {
			st.used++
		}
		if s.State == stack.StateEstablished || s.State == stack.StateCloseWait {
			st.estab++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Orphans are sockets the application closed that TCP still holds
	// (SOCK_DEAD): not children waiting in an accept queue, which have no
	// inode yet either.
	st.orph = h.TCPSockstat().Orphan
	for k := range h.frags { // counting: the order does not matter
		if k.dst.Is4() {
			st.frag[0]++
		} else {
			st.frag[1]++
		}
	}
	tcp4, tcp6 := st.tcpInuse[0], st.tcpInuse[1]
	udp4, udp6 := st.udp[0], st.udp[1]
	return &stack.SocketSummary{
		Total:       st.used,
		TCPTotal:    st.tcpAlloc + st.tcpTW,
		TCPEstab:    st.estab,
		TCPClosed:   st.tcpAlloc - (tcp4 + tcp6 - st.tcpTW),
		TCPOrphaned: st.orph,
		TCPTimeWait: st.tcpTW,
		UDP:         [3]int{udp4 + udp6, udp4, udp6},
		TCP:         [3]int{tcp4 + tcp6, tcp4, tcp6},
		INET:        [3]int{udp4 + tcp4 + udp6 + tcp6, udp4 + tcp4, udp6 + tcp6},
		FRAG:        [3]int{st.frag[0] + st.frag[1], st.frag[0], st.frag[1]},
	}, nil
}
