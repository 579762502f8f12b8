#!/bin/sh
# How fast a sink's spool drains back through its memory window: N real
# tweets (the shared corpus, v2 pages) accepted while the sink is down wait
# in its spool; the next start delivers them into a jsonl sink, every row
# read back from the spool (the refill path). Prints the drain's wall
# time, rows/s and peak RSS. Not a pass/fail test.
#   EARSHOT=build/rel/earshot bench/spool/drain.sh [N]   (default 100000)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/bench/lib.sh"
. "$top/bench/corpus.sh"
n=${1:-100000}
# The test-only sink that answers RETRY while it is "down".
EARSHOT_PLUGIN_PATH=$EARSHOT_PLUGIN_PATH:$build/tests/plugins/.libs
export EARSHOT_PLUGIN_PATH
T=$(mktemp -d "${TMPDIR:-/tmp}/earshot-bench-drain.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/conf.d" "$T/in"
printf '[earshot]\nstate_dir = %s/state\nlexicon_dir = %s/contrib/lexicons\nlog_level = warn\n' \
    "$T" "$top" > "$T/earshot.conf"
corpus_gen v2 "$n" "$T/in/tweets.json"
conf() { # conf SINK_LINES
    printf '[source in]\nplugin = twitter\nfiles = %s/in/tweets.json\nnetwork = twitter\n\n[sink out]\n%s\n' "$T" "$1" \
        > "$T/conf.d/10.conf"
}
conf "$(printf 'plugin = testsink\npath = %s/down.jsonl\nfail_first = 100000000\nretry.initial = 1s\nretry.max = 1s\nretry.max_attempts = 100000000' "$T")"
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/fill.log" &
pid=$!
spooled() { sqlite3 "$T/state/state.db" "select count(*) from spool where sink='out'" 2>/dev/null || echo 0; }
i=0
while [ "$(spooled)" -lt "$n" ] && [ $i -lt 600 ]; do sleep 0.5; i=$((i + 1)); done
kill $pid; wait $pid 2>/dev/null || true
rows=$(spooled)
conf "$(printf 'plugin = jsonl\npath = %s/out.jsonl' "$T")"
start=$(date +%s.%N)
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/drain.log" &
pid=$!
while [ "$(spooled)" -gt 0 ]; do sleep 0.05; done
end=$(date +%s.%N)
rss=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
kill $pid; wait $pid 2>/dev/null || true
delivered=$(wc -l < "$T/out.jsonl")
python3 - "$rows" "$delivered" "$start" "$end" "$rss" "$corpus_desc" <<'PY'
import sys
rows, got, t0, t1, rss, desc = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
s = t1 - t0
print("# spool drain, %s: %d rows spooled, %d delivered" % (desc, rows, got))
print("drain %.2f s  %.0f rows/s  %.1f us/row  peak RSS %.1f MiB" % (s, rows / s, s * 1e6 / rows, rss / 1024))
PY
