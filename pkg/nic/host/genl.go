//go:build linux

package host

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/mdlayher/genetlink"
	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

// genlGet sends one ethtool GET request for device name on c and returns
// the attributes of the reply.
func genlGet(c *genetlink.Conn, family uint16, cmd uint8, op, name string) ([]byte, error) {
	req, err := encodeHeaderRequest(name)
	if err != nil {
		return nil, err
	}
	return execute(c, family, cmd, op, req)
}

// execute sends one request with attributes req and returns the
// attributes of the first reply.
func execute(c *genetlink.Conn, family uint16, cmd uint8, op string, req []byte) ([]byte, error) {
	msgs, err := c.Execute(genetlink.Message{
		Header: genetlink.Header{Command: cmd, Version: 1},
		Data:   req,
	}, family, netlink.Request)
	if err != nil {
		return nil, netlinkError(op, err)
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("nic: %s: empty reply", op)
	}
	return msgs[0].Data, nil
}

// netlinkError turns a netlink error into a *nic.Error carrying the errno
// and the extended acknowledgement.
func netlinkError(op string, err error) error {
	var oe *netlink.OpError
	if errors.As(err, &oe) {
		e := &nic.Error{Op: op, Via: nic.ViaNetlink, Message: oe.Message, Offset: oe.Offset}
		var errno syscall.Errno
		if errors.As(oe.Err, &errno) {
			e.Errno = errno
			return e
		}
	}
	return fmt.Errorf("nic: %s: %w", op, err)
}

// familyID resolves the ethtool family on c.
func familyID(c *genetlink.Conn) (uint16, error) {
	f, err := c.GetFamily(familyName)
	if err != nil {
		return 0, fmt.Errorf("nic: ethtool netlink family: %w", err)
	}
	return f.ID, nil
}

// getRings asks for the rings of device name (ETHTOOL_MSG_RINGS_GET).
func getRings(c *genetlink.Conn, name string) (nic.Rings, error) {
	id, err := familyID(c)
	if err != nil {
		return nic.Rings{}, err
	}
	b, err := genlGet(c, id, cmdRingsGet, "get rings", name)
	if err != nil {
		return nic.Rings{}, err
	}
	return parseRings(b)
}

// getChannels asks for the channels of device name
// (ETHTOOL_MSG_CHANNELS_GET).
func getChannels(c *genetlink.Conn, name string) (nic.Channels, error) {
	id, err := familyID(c)
	if err != nil {
		return nic.Channels{}, err
	}
	b, err := genlGet(c, id, cmdChannelsGet, "get channels", name)
	if err != nil {
		return nic.Channels{}, err
	}
	return parseChannels(b)
}

// getCoalesce asks for the coalescing parameters of device name
// (ETHTOOL_MSG_COALESCE_GET).
func getCoalesce(c *genetlink.Conn, name string) (nic.Coalesce, error) {
	id, err := familyID(c)
	if err != nil {
		return nic.Coalesce{}, err
	}
	b, err := genlGet(c, id, cmdCoalesceGet, "get coalesce", name)
	if err != nil {
		return nic.Coalesce{}, err
	}
	return parseCoalesce(b)
}

// getFeatures asks for the features of device name (FEATURES_GET), then
// for their names (the global ETH_SS_FEATURES string set), as ethtool does.
func getFeatures(c *genetlink.Conn, name string) ([]nic.Feature, error) {
	id, err := familyID(c)
	if err != nil {
		return nil, err
	}
	req, err := encodeFeaturesRequest(name)
	if err != nil {
		return nil, err
	}
	fb, err := execute(c, id, cmdFeaturesGet, "get features", req)
	if err != nil {
		return nil, err
	}
	req, err = encodeStrsetRequest(ssFeatures)
	if err != nil {
		return nil, err
	}
	sb, err := execute(c, id, cmdStrsetGet, "get feature names", req)
	if err != nil {
		return nil, err
	}
	names, err := parseStrset(sb)
	if err != nil {
		return nil, err
	}
	return parseFeatures(fb, names)
}

