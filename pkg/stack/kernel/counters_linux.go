package kernel

import (
	"context"
	"errors"
	"io/fs"
	"os"

	"github.com/stackbox/stackbox/pkg/stack"
)

// Counters returns the namespace's protocol counters as nstat -az lists
// them, from /proc/net/snmp, snmp6, netstat and sctp/snmp (read through
// /proc/thread-self/net inside the namespace). /proc/net/snmp must be
// there; the others are absent without IPv6 or SCTP and are then left
// out. Lines that cannot be parsed are reported in the warnings.
func (k *Kernel) Counters(ctx context.Context) (*stack.Counters, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var c *stack.Counters
	err := k.Do(func() error {
		var err error
		c, err = readCounters(readProcNet)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// procNetEnv names the variables with which nstat (and ss) let a user
// read other files than /proc/net's: PROC_NET_<FILE>, or PROC_ROOT for
// the directory standing for /proc.
var procNetEnv = map[string]string{
	"snmp":      "PROC_NET_SNMP",
	"snmp6":     "PROC_NET_SNMP6",
	"netstat":   "PROC_NET_NETSTAT",
	"sctp/snmp": "PROC_NET_SCTP_SNMP",
}

// readProcNet reads the calling thread's /proc/net file proc; errors name
// it as name (/proc/net/...), the path the user knows. As nstat does,
// $PROC_NET_<FILE> or $PROC_ROOT/net/<file> replace it when set.
func readProcNet(proc, name string) ([]byte, error) {
	path := procNetPath(proc)
	if p, ok := os.LookupEnv(procNetEnv[proc]); ok {
		path, name = p, p
	} else if root, ok := os.LookupEnv("PROC_ROOT"); ok {
		path = root + "/net/" + proc
		name = path
	}
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
		}
		return nil, err
	}
	return b, nil
}
