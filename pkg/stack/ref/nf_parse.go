package ref

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// ParseRule parses a rule written as iptables writes one, without the
// chain: "-p tcp --dport 80 -j DROP".
//
// Matches: -p/--protocol (tcp, udp, icmp, ipv6-icmp/icmpv6, all or a
// number), -s/--source and -d/--destination (an address or a prefix),
// --sport/--dport (a port or lo:hi; with -p tcp or udp), --syn (with -p
// tcp), --icmp-type (a name or type[/code]; with -p icmp or icmpv6),
// -i/--in-interface and -o/--out-interface (a trailing + matches a
// prefix), --state and --ctstate (NEW, ESTABLISHED, RELATED, INVALID,
// UNTRACKED, comma-separated), --mark and --connmark (value[/mask]). Each
// may be negated with "!" before it or before its value. "-m NAME" is
// accepted and ignored for the modules these options belong to.
//
// Targets: -j ACCEPT, DROP, RETURN, REJECT [--reject-with
// icmp-port-unreachable|icmp-net-unreachable|icmp-proto-unreachable|
// tcp-reset], MARK (--set-mark, --set-xmark value[/mask], --and-mark,
// --or-mark, --xor-mark), CONNMARK (the same, or --save-mark,
// --restore-mark).
func ParseRule(s string) (Rule, error) {
	var r Rule
	ps := ruleParser{words: strings.Fields(s)}
	if err := ps.parse(&r); err != nil {
		return Rule{}, fmt.Errorf("bad rule %q: %w", s, err)
	}
	return r, nil
}

type ruleParser struct {
	words []string
	i     int
	seen  map[string]bool
}

func (ps *ruleParser) next() (string, bool) {
	if ps.i >= len(ps.words) {
		return "", false
	}
	w := ps.words[ps.i]
	ps.i++
	return w, true
}

// value returns an option's value and whether it is negated ("! value").
func (ps *ruleParser) value(opt string) (string, bool, error) {
	v, ok := ps.next()
	neg := false
	if ok && v == "!" {
		neg = true
		v, ok = ps.next()
	}
	if !ok || strings.HasPrefix(v, "-") && len(v) > 1 {
		return "", false, fmt.Errorf("option %s needs a value", opt)
	}
	return v, neg, nil
}

var errNegation = errors.New("\"!\" twice")

func (ps *ruleParser) parse(r *Rule) error {
	ps.seen = map[string]bool{}
	targetOpts := false
	for {
		w, ok := ps.next()
		if !ok {
			break
		}
		neg := false
		if w == "!" {
			neg = true
			if w, ok = ps.next(); !ok {
				return errors.New("\"!\" at the end")
			}
			if w == "!" {
				return errNegation
			}
		}
		name := canonicalOpt(w)
		if name == "" {
			return fmt.Errorf("unknown option %q", w)
		}
		if ps.seen[name] {
			return fmt.Errorf("option %s given twice", name)
		}
		ps.seen[name] = true
		if name == "-m" || name == "-j" || isTargetOpt(name) {
			if neg {
				return fmt.Errorf("option %s cannot be negated", name)
			}
		}
		var v string
		if name != "--syn" && name != "--save-mark" && name != "--restore-mark" {
			var vneg bool
			var err error
			if v, vneg, err = ps.value(name); err != nil {
				return err
			}
			if vneg {
				if neg {
					return errNegation
				}
				if name == "-m" || name == "-j" || isTargetOpt(name) {
					return fmt.Errorf("option %s cannot be negated", name)
				}
				neg = true
			}
		}
		if isTargetOpt(name) {
			if err := r.checkTargetOpt(name, targetOpts); err != nil {
				return err
			}
			targetOpts = true
		}
		if err := r.set(name, v, neg); err != nil {
			return err
		}
	}
	return r.check(targetOpts)
}

// options maps every option spelling to its canonical name.
var ruleOptions = map[string]string{
	"-p": "-p", "--protocol": "-p", "-s": "-s", "--source": "-s", "--src": "-s",
	"-d": "-d", "--destination": "-d", "--dst": "-d",
	"--sport": "--sport", "--source-port": "--sport", "--dport": "--dport", "--destination-port": "--dport",
	"--syn": "--syn", "--icmp-type": "--icmp-type", "--icmpv6-type": "--icmp-type",
	"-i": "-i", "--in-interface": "-i", "-o": "-o", "--out-interface": "-o",
	"--state": "--ctstate", "--ctstate": "--ctstate", "--mark": "--mark", "--connmark": "--connmark",
	"-m": "-m", "--match": "-m", "-j": "-j", "--jump": "-j",
	"--reject-with": "--reject-with", "--set-mark": "--set-mark", "--set-xmark": "--set-xmark",
	"--and-mark": "--and-mark", "--or-mark": "--or-mark", "--xor-mark": "--xor-mark",
	"--save-mark": "--save-mark", "--restore-mark": "--restore-mark",
}

