package conntrack

import (
	"strconv"

	"github.com/stackbox/stackbox/pkg/stack"
)

// IP protocol numbers libnetfilter_conntrack names.
const (
	protoICMP    = 1
	protoTCP     = 6
	protoUDP     = 17
	protoDCCP    = 33
	protoGRE     = 47
	protoICMPv6  = 58
	protoSCTP    = 132
	protoUDPLite = 136
)

// Address families.
const (
	afInet  = 2
	afInet6 = 10
)

// ProtoName returns the name libnetfilter_conntrack 1.0.9 prints for the
// layer 4 protocol number p ("unknown" for those it does not know).
func ProtoName(p uint8) string {
	switch p {
	case protoICMP:
		return "icmp"
	case protoTCP:
		return "tcp"
	case protoUDP:
		return "udp"
	case protoDCCP:
		return "dccp"
	case protoGRE:
		return "gre"
	case protoICMPv6:
		return "icmpv6"
	case protoSCTP:
		return "sctp"
	case protoUDPLite:
		return "udplite"
	}
	return "unknown"
}

// FamilyName returns the name libnetfilter_conntrack prints for the
// address family f ("ipv4", "ipv6" or "unknown").
func FamilyName(f uint8) string {
	switch f {
	case afInet:
		return "ipv4"
	case afInet6:
		return "ipv6"
	}
	return "unknown"
}

// tcpStates are the TCP tracker's states as libnetfilter_conntrack names
// them; a state past the end prints as NONE.
var tcpStates = [...]string{
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
}

// sctpStates are the SCTP tracker's states.
var sctpStates = [...]string{
	"NONE", "CLOSED", "COOKIE_WAIT", "COOKIE_ECHOED", "ESTABLISHED",
	"SHUTDOWN_SENT", "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
	"HEARTBEAT_SENT", "HEARTBEAT_ACKED",
}

// dccpStates are the DCCP tracker's states (used by JSON only: the
// text and XML formats of libnetfilter_conntrack 1.0.9 print DCCP
// states from the SCTP and TCP tables).
var dccpStates = [...]string{
	"NONE", "REQUEST", "RESPOND", "PARTOPEN", "OPEN", "CLOSEREQ",
	"CLOSING", "TIMEWAIT", "IGNORE", "INVALID",
}

// textState returns the protocol state as the default (text) format
// prints it, and whether it prints one at all.
func textState(proto, state uint8) (string, bool) {
	switch proto {
	case protoTCP:
		return lookup(tcpStates[:], state), true
	case protoSCTP, protoDCCP:
		// libnetfilter_conntrack prints DCCP states from the SCTP
		// table (a bug kept for byte compatibility).
		return lookup(sctpStates[:], state), true
	}
	return "", false
}

// xmlState returns the protocol state as the XML format prints it: from
// the TCP table for every protocol (a libnetfilter_conntrack bug: an
// established SCTP association shows as FIN_WAIT).
func xmlState(proto, state uint8) (string, bool) {
	switch proto {
	case protoTCP, protoSCTP, protoDCCP:
		return lookup(tcpStates[:], state), true
	}
	return "", false
}

// StateName returns the protocol state's real name (TCP, SCTP or DCCP),
// as stackbox's JSON and summary show it; "" for other protocols.
func StateName(proto, state uint8) string {
	switch proto {
	case protoTCP:
		return lookup(tcpStates[:], state)
	case protoSCTP:
		return lookup(sctpStates[:], state)
	case protoDCCP:
		return lookup(dccpStates[:], state)
	}
	return ""
}

func lookup(names []string, i uint8) string {
	if int(i) < len(names) {
		return names[i]
	}
	return names[0]
}

// statusNames are the IPS_* bits' names, by bit.
var statusNames = [...]string{
	"EXPECTED", "SEEN_REPLY", "ASSURED", "CONFIRMED", "SRC_NAT", "DST_NAT",
	"SEQ_ADJUST", "SRC_NAT_DONE", "DST_NAT_DONE", "DYING", "FIXED_TIMEOUT",
	"TEMPLATE", "UNTRACKED", "HELPER", "OFFLOAD", "HW_OFFLOAD",
}

// StatusNames returns the names of the IPS_* bits set in status, lowest
// bit first; bits without a name show as "BIT<n>".
func StatusNames(status uint32) []string {
	var out []string
	for i := 0; i < 32; i++ {
		if status&(1<<i) == 0 {
			continue
		}
		if i < len(statusNames) {
			out = append(out, statusNames[i])
		} else {
			out = append(out, "BIT"+strconv.Itoa(i))
		}
	}
	return out
}

// Expectation flags (NF_CT_EXPECT_*).
const (
	expectPermanent = 1 << 0
	expectInactive  = 1 << 1
	expectUserspace = 1 << 2
)

// eventName returns the event type's name as the XML type attribute has
// it, or "".
func eventName(t stack.FlowEventType) string {
	switch t {
	case stack.FlowEventNew:
		return "new"
	case stack.FlowEventUpdate:
		return "update"
	case stack.FlowEventDestroy:
		return "destroy"
	}
	return ""
}
