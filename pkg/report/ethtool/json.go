package ethtool

import (
	"fmt"
	"io"
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
)

// member is one key of a JSON object; its value is a bool, nil (null),
// string, []string, uint32/uint64/int, or an object.
type member struct {
	key string
	val any
}

type object []member

func (o *object) add(key string, val any) { *o = append(*o, member{key, val}) }

// addU32 adds v when the kernel reported it (ethtool leaves absent values
// out of JSON).
func (o *object) addU32(key string, v *uint32) {
	if v != nil {
		o.add(key, *v)
	}
}

func (o *object) addBool(key string, v *bool) {
	if v != nil {
		o.add(key, *v)
	}
}

// jsonString quotes s as ethtool's JSON writer does.
func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\f':
			b.WriteString(`\f`)
		case '\b':
			b.WriteString(`\b`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func writeValue(b *strings.Builder, v any, depth int) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		fmt.Fprintf(b, "%t", v)
	case string:
		b.WriteString(jsonString(v))
	case object:
		writeObject(b, v, depth)
	case []string:
		b.WriteString("[")
		for i, e := range v {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(" " + jsonString(e))
		}
		b.WriteString(" ]")
	default:
		fmt.Fprintf(b, "%d", v)
	}
}

func writeObject(b *strings.Builder, o object, depth int) {
	b.WriteString("{")
	for i, m := range o {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(b, "\n%s%s: ", strings.Repeat("    ", depth+1), jsonString(m.key))
		writeValue(b, m.val, depth+1)
	}
	fmt.Fprintf(b, "\n%s}", strings.Repeat("    ", depth))
}

// writeJSON writes objects as ethtool's pretty JSON array: "[ {" ...
// "} ]", or "[ ]" when empty.
func writeJSON(w io.Writer, objs ...object) error {
	var b strings.Builder
	b.WriteString("[")
	for i, o := range objs {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(" ")
		writeObject(&b, o, 1)
	}
	b.WriteString(" ]\n")
	// ethtool indents the top-level objects' closing brace by one level.
	_, err := io.WriteString(w, b.String())
	return err
}

// EmptyJSON writes what ethtool --json prints when the request failed.
func EmptyJSON(w io.Writer) error { return writeJSON(w) }

// FeaturesJSON writes `ethtool --json -k DEV` output.
func FeaturesJSON(w io.Writer, dev string, fs []nic.Feature) error {
	o := object{{"ifname", dev}}
	feature := func(name string, f nic.Feature) {
		o.add(name, object{{"active", f.Active}, {"fixed", f.Fixed}, {"requested", f.Wanted}})
	}
	walkFeatures(fs,
		func(long string, on bool) {
			o.add(long, object{{"active", on}, {"fixed", nil}, {"requested", nil}})
		},
		func(name string, _ bool, f nic.Feature) { feature(name, f) })
	return writeJSON(w, o)
}

// PauseJSON writes `ethtool --json -a DEV` output.
func PauseJSON(w io.Writer, dev string, p nic.Pause) error {
	o := object{{"ifname", dev}}
	o.addBool("autonegotiate", p.Autoneg)
	o.addBool("rx", p.RX)
	o.addBool("tx", p.TX)
	if p.NegotiatedRX != nil && p.NegotiatedTX != nil {
		o.add("negotiated", object{{"rx", *p.NegotiatedRX}, {"tx", *p.NegotiatedTX}})
	}
	return writeJSON(w, o)
}