func canonicalOpt(w string) string { return ruleOptions[w] }

func isTargetOpt(name string) bool {
	switch name {
	case "--reject-with", "--set-mark", "--set-xmark", "--and-mark", "--or-mark", "--xor-mark",
		"--save-mark", "--restore-mark":
		return true
	}
	return false
}

// ruleMatchModules are the -m modules whose options ParseRule knows.
var ruleMatchModules = map[string]bool{
	"tcp": true, "udp": true, "icmp": true, "icmp6": true, "icmpv6": true,
	"state": true, "conntrack": true, "mark": true, "connmark": true,
}

var ruleProtoNames = map[string]uint8{
	"tcp": protoTCP, "udp": protoUDP, "icmp": protoICMP, "ipv6-icmp": protoICMPv6,
	"icmpv6": protoICMPv6, "icmp6": protoICMPv6,
}

// ruleICMPTypes are iptables' ICMP type names (type, code; code 0xff:
// any code).
var ruleICMPTypes = map[string][2]uint8{
	"echo-reply": {0, 0xff}, "destination-unreachable": {3, 0xff}, "network-unreachable": {3, 0},
	"host-unreachable": {3, 1}, "protocol-unreachable": {3, 2}, "port-unreachable": {3, 3},
	"fragmentation-needed": {3, 4}, "echo-request": {8, 0xff}, "time-exceeded": {11, 0xff},
	"ttl-zero-during-transit": {11, 0}, "ttl-zero-during-reassembly": {11, 1},
	"parameter-problem": {12, 0xff}, "timestamp-request": {13, 0xff}, "timestamp-reply": {14, 0xff},
}

