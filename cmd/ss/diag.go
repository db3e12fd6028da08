package ss

import (
	"context"
	"io"
	"os"

	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// rawDumper is a target that can write the raw sock_diag replies (ss -D).
type rawDumper interface {
	DumpRaw(ctx context.Context, q stack.SocketQuery, w io.Writer) error
}

// dumpDiag writes the raw TCP sock_diag replies to -D FILE ("-" is
// standard output), as ss -D does.
func dumpDiag(ctx context.Context, opts *Options, f *flags, sel *selection, t Target) error {
	if !sel.dbs.has(dbTCP) {
		return &plainError{"ss: tcpdiag dump requested and no tcp in filter.", 0}
	}
	rd, ok := t.(rawDumper)
	if !ok {
		return &plainError{"ss: -D is not supported on this target", 1}
	}
	var w io.Writer = opts.IO.Out
	if f.diagFile[0] != '-' {
		fp, err := os.Create(f.diagFile)
		if err != nil {
			return &plainError{"fopen dump file: " + errnoText(err), 255}
		}
		defer fp.Close()
		w = fp
	}
	q := stack.SocketQuery{
		Tables:    stack.TableSet(0).With(stack.TableTCP),
		Families:  sel.inetFamilies(),
		Preferred: uint8(sel.preferred),
		States:    sel.states,
	}
	return rd.DumpRaw(ctx, q, w)
}

// errnoText is the strerror text of err's errno, as perror prints it.
func errnoText(err error) string { return kernel.Strerror(err) }
