#!/bin/sh
# `make report-screenshot`: the report of the test fixture (through the
# daemon into the sql sink, plus two alert rows), then a screenshot by
# headless Chromium. Usage: screenshot.sh OUTDIR (EARSHOT, top_srcdir and
# EARSHOT_PLUGIN_PATH set by make). Writes OUTDIR/report.html,
# OUTDIR/report.png (1400 px) and OUTDIR/report-400.png (400 px).
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
# A phone's width: the page in a 400 px iframe (a headless window is at
# least 500 px wide), as srcdoc so it needs no server.
python3 - "$out/report.html" "$out/narrow.html" <<'PY'
import html, sys
page = open(sys.argv[1], encoding="utf-8").read()
open(sys.argv[2], "w", encoding="utf-8").write(
    '<!DOCTYPE html><html><body style="margin:0"><iframe style="border:0" width="400" height="9000" srcdoc="%s">'
    '</iframe></body></html>' % html.escape(page, quote=True))
PY
HOME="$out/home" timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --hide-scrollbars --user-data-dir="$out/profile" \
    --screenshot="$out/report-400.png" --window-size=500,9000 "file://$out/narrow.html" \
    > "$out/chromium-400.log" 2>&1 || { cat "$out/chromium-400.log" >&2; exit 1; }
rm -rf "$out/profile" "$out/home"
echo "report-screenshot: $out/report.html, $out/report.png (1400 px) and $out/report-400.png (400 px)"
