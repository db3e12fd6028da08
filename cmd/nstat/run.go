package nstat

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/stackbox/stackbox/pkg/nstat"
	report "github.com/stackbox/stackbox/pkg/report/nstat"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// run does what nstat 6.1's main() does after option parsing, plus
// stackbox's --softnet and --prometheus.
func run(ctx context.Context, opts *Options, f *flags) error {
	io := opts.IO
	if f.help {
		return &usageError{}
	}
	if f.version {
		fmt.Fprint(io.Out, versionText) // unchecked, as nstat's printf
		return nil
	}
	target, err := openTarget(opts, f)
	if err != nil {
		return err
	}
	switch {
	case f.softnet:
		return showSoftnet(ctx, opts, f, target)
	case f.prometheus:
		return showPrometheus(ctx, opts, f, target)
	case f.scanMS > 0:
		return daemon(ctx, opts, f, target)
	}
	return runOnce(ctx, opts, f, target)
}

// selection is what -z and the patterns select, with fnmatch's
// environment.
func (f *flags) selection(opts *Options) nstat.Selection {
	_, posix := opts.LookupEnv("POSIXLY_CORRECT")
	return nstat.Selection{Zeros: f.zeros, Patterns: nstat.Patterns{List: f.patterns, PosixlyCorrect: posix}}
}

// runOnce is one nstat run: read the history, read a daemon or the
// kernel, print, rewrite the history.
func runOnce(ctx context.Context, opts *Options, f *flags, target Target) error {
	errOut := opts.IO.ErrOut
	uid := opts.Getuid()
	sel := f.selection(opts)
	histName := nstat.HistoryPath(opts.LookupEnv, uid)
	if f.reset {
		unlink(histName)
	}

	var (
		hist   *nstat.History
		histDB []nstat.Entry
		src    nstat.Source
	)
	if !f.ignore || !f.noUpdate {
		var err error
		hist, err = nstat.OpenHistory(histName, uid)
		if err != nil {
			return err
		}
		defer hist.Close()
		if !f.ignore {
			if up, ok := opts.Uptime(); ok && up >= 0 && nstat.AgedOut(opts.Now().Unix(), hist.ModTime, up) {
				fmt.Fprintln(errOut, "nstat: history is aged out, resetting")
				if err := hist.Truncate(); err != nil {
					fmt.Fprintf(errOut, "nstat: ftruncate: %s\n", kernel.Strerror(err))
				}
			}
		}
		histDB, err = hist.Read(&src)
		if err = tableError(ctx, err); err != nil {
			return err
		}
	}

	var kern []nstat.Entry
	if conn, ok := dialDaemon(opts, target, uid); ok {
		var err error
		kern, err = nstat.ReadDaemon(ctx, conn, &src)
		if err = tableError(ctx, err); err != nil {
			return err
		}
		if len(histDB) > 0 && src.Mismatch {
			fmt.Fprintln(errOut, "nstat: history is stale, ignoring it.")
			histDB = nil
		}
	} else {
		if len(histDB) > 0 && src.Info != "" && src.Info != "kernel" {
			fmt.Fprintln(errOut, "nstat: history is stale, ignoring it.")
			histDB = nil
			src.Info = ""
		}
		var err error
		kern, err = readCounters(ctx, target, errOut)
		if err != nil {
			return err
		}
		if src.Info == "" {
			src.Info = "kernel"
		}
	}

	var outErr error
	if !f.noOutput {
		var rows []report.Row
		if f.ignore || len(histDB) == 0 {
			rows = nstat.Absolute(kern, histDB, false, sel)
		} else {
			rows = nstat.Delta(kern, histDB, sel)
		}
		// nstat does not check its writes to stdout (it exits 0 on a
		// full disk); stackbox's own --json does.
		if err := writeRows(opts.IO.Out, f, src.Info, rows); err != nil && f.jsonRates {
			outErr = err
		}
	}
	if !f.noUpdate {
		rows := nstat.Absolute(kern, histDB, true, sel)
		truncErr, err := hist.Rewrite(func(w io.Writer) error { return report.Text(w, src.Info, rows) })
		if truncErr != nil {
			fmt.Fprintf(errOut, "nstat: ftruncate: %s\n", kernel.Strerror(truncErr))
		}
		_ = err // nstat does not check its writes to the history file
	}
	return outErr
}

