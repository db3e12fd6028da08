package ref

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// TCP conntrack states (enum tcp_conntrack), as CTA_PROTOINFO_TCP_STATE
// carries them.
const (
	ctTCPNone uint8 = iota
	ctTCPSynSent
	ctTCPSynRecv
	ctTCPEstablished
	ctTCPFinWait
	ctTCPCloseWait
	ctTCPLastAck
	ctTCPTimeWait
	ctTCPClose
	ctTCPSynSent2
	ctTCPMax    // sIV: invalid
	ctTCPIgnore // sIG: ignored
)

// The TCP tracker's per-direction flags (IP_CT_TCP_FLAG_*).
const (
	ctTCPFlagWindowScale  = 0x01
	ctTCPFlagSACKPerm     = 0x02
	ctTCPFlagCloseInit    = 0x04
	ctTCPFlagBeLiberal    = 0x08
	ctTCPFlagDataUnacked  = 0x10
	ctTCPFlagMaxAckSet    = 0x20
	ctTCPFlagChallengeAck = 0x40 // IP_CT_EXP_CHALLENGE_ACK (last_flags)
	ctTCPSimultaneousOpen = 0x80 // IP_CT_TCP_SIMULTANEOUS_OPEN (last_flags)
)

// The packet classes of the state table (enum tcp_bit_set).
const (
	tcpSynSet = iota
	tcpSynAckSet
	tcpFinSet
	tcpAckSet
	tcpRstSet
	tcpNoneSet
)

// ctTCPDir is what the tracker knows of one direction (ip_ct_tcp_state).
type ctTCPDir struct {
	end, maxend, maxwin, maxack uint32
	scale                       uint8
	flags                       uint8
}

// ctTCP is the TCP tracker's state of an entry (ip_ct_tcp).
type ctTCP struct {
	seen                      [2]ctTCPDir
	state                     uint8
	lastDir, lastIndex        uint8
	lastSeq, lastAck, lastEnd uint32
	lastWin                   uint16
	lastWscale, lastFlags     uint8
	retrans                   uint8
}

// tcpStateTable is tcp_conntracks: the next state by direction, packet
// class and current state.
var tcpStateTable = func() (t [2][6][10]uint8) {
	const (
		sNO, sSS, sSR, sES, sFW = ctTCPNone, ctTCPSynSent, ctTCPSynRecv, ctTCPEstablished, ctTCPFinWait
		sCW, sLA, sTW, sCL, sS2 = ctTCPCloseWait, ctTCPLastAck, ctTCPTimeWait, ctTCPClose, ctTCPSynSent2
		sIV, sIG                = ctTCPMax, ctTCPIgnore
	)
	_ = sNO
	t[0] = [6][10]uint8{
		//     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2
		{sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2}, // syn
		{sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR}, // synack
		{sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV}, // fin
		{sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV}, // ack
		{sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL}, // rst
		{sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV}, // none
	}
	t[1] = [6][10]uint8{
		{sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2}, // syn
		{sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR}, // synack
		{sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV}, // fin
		{sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG}, // ack
		{sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL}, // rst
		{sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV}, // none
	}
	return t
}()

// tcpValidFlags says which combinations of FIN, SYN, RST, ACK and URG a
// tracked segment may carry (tcp_valid_flags).
var tcpValidFlags = func() (v [64]bool) {
	for _, f := range []uint8{
		tcpSYN, tcpSYN | tcpURG, tcpSYN | tcpACK, tcpRST, tcpRST | tcpACK,
		tcpFIN | tcpACK, tcpFIN | tcpACK | tcpURG, tcpACK, tcpACK | tcpURG,
	} {
		v[f] = true
	}
	return v
}()

// tcpIndex classifies a segment (get_conntrack_index).
func tcpIndex(flags uint8) uint8 {
	switch {
	case flags&tcpRST != 0:
		return tcpRstSet
	case flags&tcpSYN != 0 && flags&tcpACK != 0:
		return tcpSynAckSet
	case flags&tcpSYN != 0:
		return tcpSynSet
	case flags&tcpFIN != 0:
		return tcpFinSet
	case flags&tcpACK != 0:
		return tcpAckSet
	}
	return tcpNoneSet
}

