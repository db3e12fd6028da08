package host

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"
	"github.com/safchain/ethtool"

	"github.com/stackbox/stackbox/pkg/nic"
	"github.com/stackbox/stackbox/pkg/stack/kernel"
)

// Device is a NIC of the host kernel, in the network namespace of its
// kernel.Kernel. Every call opens its sockets inside that namespace.
type Device struct {
	name string
	k    *kernel.Kernel
}

var _ nic.Device = (*Device)(nil)

// Open returns the device named name in network namespace netns ("" for
// the current one). It does not check that the device exists.
func Open(netns, name string) *Device {
	return &Device{name: name, k: kernel.New(netns)}
}

// Name returns the interface name.
func (d *Device) Name() string { return d.name }

// DriverInfo reads the driver information (ETHTOOL_GDRVINFO).
func (d *Device) DriverInfo() (nic.DriverInfo, error) {
	var di nic.DriverInfo
	err := d.k.Do(func() error {
		e, err := ethtool.NewEthtool()
		if err != nil {
			return fmt.Errorf("nic: ethtool socket: %w", err)
		}
		defer e.Close()
		i, err := e.DriverInfo(d.name)
		if err != nil {
			return ioctlError("get driver information", err)
		}
		di = nic.DriverInfo{
			Driver: i.Driver, Version: i.Version, FirmwareVersion: i.FwVersion,
			ExpansionROMVersion: i.EromVersion, BusInfo: i.BusInfo,
			NStats: i.NStats, TestInfoLen: i.TestInfoLen, EEDumpLen: i.EedumpLen,
			RegDumpLen: i.RegdumpLen, NPrivFlags: i.NPrivFlags,
		}
		return nil
	})
	return di, err
}

// Rings reads the ring sizes (ETHTOOL_MSG_RINGS_GET).
func (d *Device) Rings() (nic.Rings, error) {
	var r nic.Rings
	err := d.genl(func(c *genetlink.Conn) (err error) {
		r, err = getRings(c, d.name)
		return err
	})
	return r, err
}

// Channels reads the channel counts (ETHTOOL_MSG_CHANNELS_GET).
func (d *Device) Channels() (nic.Channels, error) {
	var ch nic.Channels
	err := d.genl(func(c *genetlink.Conn) (err error) {
		ch, err = getChannels(c, d.name)
		return err
	})
	return ch, err
}

// genl runs fn with a generic netlink socket opened in the device's
// network namespace.
func (d *Device) genl(fn func(c *genetlink.Conn) error) error {
	return d.k.Do(func() error {
		c, err := genetlink.Dial(nil)
		if err != nil {
			return fmt.Errorf("nic: genetlink: %w", err)
		}
		defer c.Close()
		_ = c.SetOption(netlink.ExtendedAcknowledge, true)
		return fn(c)
	})
}

func ioctlError(op string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return &nic.Error{Op: op, Via: nic.ViaIoctl, Errno: errno}
	}
	return fmt.Errorf("nic: %s: %w", op, err)
}

// Coalesce reads the interrupt coalescing (ETHTOOL_MSG_COALESCE_GET).
func (d *Device) Coalesce() (nic.Coalesce, error) {
	var co nic.Coalesce
	err := d.genl(func(c *genetlink.Conn) (err error) {
		co, err = getCoalesce(c, d.name)
		return err
	})
	return co, err
}

// Features reads the netdev features (ETHTOOL_MSG_FEATURES_GET).
func (d *Device) Features() ([]nic.Feature, error) {
	var fs []nic.Feature
	err := d.genl(func(c *genetlink.Conn) (err error) {
		fs, err = getFeatures(c, d.name)
		return err
	})
	return fs, err
}

// Pause reads the pause settings (ETHTOOL_MSG_PAUSE_GET).
func (d *Device) Pause() (nic.Pause, error) {
	var p nic.Pause
	err := d.genl(func(c *genetlink.Conn) (err error) {
		p, err = getPause(c, d.name)
		return err
	})
	return p, err
}

// Timestamping reads the time stamping capabilities (TSINFO_GET).
func (d *Device) Timestamping() (nic.Timestamping, error) {
	var ts nic.Timestamping
	err := d.genl(func(c *genetlink.Conn) (err error) {
		ts, err = getTimestamping(c, d.name)
		return err
	})
	return ts, err
}

// LinkSettings reads the link modes, link info, Wake-on-LAN, message
// level and link state, as `ethtool DEV` does.
func (d *Device) LinkSettings() (nic.LinkSettings, error) {
	var ls nic.LinkSettings
	err := d.genl(func(c *genetlink.Conn) (err error) {
		ls, err = getLinkSettings(c, d.name)
		return err
	})
	return ls, err
}
