//go:build !linux

package sockmix

import (
	"fmt"
	"runtime"
	"time"
)

// Config says where Build puts what is not fixed.
type Config struct {
	Dir        string
	Dev        string
	Dev4, Dev6 string
	NoMPTCP    bool
}

// Entry describes one socket (or pair) of the mix, for logs.
type Entry struct {
	Kind string
	Desc string
}

// Mix holds the sockets Build created.
type Mix struct {
	Entries []Entry
	Skipped []string
}

// Build is not implemented outside Linux.
func Build(cfg Config) (*Mix, error) {
	return nil, fmt.Errorf("sockmix: not implemented on %s", runtime.GOOS)
}

// Close does nothing outside Linux.
func (m *Mix) Close() {}

// Settle does nothing outside Linux.
func (m *Mix) Settle(timeout time.Duration) error { return nil }
