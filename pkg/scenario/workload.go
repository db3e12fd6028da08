package scenario

import (
	"net/netip"
	"time"
)

// Kind names what a workload does.
type Kind string

// The kinds of workload; each has its own settings struct in Workload.
const (
	KindBulk     Kind = "bulk"
	KindReqResp  Kind = "reqresp"
	KindStorm    Kind = "storm"
	KindUDP      Kind = "udp"
	KindSYNFlood Kind = "synflood"
	KindIdle     Kind = "idle"
)

// Workload is one application running between hosts from Start to Stop.
// Exactly one of the kind pointers is set, the one Kind names.
type Workload struct {
	// Name is shown as the process owning the workload's sockets; default
	// the kind's name.
	Name string `yaml:"name"`
	Kind Kind
	// Start is when the workload starts; default 0.
	Start time.Duration `yaml:"start"`
	// Stop is when it stops opening connections and sending; default the
	// scenario's duration.
	Stop time.Duration `yaml:"stop"`

	Bulk     *Bulk     `yaml:"bulk"`
	ReqResp  *ReqResp  `yaml:"reqresp"`
	Storm    *Storm    `yaml:"storm"`
	UDP      *UDP      `yaml:"udp"`
	SYNFlood *SYNFlood `yaml:"synflood"`
	Idle     *Idle     `yaml:"idle"`

	Line int `yaml:"-"`
}

// Target is the listening side of a workload.
type Target struct {
	// Server is the host that listens.
	Server string `yaml:"server"`
	// Address is the address the clients connect to; it must be one of the
	// server's. Default: the server's first address.
	Address netip.Addr `yaml:"address"`
	// Port is the listening port; the default depends on the kind.
	Port uint16 `yaml:"port"`
}

// SocketOptions are socket options set by the application; zero values keep
// the stack's defaults (the sysctls).
type SocketOptions struct {
	NoDelay bool `yaml:"nodelay"` // TCP_NODELAY
	Cork    bool `yaml:"cork"`    // TCP_CORK
	// SndBuf and RcvBuf set SO_SNDBUF and SO_RCVBUF, which turn autotuning
	// off; 0 = autotuned within tcp_wmem and tcp_rmem.
	SndBuf Size `yaml:"sndbuf"`
	RcvBuf Size `yaml:"rcvbuf"`
	// Congestion sets TCP_CONGESTION ("cubic", "reno", ...); "" = the
	// net.ipv4.tcp_congestion_control sysctl.
	Congestion string `yaml:"congestion"`
	// MaxSeg sets TCP_MAXSEG; 0 = from the MTU.
	MaxSeg int `yaml:"maxseg"`
	// Keepalive sets SO_KEEPALIVE; KeepIdle, KeepIntvl and KeepCnt set
	// TCP_KEEPIDLE, TCP_KEEPINTVL and TCP_KEEPCNT (0 = the sysctls).
	Keepalive bool          `yaml:"keepalive"`
	KeepIdle  time.Duration `yaml:"keepidle"`
	KeepIntvl time.Duration `yaml:"keepintvl"`
	KeepCnt   int           `yaml:"keepcnt"`
	// Linger sets SO_LINGER on; with 0 a close sends RST and skips
	// TIME_WAIT. nil = off.
	Linger *time.Duration `yaml:"linger"`
}

// Bulk is an iperf-like transfer: the client connects and sends as fast as
// TCP allows.
type Bulk struct {
	Client string           `yaml:"client"`
	Target `yaml:",inline"` // default port 5201
	// Streams is the number of parallel connections; default 1.
	Streams int `yaml:"streams"`
	// Bytes is how much each stream sends; 0 = until Stop.
	Bytes Size `yaml:"bytes"`
	// Write is the size of each write(); default 128KiB.
	Write Size `yaml:"write"`
	// Reverse makes the server send and the client receive (iperf -R).
	Reverse bool `yaml:"reverse"`
	// Backlog is the server's listen() backlog; 0 = somaxconn.
	Backlog int `yaml:"backlog"`
	// Socket applies to the client's sockets, ServerSocket to the server's.
	Socket       SocketOptions `yaml:"socket"`
	ServerSocket SocketOptions `yaml:"server_socket"`
}

