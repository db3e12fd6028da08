package host

import (
	"fmt"

	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

// Commands of `ethtool DEV`, in ethtool's order.
const (
	cmdLinkInfoGet  = 2
	cmdLinkModesGet = 4
	cmdLinkStateGet = 6
	cmdDebugGet     = 7
	cmdWoLGet       = 9
)

// verboseBit is one bit of a verbose bitset.
type verboseBit struct {
	index uint32
	name  string
	value bool
}

// parseVerboseBits returns the listed bits of a verbose bitset and
// whether it has no mask (then every listed bit is set).
func parseVerboseBits(b []byte) ([]verboseBit, bool, error) {
	var bits []verboseBit
	nomask := false
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return nil, false, err
	}
	for ad.Next() {
		switch ad.Type() {
		case bitsetNoMask:
			nomask = true
		case bitsetBits:
			ad.Nested(func(bd *netlink.AttributeDecoder) error {
				for bd.Next() {
					if bd.Type() != bitsetBitsBit {
						continue
					}
					bd.Nested(func(d *netlink.AttributeDecoder) error {
						var bt verboseBit
						for d.Next() {
							switch d.Type() {
							case bitsetBitIndex:
								bt.index = d.Uint32()
							case bitsetBitName:
								bt.name = d.String()
							case bitsetBitValue:
								bt.value = true
							}
						}
						bits = append(bits, bt)
						return nil
					})
				}
				return nil
			})
		}
	}
	if err := ad.Err(); err != nil {
		return nil, false, err
	}
	if nomask {
		for i := range bits {
			bits[i].value = true
		}
	}
	return bits, nomask, nil
}

func modes(bits []verboseBit, all bool) []nic.LinkMode {
	out := []nic.LinkMode{}
	for _, b := range bits {
		if all || b.value {
			out = append(out, nic.LinkMode{Index: b.index, Name: b.name})
		}
	}
	return out
}

func u8p(ad *netlink.AttributeDecoder) *uint8 {
	v := ad.Uint8()
	return &v
}

// parseLinkModes decodes a LINKMODES_GET reply with verbose bitsets.
func parseLinkModes(b []byte) (nic.LinkModes, error) {
	var m nic.LinkModes
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return m, fmt.Errorf("link modes reply: %w", err)
	}
	for ad.Next() {
		switch ad.Type() {
		case 2:
			m.Autoneg = u8p(ad)
		case 3:
			bits, _, err := parseVerboseBits(ad.Bytes())
			if err != nil {
				return nic.LinkModes{}, fmt.Errorf("link modes reply: %w", err)
			}
			m.HasOurs, m.Supported, m.Advertised = true, modes(bits, true), modes(bits, false)
		case 4:
			bits, _, err := parseVerboseBits(ad.Bytes())
			if err != nil {
				return nic.LinkModes{}, fmt.Errorf("link modes reply: %w", err)
			}
			m.HasPeer, m.Peer = true, modes(bits, false)
		case 5:
			m.Speed = u32p(ad)
		case 6:
			m.Duplex = u8p(ad)
		case 7:
			m.MasterSlaveCfg = u8p(ad)
		case 8:
			m.MasterSlaveState = u8p(ad)
		case 9:
			m.Lanes = u32p(ad)
		}
	}
	if err := ad.Err(); err != nil {
		return nic.LinkModes{}, fmt.Errorf("link modes reply: %w", err)
	}
	return m, nil
}

// parseLinkInfo decodes a LINKINFO_GET reply.
func parseLinkInfo(b []byte) (nic.LinkInfo, error) {
	var li nic.LinkInfo
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return li, fmt.Errorf("link info reply: %w", err)
	}
	for ad.Next() {
		switch ad.Type() {
		case 2:
			li.Port = u8p(ad)
		case 3:
			li.PHYAddr = u8p(ad)
		case 4:
			li.MDIX = u8p(ad)
		case 5:
			li.MDIXCtrl = u8p(ad)
		case 6:
			li.Transceiver = u8p(ad)
		}
	}
	if err := ad.Err(); err != nil {
		return nic.LinkInfo{}, fmt.Errorf("link info reply: %w", err)
	}
	return li, nil
}

// parseWoL decodes a WOL_GET reply (verbose bitset of modes).
func parseWoL(b []byte) (nic.WakeOnLAN, error) {
	var w nic.WakeOnLAN
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return w, fmt.Errorf("wol reply: %w", err)
	}
	for ad.Next() {
		switch ad.Type() {
		case 2:
			bits, _, err := parseVerboseBits(ad.Bytes())
			if err != nil {
				return nic.WakeOnLAN{}, fmt.Errorf("wol reply: %w", err)
			}
			for _, bt := range bits {
				if bt.index >= 32 {
					continue
				}
				w.Supported |= 1 << bt.index
				if bt.value {
					w.Enabled |= 1 << bt.index
				}
			}
		case 3:
			w.SecureOn = ad.Bytes()
		}
	}
	if err := ad.Err(); err != nil {
		return nic.WakeOnLAN{}, fmt.Errorf("wol reply: %w", err)
	}
	return w, nil
}

// parseDebug decodes a DEBUG_GET reply; ok is false without a message
// mask.
func parseDebug(b []byte) (d nic.Debug, ok bool, err error) {
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return d, false, fmt.Errorf("debug reply: %w", err)
	}
	for ad.Next() {
		if ad.Type() != 2 {
			continue
		}
		bits, _, err := parseVerboseBits(ad.Bytes())
		if err != nil {
			return nic.Debug{}, false, fmt.Errorf("debug reply: %w", err)
		}
		ok = true
		d.Names = []string{}
		for _, bt := range bits {
			if !bt.value {
				continue
			}
			if bt.index < 32 {
				d.MsgMask |= 1 << bt.index
			}
			d.Names = append(d.Names, bt.name)
		}
	}
	if err := ad.Err(); err != nil {
		return nic.Debug{}, false, fmt.Errorf("debug reply: %w", err)
	}
	return d, ok, nil
}

// parseLinkState decodes a LINKSTATE_GET reply.
func parseLinkState(b []byte) (nic.LinkState, error) {
	var s nic.LinkState
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return s, fmt.Errorf("link state reply: %w", err)
	}
	for ad.Next() {
		switch ad.Type() {
		case 2:
			v := ad.Uint8() != 0
			s.Link = &v
		case 3:
			s.SQI = u32p(ad)
		case 4:
			s.SQIMax = u32p(ad)
		case 5:
			s.ExtState = u8p(ad)
		case 6:
			s.ExtSubstate = u8p(ad)
		}
	}
	if err := ad.Err(); err != nil {
		return nic.LinkState{}, fmt.Errorf("link state reply: %w", err)
	}
	return s, nil
}
