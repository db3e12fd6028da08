package conntrack

import (
	"net/netip"
	"strings"
	"syscall"
)

const progName = "conntrack"

// opt2type maps an address or value option to its option bit.
var opt2type = map[int]int{
	's': optOrigSrc, 'd': optOrigDst, 'r': optReplSrc, 'q': optReplDst,
	valMaskSrc: optMaskSrc, valMaskDst: optMaskDst, valTupleSrc: optExpSrc, valTupleDst: optExpDst,
	'n': optSrcNAT, 'g': optDstNAT, 'm': optMark, 'c': optSecmark, 'i': optID, 'j': optAnyNAT,
	'w': optZone, 'l': optLabel, valLabelAdd: optAddLabel, valLabelDel: optDelLabel,
	valOrigZone: optOrigZone, valReplZone: optReplZone,
}

// parseArgs parses one command line (without the program name) as
// conntrack 1.4.7's do_parse does.
func parseArgs(args []string) (*command, error) { return parseArgsLabels(args, nil) }

// parseArgsLabels is parseArgs with the label names checked as each -l,
// --label-add and --label-del is read (known nil: every name is known).
func parseArgsLabels(args []string, known func(string) bool) (*command, error) {
	c := &command{cmd: numCmds}
	g := &getopt{args: args, opts: ctLongOpts}
	optOffset := 0 // value offset of the current protocol's options
	var labels []string
	var labelMods []string
	for {
		v := g.nextOpt()
		if v == goEnd {
			break
		}
		switch v {
		case 'L', 'I', 'D', 'G', 'F', 'E', 'V', 'h', 'C', 'S', 'U', 'A':
			table := tableConntrack
			if s, ok := g.optional(); ok {
				switch {
				case strings.HasPrefix("expect", s):
					table = tableExpect
				case strings.HasPrefix("conntrack", s):
				case strings.HasPrefix("dying", s):
					table = tableDying
				case strings.HasPrefix("unconfirmed", s):
					table = tableUnconfirmed
				default:
					return nil, paramErrorf("unknown type `%s'", s)
				}
			}
			var cmd int
			if v == 'L' {
				cmd = cmdList
				if table == tableExpect {
					cmd = cmdExpList
				}
			} else {
				if table == tableDying || table == tableUnconfirmed {
					return nil, paramErrorf("Can't do that command with tables `dying' and `unconfirmed'")
				}
				cmd = cmdLetters[v][table]
				if cmd < 0 {
					what := "conntrack"
					if table == tableExpect {
						what = "expectations"
					}
					return nil, paramErrorf("Can't do --%s on %s", g.longName(v), what)
				}
			}
			if c.hasCmd {
				return nil, paramErrorf("Invalid commands combination")
			}
			c.cmd, c.hasCmd, c.table = cmd, true, table
		case 's', 'd', 'r', 'q', valTupleSrc, valTupleDst, valMaskSrc, valMaskDst:
			if err := c.addrOption(g, v, g.arg); err != nil {
				return nil, err
			}
		case 'p':
			c.options |= 1 << optProto
			h, num, ok := findProto(g.arg)
			if !ok {
				return nil, paramErrorf("`%s' unsupported protocol", g.arg)
			}
			optOffset += valProtoBase
			for _, o := range h.opts {
				o.val += optOffset
				g.opts = append(g.opts, o)
			}
			c.proto, c.protoNum = h, num
			c.tmpl.proto = num
			c.tmpl.set |= aL4Proto
		case 't':
			c.options |= 1 << optTimeout
			c.tmpl.timeout = uint32(atol(g.arg))
			c.tmpl.set |= aTimeout
		case 'u':
			c.options |= 1 << optStatus
			var status uint32
			if err := c.parseStatus(g.arg, &status, &c.tmpl.statusMask); err != nil {
				return nil, err
			}
			c.tmpl.status |= status
			if c.tmpl.statusMask == 0 {
				c.tmpl.statusMask = c.tmpl.status
			}
			c.tmpl.set |= aStatus
		case 'e':
			c.options |= 1 << optEventMask
			if err := c.parseWords(g.arg, eventNames, &c.eventMask); err != nil {
				return nil, err
			}
		case 'o':
			c.options |= 1 << optOutput
			if err := c.parseWords(g.arg, outputNames, &c.output); err != nil {
				return nil, err
			}
			if c.output&outSave != 0 && c.output&^outSave != 0 {
				return nil, otherErrorf("cannot combine save output with any other output type, use -o save only")
			}
		case 'z':
			c.options |= 1 << optZero
		case 'n', 'g', 'j':
			c.options |= 1 << opt2type[v]
			if s, ok := g.optional(); ok {
				if err := c.natOption(g, v, s); err != nil {
					return nil, err
				}
			}
		case 'w', valOrigZone, valReplZone:
			c.options |= 1 << opt2type[v]
			z := uint16(parseU32(g.arg))
			switch v {
			case 'w':
				c.tmpl.zone = z
				c.tmpl.set |= aZone
			case valOrigZone:
				c.tmpl.origZone = z
				c.tmpl.set |= aOrigZone
			default:
				c.tmpl.replZone = z
				c.tmpl.set |= aReplZone
			}
		case 'i', 'c':
			c.options |= 1 << opt2type[v]
			if v == 'i' {
				c.tmpl.id = parseU32(g.arg)
				c.tmpl.set |= aID
			} else {
				c.tmpl.secmark = parseU32(g.arg)
				c.tmpl.set |= aSecmark
			}
		case 'm':
			c.options |= 1 << optMark
			c.tmpl.mark, c.tmpl.markMask = parseMark(g.arg)
		case 'l', valLabelAdd, valLabelDel:
			c.options |= 1 << opt2type[v]
			if c.options.has(optAddLabel) && c.options.has(optDelLabel) {
				return nil, otherErrorf("cannot use --label-add and --label-del at the same time")
			}
			arg := g.arg
			if v == valLabelDel {
				s, ok := g.optional()
				if !ok {
					if !g.has {
						c.tmpl.labelDelAll = true
						break
					}
				} else {
					arg = s
				}
			}
			if known != nil {
				for _, n := range strings.Split(arg, ",") {
					if !known(n) {
						return nil, paramErrorf("unknown label '%s'", n)
					}
				}
			}
			if v == 'l' {
				labels = append(labels, arg)
			} else {
				labelMods = append(labelMods, arg)
			}
		case 'a':
			c.warnings = append(c.warnings, "WARNING: ignoring -a, deprecated option.")
		case 'f':
			c.options |= 1 << optFamily
			switch {
			case strings.HasPrefix(g.arg, "ipv4"):
				if err := c.setFamily(syscall.AF_INET); err != nil {
					return nil, err
				}
			case strings.HasPrefix(g.arg, "ipv6"):
				if err := c.setFamily(syscall.AF_INET6); err != nil {
					return nil, err
				}
			default:
				return nil, paramErrorf("`%s' unsupported protocol", g.arg)
			}
		case 'b':
			c.bufSize = atol(g.arg)
			c.options |= 1 << optBufferSize
		case goMissing:
			return nil, paramErrorf("option `%s' requires an argument", g.shown)
		case goUnknown:
			shown := g.shown
			if shown == "" {
				shown = progName
			}
			return nil, paramErrorf("unknown option `%s'", shown)
		default:
			if c.proto != nil && v > optOffset && v-optOffset < 256 {
				if err := c.proto.parse(c, byte(v-optOffset), g.arg); err != nil {
					return nil, err
				}
			}
		}
	}

	if c.family == 0 {
		switch c.cmd {
		case cmdList, cmdUpdate, cmdDelete, cmdGet, cmdFlush, cmdEvent:
		default:
			c.family = syscall.AF_INET
		}
	}
	c.tmpl.label = splitLabels(labels)
	c.tmpl.labelModify = splitLabels(labelMods)

	if c.options.has(optAnyNAT) && (c.options.has(optSrcNAT) || c.options.has(optDstNAT)) {
		return nil, paramErrorf("cannot specify `--src-nat' or `--dst-nat' with `--any-nat'")
	}
	row := make([]uint8, numOpts)
	if c.cmd < numCmds {
		copy(row, legal[c.cmd][:])
	}
	ok, partial, err := optionCheck(uint32(c.options), row, optNames[:], []uint32{uint32(setOrig), uint32(setRepl)})
	if err != nil {
		return nil, err
	}
	if !ok {
		if partial == 1 {
			return nil, paramErrorf("you have to specify `--reply-src' and `--reply-dst'")
		}
		return nil, paramErrorf("you have to specify `--src' and `--dst'")
	}
	if c.cmd != cmdHelp && c.proto != nil && c.proto != unknownProto {
		h := c.proto
		var prow []uint8
		if c.cmd < len(h.legal) && h.legal[c.cmd] != nil {
			prow = h.legal[c.cmd]
		} else {
			prow = make([]uint8, len(h.names))
		}
		ok, partial, err := optionCheck(c.l4flags, prow, h.names, h.coupled)
		if err != nil {
			return nil, err
		}
		if !ok {
			i := partial
			if i < 0 {
				i = 0
			}
			return nil, paramErrorf("%s", h.coupledMsg[i])
		}
	}
	return c, nil
}

