package kernel

import (
	"context"
	"errors"
	"os"

	"github.com/stackbox/stackbox/pkg/stack"
)

// SocketSummary returns what ss -s prints, from the namespace's
// /proc/net/sockstat, sockstat6 (absent without IPv6) and snmp (Tcp:
// CurrEstab), computed as ss 6.1 does; ss counts nothing else itself.
func (k *Kernel) SocketSummary(ctx context.Context) (*stack.SocketSummary, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var (
		st    sockstat
		estab int
	)
	err := k.Do(func() error {
		if err := readProcFile("sockstat", func(f *os.File) error { return parseSockstat(f.Name(), f, &st) }); err != nil {
			return err
		}
		err := readProcFile("sockstat6", func(f *os.File) error { return parseSockstat(f.Name(), f, &st) })
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return readProcFile("snmp", func(f *os.File) error {
			var err error
			estab, err = parseSnmpValue(f.Name(), f, "Tcp", "CurrEstab")
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return summary(&st, estab), nil
}

// readProcFile opens the calling thread's /proc/net file name for fn.
func readProcFile(name string, fn func(*os.File) error) error {
	f, err := os.Open(procNetPath(name))
	if err != nil {
		return err
	}
	defer f.Close()
	return fn(f)
}
