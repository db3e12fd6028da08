#!/usr/bin/env bash
# conntrack.sh: whole-tool benchmark of `stackbox conntrack` against
# conntrack-tools on a network namespace holding many flows. See
# bench/README.md.
#
#   bench/conntrack.sh [-q] [-n FLOWS] [-r ROUNDS] [-c CASE]... [--ct-only] [--keep]
#
# Needs root (ip netns), conntrack, ip and go. Loads the flows with
# conntrack -R, then prints, per case, the medians of CPU time (user+sys),
# wall time and max RSS of each tool run inside the namespace, the ratios
# stackbox/conntrack, and whether the two outputs were identical.
set -euo pipefail

usage() {
	sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"
	cat <<'EOT'
Options:
  -q            quick mode: 5,000 flows, 3 rounds
  -n FLOWS      flows to load (default 100000)
  -r ROUNDS     runs of each tool per case (default 9)
  -c CASE       run only this case (conntrack arguments, as one word;
                repeatable), e.g. -c -L -c "-L -p tcp --dport 5002"
  --ct-only     time conntrack alone (no stackbox build)
  --keep        keep the namespace at the end, and print how to remove it
EOT
}

FLOWS=100000
ROUNDS=9
CT_ONLY=0
KEEP=0
CASES=()
while [ $# -gt 0 ]; do
	case "$1" in
	-q) FLOWS=5000; ROUNDS=3 ;;
	-n) FLOWS=$2; shift ;;
	-r) ROUNDS=$2; shift ;;
	-c) CASES+=("$2"); shift ;;
	--ct-only) CT_ONLY=1 ;;
	--keep) KEEP=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "conntrack.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if [ ${#CASES[@]} -eq 0 ]; then
	# The filtered dump matches a tenth of the flows (TCP flows spread
	# over nine ports 5002-5010 and UDP uses 53): both tools filter in
	# user space, as the dump asks for both families. The mark dump is
	# filtered by the kernel for both. -V does no work: it is each tool's
	# cost of starting.
	CASES=("-L" "-L -p tcp --dport 5002" "-L -m 3" "-C" "-S" "-V")
fi
case "$FLOWS$ROUNDS" in *[!0-9]*) echo "conntrack.sh: -n and -r take numbers" >&2; exit 2 ;; esac
[ "$ROUNDS" -ge 1 ] || { echo "conntrack.sh: -r must be at least 1" >&2; exit 2; }

CT=${CT:-conntrack}
for tool in ip "$CT" go awk; do
	command -v "$tool" >/dev/null || { echo "conntrack.sh: needs $tool" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "conntrack.sh: needs root (ip netns add)" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
OUT=$ROOT/bench/out
NS=sbbench-ct-$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sbbench.XXXXXX")

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "$KEEP" -eq 1 ]; then
		echo "kept: namespace $NS; remove with: ip netns del $NS"
	else
		ip netns del "$NS" 2>/dev/null || true
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "# building in $OUT"
mkdir -p "$OUT"
(cd "$ROOT" && go build -o "$OUT/cmdtime" ./bench/cmdtime)
SB=$OUT/stackbox
if [ "$CT_ONLY" -eq 0 ]; then
	if ! (cd "$ROOT" && CGO_ENABLED=0 go build -o "$SB" .); then
		echo "# stackbox does not build: timing conntrack alone" >&2
		CT_ONLY=1
	fi
fi