// tcpCanEarlyDrop reports whether a TCP entry in state s may be evicted
// although assured (a closing connection).
func tcpCanEarlyDrop(s uint8) bool {
	switch s {
	case ctTCPFinWait, ctTCPLastAck, ctTCPTimeWait, ctTCPClose, ctTCPCloseWait:
		return true
	}
	return false
}

// tcpTimeout returns the timeout of a TCP state: the
// nf_conntrack_tcp_timeout_* sysctls (SYN_SENT2 has none: 120 s).
func (h *Host) tcpTimeout(s uint8) sim.Time {
	var k sysctl.Knob
	switch s {
	case ctTCPSynSent:
		k = sysctl.NfConntrackTCPTimeoutSynSent
	case ctTCPSynRecv:
		k = sysctl.NfConntrackTCPTimeoutSynRecv
	case ctTCPEstablished:
		k = sysctl.NfConntrackTCPTimeoutEstablished
	case ctTCPFinWait:
		k = sysctl.NfConntrackTCPTimeoutFinWait
	case ctTCPCloseWait:
		k = sysctl.NfConntrackTCPTimeoutCloseWait
	case ctTCPLastAck:
		k = sysctl.NfConntrackTCPTimeoutLastAck
	case ctTCPTimeWait:
		k = sysctl.NfConntrackTCPTimeoutTimeWait
	case ctTCPClose:
		k = sysctl.NfConntrackTCPTimeoutClose
	default:
		return 120 * sim.Second
	}
	return h.ctTimeout(k)
}

// tcpOptions records a SYN's window scale and SACK-permitted options.
func tcpOptions(p *Packet, d *ctTCPDir) {
	d.scale = 0
	d.flags &= ctTCPFlagBeLiberal
	if p.TCP.SACKPermitted {
		d.flags |= ctTCPFlagSACKPerm
	}
	if p.TCP.WScale >= 0 {
		d.scale = uint8(min(p.TCP.WScale, 14))
		d.flags |= ctTCPFlagWindowScale
	}
}

// ctTCPNew initialises a new entry from its first segment (tcp_new), and
// reports whether the segment may start one: a SYN, or with
// nf_conntrack_tcp_loose any ACK (picking up a connection in the middle).
func (h *Host) ctTCPNew(c *Conn, p *Packet) bool {
	s := tcpStateTable[0][tcpIndex(p.TCP.Flags)][ctTCPNone]
	if s >= ctTCPMax {
		return false
	}
	c.tcp = ctTCP{}
	d := &c.tcp.seen[0]
	d.end = segEnd(p)
	d.maxwin = max(uint32(p.TCP.Window), 1)
	if s == ctTCPSynSent {
		d.maxend = d.end
		tcpOptions(p, d)
	} else {
		if !h.Sysctl.Bool(sysctl.NfConntrackTCPLoose) {
			return false
		}
		d.maxend = d.end + d.maxwin
		c.tcp.seen[0].flags = ctTCPFlagSACKPerm | ctTCPFlagBeLiberal
		c.tcp.seen[1].flags = ctTCPFlagSACKPerm | ctTCPFlagBeLiberal
	}
	c.tcp.lastIndex = tcpNoneSet
	return true
}

