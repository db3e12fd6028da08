#!/usr/bin/env bash
# ss.sh: whole-tool benchmark of `stackbox ss` against iproute2's ss on a
# network namespace filled with TCP sockets. See bench/README.md.
#
#   bench/ss.sh [-q] [-n SOCKETS] [-r ROUNDS] [-c CASE]... [--ss-only] [--procmap] [--keep]
#
# Needs root (ip netns), ss, ip and go. Prints, per case, the medians of
# CPU time (user+sys), wall time and max RSS of each tool and the ratios
# stackbox/ss, then whether the two outputs were identical.
set -euo pipefail

usage() {
	sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"
	cat <<'EOF'
Options:
  -q            quick mode: 4,000 sockets, 3 rounds
  -n SOCKETS    sockets to open (default 80000)
  -r ROUNDS     runs of each tool per case (default 7)
  -c CASE       run only this case (ss arguments, as one word; repeatable),
                e.g. -c -tan -c "-tan 'sport = :5001'"
  --ss-only     time ss alone (no stackbox build)
  --procmap     also run bench/procmap (the -p scan alone, and a check of
                every socket's users against ss -tanpe)
  --keep        keep the namespace and sockfill running at the end, and
                print how to remove them
EOF
}

SOCKETS=80000
ROUNDS=7
SS_ONLY=0
PROCMAP=0
KEEP=0
CASES=()
while [ $# -gt 0 ]; do
	case "$1" in
	-q) SOCKETS=4000; ROUNDS=3 ;;
	-n) SOCKETS=$2; shift ;;
	-r) ROUNDS=$2; shift ;;
	-c) CASES+=("$2"); shift ;;
	--ss-only) SS_ONLY=1 ;;
	--procmap) PROCMAP=1 ;;
	--keep) KEEP=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "ss.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
if [ ${#CASES[@]} -eq 0 ]; then
	# About a tenth of the connections use port 5001 (sockfill spreads
	# them over ten listener ports).
	CASES=("-tan" "-tan 'sport = :5001 or dport = :5001'" "-tani" "-s" "-tanp")
fi
case "$SOCKETS$ROUNDS" in *[!0-9]*) echo "ss.sh: -n and -r take numbers" >&2; exit 2 ;; esac
[ "$ROUNDS" -ge 1 ] || { echo "ss.sh: -r must be at least 1" >&2; exit 2; }

SS=${SS:-ss}
for tool in ip "$SS" go; do
	command -v "$tool" >/dev/null || { echo "ss.sh: needs $tool" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "ss.sh: needs root (ip netns add)" >&2; exit 1; }

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
OUT=$ROOT/bench/out
NS=sbbench-$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sbbench.XXXXXX")
SFPID=

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "$KEEP" -eq 1 ] && [ -n "$SFPID" ]; then
		echo "kept: namespace $NS, sockfill pid $SFPID; remove with: kill $SFPID; ip netns del $NS"
	else
		if [ -n "$SFPID" ]; then
			kill "$SFPID" 2>/dev/null || true
			wait "$SFPID" 2>/dev/null || true
		fi
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
(cd "$ROOT" && go build -o "$OUT/sockfill" ./bench/sockfill && go build -o "$OUT/cmdtime" ./bench/cmdtime)
SB=$OUT/stackbox
if [ "$SS_ONLY" -eq 0 ]; then
	if ! (cd "$ROOT" && CGO_ENABLED=0 go build -o "$SB" .); then
		echo "# stackbox does not build: timing ss alone" >&2
		SS_ONLY=1
	fi
fi
if [ "$PROCMAP" -eq 1 ] && ! (cd "$ROOT" && go build -o "$OUT/procmap" ./bench/procmap); then
	echo "# bench/procmap does not build: skipped" >&2
	PROCMAP=0
fi

echo "# filling namespace $NS with $SOCKETS TCP sockets"
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" "$OUT/sockfill" -n "$SOCKETS" >"$WORK/sockfill.out" 2>"$WORK/sockfill.err" &
SFPID=$!
for _ in $(seq 1 1200); do
	grep -q '^ready' "$WORK/sockfill.out" 2>/dev/null && break
	if ! kill -0 "$SFPID" 2>/dev/null; then
		echo "ss.sh: sockfill failed:" >&2
		cat "$WORK/sockfill.err" >&2
		SFPID=
		exit 1
	fi
	sleep 0.1
