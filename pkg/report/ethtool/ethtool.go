// Package ethtool renders NIC settings (pkg/nic values) as ethtool 6.1
// prints them.
package ethtool

import (
	"fmt"
	"io"
	"strings"
	"syscall"

	"github.com/stackbox/stackbox/pkg/nic"
)

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// DriverInfo writes `ethtool -i` output.
func DriverInfo(w io.Writer, di nic.DriverInfo) error {
	_, err := fmt.Fprintf(w, "driver: %s\nversion: %s\nfirmware-version: %s\n"+
		"expansion-rom-version: %s\nbus-info: %s\nsupports-statistics: %s\n"+
		"supports-test: %s\nsupports-eeprom-access: %s\nsupports-register-dump: %s\n"+
		"supports-priv-flags: %s\n",
		di.Driver, di.Version, di.FirmwareVersion, di.ExpansionROMVersion, di.BusInfo,
		yesNo(di.NStats > 0), yesNo(di.TestInfoLen > 0), yesNo(di.EEDumpLen > 0),
		yesNo(di.RegDumpLen > 0), yesNo(di.NPrivFlags > 0))
	return err
}

type lines struct{ strings.Builder }

func (l *lines) u32(label string, v *uint32) {
	if v == nil {
		fmt.Fprintf(l, "%sn/a\n", label)
		return
	}
	fmt.Fprintf(l, "%s%d\n", label, *v)
}

func (l *lines) onOff(label string, v *bool) {
	switch {
	case v == nil:
		fmt.Fprintf(l, "%sn/a\n", label)
	case *v:
		fmt.Fprintf(l, "%son\n", label)
	default:
		fmt.Fprintf(l, "%soff\n", label)
	}
}

// Rings writes `ethtool -g DEV` output.
func Rings(w io.Writer, dev string, r nic.Rings) error {
	var l lines
	fmt.Fprintf(&l, "Ring parameters for %s:\nPre-set maximums:\n", dev)
	l.u32("RX:\t\t", r.RXMax)
	l.u32("RX Mini:\t", r.RXMiniMax)
	l.u32("RX Jumbo:\t", r.RXJumboMax)
	l.u32("TX:\t\t", r.TXMax)
	l.WriteString("Current hardware settings:\n")
	l.u32("RX:\t\t", r.RX)
	l.u32("RX Mini:\t", r.RXMini)
	l.u32("RX Jumbo:\t", r.RXJumbo)
	l.u32("TX:\t\t", r.TX)
	l.u32("RX Buf Len:\t\t", r.RXBufLen)
	l.u32("CQE Size:\t\t", r.CQESize)
	l.onOff("TX Push:\t", r.TXPush)
	split := nic.TCPDataSplitUnknown
	if r.TCPDataSplit != nil {
		split = *r.TCPDataSplit
	}
	switch split {
	case nic.TCPDataSplitUnknown:
		l.WriteString("TCP data split:\tn/a\n")
	case nic.TCPDataSplitDisabled:
		l.WriteString("TCP data split:\toff\n")
	case nic.TCPDataSplitEnabled:
		l.WriteString("TCP data split:\ton\n")
	default:
		// ethtool's own buffer carries a newline, so it prints two.
		fmt.Fprintf(&l, "TCP data split:\tunknown(%d)\n\n", split)
	}
	_, err := io.WriteString(w, l.String())
	return err
}

// Channels writes `ethtool -l DEV` output.
func Channels(w io.Writer, dev string, c nic.Channels) error {
	var l lines
	fmt.Fprintf(&l, "Channel parameters for %s:\nPre-set maximums:\n", dev)
	l.u32("RX:\t\t", c.RXMax)
	l.u32("TX:\t\t", c.TXMax)
	l.u32("Other:\t\t", c.OtherMax)
	l.u32("Combined:\t", c.CombinedMax)
	l.WriteString("Current hardware settings:\n")
	l.u32("RX:\t\t", c.RX)
	l.u32("TX:\t\t", c.TX)
	l.u32("Other:\t\t", c.Other)
	l.u32("Combined:\t", c.Combined)
	_, err := io.WriteString(w, l.String())
	return err
}

