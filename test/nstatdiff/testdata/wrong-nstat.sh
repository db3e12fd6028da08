#!/bin/sh
# A deliberately wrong nstat, for the harness's self-test (selfcheck_test.go).
# It runs the real nstat (found on PATH after its own directory) and spoils
# the result the way the name of its directory says.
mode=$(basename "$(dirname "$0")")
PATH=${PATH#*:}
tmp=$(mktemp -d) || exit 99
case $mode in
ignores-history)
	unset NSTAT_HISTORY
	nstat "$@" >"$tmp/out" 2>"$tmp/err" ;;
lock-ignored)
	# Works on a copy, so another process's lock on the file never holds
	# it up.
	h=$NSTAT_HISTORY
	[ -f "$h" ] && cp "$h" "$tmp/h"
	NSTAT_HISTORY=$tmp/h nstat "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ -f "$tmp/h" ]; then
		touch "$h" && chmod 600 "$h" && cat "$tmp/h" >"$h"
	fi
	(exit $rc) ;;
*)
	nstat "$@" >"$tmp/out" 2>"$tmp/err" ;;
esac
rc=$?
case $mode in
wrong-line) sed 's/^TcpActiveOpens /TcpActiveOpenz /' "$tmp/out" ;;
wrong-padding) sed 's/  *\([0-9]\)/ \1/g' "$tmp/out" ;;
wrong-exit) cat "$tmp/out"; rc=3 ;;
wrong-stderr) cat "$tmp/out"; echo "nstat: an extra complaint" >>"$tmp/err" ;;
history-mode) cat "$tmp/out"; [ -f "$NSTAT_HISTORY" ] && chmod 644 "$NSTAT_HISTORY" ;;
history-extra) cat "$tmp/out"; [ -f "$NSTAT_HISTORY" ] && echo "BogusCounter 1 0.0" >>"$NSTAT_HISTORY" ;;
*) cat "$tmp/out" ;;
esac
cat "$tmp/err" >&2
rm -rf "$tmp"
exit $rc