done
grep -q '^ready' "$WORK/sockfill.out" || { echo "ss.sh: sockfill not ready after 120 s" >&2; exit 1; }
read -r _ OPENED PIDS <"$WORK/sockfill.out"
echo "# $OPENED sockets held by sockfill pids $PIDS"
echo "# $(nproc) cpus, kernel $(uname -r), $("$SS" -V), $ROUNDS rounds"


printf '\n%-42s %9s %9s %6s   %9s %9s %6s   %8s %8s   %s\n' \
	"case (ss -N NS ...)" "ss cpu" "sb cpu" "ratio" "ss wall" "sb wall" "ratio" "ss rss" "sb rss" "output"
i=0
for c in "${CASES[@]}"; do
	i=$((i + 1))
	eval "args=($c)"
	ssf=$WORK/$i.ss sbf=$WORK/$i.sb
	: >"$ssf"
	: >"$sbf"
	: >"$ssf.err"
	: >"$sbf.err"
	for r in $(seq 1 "$ROUNDS"); do
		# Alternate which tool goes first, so that neither always runs
		# on caches the other warmed.
		if [ $((r % 2)) -eq 1 ]; then
			run "$ssf" "$SS" -N "$NS" "${args[@]}"
			[ "$SS_ONLY" -eq 1 ] || run "$sbf" "$SB" ss -N "$NS" "${args[@]}"
		else
			[ "$SS_ONLY" -eq 1 ] || run "$sbf" "$SB" ss -N "$NS" "${args[@]}"
			run "$ssf" "$SS" -N "$NS" "${args[@]}"
		fi
	done
	if [ -n "$(failure "$ssf")" ]; then
		echo "ss.sh: ss $c $(failure "$ssf")" >&2
		exit 1
	fi
	sscpu=$(median "$ssf" 2) sswall=$(median "$ssf" 1) ssrss=$(median "$ssf" 5)
	same="-"
	sbcpu=nan sbwall=nan sbrss=nan
	if [ "$SS_ONLY" -eq 0 ]; then
		sbcpu=$(median "$sbf" 2) sbwall=$(median "$sbf" 1) sbrss=$(median "$sbf" 5)
		# One more untimed run of each to compare the outputs.
		"$SS" -N "$NS" "${args[@]}" >"$WORK/$i.ss.txt" 2>/dev/null || true
		"$SB" ss -N "$NS" "${args[@]}" >"$WORK/$i.sb.txt" 2>/dev/null || true
		if [ -n "$(failure "$sbf")" ]; then
			same="stackbox $(failure "$sbf")"
		elif cmp -s "$WORK/$i.ss.txt" "$WORK/$i.sb.txt"; then
			same="identical ($(wc -l <"$WORK/$i.ss.txt") lines)"
		elif [ ! -s "$WORK/$i.sb.txt" ]; then
			same="stackbox printed nothing"
		else
			same="differs: $({ diff "$WORK/$i.ss.txt" "$WORK/$i.sb.txt" || true; } | grep -c '^[<>]' || true) lines"
		fi
	fi
	printf '%-42s %9s %9s %6s   %9s %9s %6s   %8s %8s   %s\n' "$c" \
		"$sscpu" "$sbcpu" "$(ratio "$sbcpu" "$sscpu")" \
		"$sswall" "$sbwall" "$(ratio "$sbwall" "$sswall")" \
		"$ssrss" "$sbrss" "$same"
done
echo "(times in ms, rss in KiB, medians; ratio = stackbox/ss, below 1 is faster;"
echo " -tani differs by nature: its timers and rates move between runs)"

if [ "$PROCMAP" -eq 1 ]; then
	echo
	echo "# bench/procmap: the -p scan alone"
	"$OUT/procmap" -netns "$NS" -rounds "$ROUNDS" -ss "$SS"
fi
