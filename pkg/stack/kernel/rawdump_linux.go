package kernel

import (
	"context"
	"io"

	"github.com/stackbox/stackbox/pkg/stack"
)

// DumpRaw writes the sock_diag replies to q's inet dumps to w as the kernel
// sent them, datagram by datagram and including NLMSG_DONE, as ss -D does.
// q.Filter is not applied: ss -D writes what the kernel answered.
func (k *Kernel) DumpRaw(ctx context.Context, q stack.SocketQuery, w io.Writer) error {
	c, err := k.dialDiag(0)
	if err != nil {
		return err
	}
	defer c.Close()
	var werr error
	c.tap = func(sent bool, b []byte) {
		if !sent && werr == nil {
			_, werr = w.Write(b)
		}
	}
	q.Filter = nil
	dd := &dumper{k: k, c: c, q: q, fn: func(*stack.Socket) error { return werr }}
	if err := dd.run(ctx); err != nil {
		return err
	}
	return werr
}
