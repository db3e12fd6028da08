// Package cli holds what every applet shares: the streams it writes to, the
// typed errors that carry exit codes, and the applet registry main uses.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"

	"github.com/spf13/cobra"
)

// IO holds an applet's standard streams.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutIsTerminal reports whether Out is a terminal; TerminalWidth is its
	// width in columns (0 when unknown).
	OutIsTerminal bool
	TerminalWidth int
	// Getenv reads the environment ($COLUMNS, $NSTAT_HISTORY, ...).
	Getenv func(string) string
}

// System returns the process's own streams.
func System() *IO {
	io := &IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, Getenv: os.Getenv}
	fd := int(os.Stdout.Fd())
	if term.IsTerminal(fd) {
		io.OutIsTerminal = true
		if w, _, err := term.GetSize(fd); err == nil {
			io.TerminalWidth = w
		}
	}
	return io
}

// Applet is one command of the multi-call binary.
type Applet struct {
	Name  string
	Short string
	// New builds the applet's root command.
	New func(io *IO) *cobra.Command
}

// ExitError carries the exit status an applet wants. Its message, when not
// empty, has already been printed unless Print is set.
type ExitError struct {
	Code  int
	Err   error
	Print bool // main prints Err to stderr
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// Exit returns an error that makes main exit with code, printing nothing.
func Exit(code int) error { return &ExitError{Code: code} }

// Errorf returns an error that main prints, then exits with code.
func Errorf(code int, format string, args ...any) error {
	return &ExitError{Code: code, Err: fmt.Errorf(format, args...), Print: true}
}

// ExitCode maps an applet's error to its exit status and reports whether
// main should print the error. This is the one place errors become exit
// codes.
func ExitCode(err error) (code int, print bool) {
	if err == nil {
		return 0, false
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code, ee.Print && ee.Err != nil
	}
	return 1, true
}
