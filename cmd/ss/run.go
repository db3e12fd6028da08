package ss

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"github.com/stackbox/stackbox/pkg/stack"
)

// run does what ss 6.1's main() does after option parsing.
func run(opts *Options, f *flags) error {
	io := opts.IO
	if f.help {
		io.Out.Write([]byte(usageText))
		return nil
	}
	if f.version {
		fmt.Fprintln(io.Out, "ss utility, iproute2-6.1.0")
		return nil
	}
	target, err := openTarget(opts, f)
	if err != nil {
		return err
	}
	ctx := context.Background()

	if f.summary {
		if err := printSummary(ctx, opts, f, target); err != nil {
			return err
		}
		if f.sel.doDefault && len(f.operands) == 0 {
			return nil
		}
	}

	// Leading state/exclude words, then the filter expression.
	states, rest, err := scanStates(f.operands)
	if err != nil {
		return err
	}
	sel := f.finalSelection(states)
	switch {
	case sel.dbs == 0:
		return &plainError{"ss: no socket tables to show with such filter.", 0}
	case sel.families == 0:
		return &plainError{"ss: no families to show with such filter.", 0}
	case sel.states == 0:
		return &plainError{"ss: no socket states to show with such filter.", 0}
	}

	if f.diagFile != "" {
		return dumpDiag(ctx, opts, f, &sel, target)
	}

	filt, err := parseFilter(f, &sel, rest, target)
	if err != nil {
		return err
	}
	q := stack.SocketQuery{
		Tables:    sel.tables(),
		Families:  sel.inetFamilies(),
		Preferred: uint8(sel.preferred),
		States:    sel.states,
		Want: stack.Want{
			Mem:      f.memory,
			TCPInfo:  f.tcpInfo,
			Details:  f.details || f.cgroup,
			TOS:      f.tos,
			Packet:   true,
			UnixPeer: true,
		},
	}
	if filt != nil {
		q.Filter = filt
	}
	q.OnError = func(t stack.Table, err error) error {
		// ss prints the kernel's refusal and goes on with the next table.
		fmt.Fprintln(io.ErrOut, err)
		return nil
	}

	// The renderer buffers its output itself.
	w := newRenderer(io.Out, opts, f, &sel, target)

	if f.events {
		ctx, cancel := signalContext()
		defer cancel()
		err := target.SocketEvents(ctx, q, w.Socket)
		if ctx.Err() != nil {
			err = nil
		}
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
		return err
	}

	var procs stack.ProcessMap
	switch {
	case f.threads:
		if procs, err = target.Threads(ctx); err != nil {
			return err
		}
	case f.processes:
		if procs, err = target.Processes(ctx); err != nil {
			return err
		}
	}
	emit := func(s *stack.Socket) error {
		if procs != nil {
			s.Users = procs.Lookup(s.Inode)
		}
		if f.kill {
			if err := target.DestroySocket(ctx, s); err != nil {
				if errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOENT) {
					return nil // can't be closed, or already closed: not shown
				}
				// ss prints the refusal ("SOCK_DESTROY answers: ...") and
				// stops the dump.
				fmt.Fprintln(io.ErrOut, err)
				return errKillStopped
			}
		}
		return w.Socket(s)
	}
	if err := target.Sockets(ctx, q, emit); err != nil && !errors.Is(err, errKillStopped) {
		w.Flush()
		return err
	}
	return w.Flush()
}

// errKillStopped ends a -K dump after a refusal ss would print.
var errKillStopped = errors.New("ss: SOCK_DESTROY refused")

// openFilterFile opens -F FILE ("-" is standard input) as ss does.
func openFilterFile(name string) (*os.File, error) {
	if name == "-" || (len(name) > 0 && name[0] == '-') {
		return os.Stdin, nil
	}
	fp, err := os.Open(name)
	if err != nil {
		return nil, &plainError{"fopen filter file: " + errnoText(err), 255}
	}
	return fp, nil
}

// finalSelection applies the state words and ss's defaults to the tables,
// families and states the options selected.
func (f *flags) finalSelection(ws stateWords) selection {
	stateFilter := ws.apply(f.stateFilter)
	sel := f.sel
	if sel.doDefault {
		if stateFilter == 0 {
			stateFilter = ssConn
		}
		sel.setDefaultDBs()
	}
	if stateFilter != 0 {
		sel.states = stateFilter
	}
	sel.mergeDefaults()
	return sel
}