// tableError is the error of reading a table (the history, a daemon's
// answer) that ends nstat: a line it cannot parse, or an interrupt. A
// failed read ends the table, as fgets's does.
func tableError(ctx context.Context, err error) error {
	var pe *nstat.ParseError
	if errors.As(err, &pe) {
		return err
	}
	return ctx.Err()
}

// writeRows prints rows in the format the flags ask for.
func writeRows(w io.Writer, f *flags, source string, rows []report.Row) error {
	bw := bufio.NewWriter(w)
	var err error
	switch {
	case f.jsonRates:
		err = report.JSONRates(bw, source, rows, f.pretty)
	case f.json:
		err = report.JSON(bw, source, rows, f.pretty)
	default:
		err = report.Text(bw, source, rows)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func printWarnings(w io.Writer, warnings []string) {
	for _, m := range warnings {
		fmt.Fprintf(w, "nstat: %s\n", m)
	}
}

// dialDaemon looks for a daemon in the target's namespace, as nstat's
// client does: uid's socket, then root's.
func dialDaemon(opts *Options, target Target, uid int) (net.Conn, bool) {
	var conn net.Conn
	var ok bool
	err := target.Do(func() error {
		conn, ok = nstat.Dial([]string{opts.SocketName(uid), opts.SocketName(0)}, uid)
		return nil
	})
	return conn, ok && err == nil
}

// readCounters reads the target's counters in nstat's order.
func readCounters(ctx context.Context, target Target, warn io.Writer) ([]nstat.Entry, error) {
	c, err := target.Counters(ctx)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, nil
	}
	if warn != nil {
		printWarnings(warn, c.Warnings)
	}
	return nstat.FromCounters(c), nil
}

// showPrometheus prints the counters for Prometheus: absolute values,
// zeros included, selected by the patterns. The history and any daemon
// are left alone.
func showPrometheus(ctx context.Context, opts *Options, f *flags, target Target) error {
	kern, err := readCounters(ctx, target, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	sel := f.selection(opts)
	sel.Zeros = true
	bw := bufio.NewWriter(opts.IO.Out)
	if err := report.Prometheus(bw, nstat.Absolute(kern, nil, false, sel)); err != nil {
		return err
	}
	return bw.Flush()
}

// showSoftnet prints /proc/net/softnet_stat per CPU. Lines the kernel
// reader could not parse are reported; the others are shown.
func showSoftnet(ctx context.Context, opts *Options, f *flags, target Target) error {
	stats, err := target.Softnet(ctx)
	var pe *kernel.PartialError
	if errors.As(err, &pe) {
		printWarnings(opts.IO.ErrOut, pe.Warnings)
	} else if err != nil {
		return err
	}
	bw := bufio.NewWriter(opts.IO.Out)
	if f.json || f.jsonRates {
		err = report.SoftnetJSON(bw, stats, f.pretty)
	} else {
		err = report.Softnet(bw, stats)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// daemon is nstat -d: make the socket, then serve in the background. In
// the background process (Inherited), serve.
func daemon(ctx context.Context, opts *Options, f *flags, target Target) error {
	tc := f.timeConst
	if tc == 0 {
		tc = 60
	}
	tcMS := tc * 1000 // int arithmetic, as nstat's
	srv := &nstat.Server{
		Averager: nstat.NewAverager(f.scanMS, tcMS),
		Read: func(ctx context.Context) ([]nstat.Entry, error) {
			return readCounters(ctx, target, nil)
		},
		Dump: func(w io.Writer, source string, db []nstat.Entry) error {
			// A daemon's answer is nstat's dump: its -z, -j and -p
			// apply, patterns do not.
			rows := nstat.Absolute(db, nil, false, nstat.Selection{Zeros: f.zeros})
			return writeRows(w, f, source, rows)
		},
		Now: opts.Now,
	}
	serve := func(ctx context.Context, ln net.Listener) error {
		srv.Source = nstat.DaemonSource(os.Getpid(), srv.ScanMS, srv.TimeConstMS)
		return srv.Serve(ctx, ln)
	}
	if sock, ok := opts.Inherited(); ok {
		ln, err := nstat.Listener(sock)
		sock.Close()
		if err != nil {
			return err
		}
		return serve(ctx, ln)
	}
	var sock *os.File
	err := target.Do(func() error {
		var err error
		sock, err = nstat.Listen(opts.SocketName(opts.Getuid()))
		return err
	})
	if err != nil {
		return err
	}
	defer sock.Close()
	return opts.Daemon(sock, serve)
}
