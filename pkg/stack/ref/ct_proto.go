package ref

import (
	"github.com/stackbox/stackbox/pkg/stack"
	"github.com/stackbox/stackbox/pkg/stack/ref/sim"
	"github.com/stackbox/stackbox/pkg/stack/ref/sysctl"
)

// udpStreamAfter is how long a replied UDP flow must live before it counts
// as a stream: assured, with nf_conntrack_udp_timeout_stream.
const udpStreamAfter = 2 * sim.Second

// ctUDPPacket is nf_conntrack_udp_packet: nf_conntrack_udp_timeout until a
// reply is seen; a flow still active two seconds after its first packet
// and replied to becomes ASSURED with nf_conntrack_udp_timeout_stream.
func (h *Host) ctUDPPacket(c *Conn, p *Packet, reply bool) ctVerdict {
	if !c.inTable && c.status&stack.IPSConfirmed == 0 {
		c.udpStream = h.Now() + udpStreamAfter
	}
	timeout := h.ctTimeout(sysctl.NfConntrackUDPTimeout)
	if c.status&stack.IPSSeenReply != 0 {
		stream := false
		if h.Now() > c.udpStream {
			timeout = h.ctTimeout(sysctl.NfConntrackUDPTimeoutStream)
			stream = c.status&stack.IPSAssured == 0
		}
		h.ctRefresh(c, timeout)
		if stream {
			c.status |= stack.IPSAssured
			c.events |= ipctAssured
		}
	} else {
		h.ctRefresh(c, timeout)
	}
	h.ctAcct(c, p, reply)
	return ctAccept
}

// ctICMPPacket is nf_conntrack_icmp_packet: only query types (echo,
// timestamp, ...) start an entry; every packet renews
// nf_conntrack_icmp_timeout (icmpv6_timeout). ICMP entries are never
// assured.
func (h *Host) ctICMPPacket(c *Conn, p *Packet, reply bool) ctVerdict {
	if !c.inTable && c.status&stack.IPSConfirmed == 0 && !icmpNewOK(p.Proto, p.ICMP.Type) {
		return ctInvalidPkt
	}
	k := sysctl.NfConntrackICMPTimeout
	if c.v6 {
		k = sysctl.NfConntrackICMPv6Timeout
	}
	h.ctRefresh(c, h.ctTimeout(k))
	h.ctAcct(c, p, reply)
	return ctAccept
}
