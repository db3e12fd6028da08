package tune

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"syscall"

	"github.com/stackbox/stackbox/pkg/nic"
)

// The groups of NIC settings, named as profiles name them.
const (
	GroupRings    = "rings"    // ethtool -g/-G
	GroupChannels = "channels" // ethtool -l/-L
	GroupCoalesce = "coalesce" // ethtool -c/-C
	GroupOffload  = "offload"  // ethtool -k/-K
)

// NICGroups lists the groups in the order tune shows them.
var NICGroups = []string{GroupRings, GroupChannels, GroupCoalesce, GroupOffload}

// NICParam is one NIC setting's current value and maximum.
type NICParam struct {
	Group string `json:"group"`
	Name  string `json:"name"`
	// Value is a number, or "on"/"off".
	Value string `json:"value"`
	// Max is the pre-set maximum, "" when there is none.
	Max string `json:"max,omitempty"`
	// Fixed: an offload that cannot be changed.
	Fixed bool `json:"fixed,omitempty"`
}

type u32field struct {
	name     string
	cur, max *uint32
}

type boolField struct {
	name string
	cur  *bool
}

func ringFields(r *nic.Rings) []u32field {
	return []u32field{
		{"rx", r.RX, r.RXMax}, {"rx-mini", r.RXMini, r.RXMiniMax},
		{"rx-jumbo", r.RXJumbo, r.RXJumboMax}, {"tx", r.TX, r.TXMax},
	}
}

func channelFields(c *nic.Channels) []u32field {
	return []u32field{
		{"rx", c.RX, c.RXMax}, {"tx", c.TX, c.TXMax},
		{"other", c.Other, c.OtherMax}, {"combined", c.Combined, c.CombinedMax},
	}
}

func coalesceFields(c *nic.Coalesce) ([]boolField, []u32field) {
	return []boolField{{"adaptive-rx", c.AdaptiveRX}, {"adaptive-tx", c.AdaptiveTX}},
		[]u32field{
			{"rx-usecs", c.RXUsecs, nil}, {"rx-frames", c.RXFrames, nil},
			{"rx-usecs-irq", c.RXUsecsIRQ, nil}, {"rx-frames-irq", c.RXFramesIRQ, nil},
			{"tx-usecs", c.TXUsecs, nil}, {"tx-frames", c.TXFrames, nil},
			{"tx-usecs-irq", c.TXUsecsIRQ, nil}, {"tx-frames-irq", c.TXFramesIRQ, nil},
			{"stats-block-usecs", c.StatsBlockUsecs, nil}, {"sample-interval", c.RateSampleInterval, nil},
			{"pkt-rate-low", c.PktRateLow, nil}, {"pkt-rate-high", c.PktRateHigh, nil},
			{"rx-usecs-low", c.RXUsecsLow, nil}, {"rx-frames-low", c.RXFramesLow, nil},
			{"tx-usecs-low", c.TXUsecsLow, nil}, {"tx-frames-low", c.TXFramesLow, nil},
			{"rx-usecs-high", c.RXUsecsHigh, nil}, {"rx-frames-high", c.RXFramesHigh, nil},
			{"tx-usecs-high", c.TXUsecsHigh, nil}, {"tx-frames-high", c.TXFramesHigh, nil},
		}
}

// groupParams names every parameter a profile may set in a group (offload
// takes any feature name).
func groupParams(group string) []string {
	var out []string
	switch group {
	case GroupRings:
		for _, f := range ringFields(&nic.Rings{}) {
			out = append(out, f.name)
		}
	case GroupChannels:
		for _, f := range channelFields(&nic.Channels{}) {
			out = append(out, f.name)
		}
	case GroupCoalesce:
		bs, us := coalesceFields(&nic.Coalesce{})
		for _, f := range bs {
			out = append(out, f.name)
		}
		for _, f := range us {
			out = append(out, f.name)
		}
	}
	return out
}

func u32params(group string, fs []u32field) []NICParam {
	var out []NICParam
	for _, f := range fs {
		if f.cur == nil {
			continue
		}
		p := NICParam{Group: group, Name: f.name, Value: strconv.FormatUint(uint64(*f.cur), 10)}
		if f.max != nil {
			p.Max = strconv.FormatUint(uint64(*f.max), 10)
		}
		out = append(out, p)
	}
	return out
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// Unsupported reports whether err says the NIC does not have the
// setting at all (EOPNOTSUPP and the like).
func Unsupported(err error) bool {
	return errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, nic.ErrNotSupported)
}

