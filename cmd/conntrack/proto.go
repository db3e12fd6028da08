package conntrack

import (
	"strings"
	"sync"
)

// protoHandler is one of conntrack's protocol extensions: its options
// (usable after -p), their legality per command, and their parser.
type protoHandler struct {
	name  string
	num   uint8
	opts  []longOpt // values '1', '2', ...
	names []string  // option names for messages, by flag bit
	legal [][]uint8 // rows by command (missing rows: all illegal)
	// coupled are the flag groups of "3" entries, with the message for
	// each partial group.
	coupled    []uint32
	coupledMsg []string
	help       string
	parse      func(c *command, opt byte, arg string) error
}

const (
	portHelp = "  --orig-port-src\t\toriginal source port\n" +
		"  --orig-port-dst\t\toriginal destination port\n" +
		"  --reply-port-src\t\treply source port\n" +
		"  --reply-port-dst\t\treply destination port\n" +
		"  --mask-port-src\t\tmask source port\n" +
		"  --mask-port-dst\t\tmask destination port\n" +
		"  --tuple-port-src\t\texpectation tuple src port\n" +
		"  --tuple-port-src\t\texpectation tuple dst port\n"
)

var portOpts = []longOpt{
	{"orig-port-src", reqArg, '1'}, {"sport", reqArg, '1'},
	{"orig-port-dst", reqArg, '2'}, {"dport", reqArg, '2'},
	{"reply-port-src", reqArg, '3'}, {"reply-port-dst", reqArg, '4'},
	{"mask-port-src", reqArg, '5'}, {"mask-port-dst", reqArg, '6'},
}

// portRows is the legality of the four tuple ports, then mask ports,
// then tuple ports, for TCP-like protocols (extra columns appended).
func portRows(extra ...[]uint8) [][]uint8 {
	base := [][]uint8{
		cmdList:      {2, 2, 2, 2, 0, 0},
		cmdCreate:    {3, 3, 3, 3, 0, 0},
		cmdUpdate:    {2, 2, 2, 2, 0, 0},
		cmdDelete:    {2, 2, 2, 2, 0, 0},
		cmdGet:       {3, 3, 3, 3, 0, 0},
		cmdFlush:     {0, 0, 0, 0, 0, 0},
		cmdEvent:     {2, 2, 2, 2, 0, 0},
		cmdVersion:   {0, 0, 0, 0, 0, 0},
		cmdHelp:      {0, 0, 0, 0, 0, 0},
		cmdExpList:   {0, 0, 0, 0, 0, 0},
		cmdExpCreate: {1, 1, 0, 0, 1, 1},
		cmdExpDelete: {1, 1, 1, 1, 0, 0},
		cmdExpGet:    {1, 1, 1, 1, 0, 0},
		cmdExpFlush:  {0, 0, 0, 0, 0, 0},
		cmdExpEvent:  {0, 0, 0, 0, 0, 0},
	}
	for i := range base {
		if i < len(extra) {
			base[i] = append(base[i], extra[i]...)
		}
	}
	return base
}

var (
	tcpStates  = []string{"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"}
	sctpStates = []string{"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED", "SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT"}
	dccpStates = []string{"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ", "CLOSING", "TIMEWAIT", "IGNORE", "INVALID"}
)

// parsePort handles the port options common to TCP, UDP, SCTP and DCCP
// (and GRE's keys): '1'-'6' and tuple ports tp1, tp2.
func parsePort(c *command, opt byte, arg string, tp1, tp2 byte) bool {
	port := uint16(atoi(arg))
	t := &c.tmpl
	switch opt {
	case '1':
		t.orig.SrcPort = port
		t.set |= aOrigSport
	case '2':
		t.orig.DstPort = port
		t.set |= aOrigDport
	case '3':
		t.repl.SrcPort = port
		t.set |= aReplSport
	case '4':
		t.repl.DstPort = port
		t.set |= aReplDport
	case '5':
		t.mask.SrcPort = port
		t.set |= aMaskSport
	case '6':
		t.mask.DstPort = port
		t.set |= aMaskDport
	case tp1:
		t.exp.SrcPort = port
		t.set |= aExpSport
	case tp2:
		t.exp.DstPort = port
		t.set |= aExpDport
	default:
		return false
	}
	c.l4flags |= 1 << (opt - '1')
	return true
}

func parseState(c *command, arg string, states []string, what string) error {
	for i, s := range states {
		if arg == s {
			c.tmpl.state = uint8(i)
			c.tmpl.set |= aState
			return nil
		}
	}
	if what == "TCP" && arg == "LISTEN" {
		c.tmpl.state = 9
		c.tmpl.set |= aState
		return nil
	}
	if what == "DCCP" {
		return paramErrorf("Unknown DCCP state `%s'", arg)
	}
	return paramErrorf("unknown %s state `%s'", what, arg)
}