// ctTCPPacket is nf_conntrack_tcp_packet: the state machine of
// nf_conntrack_proto_tcp.c with its timeouts, ASSURED and the reopening
// of closed connections. Window tracking is simplified: the tracker keeps
// each direction's highest sequence, window and acknowledgement (for the
// unacknowledged-data and retransmission timeouts) but never finds a
// segment out of window, as with nf_conntrack_tcp_be_liberal=1.
func (h *Host) ctTCPPacket(c *Conn, p *Packet, reply bool) ctVerdict {
	flags := p.TCP.Flags
	if !tcpValidFlags[flags&^(tcpECE|tcpCWR|tcpPSH)&63] {
		return ctInvalidPkt
	}
	if c.status&stack.IPSConfirmed == 0 && !c.inTable && !h.ctTCPNew(c, p) {
		return ctInvalidPkt
	}
	tc := &c.tcp
	dir := uint8(0)
	if reply {
		dir = 1
	}
	old := tc.state
	index := tcpIndex(flags)
	next := tcpStateTable[dir][index][old]

	switch next {
	case ctTCPSynSent:
		if old >= ctTCPTimeWait &&
			((tc.seen[dir].flags|tc.seen[1-dir].flags)&ctTCPFlagCloseInit != 0 ||
				tc.lastDir == dir && tc.lastIndex == tcpRstSet) {
			// A new connection reusing the tuple of a closed one.
			h.ctKill(c)
			return ctRepeat
		}
		if old < ctTCPTimeWait {
			break
		}
		fallthrough
	case ctTCPIgnore:
		if index == tcpSynAckSet && tc.lastIndex == tcpSynSet && tc.lastDir != dir && p.TCP.Ack == tc.lastEnd {
			// The SYN/ACK answers a SYN ignored earlier: get in sync.
			old, next = ctTCPSynSent, ctTCPSynRecv
			ld := &tc.seen[tc.lastDir]
			ld.end, ld.maxend = tc.lastEnd, tc.lastEnd
			ld.maxwin = max(uint32(tc.lastWin), 1)
			ld.scale = tc.lastWscale
			tc.lastFlags &^= ctTCPFlagChallengeAck
			ld.flags = tc.lastFlags
			tc.seen[dir] = ctTCPDir{flags: tc.seen[dir].flags & ctTCPFlagBeLiberal}
			break
		}
		tc.lastIndex, tc.lastDir = index, dir
		tc.lastSeq, tc.lastEnd, tc.lastWin = p.TCP.Seq, segEnd(p), p.TCP.Window
		if index == tcpSynSet && dir == 0 {
			var d ctTCPDir
			tcpOptions(p, &d)
			tc.lastFlags, tc.lastWscale = d.flags&(ctTCPFlagWindowScale|ctTCPFlagSACKPerm), d.scale
			if old == ctTCPLastAck {
				tc.lastFlags |= ctTCPFlagChallengeAck
			}
		}
		if old == ctTCPSynSent && index == tcpAckSet && dir == 1 {
			tc.lastAck = p.TCP.Ack
		}
		return ctAccept
	case ctTCPMax:
		return ctInvalidPkt
	case ctTCPTimeWait:
		if old == ctTCPLastAck && index == tcpAckSet && tc.lastDir != dir &&
			tc.lastIndex == tcpSynSet && tc.lastFlags&ctTCPFlagChallengeAck != 0 {
			tc.lastFlags &^= ctTCPFlagChallengeAck
			return ctAccept // a challenge ACK: no state change
		}
	case ctTCPSynSent2:
		tc.lastFlags |= ctTCPSimultaneousOpen
	case ctTCPSynRecv:
		if dir == 1 && index == tcpAckSet && tc.lastFlags&ctTCPSimultaneousOpen != 0 {
			next = ctTCPEstablished
		}
	}

	h.ctTCPWindow(c, p, dir, index)
	tc.lastIndex, tc.lastDir = index, dir
	tc.state = next
	if old != next && next == ctTCPFinWait {
		tc.seen[dir].flags |= ctTCPFlagCloseInit
	}

	timeout := h.tcpTimeout(next)
	retrans := h.ctTimeout(sysctl.NfConntrackTCPTimeoutMaxRetrans)
	unack := h.ctTimeout(sysctl.NfConntrackTCPTimeoutUnacknowledged)
	switch {
	case int64(tc.retrans) >= h.Sysctl.Int(sysctl.NfConntrackTCPMaxRetrans) && timeout > retrans:
		timeout = retrans
	case index == tcpRstSet:
		timeout = h.tcpTimeout(ctTCPClose)
	case (tc.seen[0].flags|tc.seen[1].flags)&ctTCPFlagDataUnacked != 0 && timeout > unack:
		timeout = unack
	case tc.lastWin == 0 && timeout > retrans:
		timeout = retrans
	}
	if old != next {
		c.events |= ipctProtoinfo
	}
	if c.status&stack.IPSSeenReply == 0 {
		if flags&tcpRST != 0 {
			// Only a RST came back: no connection to keep.
			h.ctAcct(c, p, reply)
			h.ctKill(c)
			return ctAccept
		}
		if index == tcpSynSet && old == ctTCPSynSent {
			h.ctAcct(c, p, reply) // a retransmitted SYN does not renew the timeout
			return ctAccept
		}
		if next == ctTCPEstablished && timeout > unack {
			timeout = unack
		}
	} else if c.status&stack.IPSAssured == 0 && (old == ctTCPSynRecv || old == ctTCPEstablished) && next == ctTCPEstablished {
		c.status |= stack.IPSAssured
		c.events |= ipctAssured
	}
	h.ctRefresh(c, timeout)
	h.ctAcct(c, p, reply)
	return ctAccept
}