// RingsJSON writes `ethtool --json -g DEV` (stackbox's addition, with the
// keys of later ethtool releases).
func RingsJSON(w io.Writer, dev string, r nic.Rings) error {
	o := object{{"ifname", dev}}
	o.addU32("rx-max", r.RXMax)
	o.addU32("rx-mini-max", r.RXMiniMax)
	o.addU32("rx-jumbo-max", r.RXJumboMax)
	o.addU32("tx-max", r.TXMax)
	o.addU32("rx", r.RX)
	o.addU32("rx-mini", r.RXMini)
	o.addU32("rx-jumbo", r.RXJumbo)
	o.addU32("tx", r.TX)
	o.addU32("rx-buf-len", r.RXBufLen)
	o.addU32("cqe-size", r.CQESize)
	o.addBool("tx-push", r.TXPush)
	if r.TCPDataSplit != nil {
		switch *r.TCPDataSplit {
		case nic.TCPDataSplitUnknown:
		case nic.TCPDataSplitDisabled:
			o.add("tcp-data-split", "off")
		case nic.TCPDataSplitEnabled:
			o.add("tcp-data-split", "on")
		default:
			o.add("tcp-data-split", fmt.Sprintf("unknown(%d)", *r.TCPDataSplit))
		}
	}
	return writeJSON(w, o)
}

// ChannelsJSON writes `ethtool --json -l DEV` (stackbox's addition).
func ChannelsJSON(w io.Writer, dev string, c nic.Channels) error {
	o := object{{"ifname", dev}}
	o.addU32("rx-max", c.RXMax)
	o.addU32("tx-max", c.TXMax)
	o.addU32("other-max", c.OtherMax)
	o.addU32("combined-max", c.CombinedMax)
	o.addU32("rx", c.RX)
	o.addU32("tx", c.TX)
	o.addU32("other", c.Other)
	o.addU32("combined", c.Combined)
	return writeJSON(w, o)
}

// CoalesceJSON writes `ethtool --json -c DEV` (stackbox's addition).
func CoalesceJSON(w io.Writer, dev string, c nic.Coalesce) error {
	o := object{{"ifname", dev}}
	o.addBool("rx", c.AdaptiveRX)
	o.addBool("tx", c.AdaptiveTX)
	for _, kv := range []struct {
		k string
		v *uint32
	}{
		{"stats-block-usecs", c.StatsBlockUsecs}, {"sample-interval", c.RateSampleInterval},
		{"pkt-rate-low", c.PktRateLow}, {"pkt-rate-high", c.PktRateHigh},
		{"rx-usecs", c.RXUsecs}, {"rx-frames", c.RXFrames},
		{"rx-usecs-irq", c.RXUsecsIRQ}, {"rx-frames-irq", c.RXFramesIRQ},
		{"tx-usecs", c.TXUsecs}, {"tx-frames", c.TXFrames},
		{"tx-usecs-irq", c.TXUsecsIRQ}, {"tx-frames-irq", c.TXFramesIRQ},
		{"rx-usecs-low", c.RXUsecsLow}, {"rx-frame-low", c.RXFramesLow},
		{"tx-usecs-low", c.TXUsecsLow}, {"tx-frame-low", c.TXFramesLow},
		{"rx-usecs-high", c.RXUsecsHigh}, {"rx-frame-high", c.RXFramesHigh},
		{"tx-usecs-high", c.TXUsecsHigh}, {"tx-frame-high", c.TXFramesHigh},
	} {
		o.addU32(kv.k, kv.v)
	}
	o.addBool("cqe-mode-rx", c.CQEModeRX)
	o.addBool("cqe-mode-tx", c.CQEModeTX)
	return writeJSON(w, o)
}

// DriverInfoJSON writes `ethtool --json -i DEV` (stackbox's addition).
func DriverInfoJSON(w io.Writer, dev string, di nic.DriverInfo) error {
	return writeJSON(w, object{
		{"ifname", dev},
		{"driver", di.Driver}, {"version", di.Version},
		{"firmware-version", di.FirmwareVersion},
		{"expansion-rom-version", di.ExpansionROMVersion},
		{"bus-info", di.BusInfo},
		{"supports-statistics", di.NStats > 0}, {"supports-test", di.TestInfoLen > 0},
		{"supports-eeprom-access", di.EEDumpLen > 0}, {"supports-register-dump", di.RegDumpLen > 0},
		{"supports-priv-flags", di.NPrivFlags > 0},
	})
}
