#!/bin/sh
# Runs the libFuzzer harnesses built by `make fuzz`, one at a time and one
# process each (the machines have few cores), for FUZZ_SECONDS each, and
# prints per target the executions, the inputs added to the corpus and the
# crashes. Exits 1 when any target crashed; the reproducer is kept in
# $FUZZ_WORKDIR/crashes/TARGET/ (copy it to fuzz/crashes/TARGET/ once the
# parser is fixed, or to fuzz/crashes/TARGET/open/ until then).
#
# usage: contrib/fuzz.sh [TARGET...]      (run from the build directory)
# env:   FUZZ_SECONDS   seconds per target (60)
#        FUZZ_BUILDDIR  where `make fuzz` ran (.)
#        FUZZ_WORKDIR   working corpora, crashes and logs (FUZZ_BUILDDIR/fuzz/work)
#        FUZZ_FLAGS     extra libFuzzer flags (e.g. -dict=... or -max_len=4096)
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${FUZZ_BUILDDIR:-.}
seconds=${FUZZ_SECONDS:-60}
work=${FUZZ_WORKDIR:-$builddir/fuzz/work}
bindir=$builddir/fuzz/bin

if [ $# -eq 0 ]; then
    set -- rss html entities timeparse config config_value inventory sentiment record_json \
        twitter discourse reddit jsonl nats
fi
for t in "$@"; do
    if [ ! -x "$bindir/fuzz_$t" ]; then
        echo "fuzz.sh: $bindir/fuzz_$t not built: run 'make fuzz' in the build directory" >&2
        echo "         (or set FUZZ_BUILDDIR to it)" >&2
        exit 2
    fi
done

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$srcdir/tests/lsan.supp}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export EARSHOT_LEXICON_DIR="${EARSHOT_LEXICON_DIR:-$srcdir/contrib/lexicons}"

total_execs=0
total_crashes=0
printf '%-14s %8s %12s %10s %8s  %s\n' target seconds executions exec/s new crashes
for t in "$@"; do
    corpus="$work/corpus/$t"
    crashes="$work/crashes/$t"
    log="$work/logs/$t.log"
    mkdir -p "$corpus" "$crashes" "$work/logs"
    before=$(find "$corpus" -type f | wc -l)
    touch "$log.start"
    start=$(date +%s)
    # New inputs go to the working corpus; the seeds are only read. No
    # -jobs/-workers: libFuzzer then fuzzes in this one process (with
    # -jobs=1 it would fork a child and log to ./fuzz-0.log instead).
    dict=""
    [ -f "$srcdir/fuzz/$t.dict" ] && dict="-dict=$srcdir/fuzz/$t.dict"
    # shellcheck disable=SC2086
    "$bindir/fuzz_$t" $dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$crashes/" \
        ${FUZZ_FLAGS:-} "$corpus" "$srcdir/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -1)
    [ -n "$execs" ] || execs=0
    after=$(find "$corpus" -type f | wc -l)
    n_crash=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) -newer "$log.start" 2>/dev/null | wc -l)
    [ "$rc" -ne 0 ] && [ "$n_crash" -eq 0 ] && n_crash=1
    rate=0
    [ "$took" -gt 0 ] && rate=$((execs / took))
    printf '%-14s %8s %12s %10s %8s  %s\n' "$t" "$took" "$execs" "$rate" "$((after - before))" "$n_crash"
    if [ "$rc" -ne 0 ]; then
        grep -m1 -E 'ERROR: |runtime error:|Test unit written' "$log" | sed 's/^/    /'
        grep -E 'Test unit written' "$log" | sed 's/^/    /' | tail -1
        echo "    log: $log"
    fi
    total_execs=$((total_execs + execs))
    total_crashes=$((total_crashes + n_crash))
done
echo "total: $total_execs executions, $total_crashes crashes"
[ "$total_crashes" -eq 0 ]
