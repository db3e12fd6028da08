package host

import (
	"encoding/binary"
	"fmt"

	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

// ethtool generic netlink SET commands and the attributes they carry.
const (
	cmdFeaturesSet = 12
	cmdRingsSet    = 16
	cmdChannelsSet = 18
	cmdCoalesceSet = 20
	cmdPauseSet    = 22

	bitsetMask  = 5
	bitsBit     = 1
	bitName     = 2
	bitValueFlg = 3
)

// paramAttr is the attribute a parameter becomes: its type and whether
// it is an on/off (u8) value rather than a u32.
type paramAttr struct {
	typ  uint16
	flag bool
}

// setParams maps each SET command's parameter names to attributes.
var setParams = map[uint8]map[string]paramAttr{
	cmdChannelsSet: {
		"rx": {chanRXCount, false}, "tx": {chanTXCount, false},
		"other": {chanOtherCount, false}, "combined": {chanCombinedCnt, false},
	},
	cmdRingsSet: {
		"rx": {ringsRX, false}, "rx-mini": {ringsRXMini, false}, "rx-jumbo": {ringsRXJumbo, false},
		"tx": {ringsTX, false}, "rx-buf-len": {ringsRXBufLen, false}, "cqe-size": {ringsCQESize, false},
		"tx-push": {ringsTXPush, true},
	},
	cmdCoalesceSet: {
		"rx-usecs": {2, false}, "rx-frames": {3, false}, "rx-usecs-irq": {4, false}, "rx-frames-irq": {5, false},
		"tx-usecs": {6, false}, "tx-frames": {7, false}, "tx-usecs-irq": {8, false}, "tx-frames-irq": {9, false},
		"stats-block-usecs": {10, false}, "adaptive-rx": {11, true}, "adaptive-tx": {12, true},
		"pkt-rate-low": {13, false}, "rx-usecs-low": {14, false}, "rx-frames-low": {15, false},
		"tx-usecs-low": {16, false}, "tx-frames-low": {17, false}, "pkt-rate-high": {18, false},
		"rx-usecs-high": {19, false}, "rx-frames-high": {20, false}, "tx-usecs-high": {21, false},
		"tx-frames-high": {22, false}, "sample-interval": {23, false},
		"cqe-mode-tx": {24, true}, "cqe-mode-rx": {25, true},
	},
	cmdPauseSet: {"autoneg": {2, true}, "rx": {3, true}, "tx": {4, true}},
}

// encodeSetRequest returns a SET request for device name: the header nest
// with the name alone, then one attribute per parameter in the given
// order, as ethtool's parser writes them.
func encodeSetRequest(cmd uint8, name string, params []nic.Param) ([]byte, error) {
	table := setParams[cmd]
	ae := netlink.NewAttributeEncoder()
	ae.Nested(attrHeader, func(nae *netlink.AttributeEncoder) error {
		nae.String(attrHeaderDevName, name)
		return nil
	})
	for _, p := range params {
		a, ok := table[p.Name]
		if !ok {
			return nil, fmt.Errorf("nic: unknown parameter %q", p.Name)
		}
		if a.flag {
			v := uint8(0)
			if p.Value != 0 {
				v = 1
			}
			ae.Uint8(a.typ, v)
		} else {
			ae.Uint32(a.typ, p.Value)
		}
	}
	return ae.Encode()
}

// encodeFeaturesSet returns a FEATURES_SET request for device name as
// ethtool 6.1 builds it (compact-bitset header flag; the wanted bitset as
// a list of named bits, a legacy flag expanded to every feature it
// matches), and the indices the request names.
func encodeFeaturesSet(name string, req []nic.FeatureRequest, names []string) ([]byte, map[int]bool, error) {
	requested := map[int]bool{}
	ae := netlink.NewAttributeEncoder()
	ae.Nested(attrHeader, func(nae *netlink.AttributeEncoder) error {
		nae.String(attrHeaderDevName, name)
		nae.Uint32(headerFlags, flagCompactBitsets)
		return nil
	})
	ae.Nested(featuresWanted, func(wae *netlink.AttributeEncoder) error {
		wae.Nested(bitsetBits, func(bae *netlink.AttributeEncoder) error {
			bit := func(n string, on bool) {
				bae.Nested(bitsBit, func(e *netlink.AttributeEncoder) error {
					e.String(bitName, n)
					if on {
						e.Flag(bitValueFlg, true)
					}
					return nil
				})
			}
			for _, r := range req {
				idx, legacy := nic.ExpandFeature(r.Name, names)
				if legacy {
					for _, i := range idx {
						bit(names[i], r.On)
						requested[i] = true
					}
					continue
				}
				bit(r.Name, r.On)
				for i, n := range names {
					if n == r.Name {
						requested[i] = true
						break
					}
				}
			}
			return nil
		})
		return nil
	})
	b, err := ae.Encode()
	return b, requested, err
}

// maskedBitset is a compact bitset with its mask.
type maskedBitset struct {
	value, mask bitset
}

func parseMaskedBitset(b []byte) (maskedBitset, error) {
	var cb maskedBitset
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return cb, err
	}
	words := func(v []byte) []uint32 {
		w := make([]uint32, len(v)/4)
		for i := range w {
			w[i] = binary.NativeEndian.Uint32(v[4*i:])
		}
		return w
	}
	for ad.Next() {
		switch ad.Type() {
		case bitsetSize:
			cb.value.size = ad.Uint32()
			cb.mask.size = cb.value.size
		case bitsetValue:
			cb.value.words = words(ad.Bytes())
		case bitsetMask:
			cb.mask.words = words(ad.Bytes())
		}
	}
	return cb, ad.Err()
}

// parseFeaturesSetReply decodes a FEATURES_SET reply (the wanted bits
// that differ from the request and the active bits that changed) into one
// diff per name.
func parseFeaturesSetReply(b []byte, names []string, requested map[int]bool) ([]nic.FeatureDiff, error) {
	var wanted, active maskedBitset
	seen := 0
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return nil, fmt.Errorf("features reply: %w", err)
	}
	for ad.Next() {
		var dst *maskedBitset
		switch ad.Type() {
		case featuresWanted:
			dst = &wanted
		case featuresActive:
			dst = &active
		default:
			continue
		}
		cb, err := parseMaskedBitset(ad.Bytes())
		if err != nil {
			return nil, fmt.Errorf("features reply: %w", err)
		}
		*dst = cb
		seen++
	}
	if err := ad.Err(); err != nil {
		return nil, fmt.Errorf("features reply: %w", err)
	}
	if seen != 2 || int(wanted.value.size) != len(names) || int(active.value.size) != len(names) {
		return nil, errMalformedDiff
	}
	out := make([]nic.FeatureDiff, len(names))
	for i, n := range names {
		out[i] = nic.FeatureDiff{
			Name:      n,
			Requested: requested[i],
			Mismatch:  wanted.mask.bit(i),
			Wanted:    wanted.value.bit(i),
			Changed:   active.mask.bit(i),
			Active:    active.value.bit(i),
		}
	}
	return out, nil
}

// errMalformedDiff is ethtool's complaint about a FEATURES_SET reply it
// cannot read.
var errMalformedDiff = nic.ErrMalformedDiff
