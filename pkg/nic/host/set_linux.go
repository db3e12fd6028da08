package host

import (
	"errors"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

var _ nic.Configurer = (*Device)(nil)

// executeSet sends one SET request with attributes req, asking for an
// acknowledgement (the kernel sends no reply to most SET requests), and
// returns the attributes of the reply, if any.
func executeSet(c *genetlink.Conn, family uint16, cmd uint8, op string, req []byte) ([]byte, error) {
	msgs, err := c.Execute(genetlink.Message{
		Header: genetlink.Header{Command: cmd, Version: 1},
		Data:   req,
	}, family, netlink.Request|netlink.Acknowledge)
	if err != nil {
		return nil, netlinkError(op, err)
	}
	for _, m := range msgs {
		if len(m.Data) > 0 {
			return m.Data, nil
		}
	}
	return nil, nil
}

// setFeatures asks for the feature names, then sends the change, as
// ethtool does.
func setFeatures(c *genetlink.Conn, name string, req []nic.FeatureRequest) ([]nic.FeatureDiff, error) {
	id, err := familyID(c)
	if err != nil {
		return nil, err
	}
	sreq, err := encodeStrsetRequest(ssFeatures)
	if err != nil {
		return nil, err
	}
	sb, err := execute(c, id, cmdStrsetGet, "get feature names", sreq)
	if err != nil {
		return nil, err
	}
	names, err := parseStrset(sb)
	if err != nil {
		return nil, err
	}
	b, requested, err := encodeFeaturesSet(name, req, names)
	if err != nil {
		return nil, err
	}
	rb, err := executeSet(c, id, cmdFeaturesSet, "set features", b)
	if err != nil {
		return nil, err
	}
	if rb == nil {
		return nil, errMalformedDiff
	}
	return parseFeaturesSetReply(rb, names, requested)
}

func setParamsOn(c *genetlink.Conn, cmd uint8, op, name string, params []nic.Param) error {
	id, err := familyID(c)
	if err != nil {
		return err
	}
	b, err := encodeSetRequest(cmd, name, params)
	if err != nil {
		return err
	}
	_, err = executeSet(c, id, cmd, op, b)
	return err
}

// SetFeatures changes features (ETHTOOL_MSG_FEATURES_SET).
func (d *Device) SetFeatures(req []nic.FeatureRequest) ([]nic.FeatureDiff, error) {
	var out []nic.FeatureDiff
	err := d.genl(func(c *genetlink.Conn) (err error) {
		out, err = setFeatures(c, d.name, req)
		return err
	})
	if errors.Is(err, errMalformedDiff) {
		return nil, err
	}
	return out, err
}

// SetChannels changes channel counts (ETHTOOL_MSG_CHANNELS_SET).
func (d *Device) SetChannels(params []nic.Param) error {
	return d.genl(func(c *genetlink.Conn) error {
		return setParamsOn(c, cmdChannelsSet, "set channels", d.name, params)
	})
}

// SetRings changes ring sizes (ETHTOOL_MSG_RINGS_SET).
func (d *Device) SetRings(params []nic.Param) error {
	return d.genl(func(c *genetlink.Conn) error {
		return setParamsOn(c, cmdRingsSet, "set rings", d.name, params)
	})
}

// SetCoalesce changes interrupt coalescing (ETHTOOL_MSG_COALESCE_SET).
func (d *Device) SetCoalesce(params []nic.Param) error {
	return d.genl(func(c *genetlink.Conn) error {
		return setParamsOn(c, cmdCoalesceSet, "set coalesce", d.name, params)
	})
}

// SetPause changes pause settings (ETHTOOL_MSG_PAUSE_SET).
func (d *Device) SetPause(params []nic.Param) error {
	return d.genl(func(c *genetlink.Conn) error {
		return setParamsOn(c, cmdPauseSet, "set pause", d.name, params)
	})
}
