package ref

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// ctInvalid is the entry a packet carries when conntrack found it invalid
// (no entry, or one the tracker refused): rules see its state as INVALID.
// It is never in a table and never changes.
var ctInvalid = &Conn{}

// IPCT_* event bits (include/net/netfilter/nf_conntrack_ecache.h, those
// the reference stack raises).
const (
	ipctNew = 1 << iota
	ipctRelated
	ipctDestroy
	ipctReply
	ipctAssured
	ipctProtoinfo
	ipctMark
	ipctStatus
)

// ctVerdict is what a protocol tracker says of a packet.
type ctVerdict uint8

const (
	ctAccept     ctVerdict = iota // tracked
	ctInvalidPkt                  // passes untracked, counted invalid
	ctRepeat                      // the old entry was killed: look up again
)

// maxEarlyDropScan bounds the entries early drop looks at, oldest first
// (Linux looks at a few hash buckets near the new tuple's).
const maxEarlyDropScan = 64

// EnableConntrack turns connection tracking on for h, as loading
// nf_conntrack and registering it with the hooks does.
func (h *Host) EnableConntrack() {
	h.ct.on = true
	h.ctInit()
}

// ctInit makes the table ready for entries (conntrack -I works on a host
// whose hooks do not track).
func (h *Host) ctInit() {
	t := &h.ct
	if t.byTuple == nil {
		t.byTuple = map[ctTuple]*Conn{}
	}
	if t.stats == nil {
		t.stats = make([]ctStats, max(h.CPUs, 1))
	}
}

// ConntrackEnabled reports whether h tracks connections.
func (h *Host) ConntrackEnabled() bool { return h.ct.on }

// ctIn is nf_conntrack_in: it finds or creates p's entry and runs the
// protocol tracker, attaching the entry (and the direction) to p. It
// returns false when p is to be dropped (the table is full).
func (h *Host) ctIn(p *Packet, hk hook) bool {
	if p.Proto == protoARP || p.FragOff != 0 || p.MoreFrags {
		// Linux defragments before conntrack: fragments are tracked
		// once reassembled (at INPUT), forwarded ones not at all.
		return true
	}
	t := &h.ct
	if (p.Proto == protoICMP || p.Proto == protoICMPv6) && icmpIsError(p.Proto, p.ICMP.Type) {
		return h.ctICMPError(p)
	}
	tup := tupleOf(p)
	for range 2 {
		c := t.byTuple[tup]
		reply := false
		if c != nil {
			reply = c.tuple[1] == tup
		} else {
			inv, ok := tup.invert()
			if !ok {
				t.stat(tup.hash()).invalid++
				p.CT, p.CTReply = ctInvalid, false
				return true
			}
			if c = h.ctAlloc(tup, inv, p.V6); c == nil {
				t.stat(tup.hash()).drop++
				return false
			}
		}
		switch h.ctPacket(c, p, reply) {
		case ctInvalidPkt:
			t.stats[c.cpu].invalid++
			p.CT, p.CTReply = ctInvalid, false
			return true
		case ctRepeat:
			continue
		}
		p.CT, p.CTReply = c, reply
		if reply && c.status&stack.IPSSeenReply == 0 {
			c.status |= stack.IPSSeenReply
			c.events |= ipctReply
		}
		return true
	}
	p.CT, p.CTReply = ctInvalid, false
	return true
}

// ctICMPError attaches an ICMP error to the entry of the packet it quotes
// (RELATED), or marks it invalid when there is none.
func (h *Host) ctICMPError(p *Packet) bool {
	t := &h.ct
	in := p.ICMP.Inner
	var c *Conn
	var inv ctTuple
	if in != nil {
		var ok bool
		if inv, ok = tupleOf(in).invert(); ok {
			c = t.byTuple[inv]
		}
	}
	if c == nil {
		t.stats[0].error++
		p.CT, p.CTReply = ctInvalid, false
		return true
	}
	p.CT, p.CTReply = c, c.tuple[1] == inv
	return true
}

// ctAlloc makes an unconfirmed entry for a new flow, evicting an entry
// that is not assured when the table is at nf_conntrack_max; nil when the
// table is full.
func (h *Host) ctAlloc(orig, reply ctTuple, v6 bool) *Conn {
	t := &h.ct
	hash := orig.hash()
	if limit := h.Sysctl.Int(sysctl.NfConntrackMax); limit > 0 && int64(t.count)+1 > limit {
		if !h.ctEarlyDrop() {
			return nil
		}
		t.stat(hash).earlyDrop++
	}
	c := &Conn{h: h, tuple: [2]ctTuple{orig, reply}, v6: v6}
	c.cpu = uint16(hash % uint64(len(t.stats)))
	return c
}

// ctEarlyDrop evicts the oldest entry among the first maxEarlyDropScan
// that is not assured or whose TCP connection is closing, and reports
// whether it found one.
func (h *Host) ctEarlyDrop() bool {
	n := 0
	for c := h.ct.head; c != nil && n < maxEarlyDropScan; c = c.next {
		n++
		if c.status&stack.IPSAssured == 0 || c.tuple[0].proto == protoTCP && tcpCanEarlyDrop(c.tcp.state) {
			h.ctKill(c)
			return true
		}
	}
	return false
}