// Strerror returns the C library's text for errno (Go's, capitalized as
// glibc writes it).
func Strerror(errno syscall.Errno) string {
	s := errno.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Error writes err as ethtool reports a failed operation; ioctlMsg is the
// ethtool text for the ioctl path ("Cannot get driver information").
func Error(w io.Writer, ioctlMsg string, err *nic.Error) error {
	var b strings.Builder
	switch err.Via {
	case nic.ViaNetlink:
		if err.Message != "" {
			if err.Offset != 0 {
				fmt.Fprintf(&b, "netlink error: %s (offset %d)\n", err.Message, err.Offset)
			} else {
				fmt.Fprintf(&b, "netlink error: %s\n", err.Message)
			}
		}
		fmt.Fprintf(&b, "netlink error: %s\n", Strerror(err.Errno))
	default:
		fmt.Fprintf(&b, "%s: %s\n", ioctlMsg, Strerror(err.Errno))
	}
	_, werr := io.WriteString(w, b.String())
	return werr
}

func onOffNA(v *bool) string {
	switch {
	case v == nil:
		return "n/a"
	case *v:
		return "on"
	}
	return "off"
}

// Coalesce writes `ethtool -c DEV` output.
func Coalesce(w io.Writer, dev string, c nic.Coalesce) error {
	var l lines
	fmt.Fprintf(&l, "Coalesce parameters for %s:\n", dev)
	fmt.Fprintf(&l, "Adaptive RX: %s  TX: %s\n", onOffNA(c.AdaptiveRX), onOffNA(c.AdaptiveTX))
	l.u32("stats-block-usecs: ", c.StatsBlockUsecs)
	l.u32("sample-interval: ", c.RateSampleInterval)
	l.u32("pkt-rate-low: ", c.PktRateLow)
	l.u32("pkt-rate-high: ", c.PktRateHigh)
	l.WriteString("\n")
	l.u32("rx-usecs: ", c.RXUsecs)
	l.u32("rx-frames: ", c.RXFrames)
	l.u32("rx-usecs-irq: ", c.RXUsecsIRQ)
	l.u32("rx-frames-irq: ", c.RXFramesIRQ)
	l.WriteString("\n")
	l.u32("tx-usecs: ", c.TXUsecs)
	l.u32("tx-frames: ", c.TXFrames)
	l.u32("tx-usecs-irq: ", c.TXUsecsIRQ)
	l.u32("tx-frames-irq: ", c.TXFramesIRQ)
	l.WriteString("\n")
	l.u32("rx-usecs-low: ", c.RXUsecsLow)
	l.u32("rx-frame-low: ", c.RXFramesLow)
	l.u32("tx-usecs-low: ", c.TXUsecsLow)
	l.u32("tx-frame-low: ", c.TXFramesLow)
	l.WriteString("\n")
	l.u32("rx-usecs-high: ", c.RXUsecsHigh)
	l.u32("rx-frame-high: ", c.RXFramesHigh)
	l.u32("tx-usecs-high: ", c.TXUsecsHigh)
	l.u32("tx-frame-high: ", c.TXFramesHigh)
	l.WriteString("\n")
	fmt.Fprintf(&l, "CQE mode RX: %s  TX: %s\n\n", onOffNA(c.CQEModeRX), onOffNA(c.CQEModeTX))
	_, err := io.WriteString(w, l.String())
	return err
}

// Stats writes `ethtool -S DEV` output.
func Stats(w io.Writer, st []nic.Stat) error {
	var b strings.Builder
	b.WriteString("NIC statistics:\n")
	for _, s := range st {
		fmt.Fprintf(&b, "     %s: %d\n", s.Name, s.Value)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Pause writes `ethtool -a DEV` output.
func Pause(w io.Writer, dev string, p nic.Pause) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Pause parameters for %s:\nAutonegotiate:\t%s\nRX:\t\t%s\nTX:\t\t%s\n",
		dev, onOffNA(p.Autoneg), onOffNA(p.RX), onOffNA(p.TX))
	if p.NegotiatedRX != nil && p.NegotiatedTX != nil {
		fmt.Fprintf(&b, "RX negotiated: %s\nTX negotiated: %s\n", onOffNA(p.NegotiatedRX), onOffNA(p.NegotiatedTX))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func nameList(b *strings.Builder, label, ifEmpty string, present bool, names []string) {
	b.WriteString(label + ":")
	if !present || len(names) == 0 {
		b.WriteString(ifEmpty + "\n")
		return
	}
	b.WriteString("\n")
	for _, n := range names {
		fmt.Fprintf(b, "\t%s\n", n)
	}
}

// Timestamping writes `ethtool -T DEV` output.
func Timestamping(w io.Writer, dev string, ts nic.Timestamping) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Time stamping parameters for %s:\n", dev)
	nameList(&b, "Capabilities", "", ts.HasCapabilities, ts.Capabilities)
	if ts.PHCIndex != nil {
		fmt.Fprintf(&b, "PTP Hardware Clock: %d\n", int32(*ts.PHCIndex))
	} else {
		b.WriteString("PTP Hardware Clock: none\n")
	}
	nameList(&b, "Hardware Transmit Timestamp Modes", " none", ts.HasTXTypes, ts.TXTypes)
	nameList(&b, "Hardware Receive Filter Modes", " none", ts.HasRXFilters, ts.RXFilters)
	_, err := io.WriteString(w, b.String())
	return err
}