// splitLabels splits each -l argument at commas.
func splitLabels(args []string) []string {
	var out []string
	for _, a := range args {
		out = append(out, strings.Split(a, ",")...)
	}
	return out
}

// parseU32 is strtoul(s, NULL, 0) truncated to 32 bits.
func parseU32(s string) uint32 {
	v, _, _ := strtoul(s)
	return uint32(v)
}

// parseMark is conntrack 1.4.7's parse_u32_mask: VALUE[/MASK].
func parseMark(s string) (value, mask uint32) {
	v, rest, _ := strtoul(s)
	value, mask = uint32(v), ^uint32(0)
	if strings.HasPrefix(rest, "/") {
		m, _, _ := strtoul(rest[1:])
		mask = uint32(m)
	}
	return value, mask
}

// addrOption handles -s, -d, -r, -q, --tuple-src/dst, --mask-src/dst
// (conntrack's nfct_parse_addr_from_opt).
func (c *command) addrOption(g *getopt, opt int, arg string) error {
	maskOpt := 0
	switch opt {
	case 's', valTupleSrc:
		maskOpt = valMaskSrc
	case 'd', valTupleDst:
		maskOpt = valMaskDst
	}
	a, mask, ok := parseAddr(arg, true)
	if !ok {
		return paramErrorf("Invalid IP address `%s'", arg)
	}
	if err := c.setFamily(familyOf(a)); err != nil {
		return err
	}
	if mask != noMask && maskOpt == 0 {
		return paramErrorf("CIDR notation unavailable for `--%s'", g.longName(opt))
	} else if mask == badMask {
		return paramErrorf("Invalid netmask")
	}
	c.setAddr(opt, a)
	if mask == noMask || maskOpt == 0 {
		return nil
	}
	if a.Is4() && mask == 32 || a.Is6() && mask == 128 {
		return nil
	}
	c.setAddr(maskOpt, prefixMask(a, mask))
	return nil
}

