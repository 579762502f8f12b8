#!/bin/sh
# Polls N locally served feeds once with `earshot run --once` and prints wall
# time and CPU seconds. A benchmark, not a test: it prints figures and exits 0.
#
# usage: bench/rss/run.sh [FEEDS=2000] [ITEMS_PER_FEED=20]
# env:   EARSHOT (binary; default ./earshot), EARSHOT_PLUGIN_PATH (default
#        ./plugins/*/.libs), PER_HOST (http.per_host, default 8),
#        KEEP_TMP=1 to keep the generated tree.
# Feeds are served by tests/http_fixture_server.py (python3), every fourth one
# gzip-encoded; the mix is RSS 2.0 / Atom / RSS 1.0 with HTML content.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
feeds=${1:-2000}
items=${2:-20}
. "$top/bench/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/earshot-bench-rss.XXXXXX")
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

python3 "$here/genfeeds.py" "$tmp/feeds" "$feeds" "$items"
python3 "$top/tests/http_fixture_server.py" --root "$tmp/feeds" --port-file "$tmp/port" &
pid=$!
while [ ! -s "$tmp/port" ]; do sleep 0.1; done
port=$(cat "$tmp/port")

mkdir -p "$tmp/conf.d" "$tmp/state"
cat > "$tmp/earshot.conf" <<CONF
[earshot]
state_dir = $tmp/state
conf_dir = $tmp/conf.d
log_level = warn
http.per_host = ${PER_HOST:-8}
CONF
python3 - "$tmp/conf.d/10-rss.conf" "$feeds" "$port" <<'PY'
import sys
path, n, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    for i in range(n):
        route = "gzip/" if i % 4 == 3 else ""
        f.write("[source feed%04d]\nplugin = rss\nurl = http://127.0.0.1:%s/%sfeed%04d.xml\n"
                "max_items = 0\n\n" % (i, port, route, i))
PY
printf '[sink out]\nplugin = jsonl\npath = %s/out.jsonl\n' "$tmp" > "$tmp/conf.d/20-out.conf"

# Children's rusage: earshot alone (the server is not its child).
python3 - "$EARSHOT" "$tmp/earshot.conf" "$tmp/out.jsonl" "$feeds" "$items" <<'PY'
import resource, subprocess, sys, time
exe, conf, out, feeds, items = sys.argv[1:6]
t0 = time.monotonic()
rc = subprocess.call([exe, "run", "-c", conf, "--once"])
wall = time.monotonic() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
n = sum(1 for _ in open(out)) if rc == 0 else 0
print("rss bench: %s feeds x %s items, exit %d" % (feeds, items, rc))
print("  mentions written : %d" % n)
print("  wall             : %.2f s" % wall)
print("  cpu (user+sys)   : %.2f s (user %.2f, sys %.2f)" % (ru.ru_utime + ru.ru_stime, ru.ru_utime, ru.ru_stime))
print("  max rss          : %.1f MiB" % (ru.ru_maxrss / 1024.0))
PY