// ReadNIC reads one group of a NIC's settings: for offloads every kernel
// feature by its kernel name, in the kernel's order.
func ReadNIC(dev nic.Device, group string) ([]NICParam, error) {
	switch group {
	case GroupRings:
		r, err := dev.Rings()
		if err != nil {
			return nil, err
		}
		return u32params(group, ringFields(&r)), nil
	case GroupChannels:
		c, err := dev.Channels()
		if err != nil {
			return nil, err
		}
		return u32params(group, channelFields(&c)), nil
	case GroupCoalesce:
		c, err := dev.Coalesce()
		if err != nil {
			return nil, err
		}
		bs, us := coalesceFields(&c)
		var out []NICParam
		for _, b := range bs {
			if b.cur != nil {
				out = append(out, NICParam{Group: group, Name: b.name, Value: onOff(*b.cur)})
			}
		}
		return append(out, u32params(group, us)...), nil
	case GroupOffload:
		fs, err := dev.Features()
		if err != nil {
			return nil, err
		}
		var out []NICParam
		for _, f := range fs {
			if f.Name != "" {
				out = append(out, NICParam{Group: group, Name: f.Name, Value: onOff(f.Active), Fixed: f.Fixed})
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown NIC group %q", group)
}

// LegacyOffloads sums a NIC's kernel features up as ethtool's legacy
// flags (gro, tso, ...): "on" when every matching feature is on, "off"
// when none is, "mixed" otherwise; fixed when all are fixed. Flags that
// match no feature are left out.
func LegacyOffloads(features []NICParam) []NICParam {
	names := make([]string, len(features))
	for i, f := range features {
		names[i] = f.Name
	}
	var out []NICParam
	for _, lf := range nic.LegacyFlags {
		idx, _ := nic.ExpandFeature(lf.Short, names)
		if len(idx) == 0 {
			continue
		}
		on, fixed := 0, true
		for _, i := range idx {
			if features[i].Value == "on" {
				on++
			}
			fixed = fixed && features[i].Fixed
		}
		v := "mixed"
		switch on {
		case 0:
			v = "off"
		case len(idx):
			v = "on"
		}
		out = append(out, NICParam{Group: GroupOffload, Name: lf.Short, Value: v, Fixed: fixed})
	}
	return out
}

// WriteNIC changes one NIC setting: value is a number or "on"/"off"; for
// offloads name is a kernel feature name.
func WriteNIC(cfg nic.Configurer, group, name, value string) error {
	if cfg == nil {
		return fmt.Errorf("%s %s: %w", group, name, nic.ErrNotSupported)
	}
	if group == GroupOffload {
		if value != "on" && value != "off" {
			return fmt.Errorf("offload %s: value %q is not on or off", name, value)
		}
		diffs, err := cfg.SetFeatures([]nic.FeatureRequest{{Name: name, On: value == "on"}})
		if err != nil {
			return err
		}
		for _, d := range diffs {
			if d.Requested && d.Mismatch {
				return fmt.Errorf("offload %s: could not change to %s", name, value)
			}
		}
		return nil
	}
	var v uint32
	switch value {
	case "on":
		v = 1
	case "off":
		v = 0
	default:
		n, err := strconv.ParseUint(value, 10, 32)
		if err != nil {
			return fmt.Errorf("%s %s: bad value %q", group, name, value)
		}
		v = uint32(n)
	}
	p := []nic.Param{{Name: name, Value: v}}
	switch group {
	case GroupRings:
		return cfg.SetRings(p)
	case GroupChannels:
		return cfg.SetChannels(p)
	case GroupCoalesce:
		return cfg.SetCoalesce(p)
	}
	return fmt.Errorf("unknown NIC group %q", group)
}

// findParam returns the named parameter of a group's list.
func findParam(ps []NICParam, name string) (NICParam, bool) {
	i := slices.IndexFunc(ps, func(p NICParam) bool { return p.Name == name })
	if i < 0 {
		return NICParam{}, false
	}
	return ps[i], true
}