var portNames = []string{"sport", "dport", "reply-port-src", "reply-port-dst", "mask-port-src", "mask-port-dst"}

var portCoupled = []uint32{1 | 2, 4 | 8}

var portCoupledMsg = []string{"you have to specify `--sport' and `--dport'", "you have to specify `--reply-src-port' and `--reply-dst-port'"}

func tcpLike(name string, num uint8) *protoHandler {
	h := &protoHandler{name: name, num: num, coupled: portCoupled, coupledMsg: portCoupledMsg}
	h.opts = append(append([]longOpt{}, portOpts...),
		longOpt{"tuple-port-src", reqArg, '7'}, longOpt{"tuple-port-dst", reqArg, '8'})
	h.names = append(append([]string{}, portNames...), "tuple-port-src", "tuple-port-dst")
	h.legal = portRows()
	for i := range h.legal {
		x := []uint8{0, 0}
		if i == cmdExpCreate {
			x = []uint8{1, 1}
		}
		h.legal[i] = append(h.legal[i], x...)
	}
	h.help = portHelp
	h.parse = func(c *command, opt byte, arg string) error {
		parsePort(c, opt, arg, '7', '8')
		return nil
	}
	return h
}

func withState(h *protoHandler, what string, states []string, extraHelp string) *protoHandler {
	h.opts = append(h.opts, longOpt{"state", reqArg, '9'})
	h.names = append(h.names, "state")
	for i := range h.legal {
		v := uint8(0)
		switch i {
		case cmdList, cmdUpdate, cmdDelete, cmdGet, cmdEvent:
			v = 2
		case cmdCreate:
			v = 1
		}
		h.legal[i] = append(h.legal[i], v)
	}
	h.help += extraHelp
	ports := h.parse
	h.parse = func(c *command, opt byte, arg string) error {
		if opt == '9' {
			c.l4flags |= 1 << 8
			return parseState(c, arg, states, what)
		}
		return ports(c, opt, arg)
	}
	return h
}

func icmpHandler(name string, num uint8, prefix string) *protoHandler {
	h := &protoHandler{name: name, num: num}
	h.opts = []longOpt{{prefix + "-type", reqArg, '1'}, {prefix + "-code", reqArg, '2'}, {prefix + "-id", reqArg, '3'}}
	h.names = []string{prefix + "-type", prefix + "-code", prefix + "-id"}
	h.legal = [][]uint8{
		cmdList: {2, 2, 2}, cmdCreate: {1, 1, 2}, cmdUpdate: {2, 2, 2}, cmdDelete: {2, 2, 2},
		cmdGet: {1, 1, 2}, cmdEvent: {2, 2, 2},
	}
	h.help = "  --" + prefix + "-type\t\t\t" + prefix + " type\n  --" + prefix + "-code\t\t\t" + prefix + " code\n  --" + prefix + "-id\t\t\t" + prefix + " id\n"
	h.parse = func(c *command, opt byte, arg string) error {
		t := &c.tmpl
		switch opt {
		case '1':
			t.orig.ICMPType = uint8(atoi(arg))
			t.set |= aICMPType
		case '2':
			t.orig.ICMPCode = uint8(atoi(arg))
			t.set |= aICMPCode
		case '3':
			t.orig.ICMPID = uint16(atoi(arg))
			t.set |= aICMPID
		}
		c.l4flags |= 1 << (opt - '1')
		return nil
	}
	return h
}

func greHandler() *protoHandler {
	h := tcpLike("gre", 47)
	h.opts = []longOpt{
		{"orig-key-src", reqArg, '1'}, {"srckey", reqArg, '1'},
		{"orig-key-dst", reqArg, '2'}, {"dstkey", reqArg, '2'},
		{"reply-key-src", reqArg, '3'}, {"reply-key-dst", reqArg, '4'},
		{"mask-key-src", reqArg, '5'}, {"mask-key-dst", reqArg, '6'},
		{"tuple-key-src", reqArg, '7'}, {"tuple-key-dst", reqArg, '8'},
	}
	h.names = []string{"srckey", "dstkey", "reply-key-src", "reply-key-dst", "mask-key-src", "mask-key-dst", "tuple-key-src", "tuple-key-dst"}
	h.coupledMsg = []string{"you have to specify `--srckey' and `--dstkey'", "you have to specify `--reply-src-key' and `--reply-dst-key'"}
	h.help = strings.NewReplacer("port", "key").Replace(portHelp)
	return h
}

