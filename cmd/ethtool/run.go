package ethtool

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/stackbox/stackbox/pkg/cli"

	"github.com/stackbox/stackbox/pkg/nic"
	report "github.com/stackbox/stackbox/pkg/report/ethtool"
)

// ifNameSize is the kernel's IFNAMSIZ: names are at most 15 bytes.
const ifNameSize = 16

// run carries out a parsed invocation.
func run(opts *Options, inv invocation) error {
	out := opts.IO.Out
	switch inv.mode {
	case modeVersion:
		_, err := fmt.Fprintln(out, "ethtool version 6.1")
		return err
	case modeHelp:
		_, err := fmt.Fprint(out, helpText)
		return err
	}
	if inv.json && !jsonModes[inv.mode] {
		return badArgs{}
	}
	switch inv.mode {
	case modeDriver:
		// ioctl handlers take no parameters after the device.
		if len(inv.extra) > 0 {
			return badArgs{}
		}
		if len(inv.dev) >= ifNameSize {
			return &plainError{code: 1, msg: "ethtool netlink support for subcommand missing, " +
				"device name longer than 15 not supported"}
		}
	case modeStats:
		// -S with parameters goes to the netlink parser (--groups).
		if len(inv.extra) > 0 {
			return &plainError{code: 1, msg: fmt.Sprintf("ethtool (-S): unknown parameter '%s'", inv.extra[0])}
		}
		if len(inv.dev) >= ifNameSize {
			return &plainError{code: 1, msg: "ioctl-only request, device name longer than 15 not supported"}
		}
	case modeLinkSettings:
		// ethtool 6.1 ignores words after the device here.
	case modeSetFeatures, modeSetChannels, modeSetRings, modeSetCoalesce, modeSetPause:
		// The setters parse their own parameters.
	default:
		if len(inv.extra) > 0 {
			return unexpectedParam{inv.extra[0]}
		}
	}
	if inv.sim.Set() || inv.sim.HasAt || inv.sim.HasHost {
		return simNIC(opts, inv) // sim.go: the simulated NIC (edited for issue 7's sessions)
	}
	dev, err := opts.Open(inv.netns, inv.dev)
	if err != nil {
		return err
	}
	err = query(opts, inv, dev)
	if err != nil && inv.json {
		// ethtool has opened its JSON array before the request fails.
		report.EmptyJSON(out)
	}
	return err
}

// jsonModes are the modes with --json: -k and -a as in ethtool 6.1, and
// -i, -g, -l, -c and DEVNAME as stackbox adds.
var jsonModes = map[mode]bool{
	modeFeatures: true, modePause: true,
	modeDriver: true, modeRings: true, modeChannels: true, modeCoalesce: true,
	modeLinkSettings: true,
}

// query reads what inv asks of dev and writes it.
func query(opts *Options, inv invocation, dev nic.Device) error {
	out := opts.IO.Out
	switch inv.mode {
	case modeSetFeatures:
		return runSetFeatures(opts, inv, dev)
	case modeSetChannels, modeSetRings, modeSetCoalesce, modeSetPause:
		return runSet(opts, inv, dev)
	case modeDriver:
		di, err := dev.DriverInfo()
		if err != nil {
			return opErr(err, "Cannot get driver information", 71)
		}
		if inv.json {
			return report.DriverInfoJSON(out, inv.dev, di)
		}
		return report.DriverInfo(out, di)
	case modeRings:
		r, err := dev.Rings()
		if err != nil {
			return opErr(err, "", 1)
		}
		if inv.json {
			return report.RingsJSON(out, inv.dev, r)
		}
		return report.Rings(out, inv.dev, r)
	case modeChannels:
		c, err := dev.Channels()
		if err != nil {
			return opErr(err, "", 1)
		}
		if inv.json {
			return report.ChannelsJSON(out, inv.dev, c)
		}
		return report.Channels(out, inv.dev, c)
	case modeCoalesce:
		c, err := dev.Coalesce()
		if err != nil {
			return opErr(err, "", 1)
		}
		if inv.json {
			return report.CoalesceJSON(out, inv.dev, c)
		}
		return report.Coalesce(out, inv.dev, c)
	case modeFeatures:
		fs, err := dev.Features()
		if err != nil {
			return opErr(err, "", 1)
		}
		if inv.json {
			return report.FeaturesJSON(out, inv.dev, fs)
		}
		return report.Features(out, inv.dev, fs)
	case modeStats:
		st, err := dev.Stats()
		if errors.Is(err, nic.ErrNoStats) {
			return &plainError{code: 94, msg: "no stats available"}
		}
		var ne *nic.Error
		if errors.As(err, &ne) && ne.Op == "get stats information" {
			return opErr(err, "Cannot get stats information", 97)
		}
		if err != nil {
			return opErr(err, "Cannot get stats strings information", 96)
		}
		return report.Stats(out, st)
	case modePause:
		p, err := dev.Pause()
		if err != nil {
			return opErr(err, "", 1)
		}
		if inv.json {
			return report.PauseJSON(out, inv.dev, p)
		}
		return report.Pause(out, inv.dev, p)
	case modeLinkSettings:
		ls, err := dev.LinkSettings()
		if err != nil {
			return opErr(err, "", 1)
		}
		// ethtool reports each failed request but "not supported".
		for _, e := range ls.Errors {
			var ne *nic.Error
			if errors.As(e, &ne) {
				if ne.Errno != syscall.EOPNOTSUPP {
					report.Error(opts.IO.ErrOut, "", ne)
				}
				continue
			}
			fmt.Fprintf(opts.IO.ErrOut, "ethtool: %v\n", e)
		}
		write := report.LinkSettings
		if inv.json {
			write = report.LinkSettingsJSON
		}
		ok, err := write(out, inv.dev, ls)
		if err != nil {
			return err
		}
		if !ok {
			if inv.json {
				report.EmptyJSON(out)
			}
			fmt.Fprintln(out, "No data available")
			return cli.Exit(75)
		}
		return nil
	case modeTimestamping:
		ts, err := dev.Timestamping()
		if err != nil {
			return opErr(err, "", 1)
		}
		return report.Timestamping(out, inv.dev, ts)
	}
	return badArgs{}
}

// opErr wraps a NIC error for reportError; other errors pass through.
func opErr(err error, ioctlMsg string, code int) error {
	var ne *nic.Error
	if errors.As(err, &ne) {
		return &opError{err: ne, ioctlMsg: ioctlMsg, code: code}
	}
	return err
}
