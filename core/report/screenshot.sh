#!/bin/sh
# `make report-screenshot`: the report of the test fixture (through the
# daemon into the sql sink, plus two alert rows), then a screenshot by
# headless Chromium. Usage: screenshot.sh OUTDIR (EARSHOT, top_srcdir and
# EARSHOT_PLUGIN_PATH set by make). Writes OUTDIR/report.html and
# OUTDIR/report.png.
set -eu
out=$1
data="$top_srcdir/tests/data/report"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "report-screenshot: chromium not found; install the Debian package 'chromium' (contrib/install-deps.sh --screenshot, or apt-get install chromium)" >&2
    exit 1
fi
command -v python3 >/dev/null || { echo "report-screenshot: python3 not found" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out/conf.d"
python3 "$data/mentions.py" "$out/in.jsonl"
cat > "$out/earshot.conf" <<EOC
[earshot]
state_dir = $out/state
log_level = warn
lexicon_dir = $top_srcdir/contrib/lexicons
inventory = $data/inventory.csv
[brand acme]
keywords = acme, acmesupport
[brand globex]
keywords = globex, globexcare
EOC
cat > "$out/conf.d/10.conf" <<EOC
[source stream]
plugin = jsonl
path = $out/in.jsonl

[source forum]
plugin = jsonl
path = $data/forum.jsonl
network = forum

[sink db]
plugin = sql
dsn = sqlite:sink.db
EOC
"$EARSHOT" run --once -c "$out/earshot.conf"
day2=$(( $(date +%s) / 86400 * 86400 - 2 * 86400 ))
python3 - "$out/state/sink.db" "$data/alerts.sql" "$day2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript(open(sys.argv[2]).read().replace("DAY2", sys.argv[3]))
c.commit()
PY
"$EARSHOT" report -c "$out/earshot.conf" --out "$out/report.html"
# Chromium wants a writable home for its profile; keep it in OUTDIR.
HOME="$out/home" timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --hide-scrollbars --user-data-dir="$out/profile" \
    --screenshot="$out/report.png" --window-size=1400,4000 "file://$out/report.html" \
    > "$out/chromium.log" 2>&1 || { cat "$out/chromium.log" >&2; exit 1; }
test -s "$out/report.png" || { echo "report-screenshot: no screenshot written (see $out/chromium.log)" >&2; exit 1; }
rm -rf "$out/profile" "$out/home"
echo "report-screenshot: $out/report.html and $out/report.png"