// protoHandlers returns the extensions, looked up by name first. They are
// built on first use, not at start: every applet of the binary would pay
// for them otherwise.
var protoHandlers = sync.OnceValue(func() []*protoHandler {
	tcp := withState(tcpLike("tcp", 6), "TCP", tcpStates, "  --state\t\t\tTCP state, fe. ESTABLISHED\n")
	sctp := withState(tcpLike("sctp", 132), "SCTP", sctpStates, "  --state\t\t\tSCTP state, fe. ESTABLISHED\n")
	sctp.opts = append(sctp.opts, longOpt{"orig-vtag", reqArg, 'a'}, longOpt{"reply-vtag", reqArg, 'b'})
	sctp.names = append(sctp.names, "orig-vtag", "reply-vtag")
	for i := range sctp.legal {
		v := uint8(0)
		switch i {
		case cmdCreate:
			v = 1 // conntrack -I needs both tags
		case cmdList, cmdUpdate, cmdDelete, cmdGet, cmdEvent:
			v = 2
		}
		sctp.legal[i] = append(sctp.legal[i], v, v)
	}
	sctp.help += "  --orig-vtag\t\toriginal verification tag\n  --reply-vtag\t\treply verification tag\n"
	sctpParse := sctp.parse
	sctp.parse = func(c *command, opt byte, arg string) error {
		if opt == 'a' || opt == 'b' {
			c.l4flags |= 1 << (9 + opt - 'a') // the tags are not compared
			return nil
		}
		return sctpParse(c, opt, arg)
	}
	dccp := withState(tcpLike("dccp", 33), "DCCP", dccpStates, "  --state\t\t\tDCCP state, fe. RESPOND\n")
	dccp.coupledMsg = []string{portCoupledMsg[0], "you have to specify `--reply-port-src' and `--report-port-dst'"}
	return []*protoHandler{
		tcp, tcpLike("udp", 17), tcpLike("udplite", 136), sctp, dccp,
		icmpHandler("icmp", 1, "icmp"), icmpHandler("icmpv6", 58, "icmpv6"),
		greHandler(),
	}
})

// unknownProto handles any other protocol: no options.
var unknownProto = &protoHandler{name: "unknown", help: "  no options (unsupported)\n"}

// protoNames are /etc/protocols names conntrack may be given (getprotobyname).
var protoNames = map[string]uint8{
	"ip": 0, "hopopt": 0, "icmp": 1, "igmp": 2, "ggp": 3, "ipencap": 4, "st": 5, "tcp": 6,
	"egp": 8, "igp": 9, "pup": 12, "udp": 17, "hmp": 20, "xns-idp": 22, "rdp": 27,
	"iso-tp4": 29, "dccp": 33, "xtp": 36, "ddp": 37, "idpr-cmtp": 38, "ipv6": 41,
	"ipv6-route": 43, "ipv6-frag": 44, "idrp": 45, "rsvp": 46, "gre": 47, "esp": 50,
	"ah": 51, "skip": 57, "ipv6-icmp": 58, "ipv6-nonxt": 59, "ipv6-opts": 60,
	"rspf": 73, "vmtp": 81, "eigrp": 88, "ospf": 89, "ax.25": 93, "ipip": 94,
	"etherip": 97, "encap": 98, "pim": 103, "ipcomp": 108, "vrrp": 112, "l2tp": 115,
	"isis": 124, "sctp": 132, "fc": 133, "mobility-header": 135, "udplite": 136,
	"mpls-in-ip": 137, "manet": 138, "hip": 139, "shim6": 140, "wesp": 141, "rohc": 142,
	"ethernet": 143,
}

// findProto is conntrack's findproto: a handler name (any case), a
// protocol name, or a number up to 255.
func findProto(name string) (*protoHandler, uint8, bool) {
	for _, h := range protoHandlers() {
		if strings.EqualFold(h.name, name) {
			return h, h.num, true
		}
	}
	if n, ok := protoNames[name]; ok {
		return unknownProto, n, true
	}
	v, rest, ok := strtoul(name)
	if !ok || rest != "" || v > 255 {
		return nil, 0, false
	}
	for _, h := range protoHandlers() {
		if uint64(h.num) == v {
			return h, h.num, true
		}
	}
	return unknownProto, uint8(v), true
}

// protoName is the /etc/protocols name of num, for -h -p NUM.
func protoName(num uint8) (string, bool) {
	for n, v := range protoNames {
		if v == num && n != "hopopt" && n != "ip" {
			return n, true
		}
	}
	if num == 0 {
		return "ip", true
	}
	return "", false
}
