package host

import (
	"fmt"

	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

const (
	cmdTSInfoGet = 25

	tsinfoTimestamping = 2
	tsinfoTXTypes      = 3
	tsinfoRXFilters    = 4
	tsinfoPHCIndex     = 5

	bitsetNoMask   = 1
	bitsetBits     = 3
	bitsetBitsBit  = 1
	bitsetBitIndex = 1
	bitsetBitName  = 2
	bitsetBitValue = 3
)

// parseVerboseBitset returns the names of the set bits of a verbose
// bitset ("bit<N>" for a bit without a name), in the order listed.
func parseVerboseBitset(b []byte) ([]string, error) {
	bits, _, err := parseVerboseBits(b)
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, bt := range bits {
		if !bt.value {
			continue
		}
		if bt.name == "" {
			names = append(names, fmt.Sprintf("bit%d", bt.index))
		} else {
			names = append(names, bt.name)
		}
	}
	return names, nil
}

// parseTSInfo decodes an ETHTOOL_MSG_TSINFO_GET_REPLY with verbose
// bitsets.
func parseTSInfo(b []byte) (nic.Timestamping, error) {
	var ts nic.Timestamping
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return ts, fmt.Errorf("tsinfo reply: %w", err)
	}
	for ad.Next() {
		var dst *[]string
		switch ad.Type() {
		case tsinfoTimestamping:
			dst, ts.HasCapabilities = &ts.Capabilities, true
		case tsinfoTXTypes:
			dst, ts.HasTXTypes = &ts.TXTypes, true
		case tsinfoRXFilters:
			dst, ts.HasRXFilters = &ts.RXFilters, true
		case tsinfoPHCIndex:
			ts.PHCIndex = u32p(ad)
			continue
		default:
			continue
		}
		names, err := parseVerboseBitset(ad.Bytes())
		if err != nil {
			return nic.Timestamping{}, fmt.Errorf("tsinfo reply: %w", err)
		}
		*dst = names
	}
	if err := ad.Err(); err != nil {
		return nic.Timestamping{}, fmt.Errorf("tsinfo reply: %w", err)
	}
	return ts, nil
}
