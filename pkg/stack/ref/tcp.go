package ref

// tcpTable is a host's TCP sockets. (Placeholder: the TCP implementation
// replaces this file.)
type tcpTable struct{}

// tcpInput handles a TCP segment for this host.
func (h *Host) tcpInput(p *Packet) {
	h.MIB.Inc(TcpInSegs)
	h.Net.pool.put(p)
}

// tcpError handles an ICMP error about a TCP segment we sent.
func (h *Host) tcpError(p *Packet) {}
