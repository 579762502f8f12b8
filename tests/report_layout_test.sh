#!/bin/sh
# The report as a browser lays it out: headless Chromium (Debian package
# chromium; skipped without it) at 1400 px and at 400 px. Every section
# fits the window (no overflow), no table cell or label is clipped, every
# SVG label stays inside its chart, each chart has a title, axis titles
# and a legend, and the CSS-only brand filter hides the other brands.
# Screenshots at both widths are kept in the build tree for a person:
# report-layout/report-1400.png and report-400.png.
. "$top_srcdir/tests/lib.sh"
need_browser
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

d="$T/l"; mkdir -p "$d"; : > "$d/in.jsonl"
write_main "$d" "[brand acme]
keywords = acme
[brand globex]
keywords = globex
[brand brand-with-a-rather-long-name-for-the-label-column-of-every-chart]
keywords = longbrand"
sink_schema "$d"
now=$(date +%s)
python3 "$top_srcdir/tests/data/report/sections.py" "$d/state/sink.db" "$now"
# Stress the layout: a long brand name, long words, twenty more brands.
python3 - "$d/state/sink.db" "$now" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); now = int(sys.argv[2])
def add(mid, brand, label, age, author, text, net="rss"):
    c.execute("INSERT INTO mentions (id, network, source, author, text, created_at, brand, sentiment_label,"
              " received_at, url, followers, likes) VALUES (?, ?, 'feed-with-a-long-source-name', ?, ?, ?, ?, ?, ?, ?, 10, 1)",
              (mid, net, author, text, now - age, brand, label, now, "https://example.com/" + "x" * 120))
    c.execute("INSERT INTO mention_brands (mention_id, brand, owned) VALUES (?, ?, 0)", (mid, brand))
long = "brand-with-a-rather-long-name-for-the-label-column-of-every-chart"
for k in range(12):
    add("rss:l%d" % k, long, ["positive", "neutral", "negative"][k % 3], 3600 * (k * 7 + 1),
        "AVeryLongHandleWithoutAnySeparatorAtAllXXXXXXXXXXXX%d" % k,
        "Supercalifragilisticexpialidocious" * 3 + " \U0001F600\U0001F44D\U0001F3FD mention")
for b in range(20):
    for k in range(b + 1):
        add("rss:%d:%d" % (b, k), "brand-%02d" % b, ["positive", "neutral", "negative"][k % 3], 5000 * (k + 1),
            "author%d" % k, "text %d" % k, net="net-%d" % (b % 5))
c.commit()
PY
for since in 7d 36h 365d; do
"$EARSHOT" report -c "$d/earshot.conf" --since $since --out "$d/r.html" > "$d/rep.log" 2>&1
is $? 0 "$since: the page of the layout fixture"
# The page under test in an iframe of the width to check (a headless
# window is at least 500 px wide), given as srcdoc so the check script
# inside may write its findings into the outer document for --dump-dom.
# The page's CSP forbids scripts: the copy drops it, and is otherwise
# byte for byte the page.
frame() { # frame WIDTH WITH_CHECK OUT
    python3 - "$d/r.html" "$top_srcdir/tests/report_layout_check.js" "$1" "$2" "$3" <<'PY'
import html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
if sys.argv[4] == "1":
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    page = page.replace("</body>", "<script>" + open(sys.argv[2]).read() + "</script>\n</body>")
w = sys.argv[3]
open(sys.argv[5], "w", encoding="utf-8").write(
    '<!DOCTYPE html><html><body style="margin:0"><iframe style="border:0;display:block" width="%s" height="5800" '
    'srcdoc="%s"></iframe></body></html>' % (w, html.escape(page, quote=True)))
PY
}
shots="$top_builddir/report-layout"; mkdir -p "$shots"
for w in 1400 400; do
    [ $since = 7d ] || [ $w = 400 ] || continue # other windows: the narrow layout, the harder one
    frame $w 1 "$d/check-$w.html"
    frame $w 0 "$d/view-$w.html"
    HOME="$d/home" timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --hide-scrollbars --user-data-dir="$d/profile" \
        --window-size=$((w + 100)),3000 --virtual-time-budget=3000 --dump-dom "file://$d/check-$w.html" \
        > "$d/dom-$w.html" 2> "$d/chromium-$w.log"
    python3 - "$d/dom-$w.html" > "$d/check-$w.txt" 2>&1 <<'PY'
import html, json, re, sys
m = re.findall(r'<pre id="layout-check">(.*?)</pre>', open(sys.argv[1], encoding="utf-8").read(), re.S)
r = json.loads(html.unescape(m[-1]))
print("width", r["width"])
for p in r["problems"][:40]:
    print("problem", p)
missing = [c for c in r["charts"] if not (c["title"] and c["axis"] and c["legend"])]
print("charts", len(r["charts"]))
for c in missing:
    print("incomplete", json.dumps(c))
print("minfont", min([c["min_font"] for c in r["charts"]] or [0]) >= 10)
print("sections", ",".join(sorted({c["section"] for c in r["charts"]})))
f = r["filter"]
print("filter", f.get("others_shown"), f.get("others_hidden", 0) > 0, f.get("own_shown", 0) > 0)
PY
    is "$?" 0 "$since, $w px: the layout was measured"
    like "$d/check-$w.txt" "^width $w\$" "$since, $w px: laid out in a $w px window"
    is "$(grep -c '^problem' "$d/check-$w.txt")" 0 "$since, $w px: no overflow, no clipped label ($(grep '^problem' "$d/check-$w.txt" | head -3 | tr '\n' ';'))"
    like "$d/check-$w.txt" "^minfont True\$" "$since, $w px: every chart label renders at 10 px or more"
    is "$(grep -c '^incomplete' "$d/check-$w.txt")" 0 "$since, $w px: every chart has a title, axis titles and a legend ($(grep '^incomplete' "$d/check-$w.txt" | head -2 | tr '\n' ';'))"
    [ $since = 7d ] || continue
    like "$d/check-$w.txt" "^sections alerts,breakdown,channels,responses,sentiment,sov,timeline,topics,trend$|^sections alerts,breakdown,channels,sentiment,sov,timeline,topics,trend$" \
        "$w px: charts in every chart section"
    like "$d/check-$w.txt" "^filter 0 True True$" "$w px: the brand filter shows that brand only"
    HOME="$d/home" timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --hide-scrollbars --user-data-dir="$d/profile" \
        --window-size=$((w < 500 ? 500 : w)),5800 --screenshot="$shots/report-$w.png" "file://$d/view-$w.html" \
        > "$d/shot-$w.log" 2>&1
    check "$w px: a screenshot for a person ($shots/report-$w.png)" test -s "$shots/report-$w.png"
done
[ $since = 7d ] && cp "$d/r.html" "$shots/report.html"
done
done_testing
