package host

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/mdlayher/netlink"

	"github.com/stackbox/stackbox/pkg/nic"
)

const (
	cmdStrsetGet   = 1
	cmdFeaturesGet = 11

	headerFlags        = 3
	flagCompactBitsets = 1

	featuresHW       = 2
	featuresWanted   = 3
	featuresActive   = 4
	featuresNoChange = 5

	bitsetSize  = 2
	bitsetValue = 4

	strsetStringsets = 2
	stringsetsSet    = 1
	stringsetID      = 1
	stringsetStrings = 3
	stringsString    = 1
	stringIndex      = 1
	stringValue      = 2

	ssFeatures = 4 // ETH_SS_FEATURES
)

// bitset is a compact ethtool bitset: a size in bits and its words.
type bitset struct {
	size  uint32
	words []uint32
}

func (b bitset) bit(i int) bool {
	if i/32 >= len(b.words) {
		return false
	}
	return b.words[i/32]&(1<<(uint(i)%32)) != 0
}

func parseBitset(b []byte) (bitset, error) {
	var bs bitset
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return bs, err
	}
	for ad.Next() {
		switch ad.Type() {
		case bitsetSize:
			bs.size = ad.Uint32()
		case bitsetValue:
			v := ad.Bytes()
			bs.words = make([]uint32, len(v)/4)
			for i := range bs.words {
				bs.words[i] = binary.NativeEndian.Uint32(v[4*i:])
			}
		}
	}
	return bs, ad.Err()
}

// encodeFeaturesRequest returns a FEATURES_GET request for device name
// asking for compact bitsets, as ethtool sends it.
func encodeFeaturesRequest(name string) ([]byte, error) {
	ae := netlink.NewAttributeEncoder()
	ae.Nested(attrHeader, func(nae *netlink.AttributeEncoder) error {
		nae.String(attrHeaderDevName, name)
		nae.Uint32(headerFlags, flagCompactBitsets)
		return nil
	})
	return ae.Encode()
}

// encodeStrsetRequest asks for the global string set id.
func encodeStrsetRequest(id uint32) ([]byte, error) {
	ae := netlink.NewAttributeEncoder()
	ae.Nested(attrHeader, func(*netlink.AttributeEncoder) error { return nil })
	ae.Nested(strsetStringsets, func(nae *netlink.AttributeEncoder) error {
		nae.Nested(stringsetsSet, func(sae *netlink.AttributeEncoder) error {
			sae.Uint32(stringsetID, id)
			return nil
		})
		return nil
	})
	return ae.Encode()
}

// parseStrset decodes a STRSET_GET reply holding one string set.
func parseStrset(b []byte) ([]string, error) {
	var names []string
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return nil, err
	}
	for ad.Next() {
		if ad.Type() != strsetStringsets {
			continue
		}
		ad.Nested(func(sets *netlink.AttributeDecoder) error {
			for sets.Next() {
				if sets.Type() != stringsetsSet {
					continue
				}
				sets.Nested(func(set *netlink.AttributeDecoder) error {
					for set.Next() {
						if set.Type() != stringsetStrings {
							continue
						}
						set.Nested(func(strs *netlink.AttributeDecoder) error {
							for strs.Next() {
								strs.Nested(func(s *netlink.AttributeDecoder) error {
									idx, val, ok := uint32(0), "", false
									for s.Next() {
										switch s.Type() {
										case stringIndex:
											idx, ok = s.Uint32(), true
										case stringValue:
											val = s.String()
										}
									}
									if ok && idx < 1<<16 {
										for uint32(len(names)) <= idx {
											names = append(names, "")
										}
										names[idx] = val
									}
									return nil
								})
							}
							return nil
						})
					}
					return nil
				})
			}
			return nil
		})
	}
	if err := ad.Err(); err != nil {
		return nil, fmt.Errorf("string set reply: %w", err)
	}
	return names, nil
}

// parseFeatures decodes a FEATURES_GET reply with compact bitsets and
// names the bits with names.
func parseFeatures(b []byte, names []string) ([]nic.Feature, error) {
	var hw, wanted, active, nochange bitset
	var seen int
	ad, err := netlink.NewAttributeDecoder(b)
	if err != nil {
		return nil, fmt.Errorf("features reply: %w", err)
	}
	for ad.Next() {
		var dst *bitset
		switch ad.Type() {
		case featuresHW:
			dst = &hw
		case featuresWanted:
			dst = &wanted
		case featuresActive:
			dst = &active
		case featuresNoChange:
			dst = &nochange
		default:
			continue
		}
		seen++
		bs, err := parseBitset(ad.Bytes())
		if err != nil {
			return nil, fmt.Errorf("features reply: %w", err)
		}
		*dst = bs
	}
	if err := ad.Err(); err != nil {
		return nil, fmt.Errorf("features reply: %w", err)
	}
	if seen != 4 || wanted.size != hw.size || active.size != hw.size || nochange.size != hw.size {
		return nil, errors.New("features reply: malformed bitsets")
	}
	n := int(hw.size)
	if n > 32*len(hw.words) {
		n = 32 * len(hw.words)
	}
	out := make([]nic.Feature, n)
	for i := range out {
		f := nic.Feature{
			Active: active.bit(i),
			Wanted: wanted.bit(i),
			Fixed:  !hw.bit(i) || nochange.bit(i),
		}
		if i < len(names) {
			f.Name = names[i]
		}
		out[i] = f
	}
	return out, nil
}
