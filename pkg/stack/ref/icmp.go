package ref

import (
	"net/netip"

	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// icmpKind names an ICMP error independently of the family.
type icmpKind uint8

const (
	icmpNetUnreach icmpKind = iota
	icmpProtoUnreach
	icmpPortUnreach
	icmpFragNeeded
	icmpTimeExceeded
	icmpReasmTimeout
)

// icmpTypes are each kind's ICMP and ICMPv6 type and code.
var icmpTypes = [...][2][2]uint8{
	icmpNetUnreach:   {{3, 0}, {1, 0}},
	icmpProtoUnreach: {{3, 2}, {4, 1}},
	icmpPortUnreach:  {{3, 3}, {1, 4}},
	icmpFragNeeded:   {{3, 4}, {2, 0}},
	icmpTimeExceeded: {{11, 0}, {3, 0}},
	icmpReasmTimeout: {{11, 1}, {3, 1}},
}

// ICMP echo types.
const (
	icmpEchoReply    = 0
	icmpEcho         = 8
	icmp6Echo        = 128
	icmp6EchoReply   = 129
	icmpDestUnreach  = 3
	icmpTimeExcd     = 11
	icmp6DestUnreach = 1
	icmp6PktTooBig   = 2
	icmp6TimeExcd    = 3
)

// icmpLimiter is Linux's ICMP output rate limiting: a global token bucket
// (net.ipv4.icmp_msgs_per_sec, icmp_msgs_burst) and, for the types in
// icmp_ratemask (destination unreachable, source quench, time exceeded,
// parameter problem), a per-destination one allowing one message per
// icmp_ratelimit with a burst of 6 (inet_peer_xrlim_allow).
type icmpLimiter struct {
	global     float64 // tokens
	globalLast sim.Time
	peers      map[netip.Addr]*peerTokens
}

type peerTokens struct {
	tokens sim.Time
	last   sim.Time
}

// allow reports whether an error of ICMP type typ may go to dst now,
// counting the refusal.
func (h *Host) icmpAllow(dst netip.Addr, v6 bool, typ uint8) bool {
	l := &h.icmpLimit
	now := h.Now()
	perSec := float64(h.Sysctl.Int(sysctl.ICMPMsgsPerSec))
	burst := float64(h.Sysctl.Int(sysctl.ICMPMsgsBurst))
	if l.peers == nil {
		l.peers = map[netip.Addr]*peerTokens{}
		l.global = burst
		l.globalLast = now
	}
	if perSec > 0 {
		l.global = min(burst, l.global+float64(now-l.globalLast)/float64(sim.Second)*perSec)
		l.globalLast = now
		if l.global < 1 {
			if !v6 {
				h.MIB.Inc(IcmpOutRateLimitGlobal) // (Icmp6 has no global one)
			}
			return false
		}
	}
	limited := !v6 && h.Sysctl.Int(sysctl.ICMPRatemask)&(1<<typ) != 0 || v6 && typ != icmp6PktTooBig
	timeout := sim.Time(h.Sysctl.Int(sysctl.ICMPRatelimit)) * sim.Millisecond
	if limited && timeout > 0 {
		p := l.peers[dst]
		if p == nil {
			p = &peerTokens{tokens: 6 * timeout, last: now}
			l.peers[dst] = p
		}
		p.tokens = min(6*timeout, p.tokens+now-p.last)
		p.last = now
		if p.tokens < timeout {
			if !v6 {
				h.MIB.Inc(IcmpOutRateLimitHost)
			} else {
				h.MIB.Inc(Icmp6OutRateLimitHost)
			}
			return false
		}
		p.tokens -= timeout
	}
	if perSec > 0 {
		l.global--
	}
	return true
}

// icmpError sends an ICMP error about packet orig (which stays the
// caller's) to its source, unless orig is itself an ICMP error, a
// non-first fragment, or the rate limits say no. mtu is for "fragmentation
// needed".
func (h *Host) icmpError(orig *Packet, kind icmpKind, mtu int) {
	if orig.FragOff != 0 || orig.Proto == protoARP || !orig.Src.IsValid() {
		return
	}
	if orig.Proto == protoICMP && orig.ICMP.Type != icmpEcho && orig.ICMP.Type != icmpEchoReply ||
		orig.Proto == protoICMPv6 && orig.ICMP.Type < 128 {
		return
	}
	v6 := orig.V6
	tc := icmpTypes[kind][0]
	if v6 {
		tc = icmpTypes[kind][1]
	}
	if !h.icmpAllow(orig.Src, v6, tc[0]) {
		return
	}
	p := h.Net.pool.get()
	p.V6, p.Dst = v6, orig.Src
	p.Proto = protoICMP
	if v6 {
		p.Proto = protoICMPv6
	}
	p.ICMP.Type, p.ICMP.Code, p.ICMP.MTU = tc[0], tc[1], uint16(mtu)
	inner := h.Net.pool.clone(orig)
	inner.Payload = 0 // the headers are quoted, not the data
	inner.ICMP.Inner = nil
	p.ICMP.Inner = inner
	if orig.In != nil && h.isLocal(orig.Dst) {
		p.Src = orig.Dst
	}
	h.countICMPOut(p)
	_ = h.ipOutput(p)
}

// countICMPOut counts an ICMP message sent.
func (h *Host) countICMPOut(p *Packet) {
	if p.V6 {
		h.MIB.Inc(Icmp6OutMsgs)
		switch p.ICMP.Type {
		case icmp6DestUnreach:
			h.MIB.Inc(Icmp6OutDestUnreachs)
		case icmp6PktTooBig:
			h.MIB.Inc(Icmp6OutPktTooBigs)
		case icmp6TimeExcd:
			h.MIB.Inc(Icmp6OutTimeExcds)
		case icmp6Echo:
			h.MIB.Inc(Icmp6OutEchos)
		case icmp6EchoReply:
			h.MIB.Inc(Icmp6OutEchoReplies)
		}
		h.MIB.IcmpMsg(true, true, p.ICMP.Type)
		return
	}
	h.MIB.Inc(IcmpOutMsgs)
	switch p.ICMP.Type {
	case icmpDestUnreach:
		h.MIB.Inc(IcmpOutDestUnreachs)
	case icmpTimeExcd:
		h.MIB.Inc(IcmpOutTimeExcds)
	case icmpEcho:
		h.MIB.Inc(IcmpOutEchos)
	case icmpEchoReply:
		h.MIB.Inc(IcmpOutEchoReps)
	}
	h.MIB.IcmpMsg(false, true, p.ICMP.Type)
}

// icmpInput handles an ICMP message for this host: echo requests are
// answered; errors are passed to the transport they are about.
func (h *Host) icmpInput(p *Packet) {
	defer func() {
		if p != nil {
			h.Net.pool.put(p)
		}
	}()
	t := p.ICMP.Type
	if p.V6 {
		h.MIB.Inc(Icmp6InMsgs)
		h.MIB.IcmpMsg(true, false, t)
		switch t {
		case icmp6Echo:
			h.MIB.Inc(Icmp6InEchos)
		case icmp6EchoReply:
			h.MIB.Inc(Icmp6InEchoReplies)
		case icmp6DestUnreach:
			h.MIB.Inc(Icmp6InDestUnreachs)
		case icmp6PktTooBig:
			h.MIB.Inc(Icmp6InPktTooBigs)
		case icmp6TimeExcd:
			h.MIB.Inc(Icmp6InTimeExcds)
		}
	} else {
		h.MIB.Inc(IcmpInMsgs)
		h.MIB.IcmpMsg(false, false, t)
		switch t {
		case icmpEcho:
			h.MIB.Inc(IcmpInEchos)
		case icmpEchoReply:
			h.MIB.Inc(IcmpInEchoReps)
		case icmpDestUnreach:
			h.MIB.Inc(IcmpInDestUnreachs)
		case icmpTimeExcd:
			h.MIB.Inc(IcmpInTimeExcds)
		}
	}
	switch {
	case t == icmpEcho && !p.V6, t == icmp6Echo && p.V6:
		if !p.V6 && h.Sysctl.Int(sysctl.ICMPEchoIgnoreAll) != 0 {
			return
		}
		r := h.Net.pool.get()
		r.V6, r.Proto, r.Src, r.Dst = p.V6, p.Proto, p.Dst, p.Src
		r.ICMP = ICMPHeader{Type: icmpEchoReply, ID: p.ICMP.ID, Seq: p.ICMP.Seq}
		if p.V6 {
			r.ICMP.Type = icmp6EchoReply
		}
		r.Payload = p.Payload
		h.countICMPOut(r)
		_ = h.ipOutput(r)
	case t == icmpEchoReply && !p.V6, t == icmp6EchoReply && p.V6:
		h.pingReply(p)
	case p.ICMP.Inner != nil:
		switch p.ICMP.Inner.Proto {
		case protoTCP:
			h.tcpError(p)
		case protoUDP:
			h.udpError(p)
		}
	}
}

// pingReply hands an echo reply to the ping socket waiting for it.
func (h *Host) pingReply(p *Packet) {
	if fn := h.onEchoReply; fn != nil {
		fn(p)
	}
}

// Ping sends an ICMP echo request of size payload bytes to dst.
func (h *Host) Ping(dst netip.Addr, id, seq uint16, size int) error {
	p := h.Net.pool.get()
	p.V6, p.Dst, p.Payload = dst.Is6(), dst, size
	p.Proto, p.ICMP = protoICMP, ICMPHeader{Type: icmpEcho, ID: id, Seq: seq}
	if p.V6 {
		p.Proto, p.ICMP.Type = protoICMPv6, icmp6Echo
	}
	h.countICMPOut(p)
	return h.ipOutput(p)
}