// getPause asks for the pause settings of device name (PAUSE_GET).
func getPause(c *genetlink.Conn, name string) (nic.Pause, error) {
	id, err := familyID(c)
	if err != nil {
		return nic.Pause{}, err
	}
	b, err := genlGet(c, id, cmdPauseGet, "get pause", name)
	if err != nil {
		return nic.Pause{}, err
	}
	p, err := parsePause(b)
	if err != nil || p.Autoneg == nil || !*p.Autoneg {
		return p, err
	}
	// With autonegotiation, ethtool adds the resolved pause use.
	if b, err = genlGet(c, id, cmdLinkModesGet, "get link modes", name); err != nil {
		return p, err
	}
	m, err := parseLinkModes(b)
	if err != nil {
		return p, err
	}
	negotiatePause(&p, m)
	return p, nil
}

// negotiatePause resolves pause use from both sides' advertised Pause
// and Asym_Pause bits (IEEE 802.3 Annex 28B), when both are known.
func negotiatePause(p *nic.Pause, m nic.LinkModes) {
	if !m.HasOurs || !m.HasPeer {
		return
	}
	has := func(ms []nic.LinkMode, idx uint32) bool {
		for _, x := range ms {
			if x.Index == idx {
				return true
			}
		}
		return false
	}
	const pause, asym = 13, 14
	ourPause, ourAsym := has(m.Advertised, pause), has(m.Advertised, asym)
	peerPause, peerAsym := has(m.Peer, pause), has(m.Peer, asym)
	var rx, tx bool
	switch {
	case ourPause && peerPause:
		rx, tx = true, true
	case ourAsym && peerAsym && ourPause:
		rx = true
	case ourAsym && peerAsym && peerPause:
		tx = true
	}
	p.NegotiatedRX, p.NegotiatedTX = &rx, &tx
}

// getTimestamping asks for the time stamping capabilities of device name
// (TSINFO_GET), with verbose bitsets that carry the kernel's names.
func getTimestamping(c *genetlink.Conn, name string) (nic.Timestamping, error) {
	id, err := familyID(c)
	if err != nil {
		return nic.Timestamping{}, err
	}
	b, err := genlGet(c, id, cmdTSInfoGet, "get timestamping", name)
	if err != nil {
		return nic.Timestamping{}, err
	}
	return parseTSInfo(b)
}

// getLinkSettings makes ethtool's five requests for `ethtool DEV`, each
// failure kept in the result.
func getLinkSettings(c *genetlink.Conn, name string) (nic.LinkSettings, error) {
	var ls nic.LinkSettings
	id, err := familyID(c)
	if err != nil {
		return ls, err
	}
	get := func(cmd uint8, op string, parse func([]byte) error) {
		b, err := genlGet(c, id, cmd, op, name)
		if err == nil {
			err = parse(b)
		}
		if err != nil {
			ls.Errors = append(ls.Errors, err)
		}
	}
	get(cmdLinkModesGet, "get link modes", func(b []byte) error {
		m, err := parseLinkModes(b)
		ls.Modes = &m
		return err
	})
	get(cmdLinkInfoGet, "get link info", func(b []byte) error {
		li, err := parseLinkInfo(b)
		ls.Info = &li
		return err
	})
	get(cmdWoLGet, "get wake-on-lan", func(b []byte) error {
		w, err := parseWoL(b)
		ls.WoL = &w
		return err
	})
	get(cmdDebugGet, "get debug", func(b []byte) error {
		d, ok, err := parseDebug(b)
		if ok {
			ls.Debug = &d
		}
		return err
	})
	get(cmdLinkStateGet, "get link state", func(b []byte) error {
		s, err := parseLinkState(b)
		ls.State = &s
		return err
	})
	return ls, nil
}
