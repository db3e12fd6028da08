package kernel

import (
	"context"
	"fmt"

	"github.com/mdlayher/netlink"
	"github.com/stackbox/stackbox/pkg/stack"
)

// DestroySocket closes the inet socket s forcibly with SOCK_DESTROY, naming
// it by the identity its dump gave (addresses, ports, bound device,
// cookie), as ss -K does. The kernel's refusal is an *Error whose text is
// ss's ("SOCK_DESTROY answers: Operation not permitted"); ss -K passes
// over ENOENT (already gone) and EOPNOTSUPP (the kernel or protocol cannot
// destroy sockets) silently. Sockets other than tcp, udp, raw and mptcp
// give an error wrapping stack.ErrNotSupported.
func (k *Kernel) DestroySocket(ctx context.Context, s *stack.Socket) error {
	payload, ok := destroyPayload(s)
	if !ok {
		return fmt.Errorf("SOCK_DESTROY of a %s socket: %w", s.Table.Netid(), stack.ErrNotSupported)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c, err := k.dialDiag(0)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := c.watch(ctx)
	defer stop()
	return c.destroy(payload)
}

// destroy sends a SOCK_DESTROY request and waits for its acknowledgement.
func (dc *diagConn) destroy(payload []byte) error {
	_, err := dc.c.Execute(netlink.Message{
		Header: netlink.Header{Type: sockDestroy, Flags: netlink.Request | netlink.Acknowledge},
		Data:   payload,
	})
	if err != nil {
		return netlinkError("SOCK_DESTROY", err)
	}
	return nil
}
