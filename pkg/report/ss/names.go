package ss

import "github.com/stackbox/stackbox/pkg/stack"

// llProtoNames is iproute2 6.1's table of ethertype names (lib/ll_proto.c),
// searched in order.
var llProtoNames = []struct {
	id   uint16
	name string
}{
	{0x0060, "loop"}, {0x0200, "pup"}, {0x0201, "pupat"}, {0x0800, "ip"},
	{0x0805, "x25"}, {0x0806, "arp"}, {0x08FF, "bpq"}, {0x0a00, "ieeepup"},
	{0x0a01, "ieeepupat"}, {0x6000, "dec"}, {0x6001, "dna_dl"}, {0x6002, "dna_rc"},
	{0x6003, "dna_rt"}, {0x6004, "lat"}, {0x6005, "diag"}, {0x6006, "cust"},
	{0x6007, "sca"}, {0x8035, "rarp"}, {0x809B, "atalk"}, {0x80F3, "aarp"},
	{0x8137, "ipx"}, {0x86DD, "ipv6"}, {0x8863, "ppp_disc"}, {0x8864, "ppp_ses"},
	{0x884c, "atmmpoa"}, {0x8884, "atmfate"}, {0x0001, "802_3"}, {0x0002, "ax25"},
	{0x0003, "all"}, {0x0004, "802_2"}, {0x0005, "snap"}, {0x0006, "ddcmp"},
	{0x0007, "wan_ppp"}, {0x0008, "ppp_mp"}, {0x0009, "localtalk"}, {0x000C, "can"},
	{0x0010, "ppptalk"}, {0x0011, "tr_802_2"}, {0x0015, "mobitex"}, {0x0016, "control"},
	{0x0017, "irda"}, {0x0018, "econet"}, {0x88CA, "tipc"}, {0x8892, "profinet"},
	{0x88A2, "aoe"}, {0x88A4, "ethercat"}, {0x8100, "802.1Q"}, {0x88A8, "802.1ad"},
	{0x8847, "mpls_uc"}, {0x8848, "mpls_mc"}, {0x6558, "teb"}, {0x88cc, "LLDP"},
}

// llProtoName returns the name ss prints for an ethertype, "" if none.
func llProtoName(id uint16) string {
	for _, p := range llProtoNames {
		if p.id == id {
			return p.name
		}
	}
	return ""
}

// nlProtoNames are the netlink protocol names of iproute2's rt_names.c
// (and of the /etc/iproute2/nl_protos Debian ships, which agrees).
var nlProtoNames = [...]string{
	0: "rtnl", 1: "unused", 2: "usersock", 3: "fw", 4: "tcpdiag", 5: "nflog",
	6: "xfrm", 7: "selinux", 8: "iscsi", 9: "audit", 10: "fiblookup",
	11: "connector", 12: "nft", 13: "ip6fw", 14: "dec-rt", 15: "uevent",
	16: "genl", 18: "scsi-trans", 19: "ecryptfs", 20: "rdma", 21: "crypto",
}

func nlProtoName(id uint16) string {
	if int(id) < len(nlProtoNames) {
		return nlProtoNames[id]
	}
	return ""
}

// stateNames are ss's State column names; states past Closing have no
// name in ss 6.1 and print as UNKNOWN here.
var stateNames = [...]string{
	"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2",
	"TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING",
}

func stateName(s stack.State) string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "UNKNOWN"
}

var timerNames = [...]string{"off", "on", "keepalive", "timewait", "persist", "unknown"}

func timerName(kind uint8) string {
	if kind > 4 {
		kind = 5
	}
	return timerNames[kind]
}

// serviceProto is the protocol name ss looks services up with.
func serviceProto(t stack.Table) string {
	switch t {
	case stack.TableUDP:
		return "udp"
	case stack.TableRaw:
		return "raw"
	}
	return "tcp"
}
