package kernel

import (
	"context"
	"errors"
	"fmt"

	"github.com/stackbox/stackbox/pkg/stack"
)

// eventGroups is the multicast group mask ss -E subscribes to for q: the
// destroy groups of tcp and udp in each family q asks for.
func eventGroups(q stack.SocketQuery) uint32 {
	var g uint32
	bit := func(grp int) uint32 { return 1 << (grp - 1) }
	for _, fam := range families(q) {
		tcp, udp := sknlgrpInetTCPDestroy, sknlgrpInetUDPDestroy
		if fam == afInet6 {
			tcp, udp = sknlgrpInet6TCPDestroy, sknlgrpInet6UDPDestroy
		}
		if q.Tables.Has(stack.TableTCP) {
			g |= bit(tcp)
		}
		if q.Tables.Has(stack.TableUDP) {
			g |= bit(udp)
		}
	}
	return g
}

// errNoEventTables says a SocketEvents query names no table with destroy
// events.
var errNoEventTables = fmt.Errorf("socket events exist only for tcp and udp: %w", stack.ErrNotSupported)

// SocketEvents calls fn for every tcp or udp socket the kernel destroys
// (the sock_diag destroy multicast groups ss -E listens to), until ctx is
// done or fn fails; it then returns ctx's error or fn's. A socket is
// destroyed when its last reference goes, which for a socket a process
// holds is when the process closes it. As with ss, every event that q's
// families and filter accept is passed on, whatever its state. The
// *stack.Socket is reused for the next event.
func (k *Kernel) SocketEvents(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	groups := eventGroups(q)
	if groups == 0 {
		return errNoEventTables
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c, err := k.dialDiag(groups)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.events(ctx, q, fn)
}

// events decodes the destroy events c receives.
func (c *diagConn) events(ctx context.Context, q stack.SocketQuery, fn func(*stack.Socket) error) error {
	var d decoder
	msg := func(typ uint16, b []byte) error {
		if typ != sockDiagByFamily || len(b) == 0 {
			return nil
		}
		if b[0] != afInet && b[0] != afInet6 {
			return nil
		}
		s, err := d.decodeInet(stack.TableNone, b)
		if err != nil {
			return err
		}
		fams := q.Families
		if fams != 0 && fams&(1<<s.Family) == 0 {
			return nil
		}
		if q.Filter != nil && !q.Filter.Match(s) {
			return nil
		}
		return fn(s)
	}
	return c.listen(ctx, msg)
}

// listen reads multicast messages until ctx is done or msg fails.
func (dc *diagConn) listen(ctx context.Context, msg func(typ uint16, b []byte) error) error {
	if dc.rc == nil {
		for {
			msgs, err := dc.c.Receive()
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return netlinkError("events", err)
			}
			for _, m := range msgs {
				if err := msg(uint16(m.Header.Type), m.Data); err != nil {
					return err
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	stop := dc.watch(ctx)
	defer stop()
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
		err = walkMessages(dc.buf[:n], "events", msg)
		if err != nil && !errors.Is(err, errDone) {
			return err
		}
	}
}