// ctTCPWindow updates a direction's sequence tracking (the bookkeeping
// half of tcp_in_window: highest end, window, acknowledgement, unacked
// data, retransmissions).
func (h *Host) ctTCPWindow(c *Conn, p *Packet, dir, index uint8) {
	tc := &c.tcp
	s, r := &tc.seen[dir], &tc.seen[1-dir]
	seq, ack := p.TCP.Seq, p.TCP.Ack
	win := uint32(p.TCP.Window)
	end := segEnd(p)
	syn, hasAck := p.TCP.Flags&tcpSYN != 0, p.TCP.Flags&tcpACK != 0
	if s.maxwin == 0 {
		s.end, s.maxend = end, end
		s.maxwin = max(win, 1)
		if syn {
			tcpOptions(p, s)
			if dir == 1 && (s.flags&ctTCPFlagWindowScale == 0 || r.flags&ctTCPFlagWindowScale == 0) {
				s.scale, r.scale = 0, 0
			}
		} else {
			s.maxend = end + s.maxwin
			if r.maxwin == 0 {
				r.end, r.maxend = ack, ack
			}
		}
	} else if syn && seqAfter(end, s.end) && (tc.state == ctTCPSynSent || tc.state == ctTCPSynRecv) {
		s.end, s.maxend = end, end
		s.maxwin = max(win, 1)
		tcpOptions(p, s)
	}
	if !hasAck {
		ack = r.end
	}
	if !syn {
		win <<= s.scale
	}
	if s.maxwin < win {
		s.maxwin = win
	}
	if seqAfter(end, s.end) {
		s.end = end
		s.flags |= ctTCPFlagDataUnacked
	}
	if hasAck {
		if s.flags&ctTCPFlagMaxAckSet == 0 || seqAfter(ack, s.maxack) {
			s.maxack = ack
			s.flags |= ctTCPFlagMaxAckSet
		}
	}
	if r.maxwin != 0 && seqAfter(end, s.maxend) {
		r.maxwin += end - s.maxend
	}
	if seqAfter(ack+win, r.maxend-1) {
		r.maxend = ack + win
		if win == 0 {
			r.maxend++
		}
	}
	if ack == r.end {
		r.flags &^= ctTCPFlagDataUnacked
	}
	if index == tcpAckSet {
		if tc.lastDir == dir && tc.lastSeq == seq && tc.lastAck == ack && tc.lastEnd == end && tc.lastWin == p.TCP.Window {
			if tc.retrans < 255 {
				tc.retrans++
			}
		} else {
			tc.lastSeq, tc.lastAck, tc.lastEnd, tc.lastWin = seq, ack, end, p.TCP.Window
			tc.retrans = 0
		}
	}
}

// seqAfter reports whether sequence number a comes after b (mod 2^32).
func seqAfter(a, b uint32) bool { return int32(a-b) > 0 }
