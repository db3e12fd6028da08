package filter

import "strings"

// llProtos are the link-layer protocol names iproute2 6.1 accepts after
// "link:" (matched case-insensitively, first match wins), with their
// ethertypes.
var llProtos = []struct {
	name string
	id   uint16
}{
	{"loop", 0x0060}, {"pup", 0x0200}, {"pupat", 0x0201}, {"ip", 0x0800},
	{"x25", 0x0805}, {"arp", 0x0806}, {"bpq", 0x08ff}, {"ieeepup", 0x0a00},
	{"ieeepupat", 0x0a01}, {"dec", 0x6000}, {"dna_dl", 0x6001}, {"dna_rc", 0x6002},
	{"dna_rt", 0x6003}, {"lat", 0x6004}, {"diag", 0x6005}, {"cust", 0x6006},
	{"sca", 0x6007}, {"rarp", 0x8035}, {"atalk", 0x809b}, {"aarp", 0x80f3},
	{"ipx", 0x8137}, {"ipv6", 0x86dd}, {"ppp_disc", 0x8863}, {"ppp_ses", 0x8864},
	{"atmmpoa", 0x884c}, {"atmfate", 0x8884}, {"802_3", 0x0001}, {"ax25", 0x0002},
	{"all", 0x0003}, {"802_2", 0x0004}, {"snap", 0x0005}, {"ddcmp", 0x0006},
	{"wan_ppp", 0x0007}, {"ppp_mp", 0x0008}, {"localtalk", 0x0009}, {"can", 0x000c},
	{"ppptalk", 0x0010}, {"tr_802_2", 0x0011}, {"mobitex", 0x0015}, {"control", 0x0016},
	{"irda", 0x0017}, {"econet", 0x0018}, {"tipc", 0x88ca}, {"profinet", 0x8892},
	{"aoe", 0x88a2}, {"ethercat", 0x88a4}, {"802.1Q", 0x8100}, {"802.1ad", 0x88a8},
	{"mpls_uc", 0x8847}, {"mpls_mc", 0x8848}, {"teb", 0x6558},
	{"802.1Q", 0x8100}, {"LLDP", 0x88cc}, {"ipv4", 0x0800},
}

// llProtoA2N is iproute2's ll_proto_a2n: a protocol name or a 16-bit
// number; the result is the ethertype in host order.
func llProtoA2N(s string) (uint16, bool) {
	for _, p := range llProtos {
		if strings.EqualFold(p.name, s) {
			return p.id, true
		}
	}
	return getU16(s)
}

// nlProtos are the netlink protocol names of iproute2's default
// /etc/iproute2/nl_protos, indexed by protocol number.
var nlProtos = [...]string{
	0: "rtnl", 1: "unused", 2: "usersock", 3: "fw", 4: "tcpdiag", 5: "nflog",
	6: "xfrm", 7: "selinux", 8: "iscsi", 9: "audit", 10: "fiblookup",
	11: "connector", 12: "nft", 13: "ip6fw", 14: "dec-rt", 15: "uevent",
	16: "genl", 18: "scsi-trans", 19: "ecryptfs", 20: "rdma", 21: "crypto",
}

// nlProtoA2N is iproute2's nl_proto_a2n: a protocol name (case-sensitive)
// or a 32-bit number.
func nlProtoA2N(s string) (uint32, bool) {
	for i, n := range nlProtos {
		if n != "" && n == s {
			return uint32(i), true
		}
	}
	return getUnsigned(s)
}