func (r *Rule) set(name, v string, neg bool) error {
	negate := func(n Negation) {
		if neg {
			r.Not |= n
		}
	}
	switch name {
	case "-p":
		if v == "all" {
			if neg {
				return errors.New("! -p all matches nothing")
			}
			return nil
		}
		p, ok := ruleProtoNames[strings.ToLower(v)]
		if !ok {
			n, err := strconv.ParseUint(v, 10, 8)
			if err != nil {
				return fmt.Errorf("unknown protocol %q", v)
			}
			p = uint8(n)
		}
		r.Proto, r.HasProto = p, true
		negate(NegProto)
	case "-s", "-d":
		pf, err := parseRulePrefix(v)
		if err != nil {
			return err
		}
		if name == "-s" {
			r.Src = pf
			negate(NegSrc)
		} else {
			r.Dst = pf
			negate(NegDst)
		}
	case "--sport", "--dport":
		pr, err := parseRulePorts(v)
		if err != nil {
			return err
		}
		if name == "--sport" {
			r.SPort = pr
			negate(NegSPort)
		} else {
			r.DPort = pr
			negate(NegDPort)
		}
	case "--syn":
		r.SYN = true
		negate(NegSYN)
	case "--icmp-type":
		if t, ok := ruleICMPTypes[v]; ok {
			r.ICMPType, r.ICMPCode, r.AnyCode = t[0], t[1], t[1] == 0xff
			if r.AnyCode {
				r.ICMPCode = 0
			}
		} else {
			ts, cs, hasCode := strings.Cut(v, "/")
			t, err := strconv.ParseUint(ts, 10, 8)
			if err != nil {
				return fmt.Errorf("unknown ICMP type %q", v)
			}
			r.ICMPType, r.AnyCode = uint8(t), !hasCode
			if hasCode {
				c, err := strconv.ParseUint(cs, 10, 8)
				if err != nil {
					return fmt.Errorf("bad ICMP code in %q", v)
				}
				r.ICMPCode = uint8(c)
			}
		}
		r.HasICMP = true
		negate(NegICMP)
	case "-i", "-o":
		if !validRuleIface(v) {
			return fmt.Errorf("bad interface name %q", v)
		}
		if name == "-i" {
			r.In = v
			negate(NegIn)
		} else {
			r.Out = v
			negate(NegOut)
		}
	case "--ctstate":
		for _, part := range strings.Split(v, ",") {
			found := false
			for i, n := range ctStateNames {
				if strings.EqualFold(part, n) {
					r.State |= 1 << i
					found = true
				}
			}
			if !found {
				return fmt.Errorf("unknown conntrack state %q", part)
			}
		}
		negate(NegState)
	case "--mark", "--connmark":
		val, mask, err := parseRuleMark(v)
		if err != nil {
			return err
		}
		if name == "--mark" {
			r.Mark, r.MarkMask, r.HasMark = val&mask, mask, true
			negate(NegMark)
		} else {
			r.Connmark, r.ConnmarkMask, r.HasConnmark = val&mask, mask, true
			negate(NegConnmark)
		}
	case "-m":
		if !ruleMatchModules[v] {
			return fmt.Errorf("unknown match module %q", v)
		}
	case "-j":
		found := false
		for i, n := range targetNames {
			if i > 0 && n == v {
				r.Target, found = Target(i), true
			}
		}
		if !found {
			return fmt.Errorf("unknown target %q", v)
		}
	case "--reject-with":
		found := false
		for i, n := range rejectNames {
			if n == v || v == "tcp-rst" && i == int(RejectTCPReset) {
				r.RejectWith, found = RejectWith(i), true
			}
		}
		if !found {
			return fmt.Errorf("unknown reject type %q", v)
		}
	case "--set-mark", "--set-xmark", "--and-mark", "--or-mark", "--xor-mark":
		val, mask, err := parseRuleMark(v)
		if err != nil {
			return err
		}
		if (name == "--and-mark" || name == "--or-mark" || name == "--xor-mark") && strings.Contains(v, "/") {
			return fmt.Errorf("%s takes no mask", name)
		}
		switch name {
		case "--set-mark":
			r.SetMask, r.SetXor = mask|val, val
		case "--set-xmark":
			r.SetMask, r.SetXor = mask, val
		case "--and-mark":
			r.SetMask, r.SetXor = ^val, 0
		case "--or-mark":
			r.SetMask, r.SetXor = val, val
		case "--xor-mark":
			r.SetMask, r.SetXor = 0, val
		}
		r.ConnmarkOp = ConnmarkSet
	case "--save-mark":
		r.ConnmarkOp = ConnmarkSave
	case "--restore-mark":
		r.ConnmarkOp = ConnmarkRestore
	}
	return nil
}

// checkTargetOpt reports a target option that does not belong to the
// rule's target, or one more than the target takes.
func (r *Rule) checkTargetOpt(name string, had bool) error {
	ok := false
	switch r.Target {
	case TargetReject:
		ok = name == "--reject-with"
	case TargetMark:
		ok = name != "--reject-with" && name != "--save-mark" && name != "--restore-mark"
	case TargetConnmark:
		ok = name != "--reject-with"
	}
	if !ok {
		return fmt.Errorf("option %s does not belong to target %q", name, r.Target.String())
	}
	if had {
		return fmt.Errorf("option %s: -j %s takes one option", name, r.Target)
	}
	return nil
}

// check reports options that do not fit together.
func (r *Rule) check(targetOpts bool) error {
	tcpUDP := r.HasProto && r.Not&NegProto == 0 && (r.Proto == protoTCP || r.Proto == protoUDP)
	if (r.SPort.Hi > 0 || r.DPort.Hi > 0) && !tcpUDP {
		return errors.New("--sport and --dport need -p tcp or -p udp")
	}
	if r.SYN && (!tcpUDP || r.Proto != protoTCP) {
		return errors.New("--syn needs -p tcp")
	}
	if r.HasICMP && (!r.HasProto || r.Not&NegProto != 0 || r.Proto != protoICMP && r.Proto != protoICMPv6) {
		return errors.New("--icmp-type needs -p icmp or -p icmpv6")
	}
	if r.Src.IsValid() && r.Dst.IsValid() && r.Src.Addr().Is4() != r.Dst.Addr().Is4() {
		return errors.New("-s and -d of different families")
	}
	switch r.Target {
	case TargetReject:
		if r.RejectWith == RejectTCPReset && (!tcpUDP || r.Proto != protoTCP) {
			return errors.New("--reject-with tcp-reset needs -p tcp")
		}
	case TargetMark, TargetConnmark:
		if !targetOpts {
			return fmt.Errorf("-j %s needs --set-mark, --set-xmark, --and-mark, --or-mark or --xor-mark", r.Target)
		}
	}
	return nil
}