echo "# loading $FLOWS flows into namespace $NS"
ip netns add "$NS"
# Nine in ten flows are TCP (four states, ports 5002-5010), one in ten
# UDP to port 53; sources are distinct addresses. The flows to port 5004
# carry mark 3, loaded from a file of their own: conntrack 1.4.7's -R
# parses the whole file before running it, and one -m would mark them all.
awk -v n="$FLOWS" -v marked="$WORK/marked" -v rest="$WORK/flows" 'BEGIN {
	split("ESTABLISHED TIME_WAIT SYN_SENT FIN_WAIT", st, " ")
	for (i = 0; i < n; i++) {
		src = sprintf("10.%d.%d.%d", 1 + int(i / 62500), int(i / 250) % 250, i % 250 + 1)
		sport = 1024 + i % 60000
		if (i % 10 == 0)
			printf "-I -p udp -s %s -d 10.200.0.1 --sport %d --dport 53 -t 3600\n", src, sport >rest
		else if (i % 10 == 3)
			printf "-I -p tcp -s %s -d 10.200.0.%d --sport %d --dport %d --state %s -t 3600 -u SEEN_REPLY,ASSURED -m 3\n",
				src, 1 + i % 7, sport, 5001 + i % 10, st[1 + i % 4] >marked
		else
			printf "-I -p tcp -s %s -d 10.200.0.%d --sport %d --dport %d --state %s -t 3600 -u SEEN_REPLY,ASSURED\n",
				src, 1 + i % 7, sport, 5001 + i % 10, st[1 + i % 4] >rest
	}
}'
ip netns exec "$NS" "$CT" -R "$WORK/flows" 2>/dev/null
ip netns exec "$NS" "$CT" -R "$WORK/marked" 2>/dev/null
LOADED=$(ip netns exec "$NS" "$CT" -C)
echo "# $LOADED flows; $(nproc) cpus, kernel $(uname -r), $("$CT" -V 2>&1), $ROUNDS rounds"

CMDTIME_ARGS=(-n "$NS")

printf '\n%-30s %9s %9s %6s   %9s %9s %6s   %8s %8s   %s\n' \
	"case (conntrack ...)" "ct cpu" "sb cpu" "ratio" "ct wall" "sb wall" "ratio" "ct rss" "sb rss" "output"
i=0
for c in "${CASES[@]}"; do
	i=$((i + 1))
	eval "args=($c)"
	ctf=$WORK/$i.ct sbf=$WORK/$i.sb
	: >"$ctf"
	: >"$sbf"
	: >"$ctf.err"
	: >"$sbf.err"
	for r in $(seq 1 "$ROUNDS"); do
		# Alternate which tool goes first.
		if [ $((r % 2)) -eq 1 ]; then
			run "$ctf" "$CT" "${args[@]}"
			[ "$CT_ONLY" -eq 1 ] || run "$sbf" "$SB" conntrack "${args[@]}"
		else
			[ "$CT_ONLY" -eq 1 ] || run "$sbf" "$SB" conntrack "${args[@]}"
			run "$ctf" "$CT" "${args[@]}"
		fi
	done
	if [ -n "$(failure "$ctf")" ]; then
		echo "conntrack.sh: conntrack $c $(failure "$ctf")" >&2
		exit 1
	fi
	ctcpu=$(median "$ctf" 2) ctwall=$(median "$ctf" 1) ctrss=$(median "$ctf" 5)
	same="-"
	sbcpu=nan sbwall=nan sbrss=nan
	if [ "$CT_ONLY" -eq 0 ]; then
		sbcpu=$(median "$sbf" 2) sbwall=$(median "$sbf" 1) sbrss=$(median "$sbf" 5)
		# One more untimed run of each to compare the outputs, timeouts
		# blanked (they tick between the two runs).
		blank() { sed -E 's/^([a-z0-9]+ +[0-9]+ )[0-9]+ /\1T /'; }
		ip netns exec "$NS" "$CT" "${args[@]}" 2>/dev/null | blank >"$WORK/$i.ct.txt" || true
		ip netns exec "$NS" "$SB" conntrack "${args[@]}" 2>/dev/null | blank >"$WORK/$i.sb.txt" || true
		if [ -n "$(failure "$sbf")" ]; then
			same="stackbox $(failure "$sbf")"
		elif cmp -s "$WORK/$i.ct.txt" "$WORK/$i.sb.txt"; then
			same="identical ($(wc -l <"$WORK/$i.ct.txt") lines)"
		elif [ ! -s "$WORK/$i.sb.txt" ]; then
			same="stackbox printed nothing"
		else
			same="differs: $({ diff "$WORK/$i.ct.txt" "$WORK/$i.sb.txt" || true; } | grep -c '^[<>]' || true) lines"
		fi
	fi
	printf '%-30s %9s %9s %6s   %9s %9s %6s   %8s %8s   %s\n' "$c" \
		"$ctcpu" "$sbcpu" "$(ratio "$sbcpu" "$ctcpu")" \
		"$ctwall" "$sbwall" "$(ratio "$sbwall" "$ctwall")" \
		"$ctrss" "$sbrss" "$same"
done
echo
echo "# cpu and wall in ms (medians), rss in KiB; ratio = stackbox/conntrack"
