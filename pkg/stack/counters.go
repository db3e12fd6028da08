package stack

import "context"

// Counter is one protocol counter, named as nstat names it: the table's
// prefix followed by the field ("IpInReceives", "TcpActiveOpens",
// "Ip6InReceives", "TcpExtListenOverflows", "IcmpMsgInType3").
type Counter struct {
	Name  string
	Value uint64
}

// Counters is a snapshot of a stack's protocol counters (the kernel's
// SNMP and extended MIBs), in the order nstat 6.1 lists them:
// /proc/net/sctp/snmp when present (Sctp), /proc/net/snmp (Ip, Icmp,
// IcmpMsg, Tcp, Udp, UdpLite), /proc/net/snmp6, then /proc/net/netstat
// (TcpExt, IpExt, MPTcpExt, ...). The values nstat drops (Ip Forwarding and
// DefaultTTL, Tcp RtoAlgorithm, RtoMin, RtoMax, MaxConn and CurrEstab) are
// not included.
type Counters struct {
	List []Counter
	// Warnings are problems that cost a part of the input, not the
	// whole: a truncated or garbled line, named by file and line.
	Warnings []string
}

// SoftnetStat is one CPU's line of /proc/net/softnet_stat. Columns holds
// every column the kernel printed, in order; the named fields are those
// columns where the kernel has them (older kernels print fewer).
type SoftnetStat struct {
	CPU           int // the CPU number (the cpu column, or the line index)
	Processed     uint32
	Dropped       uint32
	TimeSqueeze   uint32
	ReceivedRPS   uint32
	FlowLimit     uint32
	BacklogLen    uint32 // input_queue_len + process_queue_len
	HasBacklogLen bool
	Columns       []uint32
}

// CounterStack is a stack whose protocol counters can be read (nstat).
type CounterStack interface {
	// Counters reads the protocol counters.
	Counters(ctx context.Context) (*Counters, error)
	// Softnet reads the per-CPU packet processing statistics.
	Softnet(ctx context.Context) ([]SoftnetStat, error)
}
