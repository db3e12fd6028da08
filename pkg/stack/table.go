package stack

import "strings"

// Table is one of the socket tables ss can dump.
type Table uint8

// The socket tables, numbered in the order ss 6.1 dumps them: netlink,
// packet, unix, raw, udp, tcp, dccp, sctp, then mptcp. The packet tables are dumped
// together, and so are the unix ones, in the kernel's order.
const (
	TableNone Table = iota
	TableNetlink
	TablePacketRaw
	TablePacketDgram
	TableUnixStream
	TableUnixDgram
	TableUnixSeqpacket
	TableRaw
	TableUDP
	TableTCP
	TableDCCP
	TableSCTP
	TableMPTCP
	tableCount
)

// Tables lists every table in the order ss dumps them.
var Tables = []Table{
	TableNetlink, TablePacketRaw, TablePacketDgram,
	TableUnixStream, TableUnixDgram, TableUnixSeqpacket,
	TableRaw, TableUDP, TableTCP, TableDCCP, TableSCTP, TableMPTCP,
}

var tableNetids = [tableCount]string{
	TableNone:          "???",
	TableNetlink:       "nl",
	TablePacketRaw:     "p_raw",
	TablePacketDgram:   "p_dgr",
	TableUnixStream:    "u_str",
	TableUnixDgram:     "u_dgr",
	TableUnixSeqpacket: "u_seq",
	TableRaw:           "raw",
	TableUDP:           "udp",
	TableTCP:           "tcp",
	TableDCCP:          "dccp",
	TableSCTP:          "sctp",
	TableMPTCP:         "mptcp",
}

// Netid is the short name ss prints in its Netid column.
func (t Table) Netid() string {
	if t < tableCount {
		return tableNetids[t]
	}
	return "???"
}

func (t Table) String() string { return t.Netid() }

// IsUnix reports whether t is one of the three AF_UNIX tables.
func (t Table) IsUnix() bool {
	return t == TableUnixStream || t == TableUnixDgram || t == TableUnixSeqpacket
}

// IsPacket reports whether t is one of the two AF_PACKET tables.
func (t Table) IsPacket() bool { return t == TablePacketRaw || t == TablePacketDgram }

// IsInet reports whether t is an AF_INET/AF_INET6 table.
func (t Table) IsInet() bool {
	switch t {
	case TableTCP, TableUDP, TableRaw, TableDCCP, TableSCTP, TableMPTCP:
		return true
	}
	return false
}

// TableSet is a set of tables.
type TableSet uint32

// Has reports whether t is in the set.
func (s TableSet) Has(t Table) bool { return s&(1<<t) != 0 }

// With returns the set with t added.
func (s TableSet) With(t Table) TableSet { return s | 1<<t }

// Without returns the set with t removed.
func (s TableSet) Without(t Table) TableSet { return s &^ (1 << t) }

// String lists the set's netids.
func (s TableSet) String() string {
	var names []string
	for _, t := range Tables {
		if s.Has(t) {
			names = append(names, t.Netid())
		}
	}
	return strings.Join(names, ",")
}
