package conntrack

import "fmt"

// Exit statuses of conntrack.
const (
	otherProblem     = 1
	parameterProblem = 2
)

// ctError is a message conntrack prints in its frame ("conntrack v1.4.7
// (conntrack-tools): MSG"), followed for parameter problems by the hint to
// try -h, and exits with code.
type ctError struct {
	code int
	msg  string
}

func (e *ctError) Error() string { return e.msg }

func paramErrorf(format string, args ...any) error {
	return &ctError{code: parameterProblem, msg: fmt.Sprintf(format, args...)}
}

func otherErrorf(format string, args ...any) error {
	return &ctError{code: otherProblem, msg: fmt.Sprintf(format, args...)}
}

// exitStatus ends a command with a status and no message (conntrack's
// "0 flow entries" failure after its count line).
type exitStatus int

func (e exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
