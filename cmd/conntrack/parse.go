package conntrack

import (
	"net/netip"
	"strings"
	"syscall"

	"github.com/stackbox/stackbox/pkg/stack"
)

// attrSet says which attributes of a command's template are set.
type attrSet uint64

const (
	aOrigSrc attrSet = 1 << iota
	aOrigDst
	aReplSrc
	aReplDst
	aL4Proto
	aOrigSport
	aOrigDport
	aReplSport
	aReplDport
	aICMPType
	aICMPCode
	aICMPID
	aState
	aTimeout
	aStatus
	aSecmark
	aZone
	aOrigZone
	aReplZone
	aID
	aMaskSrc
	aMaskDst
	aMaskSport
	aMaskDport
	aExpSrc
	aExpDst
	aExpSport
	aExpDport
	aSNATAddr
	aSNATPort
	aDNATAddr
	aDNATPort
)

// tmpl is what a command line describes: the flow (or expectation) to
// match, create or change.
type tmpl struct {
	set              attrSet
	orig, repl       stack.FlowTuple
	exp, mask        stack.FlowTuple
	proto            uint8
	state            uint8
	timeout          uint32
	status           uint32
	statusMask       uint32 // kernel-side status filter mask
	secmark          uint32
	zone             uint16
	origZone         uint16
	replZone         uint16
	id               uint32
	mark, markMask   uint32
	snat, dnat       netip.Addr
	snatPort         uint16
	dnatPort         uint16
	label            []string // -l names
	labelModify      []string // --label-add/--label-del names
	labelDelAll      bool
	srcNet, dstNet   netip.Prefix // --mask-src/--mask-dst networks
	hasSrcNet, hasDN bool
}

// Table types (conntrack's [table] argument).
const (
	tableConntrack = iota
	tableExpect
	tableDying
	tableUnconfirmed
)

// Output bits of -o, as conntrack numbers them.
const (
	outXML = 1 << iota
	outExt
	outTimestamp
	outID
	outKTimestamp
	outLabels
	outSave
)

// Event mask bits of -e.
const (
	evNew = 1 << iota
	evUpdate
	evDestroy
	evAll = evNew | evUpdate | evDestroy
)

// command is one parsed conntrack command line.
type command struct {
	cmd       int // cmdList, ... (numCmds: none)
	hasCmd    bool
	table     int
	options   optSet
	family    uint8
	proto     *protoHandler
	protoNum  uint8
	l4flags   uint32
	eventMask uint32
	output    uint32
	bufSize   int64
	tmpl      tmpl
	warnings  []string // printed on stderr while parsing
	notices   []string // printed on stdout while parsing
}

var cmdLetters = map[int][2]int{
	'L': {cmdList, cmdExpList}, 'I': {cmdCreate, cmdExpCreate}, 'D': {cmdDelete, cmdExpDelete},
	'G': {cmdGet, cmdExpGet}, 'F': {cmdFlush, cmdExpFlush}, 'E': {cmdEvent, cmdExpEvent},
	'V': {cmdVersion, cmdVersion}, 'h': {cmdHelp, cmdHelp}, 'C': {cmdCount, cmdExpCount},
	'S': {cmdStats, cmdExpStats}, 'U': {cmdUpdate, -1}, 'A': {cmdAdd, -1},
}

// statusNames are -u's words.
var statusNames = []struct {
	name string
	bits uint32
}{
	{"ASSURED", stack.IPSAssured}, {"SEEN_REPLY", stack.IPSSeenReply}, {"UNSET", 0},
	{"FIXED_TIMEOUT", stack.IPSFixedTimeout}, {"EXPECTED", stack.IPSExpected},
	{"OFFLOAD", stack.IPSOffload}, {"HW_OFFLOAD", stack.IPSHWOffload},
}

var eventNames = []struct {
	name string
	bits uint32
}{{"ALL", evAll}, {"NEW", evNew}, {"UPDATES", evUpdate}, {"DESTROY", evDestroy}}