// ReqResp is an HTTP-like load: each client host runs Concurrency loops
// that send a request, read the response and think.
type ReqResp struct {
	Clients []string         `yaml:"clients"`
	Target  `yaml:",inline"` // default port 80
	// Concurrency is the number of loops on each client host; default 1.
	Concurrency int `yaml:"concurrency"`
	// Request and Response are the message sizes; default 100B and 1KB.
	Request  SizeDist `yaml:"request"`
	Response SizeDist `yaml:"response"`
	// Think is the pause between a response and the next request.
	Think TimeDist `yaml:"think"`
	// Service is the server's time to answer a request.
	Service TimeDist `yaml:"service"`
	// Rate makes each client host send requests open-loop at this rate,
	// bounded by Concurrency outstanding requests; 0 = closed loop.
	Rate PerSecond `yaml:"rate"`
	// Requests bounds the number of requests per loop; 0 = until Stop.
	Requests int `yaml:"requests"`
	// NewConnection opens a connection per request (HTTP/1.0 style)
	// instead of keeping one per loop.
	NewConnection bool `yaml:"new_connection"`
	// Backlog is the server's listen() backlog; 0 = somaxconn.
	Backlog int `yaml:"backlog"`
	// AcceptRate makes a slow server that accepts at most this many
	// connections per second; 0 = accepts at once.
	AcceptRate   PerSecond     `yaml:"accept_rate"`
	Socket       SocketOptions `yaml:"socket"`
	ServerSocket SocketOptions `yaml:"server_socket"`
}

// Closer says which side of a connection closes first (and so goes through
// TIME_WAIT).
type Closer string

// The sides that can close first.
const (
	CloserClient Closer = "client"
	CloserServer Closer = "server"
)

// Storm is a stream of short connections: connect, send a request, read a
// response, close.
type Storm struct {
	Client string           `yaml:"client"`
	Target `yaml:",inline"` // default port 8080
	// Rate is the connection rate; 0 = each of Concurrency loops opens the
	// next connection as soon as the last one is closed.
	Rate PerSecond `yaml:"rate"`
	// Concurrency bounds the connections open at once; default 1 with no
	// Rate, unbounded (0) with one.
	Concurrency int `yaml:"concurrency"`
	// Count bounds the number of connections; 0 = until Stop.
	Count    int  `yaml:"count"`
	Request  Size `yaml:"request"`  // default 100B
	Response Size `yaml:"response"` // default 1KB
	// Closer is the side that closes first; default client.
	Closer Closer `yaml:"closer"`
	// Backlog is the server's listen() backlog; 0 = somaxconn.
	Backlog int `yaml:"backlog"`
	// AcceptRate makes a slow server that accepts at most this many
	// connections per second; 0 = accepts at once.
	AcceptRate   PerSecond     `yaml:"accept_rate"`
	Socket       SocketOptions `yaml:"socket"`
	ServerSocket SocketOptions `yaml:"server_socket"`
}

// UDP is a stream of datagrams from the client to the server: Burst
// datagrams back to back, every Interval (or as often as Rate allows).
type UDP struct {
	Client string           `yaml:"client"`
	Target `yaml:",inline"` // default port 5201
	// Size is the payload of each datagram; default 1472B.
	Size Size `yaml:"size"`
	// Rate is the average bit rate of the payload; exactly one of Rate and
	// Interval is set.
	Rate     Bitrate       `yaml:"rate"`
	Interval time.Duration `yaml:"interval"`
	// Burst is the number of datagrams sent back to back; default 1.
	Burst int `yaml:"burst"`
	// Flows spreads the datagrams over this many source ports, round
	// robin; default 1.
	Flows int `yaml:"flows"`
	// Count bounds the number of datagrams; 0 = until Stop.
	Count int64 `yaml:"count"`
	// ServerSocket applies to the receiving socket (rcvbuf).
	ServerSocket SocketOptions `yaml:"server_socket"`
}

// SYNFlood sends SYNs that never complete the handshake.
type SYNFlood struct {
	// Source is the host that sends the SYNs.
	Source string           `yaml:"source"`
	Target `yaml:",inline"` // default port 80
	// Rate is SYNs per second; required.
	Rate PerSecond `yaml:"rate"`
	// Spoof is the range the source addresses are drawn from (with the
	// scenario's RNG); invalid (zero) = the source's own address.
	Spoof netip.Prefix `yaml:"spoof"`
	// Count bounds the number of SYNs; 0 = until Stop.
	Count int64 `yaml:"count"`
}

// Idle opens Count connections that then stay idle, for keepalive.
type Idle struct {
	Client string           `yaml:"client"`
	Target `yaml:",inline"` // default port 22
	// Count is the number of connections; default 1.
	Count int `yaml:"count"`
	// Backlog is the server's listen() backlog; 0 = somaxconn.
	Backlog      int           `yaml:"backlog"`
	Socket       SocketOptions `yaml:"socket"`
	ServerSocket SocketOptions `yaml:"server_socket"`
}
