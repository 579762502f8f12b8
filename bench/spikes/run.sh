#!/bin/sh
# Spike detector evaluation (figures, not pass/fail).
#
#   bench/spikes/run.sh [BUILD_DIR] [DAYS]
#
# 1. Replays synthetic streams (bench/spikes/gen.c: daily and weekly rhythm,
#    Poisson arrivals, late deliveries, injected spikes of known start,
#    length and size, volume surges) through the detector API at full speed:
#    the spike stream, then the same rhythm without spikes (control).
# 2. When the build's earshot feeds the detector (the lead's commit "wire
#    spike detector"), writes the spike stream as a jsonl file and runs it
#    through `earshot run --once` (jsonl source, brand match, inventory, the
#    real sentiment stage, jsonl sink with match.kind = alert), then scores
#    the alert records the same way.
# BUILD_DIR defaults to the current directory (an autotools build of earshot
# where `make bench/spikes/spike_bench` has run, or `make check`).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-.}" && pwd)
days=${2:-35}
bench="$build/bench/spikes/spike_bench"
[ -x "$bench" ] || make -C "$build" bench/spikes/spike_bench >/dev/null
echo "== detector API, spike stream"
"$bench" --days "$days"
echo
echo "== detector API, control stream (no spikes)"
"$bench" --days "$days" --control | sed -n '1,4p;/false alarms/p;/throughput/p'

if ! git -C "$top" log --oneline 2>/dev/null | grep -q "wire spike detector"; then
    echo
    echo "== earshot run --once: skipped (the detector is not wired into the pipeline in this tree)"
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/spike-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export EARSHOT_PLUGIN_PATH="${EARSHOT_PLUGIN_PATH:-$build/plugins/jsonl/.libs}"

# run_earshot TITLE [GENERATOR OPTIONS]: one stream through a fresh state dir.
run_earshot() {
    title=$1; shift
    rm -rf "$work/state" "$work/conf.d" "$work/alerts.jsonl"
    "$bench" --gen "$work/in.jsonl" "$work/truth.tsv" --days "$days" "$@" 2>/dev/null
    mkdir -p "$work/conf.d"
    cat > "$work/earshot.conf" <<CONF
[earshot]
state_dir = $work/state
conf_dir = conf.d
lexicon_dir = $top/contrib/lexicons
log_level = warn
queue.max_records = 100000

[brand acme]
keywords = acme
[brand globex]
keywords = globex
[brand initech]
keywords = initech
CONF
    printf '[source synthetic]\nplugin = jsonl\npath = %s/in.jsonl\n' "$work" > "$work/conf.d/10-in.conf"
    printf '[sink alerts]\nplugin = jsonl\npath = %s/alerts.jsonl\nmatch.kind = alert\n' "$work" > "$work/conf.d/20-alerts.conf"
    n=$(wc -l < "$work/in.jsonl")
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$build/earshot" run -c "$work/earshot.conf" --once 2> "$work/log" || {
        echo "earshot run failed:"; tail -5 "$work/log"; exit 1; }
    end=$(date +%s.%N)
    echo
    echo "== earshot run --once, $title: $n mentions in $(echo "$end - $start" | bc | cut -c1-5) s ($(echo "$n / ($end - $start)" | bc) mentions/s end to end, peak RSS $(cat "$work/rss") KiB)"
    touch "$work/alerts.jsonl"
    "$bench" --eval "$work/truth.tsv" "$work/alerts.jsonl"
}
run_earshot "spike stream"
run_earshot "control stream (no spikes)" --control
