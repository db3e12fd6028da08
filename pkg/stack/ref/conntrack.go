package ref

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
)

// Conn is one entry of a host's conntrack table (struct nf_conn): the
// original and reply tuples, the IPS_* status bits, the protocol tracker's
// state, the mark, the per-direction counters and the expiry timer.
//
// Entries are created for the first packet of a flow at PREROUTING or
// OUTPUT and inserted into the table when that packet is confirmed at
// INPUT or POSTROUTING; a packet dropped in between leaves no entry.
type Conn struct {
	h *Host
	// tuple is the original ([0]) and reply ([1]) direction.
	tuple  [2]ctTuple
	v6     bool
	status uint32
	mark   uint32
	id     uint32
	cpu    uint16
	// timeout is the relative timeout of an unconfirmed entry; expires
	// the absolute expiry time of a confirmed one.
	timeout sim.Time
	expires sim.Time
	timer   sim.Timer

	tcp ctTCP
	// udpStream is when a replied UDP flow counts as a stream (two seconds
	// after its first packet).
	udpStream sim.Time

	counters    [2]stack.FlowCounter
	start, stop sim.Time
	stamped     bool // start (and, once dying, stop) are set
	// events are the IPCT_* events cached for delivery at the end of the
	// packet's path (nf_conntrack_event_cache).
	events uint16

	// prev and next link the table in insertion order.
	prev, next *Conn
	inTable    bool
}

// connTable is a host's conntrack table.
//
// Conntrack runs on a host when the scenario's firewall says
// "conntrack: on", when a rule needs it (--ctstate, --connmark, -j
// CONNMARK: on Linux such a rule loads nf_conntrack and registers it in
// the namespace) or after EnableConntrack; otherwise the table stays
// empty. Entries expire by a timer each (lazily re-armed, so a refresh
// is a field write); IDs are a hash of the host name and a sequence
// number; the zone is always 0 and use always 1. Differences from Linux:
// TCP window tracking never finds a segment out of window (as with
// nf_conntrack_tcp_be_liberal=1); fragments are not tracked until
// reassembled for local delivery (forwarded fragments stay untracked);
// early drop looks at the 64 oldest entries instead of a few hash
// buckets; there are no helpers, expectations or NAT.
type connTable struct {
	// on says whether the host tracks connections (nf_conntrack loaded
	// and registered with the hooks).
	on bool
	// byTuple finds an entry by either of its tuples (looked up, never
	// iterated).
	byTuple    map[ctTuple]*Conn
	head, tail *Conn
	count      int
	nextID     uint64
	stats      []ctStats
	// log is the event history (conntrack -E), lost counts the events not
	// kept once it is full.
	log  []ctEvent
	lost uint64
}

// netfilter is a host's netfilter ruleset: one chain of rules per hook.
type netfilter struct {
	chains [numHooks]nfChain
	// active says whether any hook has a rule or a DROP policy.
	active bool
}

// hook is a netfilter hook point.
type hook uint8

// The hook points, as Linux's NF_INET_*.
const (
	hookPrerouting hook = iota
	hookInput
	hookForward
	hookOutput
	hookPostrouting
	numHooks
)

// hookNames are the hooks' chain names, as iptables names its built-in
// chains.
var hookNames = [numHooks]string{"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"}

// String returns the hook's chain name.
func (hk hook) String() string {
	if hk < numHooks {
		return hookNames[hk]
	}
	return "hook?"
}

// nfHook runs the hook's rules and conntrack on p and reports whether p
// goes on; false means it was dropped (the caller frees it).
//
// The order is Linux's: at PREROUTING and OUTPUT conntrack looks the
// packet up (priority -200) before the rules run; at INPUT and
// POSTROUTING the rules run and then the new entry is confirmed
// (priority INT_MAX). Packets arriving from a link carry neither a mark
// nor a conntrack entry.
func (h *Host) nfHook(hk hook, p *Packet) bool {
	if hk == hookPrerouting && p.In != nil {
		p.CT, p.CTReply, p.Mark = nil, false, 0
	}
	ct := h.ct.on
	if !ct && !h.nf.active {
		return true
	}
	switch hk {
	case hookPrerouting:
		if ct && p.CT == nil && !h.ctIn(p, hk) {
			return false
		}
	case hookOutput:
		p.CT, p.CTReply = nil, false
		if ct && !h.ctIn(p, hk) {
			return false
		}
	case hookInput:
		if ct && p.CT == nil && !h.ctIn(p, hk) {
			// A reassembled datagram: its fragments went untracked.
			return false
		}
	}
	if h.nf.active && !h.runChain(hk, p) {
		return false
	}
	if ct && (hk == hookInput || hk == hookPostrouting) {
		return h.ctConfirm(p)
	}
	return true
}
