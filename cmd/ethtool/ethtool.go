// Package ethtool is the ethtool applet: ethtool 6.1's read options for
// host NICs, with its output, messages and exit codes:
//
//	ethtool -i|--driver DEVNAME        driver information
//	ethtool -g|--show-ring DEVNAME     rings (with the netlink-only fields)
//	ethtool -l|--show-channels DEVNAME channels
//	ethtool -c|--show-coalesce DEVNAME interrupt coalescing
//	ethtool -k|--show-features|--show-offload DEVNAME  offloads
//	ethtool -S|--statistics DEVNAME    driver statistics, in the driver's order
//	ethtool -a|--show-pause DEVNAME    pause settings
//	ethtool -T|--show-time-stamping DEVNAME  time stamping capabilities
//
// --json (before the option) for -k and -a as ethtool 6.1 has it, and
// stackbox's additions: --json for -i, -g, -l, -c and DEVNAME (the keys of later
// ethtool releases; absent values are left out), and --netns NAME (before
// the option) to read a named network namespace, as
// `ip netns exec NAME ethtool` does. --sim SCENARIO [--at T] [--host NAME]
// (before the option) names a host of the reference stack, whose
// simulated NIC is not modelled yet: every query fails with a one-line
// error.
//
//	ethtool DEVNAME                    link settings
//
// and its netlink setters, with ethtool's parameter parsing, its
// "Actual changes:" and "Could not change any device features" reports,
// kernel error messages and exit codes:
//
//	ethtool -K|--features|--offload DEVNAME FEATURE on|off ...  (legacy names too)
//	ethtool -L|--set-channels DEVNAME [rx N] [tx N] [other N] [combined N]
//	ethtool -G|--set-ring DEVNAME [rx N] [rx-mini N] [rx-jumbo N] [tx N] ...
//	ethtool -C|--coalesce DEVNAME [adaptive-rx on|off] [rx-usecs N] ...
//	ethtool -A|--pause DEVNAME [autoneg on|off] [rx on|off] [tx on|off]
//
// Not yet: --json for -T and -S, -I (statistics).
package ethtool

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/stackbox/stackbox/pkg/cli"
	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/nic/host"
	report "github.com/stackbox/stackbox/pkg/report/ethtool"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// Options holds what the ethtool command needs from outside.
type Options struct {
	IO *cli.IO
	// Open returns device dev in network namespace netns ("" for the
	// current one), failing when the namespace cannot be entered.
	Open func(netns, dev string) (nic.Device, error)
}

// NewCmd builds the ethtool command over the host kernel.
func NewCmd(io *cli.IO) *cobra.Command {
	return NewCmdWith(&Options{IO: io, Open: openHost}, nil)
}

func openHost(netns, dev string) (nic.Device, error) {
	if netns != "" {
		if err := kernel.New(netns).Do(func() error { return nil }); err != nil {
			return nil, err
		}
	}
	return host.Open(netns, dev), nil
}

// NewCmdWith builds the ethtool command; runF, when not nil, replaces the
// run function (tests use it to check argument handling alone).
func NewCmdWith(opts *Options, runF func(*Options, invocation) error) *cobra.Command {
	return &cobra.Command{
		Use:                "ethtool [ FLAGS ] OPTION DEVNAME",
		Short:              "query or control network driver and hardware settings",
		DisableFlagParsing: true,
		SilenceUsage:       true,
		SilenceErrors:      true,
		RunE: func(cmd *cobra.Command, args []string) error {
			inv, err := parseArgs(args)
			if err == nil && runF != nil {
				return runF(opts, inv)
			}
			if err == nil {
				err = run(opts, inv)
			}
			return reportError(opts.IO, err)
		},
	}
}

// opError is a failed NIC operation with ethtool's exit status and, for the
// ioctl path, its message prefix.
type opError struct {
	err      *nic.Error
	ioctlMsg string
	code     int
}

func (e *opError) Error() string { return e.err.Error() }

// plainError is a message ethtool prints as is, with its exit status.
type plainError struct {
	msg  string
	code int
}

func (e *plainError) Error() string { return e.msg }

// reportError prints ethtool's message for err and returns its exit status.
func reportError(io *cli.IO, err error) error {
	if err == nil {
		return nil
	}
	var (
		ba badArgs
		up unexpectedParam
		oe *opError
		pe *plainError
		ne *kernel.NetNSError
		ee *cli.ExitError
	)
	code := 1
	switch {
	case errors.As(err, &ee):
		return err // already reported
	case errors.As(err, &ba):
		fmt.Fprintf(io.ErrOut, "%s\nFor more information run ethtool -h\n", ba.Error())
	case errors.As(err, &up):
		fmt.Fprintln(io.ErrOut, up.Error())
	case errors.As(err, &oe):
		report.Error(io.ErrOut, oe.ioctlMsg, oe.err)
		code = oe.code
	case errors.As(err, &pe):
		fmt.Fprintln(io.ErrOut, pe.msg)
		code = pe.code
	case errors.As(err, &ne):
		fmt.Fprintln(io.ErrOut, ne.Error()) // and exit as `ip netns exec` does
		code = 255
	default:
		fmt.Fprintf(io.ErrOut, "ethtool: %s\n", err)
	}
	return cli.Exit(code)
}
