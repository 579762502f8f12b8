#!/bin/sh
# Report generation cost (figures, not pass/fail).
#
#   EARSHOT=build/rel/earshot bench/report/run.sh [MENTIONS] [BRANDS] [DAYS]
#
# Makes a sql-sink database with the agent (schema), fills it with
# bench/report/gen.py (default 1,000,000 earned mentions, 20 brands, 30
# days, topics, reach, alerts), then times `earshot report --since 30d`
# (wall, CPU, peak RSS, page size, the filters' three data blocks) and the same page from the daemon's
# GET /report (wall, as curl sees it). The database is kept in
# $TMPDIR/report-bench-N.db between runs (delete it to regenerate).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/bench/lib.sh"
n=${1:-1000000}; brands=${2:-20}; days=${3:-30}
work=$(mktemp -d "${TMPDIR:-/tmp}/report-bench.XXXXXX")
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
pid=
keep="${TMPDIR:-/tmp}/report-bench-$n-$brands-$days.db"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/conf.d" "$work/state"
{
    printf '[earshot]\nstate_dir = %s/state\nlog_level = warn\nlexicon_dir = %s/contrib/lexicons\n' "$work" "$top"
    printf 'metrics_listen = 127.0.0.1:%s\n' "$port"
    k=0; while [ $k -lt "$brands" ]; do printf '[brand brand-%02d]\nkeywords = b%02d\n' $k $k; k=$((k + 1)); done
} > "$work/earshot.conf"
: > "$work/in.jsonl"
printf '[source s]\nplugin = jsonl\npath = %s/in.jsonl\n\n[sink db]\nplugin = sql\ndsn = sqlite:sink.db\n' "$work" \
    > "$work/conf.d/10.conf"
if [ ! -s "$keep" ]; then
    "$EARSHOT" run --once -c "$work/earshot.conf" > "$work/run.log" 2>&1
    start=$(date +%s)
    python3 "$here/gen.py" "$work/state/sink.db" "$n" "$brands" "$days" "$(date +%s)"
    echo "database: $n mentions, $brands brands, $days days, made in $(( $(date +%s) - start )) s"
    cp "$work/state/sink.db" "$keep"
else
    echo "database: reusing $keep"
fi
cp "$keep" "$work/state/sink.db"
echo "sqlite file: $(du -h "$work/state/sink.db" | cut -f1)"
for run in 1 2; do
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$EARSHOT" report -c "$work/earshot.conf" --since "${days}d" \
        --out "$work/r.html" 2> "$work/rep.log"
    read -r wall user sys rss < "$work/time"
    echo "earshot report, run $run: ${wall} s wall, $(echo "$user + $sys" | bc) s CPU, $((rss / 1024)) MB peak RSS, page $(( $(wc -c < "$work/r.html") / 1024 )) kB"
done
# What the in-page filters carry: the cube (totals), the time cube
# (the time charts) and the sections' cube (channels, languages, owned
# posts), as bytes of the page.
python3 - "$work/r.html" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
for i in ("es-cube", "es-tcube", "es-xcube"):
    m = re.search(r'<script type="application/json" id="%s">(.*?)</script>' % i, s, re.S)
    print("%s: %d kB" % (i, len(m.group(1).encode()) // 1024 if m else -1))
PY
"$EARSHOT" run --foreground -c "$work/earshot.conf" 2> "$work/daemon.log" &
pid=$!
i=0; while ! curl -s -o /dev/null "http://127.0.0.1:$port/health" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
t=$(curl -s -o "$work/live.html" -w '%{time_total} %{http_code}' "http://127.0.0.1:$port/report?since=${days}d")
h=$( (sleep 1; curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/health") & curl -s -o /dev/null "http://127.0.0.1:$port/report?since=${days}d"; wait)
echo "GET /report: ${t% *} s (HTTP ${t#* }), page $(( $(wc -c < "$work/live.html") / 1024 )) kB; /health during a render: ${h} s"