func (c *command) setAddr(opt int, addr netip.Addr) {
	t := &c.tmpl
	c.options |= 1 << opt2type[opt]
	switch opt {
	case 's':
		t.orig.Src, t.set = addr, t.set|aOrigSrc
	case 'd':
		t.orig.Dst, t.set = addr, t.set|aOrigDst
	case 'r':
		t.repl.Src, t.set = addr, t.set|aReplSrc
	case 'q':
		t.repl.Dst, t.set = addr, t.set|aReplDst
	case valTupleSrc:
		t.exp.Src, t.set = addr, t.set|aExpSrc
	case valTupleDst:
		t.exp.Dst, t.set = addr, t.set|aExpDst
	case valMaskSrc:
		t.mask.Src, t.set = addr, t.set|aMaskSrc
	case valMaskDst:
		t.mask.Dst, t.set = addr, t.set|aMaskDst
	}
}

// natOption handles the address of -n, -g and -j (and its port).
func (c *command) natOption(g *getopt, opt int, arg string) error {
	addrStr, port, err := splitAddrPort(arg)
	if err != nil {
		return err
	}
	a, mask, ok := parseAddr(addrStr, true)
	if !ok {
		return paramErrorf("Invalid IP address `%s'", addrStr)
	}
	if err := c.setFamily(familyOf(a)); err != nil {
		return err
	}
	if mask != noMask {
		return paramErrorf("CIDR notation unavailable for `--%s'", g.longName(opt))
	}
	t := &c.tmpl
	if opt == 'n' || opt == 'j' {
		t.snat = a
		t.set |= aSNATAddr
		if port != "" {
			t.snatPort = uint16(atoi(port))
			t.set |= aSNATPort
		}
	}
	if opt == 'g' || opt == 'j' {
		t.dnat = a
		t.set |= aDNATAddr
		if port != "" {
			t.dnatPort = uint16(atoi(port))
			t.set |= aDNATPort
		}
	}
	return nil
}

// splitAddrPort is conntrack's split_address_and_port: ADDR, ADDR:PORT,
// [V6ADDR]:PORT or a bare IPv6 address.
func splitAddrPort(arg string) (addr, port string, err error) {
	var cursor int = -1
	if i := strings.IndexByte(arg, '['); i >= 0 {
		start := i + 1
		j := strings.IndexByte(arg[start:], ']')
		if j == 0 {
			return "", "", paramErrorf("No IPv6 address specified")
		} else if j < 0 {
			return "", "", paramErrorf("No closing ']' around IPv6 address")
		}
		end := start + j
		if k := strings.IndexByte(arg[end:], ':'); k >= 0 {
			cursor = end + k
			addr = arg[start:end]
		}
	} else if i := strings.IndexByte(arg, ':'); i >= 0 && !strings.Contains(arg[i+1:], ":") {
		cursor = i
		addr = arg[:i]
	}
	if cursor < 0 {
		return arg, "", nil
	}
	p := arg[cursor+1:]
	if p == "" {
		return "", "", paramErrorf("No port specified after `:'")
	}
	if !validPort(p) {
		return "", "", paramErrorf("Invalid port `%s'", p)
	}
	return addr, p, nil
}

func validPort(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	v, _, ok := strtol10(s)
	return ok && v <= 65535
}
