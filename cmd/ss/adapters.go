package ss

// Temporary stubs until the filter, renderer and kernel packages land.

import (
	"context"
	"errors"
	"io"

	"github.com/stackbox/stackbox/pkg/stack"
)

func printSummary(ctx context.Context, opts *Options, f *flags, t Target) error {
	return errors.New("not yet")
}

func dumpDiag(ctx context.Context, opts *Options, f *flags, sel *selection, t Target) error {
	return errors.New("not yet")
}

func parseFilter(f *flags, args []string, t Target) (stack.Filter, error) {
	return nil, nil
}

type renderer interface {
	Socket(*stack.Socket) error
	Flush() error
}

func newRenderer(w io.Writer, opts *Options, f *flags, sel *selection, t Target) (renderer, error) {
	return nil, errors.New("not yet")
}

func newKernelTarget(netns string) (Target, error) { return nil, errors.New("not yet") }

func errnoText(err error) string { return err.Error() }
