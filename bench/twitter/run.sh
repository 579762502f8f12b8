#!/bin/sh
# Imports a generated Twitter export with `earshot run --once` (twitter
# source -> pipeline -> jsonl sink to /dev/null), once with the sentiment
# stage, once with sentiment.enabled = false, and once more with
# spool.delay = 0 (every record through the spool), and prints tweets/s,
# microseconds per tweet and peak RSS; then the source's own cost without
# the pipeline (scan, UTF-8 check, parse, mapping). A benchmark, not a
# test: it prints figures and exits 0.
#
# The machine may be shared: each configuration runs REPS times (default
# 3) and the best and median CPU are printed; compare rows of one run.
#
# usage: bench/twitter/run.sh [FORMAT=v2] [COUNT=200000]
#   FORMAT: ytd (archive tweets.js), v1, v2 (raw responses), v2flat
# env:   CORPUS=vader (default), semeval or synthetic: the tweet texts
#        (bench/corpus.sh; real text by default, the stages' real work)
#        BYTES=1G generates at least that many bytes instead of COUNT tweets
#        (the issue's 1 GB archive: BYTES=1G bench/twitter/run.sh ytd)
#        EARSHOT (binary; default ./earshot), EARSHOT_PLUGIN_PATH (default
#        next to it), KEEP_TMP=1 keeps the generated file.
# Peak RSS comes from the kernel's rusage of the earshot child (the same
# figure `/usr/bin/time -v` prints as "Maximum resident set size").
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fmt=${1:-v2}
count=${2:-200000}
. "$top/bench/lib.sh"
. "$top/bench/corpus.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/earshot-bench-twitter.XXXXXX")
cleanup() { [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

file="$tmp/export.$fmt"
if [ -n "${BYTES:-}" ]; then
    bytes=$(python3 -c "import sys; s=sys.argv[1]; m={'k':1<<10,'M':1<<20,'G':1<<30}; print(int(s[:-1])*m[s[-1]] if s[-1] in m else int(s))" "$BYTES")
    count=$(python3 "$here/gen.py" "$fmt" 0 "$file" --bytes "$bytes" ${corpus_file:+--texts "$corpus_file"})
else
    corpus_gen "$fmt" "$count" "$file"
fi
size=$(wc -c < "$file")

mkdir -p "$tmp/conf.d" "$tmp/state"
cat > "$tmp/earshot.conf" <<CONF
[earshot]
state_dir = $tmp/state
conf_dir = $tmp/conf.d
log_level = warn
lexicon_dir = $top/contrib/lexicons
CONF
printf '[source tw]\nplugin = twitter\nfiles = %s\n' "$file" > "$tmp/conf.d/10-tw.conf"
printf '[sink out]\nplugin = jsonl\npath = /dev/null\n' > "$tmp/conf.d/20-out.conf"

echo "twitter bench: $fmt, $count tweets, texts: $corpus_desc, $(python3 -c "print(round($size / 1048576, 1))") MiB"
pipeline() { # pipeline LABEL: REPS `earshot run --once` over the file, each with fresh state
    python3 - "$EARSHOT" "$tmp/earshot.conf" "$count" "$1" "$tmp/state" "${REPS:-3}" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time
exe, conf, n, label, state, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
runs, rcs, peak = [], [], 0
for _ in range(reps):
    shutil.rmtree(state, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen([exe, "run", "-c", conf, "--once"])
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    rcs.append(os.waitstatus_to_exitcode(status))
    runs.append((ru.ru_utime + ru.ru_stime, wall))
    peak = max(peak, ru.ru_maxrss)
best = min(runs)
med = statistics.median(c for c, _ in runs)
print("pipeline %s (source -> stages -> spool -> jsonl sink, /dev/null), exit %s, %d run(s)" %
      (label, ",".join(map(str, sorted(set(rcs)))), reps))
print("  cpu (user+sys)   : %.2f s best, %.2f s median" % (best[0], med))
print("  wall             : %.2f s (best run)" % best[1])
print("  tweets/s         : %.0f (wall), %.0f per cpu second; median %.0f per cpu second" %
      (n / best[1], n / best[0], n / med))
print("  us/tweet         : %.2f (cpu, best), %.2f (median)" % (best[0] * 1e6 / n, med * 1e6 / n))
print("  peak RSS         : %.1f MiB" % (peak / 1024.0))
PY
}
pipeline "with sentiment"
echo "sentiment.enabled = false" >> "$tmp/earshot.conf"
pipeline "without sentiment"
# The same with every record written to the spool and deleted once
# delivered, as before spool.delay existed.
echo "spool.delay = 0" >> "$tmp/earshot.conf"
pipeline "without sentiment, spool.delay = 0"

# The source alone, built from the plugin's sources against the core library.
if [ -f "$build/libescore.a" ] && cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$top/core" -I"$top/plugins/twitter" \
        $(pkg-config --cflags jansson libxml-2.0) -o "$tmp/micro" "$here/micro.c" \
        "$top/plugins/twitter/scan.c" "$top/plugins/twitter/tweet.c" "$top/plugins/twitter/tjson.c" "$top/plugins/twitter/notes.c" \
        "$build/libescore.a" \
        $(pkg-config --libs jansson libuv libxml-2.0 libcrypto libxxhash) -lm 2>"$tmp/cc.log"; then
    echo "source alone (in memory, one core):"
    "$tmp/micro" "$file"
else
    echo "source alone: not built (need libescore.a next to EARSHOT)"; cat "$tmp/cc.log" 2>/dev/null || :
fi
