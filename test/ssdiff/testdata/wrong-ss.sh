#!/bin/sh
# A deliberately wrong ss, for the harness's self-test. It runs the real ss
# (found on PATH after its own directory) and spoils the result the way
# the name of its directory says.
mode=$(basename "$(dirname "$0")")
PATH=${PATH#*:}
tmp=$(mktemp -d) || exit 99
ss "$@" >"$tmp/out" 2>"$tmp/err"
rc=$?
case $mode in
wrong-line) sed '0,/LISTEN /s//LISTEM /' "$tmp/out" ;;
wrong-exit) cat "$tmp/out"; rc=3 ;;
no-padding) sed 's/ *$//' "$tmp/out" ;;
wrong-stderr) cat "$tmp/out"; echo "ss: an extra complaint" >>"$tmp/err" ;;
*) cat "$tmp/out" ;;
esac
cat "$tmp/err" >&2
rm -rf "$tmp"
exit $rc
