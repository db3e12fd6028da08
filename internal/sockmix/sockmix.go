// Package sockmix creates and holds a fixed mix of sockets of every kind ss
// shows (TCP in most states, UDP, raw, unix, packet, netlink, MPTCP), with
// fixed port numbers, so tests can run ss-like tools against a namespace
// whose sockets they know. Its command, cmd/sockmix, is started inside a
// test network namespace and prints "ready" when the mix is settled.
//
// Ports are chosen to exercise column widths (1 to 5 digits) and service
// names from /etc/services (ssh, http, postgresql, https, domain, ...).
package sockmix

// Ports of the TCP listeners.
const (
	PortSSH        = 22    // 0.0.0.0:22 listener (ssh)
	PortHTTP       = 80    // 127.0.0.1:80 listener (http)
	PortPostgres   = 5432  // [::]:5432 listener, IPV6_V6ONLY (postgresql)
	PortHTTPS      = 443   // [::]:443 dual-stack listener (https)
	PortHTTPAlt    = 8080  // [::1]:8080 listener (http-alt)
	PortEcho       = 7     // 127.0.0.1:7 listener (echo)
	PortDiscard    = 9     // 0.0.0.0:9 listener bound to device lo (discard)
	PortHigh       = 12345 // 127.0.0.1:12345 listener (no service name)
	PortMarked     = 61000 // 127.0.0.1:61000 listener with SO_MARK Mark
	PortDefer      = 2000  // 127.0.0.2:2000 listener with TCP_DEFER_ACCEPT (SYN-RECV)
	PortFull       = 3000  // 127.0.0.1:3000 listener with a full accept queue (SYN-SENT)
	PortSMTP       = 25    // extra-device address listener (smtp), when a device is given
	PortMPTCP      = 8443  // 127.0.0.1:8443 MPTCP listener, when the kernel has MPTCP
	PortUnaccepted = 4444  // 127.0.0.1:4444 listener holding one unaccepted connection
	PortBGP        = 179   // 127.0.0.1:179 listener with TCP-MD5 keys (bgp), see MD5Keys
)

// Client ports of the TCP connections (each client binds its port).
const (
	ClientSmallV4  = 40001 // 127.0.0.1:40001 -> :80, small data queued both ways
	ClientSmallV6  = 40002 // [::1]:40002 -> [::1]:8080, small data queued both ways
	ClientMapped   = 40003 // 127.0.0.1:40003 -> dual-stack :443 (v4-mapped on the server side)
	ClientFull     = 40004 // 127.0.0.1:40004 -> :22, peer window filled (Send-Q and Recv-Q)
	ClientFinWait1 = 40005 // [::1]:40005 -> :5432, window filled then shut down (FIN-WAIT-1)
	ClientFinWait2 = 40006 // 127.0.0.1:40006 -> :7, shut down (FIN-WAIT-2 / CLOSE-WAIT)
	ClientTimeWait = 40007 // 127.0.0.1:40007 -> :12345, closed first (TIME-WAIT)
	ClientSynRecv  = 40008 // 127.0.0.1:40008 -> 127.0.0.2:2000 (server side SYN-RECV)
	ClientQueued   = 40009 // 127.0.0.1:40009 -> :3000, sits in the accept queue
	ClientSynSent  = 40010 // 127.0.0.1:40010 -> :3000, SYN dropped (SYN-SENT)
	ClientMarked   = 40011 // 127.0.0.1:40011 -> :61000, SO_MARK and SO_BINDTODEVICE lo
	ClientKeep     = 1023  // 127.0.0.1:1023 -> :80, SO_KEEPALIVE (4-digit port)
	ClientPending  = 40012 // 127.0.0.1:40012 -> :4444, never accepted
	ClientDev      = 40013 // extra-device address -> same address :25, when a device is given
	ClientMPTCP    = 40014 // 127.0.0.1:40014 -> :8443 over MPTCP, when the kernel has MPTCP
)

// UDP ports.
const (
	UDPDomain   = 53    // 0.0.0.0:53 (domain), holds queued datagrams
	UDPNTP      = 123   // [::1]:123 (ntp)
	UDPMDNS     = 5353  // [::]:5353 dual-stack (mdns)
	UDPTFTP     = 69    // 127.0.0.1:69 connected to 127.0.0.1:53 (tftp)
	UDPOne      = 1     // 127.0.0.1:1 (tcpmux)
	UDPMarked   = 50000 // 127.0.0.1:50000, SO_MARK Mark, bound to device lo
	UDPClientV6 = 40020 // [::1]:40020 connected to [::1]:123
	UDPDevPort  = 53    // extra-device address :53 (v4 and v6), when a device is given
)

// Mark is the SO_MARK value of the marked sockets.
const Mark = 0x2a

// MD5Keys are the TCP-MD5 keys of the PortBGP listener: peer address and
// key. The keys hold a space, a comma, a backslash and a control byte, the
// characters ss escapes.
var MD5Keys = []struct{ Peer, Key string }{
	{"127.0.0.2", "se,cr t\\\x01"},
	{"::1", "k2"},
}

// Unix socket names, relative to the directory given to Build.
const (
	UnixStream    = "stream.sock"
	UnixDgram     = "dgram.sock"
	UnixSeqpacket = "seq.sock"
	// Abstract names are shown by ss with a leading '@'.
	AbstractStream = "sbt-abstract-stream"
	AbstractDgram  = "sbt-abstract-dgram"
)

// Queued data sizes (bytes written and never read by the peer).
const (
	SmallClientBytes = 100
	SmallServerBytes = 300
	UnixStreamBytes  = 50
	UDPDatagramBytes = 64
)
