package scenario

import (
	"strconv"
	"strings"
)

// Error is one problem in a scenario file, at a line and a field path like
// "links[0].bandwidth". It prints as "web.yaml:12: links[0].bandwidth: msg".
type Error struct {
	File  string
	Line  int    // 0 when unknown
	Field string // "" for the file as a whole
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList holds every problem found in a scenario file, in file order for
// syntax and type errors, then in check order for semantic ones. It prints
// one problem a line.
type ErrorList []*Error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the problems, for errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// maxErrors bounds the problems reported for one file.
const maxErrors = 20
