#!/bin/sh
# Runs one fuzz target briefly for ctest: run_smoke.sh BINARY LOG ARGS...
# libFuzzer's chatter goes to LOG; the final statistics are echoed; the exit
# code is the fuzzer's (non-zero on any finding).
bin=$1
log=$2
shift 2
"$bin" "$@" >"$log" 2>&1
rc=$?
grep -E "^stat::(number_of_executed_units|peak_rss_mb)" "$log"
[ $rc -eq 0 ] || tail -40 "$log"
exit $rc
