// Package nic is the view of a network interface card that every applet and
// the reference stack share: driver information, rings and channels (more to
// come: coalescing, features, pause, statistics), read through a Device.
//
// A value that the driver does not report is a nil pointer, which ethtool
// prints as "n/a".
package nic

import (
	"errors"
	"fmt"
	"syscall"
)

// DriverInfo is what ETHTOOL_GDRVINFO returns.
type DriverInfo struct {
	Driver              string `json:"driver"`
	Version             string `json:"version"`
	FirmwareVersion     string `json:"firmware-version"`
	ExpansionROMVersion string `json:"expansion-rom-version"`
	BusInfo             string `json:"bus-info"`
	NStats              uint32 `json:"-"`
	TestInfoLen         uint32 `json:"-"`
	EEDumpLen           uint32 `json:"-"`
	RegDumpLen          uint32 `json:"-"`
	NPrivFlags          uint32 `json:"-"`
}

// TCPDataSplit is the ring's TCP header/data split setting.
type TCPDataSplit uint8

// TCP data split values, as ETHTOOL_TCP_DATA_SPLIT_*.
const (
	TCPDataSplitUnknown TCPDataSplit = iota
	TCPDataSplitDisabled
	TCPDataSplitEnabled
)

// Rings holds ring sizes: the pre-set maximums and the current settings.
type Rings struct {
	RXMax, RXMiniMax, RXJumboMax, TXMax *uint32
	RX, RXMini, RXJumbo, TX             *uint32
	RXBufLen, CQESize                   *uint32
	TXPush                              *bool
	TCPDataSplit                        *TCPDataSplit
}

// Channels holds channel counts: the pre-set maximums and the current ones.
type Channels struct {
	RXMax, TXMax, OtherMax, CombinedMax *uint32
	RX, TX, Other, Combined             *uint32
}

// Device is a NIC whose settings can be read. A Device that can also be
// changed implements Configurer.
type Device interface {
	// Name is the interface name.
	Name() string
	DriverInfo() (DriverInfo, error)
	Rings() (Rings, error)
	Channels() (Channels, error)
	Coalesce() (Coalesce, error)
	// Features returns every feature the kernel knows, in its index
	// order (names may be empty for unused bits).
	Features() ([]Feature, error)
	// Stats returns the driver's statistics in its order; ErrNoStats
	// when it has none.
	Stats() ([]Stat, error)
	Pause() (Pause, error)
	Timestamping() (Timestamping, error)
	// LinkSettings reads the link; a failure of one part is in the
	// result's Errors, the error is for failures of the whole.
	LinkSettings() (LinkSettings, error)
}

// Via says through which kernel interface an operation failed; ethtool
// words its errors differently for each.
type Via int

// Kernel interfaces.
const (
	ViaIoctl Via = iota
	ViaNetlink
)

// Error is a failed read or change of a NIC setting.
type Error struct {
	// Op names the failed operation: "get driver information",
	// "get rings", "get stats strings information", "get stats
	// information", ...
	Op  string
	Via Via
	// Errno is the kernel's error number.
	Errno syscall.Errno
	// Message and Offset are the netlink extended acknowledgement, if any
	// (Offset counts bytes from the start of the request).
	Message string
	Offset  int
}

func (e *Error) Error() string {
	s := fmt.Sprintf("nic: %s: %v", e.Op, e.Errno)
	if e.Message != "" {
		s += fmt.Sprintf(" (%s at offset %d)", e.Message, e.Offset)
	}
	return s
}

// Unwrap returns the errno.
func (e *Error) Unwrap() error { return e.Errno }

// ErrNotSupported is returned where the platform has no NIC access.
var ErrNotSupported = errors.New("nic: not supported on this platform")

// U32 returns a pointer to v (for building values by hand).
func U32(v uint32) *uint32 { return &v }

// Coalesce holds the interrupt coalescing parameters; the kernel reports
// only those the driver supports.
type Coalesce struct {
	AdaptiveRX, AdaptiveTX                               *bool
	StatsBlockUsecs, RateSampleInterval                  *uint32
	PktRateLow, PktRateHigh                              *uint32
	RXUsecs, RXFrames, RXUsecsIRQ, RXFramesIRQ           *uint32
	TXUsecs, TXFrames, TXUsecsIRQ, TXFramesIRQ           *uint32
	RXUsecsLow, RXFramesLow, TXUsecsLow, TXFramesLow     *uint32
	RXUsecsHigh, RXFramesHigh, TXUsecsHigh, TXFramesHigh *uint32
	CQEModeRX, CQEModeTX                                 *bool
}

// Feature is one netdev feature (an offload), as the kernel names it.
type Feature struct {
	Name string
	// Active is the feature's state, Wanted what was requested.
	Active, Wanted bool
	// Fixed means the feature cannot be changed (not in the hardware's
	// changeable set, or in the never-change set).
	Fixed bool
}

// Stat is one driver statistic (ethtool -S), in the driver's order.
type Stat struct {
	Name  string
	Value uint64
}

// ErrNoStats is returned by Stats when the driver has none.
var ErrNoStats = errors.New("nic: no stats available")

// Pause holds the flow-control (pause frame) settings.
type Pause struct {
	Autoneg, RX, TX *bool
	// NegotiatedRX and NegotiatedTX are the pause use resolved from our
	// and the link partner's advertised modes, when autonegotiation is
	// on and both are known.
	NegotiatedRX, NegotiatedTX *bool
}

// Timestamping holds the time stamping capabilities (ethtool -T): the
// names of the set bits, as the kernel names them. A nil list means the
// kernel did not report it.
type Timestamping struct {
	Capabilities []string
	// PHCIndex is the PTP hardware clock, nil for none.
	PHCIndex  *uint32
	TXTypes   []string
	RXFilters []string
	// Reported says which of the three lists the kernel sent.
	HasCapabilities, HasTXTypes, HasRXFilters bool
}
