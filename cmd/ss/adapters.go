package ss

import (
	"context"
	"errors"
	"io"
	"os"
	"strconv"

	report "github.com/stackbox/stackbox/pkg/report/ss"
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/filter"
)

// printSummary prints ss -s.
func printSummary(ctx context.Context, opts *Options, f *flags, t Target) error {
	sum, err := t.SocketSummary(ctx)
	if err != nil {
		return err
	}
	return report.WriteSummary(opts.IO.Out, sum, report.Options{JSON: f.json})
}

// parseFilter parses the filter expression (and -F FILE) in the target's
// namespace, and narrows the families as ss does for an address written
// with a family prefix.
func parseFilter(f *flags, sel *selection, args []string, t Target) (*filter.Filter, error) {
	fo := filter.Options{
		Family:   uint8(sel.preferred),
		TCP:      sel.dbs.has(dbTCP),
		UDP:      sel.dbs.has(dbUDP),
		Resolver: t.Resolver(),
	}
	if f.filterFile != "" {
		fp, err := openFilterFile(f.filterFile)
		if err != nil {
			return nil, err
		}
		if fp != os.Stdin {
			defer fp.Close()
		}
		fo.File = fp
	}
	var flt *filter.Filter
	err := t.Do(func() error {
		var err error
		flt, err = filter.Parse(args, fo)
		return err
	})
	var fe *filter.Error
	if errors.As(err, &fe) {
		msg := fe.Msg
		if len(msg) > 0 && msg[len(msg)-1] == '\n' {
			msg = msg[:len(msg)-1]
		}
		if fe.Usage {
			return nil, &usageError{msg}
		}
		return nil, &plainError{msg, fe.Code}
	}
	if err != nil {
		return nil, err
	}
	if flt.Family != 0 {
		states := sel.states
		sel.families = 0
		sel.setAF(int(flt.Family))
		sel.states = states
	}
	if flt.Empty() {
		return nil, nil
	}
	return flt, nil
}

// newRenderer builds the ss text or JSON writer for the selection.
func newRenderer(w io.Writer, opts *Options, f *flags, sel *selection, t Target) *report.Writer {
	ro := report.Options{
		Tables:      sel.tables(),
		States:      sel.states,
		MoreTables:  !sel.dbs.single(),
		Numeric:     f.numeric,
		Resolve:     f.resolve,
		Timers:      f.timers,
		Extended:    f.details,
		Memory:      f.memory,
		Info:        f.tcpInfo,
		Processes:   f.processes,
		Threads:     f.threads,
		BPF:         f.bpf,
		TOS:         f.tos,
		Cgroup:      f.cgroup,
		InetSockopt: f.inetSockopt,
		OneLine:     f.oneline,
		NoHeader:    f.noHeader,
		JSON:        f.json,
		Events:      f.events,
		Terminal:    opts.IO.OutIsTerminal,
		Width:       terminalWidth(opts),
		Names:       t.Names(),
	}
	var lo, hi int
	t.Do(func() error { lo, hi = t.Resolver().EphemeralPorts(); return nil })
	if lo > 0 && hi >= lo && hi < 65536 {
		ro.EphemeralPorts = [2]uint16{uint16(lo), uint16(hi)}
	}
	return report.NewWriter(w, ro)
}

// terminalWidth is the terminal's width when the output is a terminal, as
// ss takes it; $COLUMNS stands in when the terminal cannot say.
func terminalWidth(opts *Options) int {
	if !opts.IO.OutIsTerminal {
		return 0
	}
	if opts.IO.TerminalWidth > 0 {
		return opts.IO.TerminalWidth
	}
	if c := opts.IO.Getenv("COLUMNS"); c != "" {
		if n, err := strconv.Atoi(c); err == nil && n > 0 {
			return n
		}
	}
	return 0
}

var _ stack.Filter = (*filter.Filter)(nil)
