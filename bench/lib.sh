# lib.sh: what the whole-tool benchmarks share. Sourced by bench/*.sh,
# after they set OUT (where cmdtime is) and, to run the tools inside a
# network namespace, CMDTIME_ARGS=(-n NS).

CMDTIME_ARGS=()

# median FILE COLUMN: the median of one column of cmdtime's lines.
median() {
	awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]; else print "nan"}'
}

# ratio A B: A/B with two decimals.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0 && a != "nan") printf "%.2f", a/b; else print "-"}'
}

# run FILE ARGS...: one timed run (inside the namespace CMDTIME_ARGS
# names, if any), its cmdtime line appended to FILE and its standard error
# to FILE.err.
run() {
	local file=$1
	shift
	local line
	line=$("$OUT/cmdtime" "${CMDTIME_ARGS[@]}" "$@" 2>>"$file.err") || true
	[ -z "$line" ] || echo "$line" >>"$file"
}

# failure FILE: says how the runs recorded in FILE failed, if they did.
failure() {
	local code
	code=$(awk '$6 != 0 {print $6; exit}' "$1")
	if [ -n "$code" ]; then
		echo "exited $code: $(head -n 1 "$1.err" | cut -c 1-60)"
	elif [ ! -s "$1" ]; then
		echo "did not run: $(head -n 1 "$1.err" | cut -c 1-60)"
	fi
}