// ctConfirm is nf_conntrack_confirm: a new entry goes into the table,
// its timer starts and its events are delivered. It returns false when
// the packet is dropped (a clash with an entry inserted meanwhile).
func (h *Host) ctConfirm(p *Packet) bool {
	c := p.CT
	if c == nil || c == ctInvalid {
		return true
	}
	t := &h.ct
	if c.status&stack.IPSConfirmed == 0 {
		if p.CTReply {
			return true // (an unconfirmed entry sees only its first packet)
		}
		if o := t.byTuple[c.tuple[0]]; o != nil || t.byTuple[c.tuple[1]] != nil {
			if o != nil && c.tuple[0].proto == protoUDP {
				t.stats[c.cpu].clashResolve++
				p.CT = o
				return true
			}
			t.stats[c.cpu].insertFailed++
			t.stats[c.cpu].drop++
			return false
		}
		h.ctInsert(c)
		c.events |= ipctNew
	}
	if c.events != 0 {
		h.ctDeliver(c)
	}
	return true
}

// ctInsert adds a new entry to the table and starts its timer.
func (h *Host) ctInsert(c *Conn) {
	t := &h.ct
	now := h.Now()
	c.status |= stack.IPSConfirmed
	t.nextID++
	c.id = ctID(h.Name, t.nextID)
	c.expires = now + c.timeout
	if h.Sysctl.Bool(sysctl.NfConntrackTimestamp) {
		c.start, c.stamped = now, true
	}
	t.byTuple[c.tuple[0]] = c
	t.byTuple[c.tuple[1]] = c
	c.prev, c.next = t.tail, nil
	if t.tail != nil {
		t.tail.next = c
	} else {
		t.head = c
	}
	t.tail = c
	c.inTable = true
	t.count++
	t.stats[c.cpu].insert++
	h.Sysctl.Publish(sysctl.NfConntrackCount, int64(t.count))
	c.timer.Init(h.Net.Engine, c.expire)
	c.timer.Reset(c.expires)
}

// ctID is an entry's ID: deterministic, spread like the kernel's hashed
// IDs (splitmix64 of the host's name hash and a sequence number).
func ctID(host string, seq uint64) uint32 {
	x := seq
	for i := 0; i < len(host); i++ {
		x = x*1099511628211 ^ uint64(host[i])
	}
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return uint32(x ^ x>>31)
}

// expire is the entry's timer: it re-arms itself while the entry was
// refreshed since (refreshes only move expires), and kills it otherwise.
func (c *Conn) expire() {
	if !c.inTable {
		return
	}
	if now := c.h.Now(); c.expires > now {
		c.timer.Reset(c.expires)
		return
	}
	c.h.ctKill(c)
}

// ctRefresh sets an entry's timeout to d from now (nf_ct_refresh): the
// relative timeout of an unconfirmed entry, the expiry of a confirmed one.
// A later expiry is picked up lazily by the timer; an earlier one moves it.
func (h *Host) ctRefresh(c *Conn, d sim.Time) {
	if c.status&stack.IPSFixedTimeout != 0 {
		return
	}
	if !c.inTable {
		c.timeout = d
		return
	}
	c.expires = h.Now() + d
	if c.expires < c.timer.When() || !c.timer.Pending() {
		c.timer.Reset(c.expires)
	}
}

// ctAcct counts a packet on its direction (nf_conntrack_acct).
func (h *Host) ctAcct(c *Conn, p *Packet, reply bool) {
	if !h.Sysctl.Bool(sysctl.NfConntrackAcct) {
		return
	}
	d := 0
	if reply {
		d = 1
	}
	c.counters[d].Packets++
	c.counters[d].Bytes += uint64(p.Len())
}

// ctKill removes an entry from the table and records its destroy event
// (nf_ct_kill, or the timeout's expiry).
func (h *Host) ctKill(c *Conn) {
	if !c.inTable {
		return
	}
	t := &h.ct
	c.inTable = false
	c.timer.Stop()
	delete(t.byTuple, c.tuple[0])
	delete(t.byTuple, c.tuple[1])
	if c.prev != nil {
		c.prev.next = c.next
	} else {
		t.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else {
		t.tail = c.prev
	}
	c.prev, c.next = nil, nil
	t.count--
	h.Sysctl.Publish(sysctl.NfConntrackCount, int64(t.count))
	c.status |= stack.IPSDying
	if c.stamped {
		c.stop = h.Now()
	}
	c.events = ipctDestroy
	h.ctDeliver(c)
}

// ctTimeout returns a timeout sysctl (seconds) as a duration.
func (h *Host) ctTimeout(k sysctl.Knob) sim.Time {
	v := h.Sysctl.Int(k)
	if v < 0 {
		v = 0
	}
	return sim.Time(v) * sim.Second
}

// ctPacket runs the protocol tracker on a packet of entry c.
func (h *Host) ctPacket(c *Conn, p *Packet, reply bool) ctVerdict {
	switch c.tuple[0].proto {
	case protoTCP:
		return h.ctTCPPacket(c, p, reply)
	case protoUDP:
		return h.ctUDPPacket(c, p, reply)
	case protoICMP, protoICMPv6:
		return h.ctICMPPacket(c, p, reply)
	}
	h.ctRefresh(c, h.ctTimeout(sysctl.NfConntrackGenericTimeout))
	h.ctAcct(c, p, reply)
	return ctAccept
}
