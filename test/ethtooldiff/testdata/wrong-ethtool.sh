#!/bin/sh
# wrong-ethtool.sh runs the installed ethtool and spoils one thing of its
# result, chosen by the name of the directory holding the link that runs
# this script: the harness check (selfcheck_test.go) must notice each.
mode=$(basename "$(dirname "$0")")
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
PATH=/usr/sbin:/usr/bin:/sbin:/bin
# no-change claims success, silently, without running ethtool at all.
[ "$mode" = no-change ] && exit 0
ethtool "$@" >"$out" 2>"$err"
code=$?
case $mode in
wrong-line) sed -i 's/^driver: veth$/driver: vet/' "$out" ;;
wrong-exit) code=3 ;;
tab-to-spaces) sed -i 's/\t/        /' "$out" ;;
trailing-blank) sed -i 's/^version: 1.0$/version: 1.0 /' "$out" ;;
wrong-stderr) echo "ethtool: an extra complaint" >>"$err" ;;
esac
cat "$out"
cat "$err" >&2
exit $code
