package ethtool

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stackbox/stackbox/pkg/nic"
	report "github.com/stackbox/stackbox/pkg/report/ethtool"
)

// setParam is one parameter of a setting option: its name and whether it
// takes on/off rather than a number.
type setParam struct {
	name  string
	onOff bool
}

// setOption describes one of ethtool's netlink setting options.
type setOption struct {
	flag   string // as ethtool names it in messages
	params []setParam
	// code is ethtool's exit status when the kernel refuses.
	code  int
	apply func(nic.Configurer, []nic.Param) error
}

func u32Params(names ...string) []setParam {
	ps := make([]setParam, len(names))
	for i, n := range names {
		ps[i] = setParam{name: n}
	}
	return ps
}

var setOptions = map[mode]setOption{
	modeSetChannels: {
		flag: "-L", params: u32Params("rx", "tx", "other", "combined"), code: 1,
		apply: func(c nic.Configurer, p []nic.Param) error { return c.SetChannels(p) },
	},
	modeSetRings: {
		flag: "-G",
		params: append(u32Params("rx", "rx-mini", "rx-jumbo", "tx", "rx-buf-len", "cqe-size"),
			setParam{name: "tx-push", onOff: true}),
		code:  81,
		apply: func(c nic.Configurer, p []nic.Param) error { return c.SetRings(p) },
	},
	modeSetCoalesce: {
		flag: "-C",
		params: append([]setParam{{name: "adaptive-rx", onOff: true}, {name: "adaptive-tx", onOff: true}},
			append(u32Params("sample-interval", "stats-block-usecs", "pkt-rate-low", "pkt-rate-high",
				"rx-usecs", "rx-frames", "rx-usecs-irq", "rx-frames-irq",
				"tx-usecs", "tx-frames", "tx-usecs-irq", "tx-frames-irq",
				"rx-usecs-low", "rx-frames-low", "tx-usecs-low", "tx-frames-low",
				"rx-usecs-high", "rx-frames-high", "tx-usecs-high", "tx-frames-high"),
				setParam{name: "cqe-mode-rx", onOff: true}, setParam{name: "cqe-mode-tx", onOff: true})...),
		code:  1,
		apply: func(c nic.Configurer, p []nic.Param) error { return c.SetCoalesce(p) },
	},
	modeSetPause: {
		flag: "-A",
		params: []setParam{{name: "autoneg", onOff: true}, {name: "rx", onOff: true},
			{name: "tx", onOff: true}},
		code:  76,
		apply: func(c nic.Configurer, p []nic.Param) error { return c.SetPause(p) },
	},
}

// parseSetParams parses "NAME VALUE ..." as ethtool's netlink parser does.
func parseSetParams(opt setOption, words []string) ([]nic.Param, error) {
	var out []nic.Param
	seen := map[string]bool{}
	for len(words) > 0 {
		var p *setParam
		for i := range opt.params {
			if opt.params[i].name == words[0] {
				p = &opt.params[i]
			}
		}
		msg := func(format string, a ...any) error {
			return &plainError{code: 1, msg: fmt.Sprintf("ethtool (%s): ", opt.flag) + fmt.Sprintf(format, a...)}
		}
		if p == nil {
			return nil, msg("unknown parameter '%s'", words[0])
		}
		if seen[p.name] {
			return nil, msg("duplicate parameter '%s'", p.name)
		}
		seen[p.name] = true
		if len(words) < 2 {
			return nil, msg("no value for parameter '%s'", p.name)
		}
		var v uint32
		ok := true
		if p.onOff {
			switch words[1] {
			case "on":
				v = 1
			case "off":
			default:
				ok = false
			}
		} else {
			v, ok = parseCU32(words[1])
		}
		if !ok {
			return nil, msg("invalid value '%s' for parameter '%s'", words[1], p.name)
		}
		out = append(out, nic.Param{Name: p.name, Value: v})
		words = words[2:]
	}
	return out, nil
}

// parseCU32 reads a number as C's strtoul with base 0 does, accepting it
// when the whole string is used and the value fits in 32 bits.
func parseCU32(s string) (uint32, bool) {
	i := 0
	for i < len(s) && strings.IndexByte(" \t\n\v\f\r", s[i]) >= 0 {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	base := uint64(10)
	if i+1 < len(s) && s[i] == '0' && (s[i+1] == 'x' || s[i+1] == 'X') &&
		i+2 < len(s) && digitVal(s[i+2]) < 16 {
		base, i = 16, i+2
	} else if i < len(s) && s[i] == '0' {
		base = 8
	}
	start := i
	var v uint64
	over := false
	for i < len(s) {
		d := uint64(digitVal(s[i]))
		if d >= base {
			break
		}
		if v > (1<<64-1-d)/base {
			over = true
		}
		v = v*base + d
		i++
	}
	if i == start {
		// No digits: strtoul consumed nothing.
		return 0, s == ""
	}
	if i != len(s) || over {
		return 0, false
	}
	if neg {
		v = -v
	}
	if v > 1<<32-1 {
		return 0, false
	}
	return uint32(v), true
}

func digitVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// configurer returns dev's setter side.
func configurer(dev nic.Device) (nic.Configurer, error) {
	c, ok := dev.(nic.Configurer)
	if !ok {
		return nil, &plainError{code: 1, msg: "netlink error: Operation not supported"}
	}
	return c, nil
}

// runSet carries out -L, -G, -C or -A.
func runSet(opts *Options, inv invocation, dev nic.Device) error {
	opt := setOptions[inv.mode]
	params, err := parseSetParams(opt, inv.extra)
	if err != nil {
		return err
	}
	c, err := configurer(dev)
	if err != nil {
		return err
	}
	if err := opt.apply(c, params); err != nil {
		return opErr(err, "", opt.code)
	}
	return nil
}

// runSetFeatures carries out -K as ethtool 6.1's netlink path does.
func runSetFeatures(opts *Options, inv invocation, dev nic.Device) error {
	var req []nic.FeatureRequest
	words := inv.extra
	for len(words) > 0 {
		if words[0] == "--" {
			break
		}
		if len(words) < 2 || (words[1] != "on" && words[1] != "off") {
			val := "(null)"
			if len(words) >= 2 {
				val = words[1]
			}
			return &plainError{code: 1, msg: fmt.Sprintf(
				"ethtool (-K): flag '%s' for parameter '(null)' is not followed by 'on' or 'off'", val)}
		}
		req = append(req, nic.FeatureRequest{Name: words[0], On: words[1] == "on"})
		words = words[2:]
	}
	c, err := configurer(dev)
	if err != nil {
		return err
	}
	diffs, err := c.SetFeatures(req)
	if errors.Is(err, nic.ErrMalformedDiff) {
		fmt.Fprintln(opts.IO.ErrOut, "malformed diff info from kernel")
		return nil
	}
	if err != nil {
		return opErr(err, "", 92)
	}
	if err := report.FeatureChanges(opts.IO.Out, diffs); err != nil {
		return err
	}
	for _, d := range diffs {
		if d.Mismatch != d.Requested {
			return nil
		}
	}
	return &plainError{code: 1, msg: "Could not change any device features"}
}