func parseRulePrefix(v string) (netip.Prefix, error) {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		if err != nil || p.Addr().Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("bad address %q", v)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("bad address %q", v)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func parseRulePorts(v string) (PortRange, error) {
	lo, hi, isRange := strings.Cut(v, ":")
	l, err1 := strconv.ParseUint(lo, 10, 16)
	h := l
	var err2 error
	if isRange {
		h, err2 = strconv.ParseUint(hi, 10, 16)
	}
	if err1 != nil || err2 != nil || l > h || h == 0 {
		return PortRange{}, fmt.Errorf("bad port %q (want a port or lo:hi from 1 to 65535)", v)
	}
	return PortRange{uint16(l), uint16(h)}, nil
}

func parseRuleMark(v string) (val, mask uint32, err error) {
	vs, ms, hasMask := strings.Cut(v, "/")
	x, err := strconv.ParseUint(vs, 0, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("bad mark %q", v)
	}
	m := uint64(0xffffffff)
	if hasMask {
		if m, err = strconv.ParseUint(ms, 0, 32); err != nil {
			return 0, 0, fmt.Errorf("bad mark mask %q", v)
		}
	}
	return uint32(x), uint32(m), nil
}

func validRuleIface(s string) bool {
	if s == "" || len(s) > 15 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '+' && i == len(s)-1 {
			continue
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// String returns the rule in ParseRule's syntax, as iptables -S prints
// one (without the chain).
func (r *Rule) String() string {
	var b []string
	add := func(n Negation, opt, v string) {
		if r.Not&n != 0 {
			b = append(b, "!")
		}
		b = append(b, opt)
		if v != "" {
			b = append(b, v)
		}
	}
	if r.Src.IsValid() {
		add(NegSrc, "-s", r.Src.String())
	}
	if r.Dst.IsValid() {
		add(NegDst, "-d", r.Dst.String())
	}
	if r.In != "" {
		add(NegIn, "-i", r.In)
	}
	if r.Out != "" {
		add(NegOut, "-o", r.Out)
	}
	if r.HasProto {
		name := strconv.Itoa(int(r.Proto))
		switch r.Proto {
		case protoTCP:
			name = "tcp"
		case protoUDP:
			name = "udp"
		case protoICMP:
			name = "icmp"
		case protoICMPv6:
			name = "ipv6-icmp"
		}
		add(NegProto, "-p", name)
	}
	portStr := func(p PortRange) string {
		if p.Lo == p.Hi {
			return strconv.Itoa(int(p.Lo))
		}
		return strconv.Itoa(int(p.Lo)) + ":" + strconv.Itoa(int(p.Hi))
	}
	if r.SPort.Hi > 0 {
		add(NegSPort, "--sport", portStr(r.SPort))
	}
	if r.DPort.Hi > 0 {
		add(NegDPort, "--dport", portStr(r.DPort))
	}
	if r.SYN {
		add(NegSYN, "--syn", "")
	}
	if r.HasICMP {
		v := strconv.Itoa(int(r.ICMPType))
		if !r.AnyCode {
			v += "/" + strconv.Itoa(int(r.ICMPCode))
		}
		add(NegICMP, "--icmp-type", v)
	}
	if r.State != 0 {
		add(NegState, "--ctstate", r.State.String())
	}
	hex := func(v uint32) string { return "0x" + strconv.FormatUint(uint64(v), 16) }
	if r.HasMark {
		add(NegMark, "--mark", hex(r.Mark)+"/"+hex(r.MarkMask))
	}
	if r.HasConnmark {
		add(NegConnmark, "--connmark", hex(r.Connmark)+"/"+hex(r.ConnmarkMask))
	}
	if r.Target != TargetNone {
		b = append(b, "-j", r.Target.String())
	}
	switch r.Target {
	case TargetReject:
		b = append(b, "--reject-with", rejectNames[r.RejectWith])
	case TargetMark:
		b = append(b, "--set-xmark", hex(r.SetXor)+"/"+hex(r.SetMask))
	case TargetConnmark:
		switch r.ConnmarkOp {
		case ConnmarkSave:
			b = append(b, "--save-mark")
		case ConnmarkRestore:
			b = append(b, "--restore-mark")
		default:
			b = append(b, "--set-xmark", hex(r.SetXor)+"/"+hex(r.SetMask))
		}
	}
	return strings.Join(b, " ")
}
