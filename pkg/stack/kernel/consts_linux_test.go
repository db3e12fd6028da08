package kernel

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestConstants checks the numbers spelled out in consts.go against
// golang.org/x/sys/unix, for those it has. (It lacks most sock_diag
// ones; testdata/requests checks the request layouts against ss.)
func TestConstants(t *testing.T) {
	for _, c := range []struct {
		name      string
		ours, sys int
	}{
		{"SOCK_DIAG_BY_FAMILY", sockDiagByFamily, unix.SOCK_DIAG_BY_FAMILY},
		{"SOCK_DESTROY", sockDestroy, unix.SOCK_DESTROY},
		{"NLM_F_DUMP", nlmFDump, unix.NLM_F_DUMP},
		{"NLM_F_ACK", nlmFAck, unix.NLM_F_ACK},
		{"NLM_F_MULTI", nlmFMulti, unix.NLM_F_MULTI},
		{"NLMSG_DONE", nlmsgDone, unix.NLMSG_DONE},
		{"NLMSG_ERROR", nlmsgError, unix.NLMSG_ERROR},
		{"AF_UNIX", afUnix, unix.AF_UNIX},
		{"AF_INET", afInet, unix.AF_INET},
		{"AF_INET6", afInet6, unix.AF_INET6},
		{"AF_NETLINK", afNetlink, unix.AF_NETLINK},
		{"AF_PACKET", afPacket, unix.AF_PACKET},
		{"IPPROTO_MPTCP", ipprotoMPTCP, unix.IPPROTO_MPTCP},
		{"IPPROTO_RAW", ipprotoRaw, unix.IPPROTO_RAW},
		{"SOCK_SEQPACKET", sockSeqpacket, unix.SOCK_SEQPACKET},
		{"SKNLGRP_INET6_UDP_DESTROY", sknlgrpInet6UDPDestroy, unix.SKNLGRP_INET6_UDP_DESTROY},
	} {
		if c.ours != c.sys {
			t.Errorf("%s: %d here, %d in x/sys/unix", c.name, c.ours, c.sys)
		}
	}
}
