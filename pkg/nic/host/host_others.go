//go:build !linux

package host

import "github.com/stackbox/stackbox/pkg/nic"

// Device is a NIC of the host kernel; only Linux has them.
type Device struct{ name string }

// Open returns the device named name; every read fails off Linux.
func Open(netns, name string) *Device { return &Device{name: name} }

// Name returns the interface name.
func (d *Device) Name() string { return d.name }

// DriverInfo is not implemented off Linux.
func (d *Device) DriverInfo() (nic.DriverInfo, error) { return nic.DriverInfo{}, nic.ErrNotSupported }

// Rings is not implemented off Linux.
func (d *Device) Rings() (nic.Rings, error) { return nic.Rings{}, nic.ErrNotSupported }

// Channels is not implemented off Linux.
func (d *Device) Channels() (nic.Channels, error) { return nic.Channels{}, nic.ErrNotSupported }

// Coalesce is not implemented off Linux.
func (d *Device) Coalesce() (nic.Coalesce, error) { return nic.Coalesce{}, nic.ErrNotSupported }

// Features is not implemented off Linux.
func (d *Device) Features() ([]nic.Feature, error) { return nil, nic.ErrNotSupported }

// Stats is not implemented off Linux.
func (d *Device) Stats() ([]nic.Stat, error) { return nil, nic.ErrNotSupported }

// Pause is not implemented off Linux.
func (d *Device) Pause() (nic.Pause, error) { return nic.Pause{}, nic.ErrNotSupported }

// Timestamping is not implemented off Linux.
func (d *Device) Timestamping() (nic.Timestamping, error) {
	return nic.Timestamping{}, nic.ErrNotSupported
}

// LinkSettings is not implemented off Linux.
func (d *Device) LinkSettings() (nic.LinkSettings, error) {
	return nic.LinkSettings{}, nic.ErrNotSupported
}

// SetFeatures is not implemented off Linux.
func (d *Device) SetFeatures([]nic.FeatureRequest) ([]nic.FeatureDiff, error) {
	return nil, nic.ErrNotSupported
}

// SetChannels is not implemented off Linux.
func (d *Device) SetChannels([]nic.Param) error { return nic.ErrNotSupported }

// SetRings is not implemented off Linux.
func (d *Device) SetRings([]nic.Param) error { return nic.ErrNotSupported }

// SetCoalesce is not implemented off Linux.
func (d *Device) SetCoalesce([]nic.Param) error { return nic.ErrNotSupported }

// SetPause is not implemented off Linux.
func (d *Device) SetPause([]nic.Param) error { return nic.ErrNotSupported }
