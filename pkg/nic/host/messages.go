package host

import (
	"fmt"

	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

// ethtool generic netlink commands and attributes (linux/ethtool_netlink.h).
const (
	familyName = "ethtool"

	cmdRingsGet    = 15
	cmdChannelsGet = 17

	attrHeader        = 1
	attrHeaderDevName = 2

	ringsRXMax        = 2
	ringsRXMiniMax    = 3
	ringsRXJumboMax   = 4
	ringsTXMax        = 5
	ringsRX           = 6
	ringsRXMini       = 7
	ringsRXJumbo      = 8
	ringsTX           = 9
	ringsRXBufLen     = 10
	ringsTCPDataSplit = 11
	ringsCQESize      = 12
	ringsTXPush       = 13

	chanRXMax       = 2
	chanTXMax       = 3
	chanOtherMax    = 4
	chanCombinedMax = 5
	chanRXCount     = 6
	chanTXCount     = 7
	chanOtherCount  = 8
	chanCombinedCnt = 9
)

// encodeHeaderRequest returns the attributes of a GET request for device
// name: a header nest holding only the name, as ethtool sends it (so the
// kernel's extack offsets match ethtool's).
func encodeHeaderRequest(name string) ([]byte, error) {
	ae := netlink.NewAttributeEncoder()
	ae.Nested(attrHeader, func(nae *netlink.AttributeEncoder) error {
		nae.String(attrHeaderDevName, name)
		return nil
	})
	return ae.Encode()
}

func u32p(ad *netlink.AttributeDecoder) *uint32 {
	v := ad.Uint32()
	return &v
}

// parseRings decodes the attributes of an ETHTOOL_MSG_RINGS_GET_REPLY.
func parseRings(b []byte) (nic.Rings, error) {
	var r nic.Rings
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return r, fmt.Errorf("rings reply: %w", err)
	}
	for ad.Next() {
		switch ad.Type() {
		case ringsRXMax:
			r.RXMax = u32p(ad)
		case ringsRXMiniMax:
			r.RXMiniMax = u32p(ad)
		case ringsRXJumboMax:
			r.RXJumboMax = u32p(ad)
		case ringsTXMax:
			r.TXMax = u32p(ad)
		case ringsRX:
			r.RX = u32p(ad)
		case ringsRXMini:
			r.RXMini = u32p(ad)
		case ringsRXJumbo:
			r.RXJumbo = u32p(ad)
		case ringsTX:
			r.TX = u32p(ad)
		case ringsRXBufLen:
			r.RXBufLen = u32p(ad)
		case ringsCQESize:
			r.CQESize = u32p(ad)
		case ringsTCPDataSplit:
			v := nic.TCPDataSplit(ad.Uint8())
			r.TCPDataSplit = &v
		case ringsTXPush:
			v := ad.Uint8() != 0
			r.TXPush = &v
		}
	}
	if err := ad.Err(); err != nil {
		return nic.Rings{}, fmt.Errorf("rings reply: %w", err)
	}
	return r, nil
}

// parseChannels decodes the attributes of an ETHTOOL_MSG_CHANNELS_GET_REPLY.
func parseChannels(b []byte) (nic.Channels, error) {
	var c nic.Channels
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return c, fmt.Errorf("channels reply: %w", err)
	}
	for ad.Next() {
		switch ad.Type() {
		case chanRXMax:
			c.RXMax = u32p(ad)
		case chanTXMax:
			c.TXMax = u32p(ad)
		case chanOtherMax:
			c.OtherMax = u32p(ad)
		case chanCombinedMax:
			c.CombinedMax = u32p(ad)
		case chanRXCount:
			c.RX = u32p(ad)
		case chanTXCount:
			c.TX = u32p(ad)
		case chanOtherCount:
			c.Other = u32p(ad)
		case chanCombinedCnt:
			c.Combined = u32p(ad)
		}
	}
	if err := ad.Err(); err != nil {
		return nic.Channels{}, fmt.Errorf("channels reply: %w", err)
	}
	return c, nil
}

const cmdCoalesceGet = 19

// parseCoalesce decodes the attributes of an ETHTOOL_MSG_COALESCE_GET_REPLY.
func parseCoalesce(b []byte) (nic.Coalesce, error) {
	var c nic.Coalesce
	u32s := map[uint16]**uint32{
		2: &c.RXUsecs, 3: &c.RXFrames, 4: &c.RXUsecsIRQ, 5: &c.RXFramesIRQ,
		6: &c.TXUsecs, 7: &c.TXFrames, 8: &c.TXUsecsIRQ, 9: &c.TXFramesIRQ,
		10: &c.StatsBlockUsecs, 13: &c.PktRateLow,
		14: &c.RXUsecsLow, 15: &c.RXFramesLow, 16: &c.TXUsecsLow, 17: &c.TXFramesLow,
		18: &c.PktRateHigh,
		19: &c.RXUsecsHigh, 20: &c.RXFramesHigh, 21: &c.TXUsecsHigh, 22: &c.TXFramesHigh,
		23: &c.RateSampleInterval,
	}
	bools := map[uint16]**bool{11: &c.AdaptiveRX, 12: &c.AdaptiveTX, 24: &c.CQEModeTX, 25: &c.CQEModeRX}
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return c, fmt.Errorf("coalesce reply: %w", err)
	}
	for ad.Next() {
		if p, ok := u32s[ad.Type()]; ok {
			*p = u32p(ad)
		} else if p, ok := bools[ad.Type()]; ok {
			v := ad.Uint8() != 0
			*p = &v
		}
	}
	if err := ad.Err(); err != nil {
		return nic.Coalesce{}, fmt.Errorf("coalesce reply: %w", err)
	}
	return c, nil
}

const cmdPauseGet = 21

// parsePause decodes the attributes of an ETHTOOL_MSG_PAUSE_GET_REPLY.
func parsePause(b []byte) (nic.Pause, error) {
	var p nic.Pause
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return p, fmt.Errorf("pause reply: %w", err)
	}
	for ad.Next() {
		var dst **bool
		switch ad.Type() {
		case 2:
			dst = &p.Autoneg
		case 3:
			dst = &p.RX
		case 4:
			dst = &p.TX
		default:
			continue
		}
		v := ad.Uint8() != 0
		*dst = &v
	}
	if err := ad.Err(); err != nil {
		return nic.Pause{}, fmt.Errorf("pause reply: %w", err)
	}
	return p, nil
}
