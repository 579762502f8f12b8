#!/bin/sh
# Replays every seed of fuzz/corpus/TARGET and every fixed crash reproducer
# of fuzz/crashes/TARGET through the harness TARGET, compiled with the normal
# compiler (fuzz/replay_TARGET, no libFuzzer), so a parser that regresses on
# an input the fuzzers once found fails the suite. Under the sanitizer build
# the same run is ASan/UBSan/LSan-checked. Prints TAP: per target, that the
# corpus is there and that every file replays cleanly.
#
# Reproducers not fixed yet live in fuzz/crashes/TARGET/open/ and are only
# counted (SKIP): they would crash the suite until their parser is fixed.

set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-.}
targets="rss html entities timeparse config config_value inventory sentiment record_json twitter discourse reddit jsonl nats query"

n=0
fail=0
limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout ${FUZZ_REPLAY_TIMEOUT:-300}"
tap() { # tap STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=$((fail + 1)); fi
}
count_files() { # regular files under DIR, not below an open/ folder
    [ -d "$1" ] || { echo 0; return; }
    find "$1" -type f ! -path '*/open/*' ! -name '.*' ! -name 'README*' | wc -l | tr -d ' '
}

out=$(mktemp "${TMPDIR:-/tmp}/fuzz-replay.XXXXXX")
trap 'rm -f "$out" "$out.err"' EXIT

for t in $targets; do
    bin="$builddir/fuzz/replay_$t"
    corpus="$srcdir/fuzz/corpus/$t"
    crashes="$srcdir/fuzz/crashes/$t"
    seeds=$(count_files "$corpus")
    repro=$(count_files "$crashes")
    tap "$([ "$seeds" -ge 3 ]; echo $?)" "$t: seed corpus has $seeds files (at least 3)"
    if [ ! -x "$bin" ]; then
        tap 1 "$t: $bin is built"
        continue
    fi
    set -- "$corpus"
    if [ "$repro" -gt 0 ]; then
        # Fixed reproducers only: the open/ folder is left out.
        for f in $(find "$crashes" -type f ! -path '*/open/*' ! -name '.*' ! -name 'README*' | sort); do
            set -- "$@" "$f"
        done
    fi
    # ES_VALGRIND is set by `make check-valgrind`. A parser that hangs
    # fails its check instead of stalling the suite.
    $limit ${ES_VALGRIND:-} "$bin" "$@" >"$out" 2>"$out.err"
    rc=$?
    want=$((seeds + repro))
    if [ "$rc" -eq 0 ] && grep -qx "replayed $want files" "$out"; then
        tap 0 "$t: $seeds seeds and $repro reproducers replay cleanly"
    else
        tap 1 "$t: $seeds seeds and $repro reproducers replay cleanly (exit $rc)"
        sed 's/^/# /' "$out" | tail -3
        echo "# last input and what it printed:"
        grep 'replay: ' "$out.err" | tail -1 | sed 's/^/# /'
        tail -30 "$out.err" | sed 's/^/# /'
    fi
    open=0
    [ -d "$crashes/open" ] && open=$(find "$crashes/open" -type f ! -name '.*' ! -name 'README*' | wc -l | tr -d ' ')
    if [ "$open" -gt 0 ]; then
        n=$((n + 1))
        echo "ok $n - $t: $open open reproducers # SKIP not fixed yet, see fuzz/crashes/$t/open"
    fi
done

echo "1..$n"
[ "$fail" -eq 0 ]
