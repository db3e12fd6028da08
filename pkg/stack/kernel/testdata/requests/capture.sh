#!/bin/sh
# Regenerates the request fixtures: the sock_diag requests iproute2's ss
# sends for a few command lines, captured with strace, one message a line
# in hex. Needs root, ss and strace; run from this directory.
set -eu
ns=sbk-capture-$$
ip netns add "$ns"
trap 'ip netns del "$ns"' EXIT
ip -n "$ns" link set lo up
capture() {
	out=$1
	shift
	{
		echo "# ss $*"
		ip netns exec "$ns" strace -e trace=sendmsg,sendto -e write=3 -s 0 ss "$@" 2>&1 >/dev/null |
			awk '
				/^(sendmsg|sendto)\(/ { if (msg != "") print msg; msg = ""; next }
				/^ \| [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / {
					line = substr($0, 11, 49)
					gsub(/ /, "", line)
					msg = msg line
				}
				END { if (msg != "") print msg }'
	} >"$out"
}
capture tan.hex -tan
capture tn.hex -tn
capture tln4.hex -tln4
capture 6tn.hex -6tn
capture tmie.hex -tmie
capture tos.hex -tn --tos
capture filter.hex -tan 'sport = :22 or dport = :80'
capture uan.hex -uan
capture wan.hex -wan
capture mptcp.hex -Mn
capture mptcp_filter.hex -Man 'sport = :22'
capture xn.hex -xn
capture xame.hex -xame
capture packet.hex -0n
capture netlink.hex -a -A netlink
