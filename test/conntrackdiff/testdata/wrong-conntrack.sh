#!/bin/sh
# wrong-conntrack.sh runs the installed conntrack and spoils one thing of
# its result, chosen by the name of the directory holding the link that
# runs this script: the harness check (selfcheck_test.go) must notice each.
mode=$(basename "$(dirname "$0")")
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
PATH=/usr/sbin:/usr/bin:/sbin:/bin
# no-change claims success, silently, without running conntrack at all.
[ "$mode" = no-change ] && exit 0
conntrack "$@" >"$out" 2>"$err"
code=$?
case $mode in
wrong-state) sed -i 's/ ESTABLISHED / ESTABLISHD /' "$out" ;;
wrong-mark) sed -i 's/ mark=1 / mark=10 /' "$out" ;;
wrong-exit) code=3 ;;
trailing-blank) sed -i 's/$/ /' "$out" ;;
wrong-stderr) sed -i 's/flow entries have been shown/flow entries shown/' "$err" ;;
timeout-far) sed -i 's/ 99999 / 99990 /; s/ 99998 / 99990 /' "$out" ;;
timeout-near) sed -i 's/ 99999 / 99998 /' "$out" ;;
esac
cat "$out"
cat "$err" >&2
exit $code
