#!/bin/sh
# Throughput of the scale-out path: N mentions through one edge agent
# (jsonl -> nats sink) into JetStream, then consumed by 1 and by 3 scoring
# agents sharing one durable consumer (nats source -> the usual stages ->
# jsonl sink to a file). A benchmark, not a test: it prints figures and
# exits 0.
#
# usage: bench/nats/run.sh [N=100000] [CLUSTER=0]
#   CLUSTER=1 runs a 3-node JetStream cluster (stream with 3 replicas)
#   instead of a single node.
# env:   EARSHOT (binary; default ./earshot), EARSHOT_PLUGIN_PATH (default
#        next to the binary), KEEP_TMP=1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
n=${1:-100000}
cluster=${2:-0}
. "$top/bench/lib.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/earshot-bench-nats.XXXXXX")
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { local i=$(( $1 * 10 )); shift; while [ $i -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; i=$((i - 1)); done; return 1; }
. "$top/tests/nats_lib.sh"
pids=
cleanup() {
    for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
    nats_stop_all
    [ -n "${KEEP_TMP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT INT TERM
nats_available || { echo "nats-server not found"; exit 0; }

python3 - "$T/in.jsonl" "$n" <<'PY'
import json, random, sys
random.seed(7)
words = ("love hate great awful support refund broken fast slow thanks why "
         "never again best worst price delivery app update crash login "
         "happy sad angry ok fine meh wow lol ugh service team help").split()
brands = ["Acme", "Globex", "@AcmeSupport", "#globex", "nothing"]
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        t = " ".join(random.choice(words) for _ in range(random.randint(12, 45)))
        f.write(json.dumps({"id": str(i), "network": "twitter", "author": "user%d" % random.randint(1, 50000),
                            "text": "%s %s" % (random.choice(brands), t), "created_at": 1790000000 + i,
                            "lang": "en"}) + "\n")
PY

if [ "$cluster" = 1 ]; then
    nats_cluster a b c
    servers="$(nats_url a), $(nats_url b), $(nats_url c)"
    replicas=3
else
    nats_start a
    servers=$(nats_url a)
    replicas=1
fi

main() { # main DIR
    mkdir -p "$1/conf.d" "$1/state"
    printf '[earshot]\nstate_dir = %s/state\nlog_level = info\nlexicon_dir = %s/contrib/lexicons\nspike.enabled = false\n[brand acme]\nkeywords = acme, acmesupport\n[brand globex]\nkeywords = globex\n' \
        "$1" "$top" > "$1/earshot.conf"
}
lines_total() { cat "$@" 2>/dev/null | wc -l; }

# round NAME STREAM SCORERS: fresh stream, scorers started first, then the
# edge; times the edge alone and the whole path.
round() {
    name=$1 stream=$2 k=$3 d="$T/$1"
    mkdir -p "$d"
    main "$d/edge"
    printf '[source in]\nplugin = jsonl\npath = %s/in.jsonl\n' "$T" > "$d/edge/conf.d/10-in.conf"
    printf '[sink js]\nplugin = nats\nservers = %s\nsubject = %s.{brand}.{network}\nstream = %s\nstream_subjects = %s.>\ncreate_stream = true\nreplicas = %s\nbatch.max = 1000\nbatch.linger = 20ms\n' \
        "$servers" "$stream" "$stream" "$stream" "$replicas" > "$d/edge/conf.d/20-js.conf"
    outs=
    spids=
    i=1
    while [ $i -le "$k" ]; do
        main "$d/s$i"
        printf '[source js]\nplugin = nats\nservers = %s\nstream = %s\nconsumer = scoring\nbatch = 500\nmax_wait = 200ms\n' \
            "$servers" "$stream" > "$d/s$i/conf.d/10-js.conf"
        printf '[sink out]\nplugin = jsonl\npath = %s/s%s/out.jsonl\nbatch.max = 1000\nbatch.linger = 20ms\n' "$d" "$i" > "$d/s$i/conf.d/20-out.conf"
        outs="$outs $d/s$i/out.jsonl"
        i=$((i + 1))
    done
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$d/edge/time" "$EARSHOT" run --once -c "$d/edge/earshot.conf" > "$d/edge/log" 2>&1 ||
        { echo "$name: edge failed"; tail -n 5 "$d/edge/log"; return 0; }
    t1=$(date +%s.%N)
    i=1
    while [ $i -le "$k" ]; do
        "$EARSHOT" run -f -c "$d/s$i/earshot.conf" > "$d/s$i/log" 2>&1 &
        spids="$spids $!"
        i=$((i + 1))
    done
    pids="$spids"
    # shellcheck disable=SC2086
    all_in() { [ "$(lines_total $outs)" -ge "$n" ]; }
    wait_for 1200 all_in || echo "$name: only $(lines_total $outs) of $n consumed"
    t2=$(date +%s.%N)
    # CPU seconds the scorers used (utime + stime), read before they stop.
    scpu=$(for p in $spids; do cut -d' ' -f14,15 "/proc/$p/stat"; done |
        awk -v hz="$(getconf CLK_TCK)" '{t += $1 + $2} END {printf "%.2f", t / hz}')
    for p in $spids; do kill -TERM "$p"; wait "$p" || true; done
    pids=
    per=""
    for o in $outs; do per="$per $(lines_total "$o")"; done
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$d/edge/time")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$d/edge/time")
    python3 -c 'import sys
n, k, t0, t1, t2 = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
print("edge -> JetStream        %7d mentions %6.2f s %7.0f /s  (edge cpu %s s, peak RSS %.1f MiB)" % (n, t1 - t0, n / (t1 - t0), sys.argv[6], int(sys.argv[7]) / 1024))
print("JetStream -> %d scorer(s) %7d mentions %6.2f s %7.0f /s  (per agent:%s; scorers cpu %s s = %.1f us/mention)" % (k, n, t2 - t1, n / (t2 - t1), sys.argv[8], sys.argv[9], float(sys.argv[9]) * 1e6 / n))' \
        "$n" "$k" "$t0" "$t1" "$t2" "$cpu" "$rss" "$per" "$scpu"
}

echo "N = $n, $( [ "$cluster" = 1 ] && echo '3-node cluster, replicas 3' || echo 'single node'), $(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
round one S1 1
round three S3 3