var outputNames = []struct {
	name string
	bits uint32
}{{"xml", outXML}, {"extended", outExt}, {"timestamp", outTimestamp}, {"id", outID},
	{"ktimestamp", outKTimestamp}, {"labels", outLabels}, {"userspace", 0}, {"save", outSave}}

// parseWord is conntrack's do_parse_parameter: s (of length n, compared
// as a case-insensitive prefix of each word) adds the word's bits.
func (c *command) parseWord(s string, words []struct {
	name string
	bits uint32
}, v *uint32) bool {
	if hasPrefixFold("SRC_NAT", s) {
		c.warnings = append(c.warnings, "WARNING: ignoring SRC_NAT, use --src-nat instead")
		return true
	}
	if hasPrefixFold("DST_NAT", s) {
		c.warnings = append(c.warnings, "WARNING: ignoring DST_NAT, use --dst-nat instead")
		return true
	}
	for _, w := range words {
		if hasPrefixFold(w.name, s) {
			*v |= w.bits
			return true
		}
	}
	return false
}

// hasPrefixFold is strncasecmp(word, s, len(s)) == 0.
func hasPrefixFold(word, s string) bool {
	return len(s) <= len(word) && strings.EqualFold(word[:len(s)], s)
}

// parseWords is conntrack's parse_parameter: a comma-separated list.
func (c *command) parseWords(arg string, words []struct {
	name string
	bits uint32
}, v *uint32) error {
	for {
		i := strings.IndexByte(arg, ',')
		if i < 0 {
			break
		}
		if i == 0 || !c.parseWord(arg[:i], words, v) {
			return paramErrorf("Bad parameter `%s'", arg)
		}
		arg = arg[i+1:]
	}
	if arg == "" || !c.parseWord(arg, words, v) {
		return paramErrorf("Bad parameter `%s'", arg)
	}
	return nil
}

// parseStatus is conntrack's parse_parameter_mask: words, "!WORD" for a
// bit that must be clear, UNREPLIED for SEEN_REPLY clear.
func (c *command) parseStatus(arg string, status, mask *uint32) error {
	bad := func(s string) error { return paramErrorf("Bad parameter `%s'", s) }
	for {
		i := strings.IndexByte(arg, ',')
		if i < 0 {
			break
		}
		if i == 0 {
			return bad(arg)
		}
		neg := arg[0] == '!'
		if neg {
			arg = arg[1:]
			i--
		}
		if i == 0 {
			return bad(arg)
		}
		v := status
		if neg {
			v = mask
		}
		if !neg && strings.HasPrefix(arg, "UNREPLIED") {
			*mask |= stack.IPSSeenReply
			arg = arg[i+1:]
			continue
		}
		if !c.parseWord(arg[:i], statusNames, v) {
			return bad(arg)
		}
		arg = arg[i+1:]
	}
	neg := strings.HasPrefix(arg, "!")
	if neg {
		arg = arg[1:]
	}
	v := status
	if neg {
		v = mask
	}
	if !neg && strings.HasPrefix(arg, "UNREPLIED") {
		*mask |= stack.IPSSeenReply
		return nil
	}
	if arg == "" || !c.parseWord(arg, statusNames, v) {
		return bad(arg)
	}
	return nil
}

// setFamily is conntrack's set_family.
func (c *command) setFamily(f uint8) error {
	if c.family == 0 {
		c.family = f
	} else if c.family != f {
		return paramErrorf("mismatched address family")
	}
	return nil
}

func familyOf(a netip.Addr) uint8 {
	if a.Is4() {
		return syscall.AF_INET
	}
	return syscall.AF_INET6
}

// prefixMask builds the mask address of a prefix length.
func prefixMask(a netip.Addr, bits int) netip.Addr {
	b := a.AsSlice()
	for i := range b {
		switch {
		case bits >= 8:
			b[i] = 0xff
			bits -= 8
		case bits > 0:
			b[i] = byte(0xff << (8 - bits))
			bits = 0
		default:
			b[i] = 0
		}
	}
	m, _ := netip.AddrFromSlice(b)
	return m
}
