#!/bin/sh
# The in-page filters recompute the figures (headless Chromium; skipped
# without it). Each brand, topic, network and date range is chosen in
# turn, then two combinations; what the page then shows (the selection's
# totals and shares, the share-of-voice and sentiment tables, the bars'
# widths and the axis) must be what `earshot report --brand NAME` writes
# for a brand, and what the database counts (sqlite3, the sink's tables)
# for the others. The time charts (sentiment over time per day and hour,
# volume per day with its negative-share line) are checked against the
# database's counts per bucket for every choice: the bars shown, their
# heights on the selection's scale, the left axes, the line. The untouched page must run its script under its own
# Content-Security-Policy, and a changed script must be refused by it.
. "$top_srcdir/tests/lib.sh"
need_browser
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

d="$T/f"; mkdir -p "$d"; : > "$d/in.jsonl"
write_main "$d" "[brand acme]
keywords = acme
[brand globex]
keywords = globex
$(for b in 0 1 2 3 4 5; do printf '[brand brand-0%d]\nkeywords = b0%d\n' $b $b; done)"
sink_schema "$d"
# Rows dated 30 s before now, so none sits on a date range's edge when
# the page is written a few seconds later.
fnow=$(( $(date +%s) - 30 ))
python3 "$top_srcdir/tests/data/report/sections.py" "$d/state/sink.db" "$fnow"
python3 - "$d/state/sink.db" "$fnow" <<'PY'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1]); now = int(sys.argv[2])
# A mention of two topics (counted once without a topic filter), a
# mention of two brands, a mention of no brand, and brands on five
# networks, two sources and three languages with every label, over the
# whole week.
c.execute("INSERT INTO mention_topics (mention_id, topic, owner) VALUES ('twitter:1', 'app', 'product')")
def add(mid, brands, label, age, net, topic=None, source="feed", lang=None, owned=0):
    c.execute("INSERT INTO mentions (id, network, source, author, text, lang, created_at, brand, sentiment_label,"
              " received_at) VALUES (?, ?, ?, 'someone', 'text', ?, ?, ?, ?, ?)",
              (mid, net, source, lang, now - age, brands[0] if brands else None, label, now))
    for b in brands:
        c.execute("INSERT INTO mention_brands (mention_id, brand, owned) VALUES (?, ?, ?)", (mid, b, owned))
    if topic:
        c.execute("INSERT INTO mention_topics (mention_id, topic, owner) VALUES (?, ?, 'billing')", (mid, topic))
labels = ["positive", "neutral", "negative", None]
for b in range(6):
    for k in range(3 * b + 2):
        add("rss:%d:%d" % (b, k), ["brand-%02d" % b], labels[(k + b) % 4], 3700 * (5 * k + b + 1),
            "net-%d" % ((k + b) % 5), "refunds" if k % 3 == 0 else None, "feed" if k % 2 else "feed-b",
            ["en", "fr", None][k % 3])
# Owned posts (the brands' own) on several networks and dates, some of a
# topic; brand-05 has ten channels (network x source): eight listed and
# the rest grouped.
for b in (0, 2, 5):
    for k in range(b + 2):
        add("own:%d:%d" % (b, k), ["brand-%02d" % b], "neutral", 5000 * (7 * k + b + 1), "net-%d" % ((k + b) % 5),
            "refunds" if k % 2 == 0 else None, owned=1)
# Alerts of brand-05 and brand-02: of a topic and a network, of every
# topic and network, of a network only (and its end record), dated
# inside and outside the date ranges.
def alert(aid, brand, net, topic, age, ev="spike_began"):
    bs = (now - age) // 3600 * 3600
    f = {"expected": 1.0, "terms": [], "urls": []}
    if topic:
        f["topic_name"] = topic
    c.execute("INSERT INTO alerts (id, event, brand, network, series, bucket_start, bucket_end, count, total,"
              " p_value, fields, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, 3, 5, 0.001, ?, ?)",
              (aid + ":" + ev, ev, brand, net, aid, bs, bs + 3600, json.dumps(f), now))
alert("a1", "brand-05", "net-1", "refunds", 5400)
alert("a2", "brand-05", None, None, 3 * 86400)
alert("a3", "brand-05", "net-2", None, 30 * 3600)
alert("a3", "brand-05", "net-2", None, 27 * 3600, "spike_ended")
alert("a4", "brand-02", "net-0", "refunds", 36 * 3600)
add("rss:both", ["acme", "globex"], "negative", 7000, "net-1", "refunds")
add("rss:none", [], "positive", 9000, "net-2")
c.commit()
PY
sleep 1
# The time charts' buckets shown under a date range change on the hour:
# the page is written well inside one, and the comparison told which.
while [ $(( $(date +%s) % 3600 )) -gt 3580 ]; do sleep 1; done
tpage=$(date +%s)
"$EARSHOT" report -c "$d/earshot.conf" --since 7d --out "$d/r.html" > "$d/rep.log" 2>&1
is $? 0 "the page of the filter fixture"
for b in $(python3 -c "import sqlite3,sys; print(' '.join(r[0] for r in sqlite3.connect(sys.argv[1]).execute('select distinct brand from mention_brands order by 1')))" "$d/state/sink.db"); do
    "$EARSHOT" report -c "$d/earshot.conf" --since 7d --brand "$b" --out "$d/brand-$b.html" >> "$d/rep.log" 2>&1 || diag "--brand $b failed"
done

# The page as is (its CSP on): the script runs, and marks <html>.
run() { # run URL OUT
    HOME="$d/home" timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --disable-background-networking --hide-scrollbars --user-data-dir="$d/profile" \
        --window-size=1400,3000 --virtual-time-budget=3000 --dump-dom "$1" > "$2" 2>> "$d/chromium.log"
}
run "file://$d/r.html" "$d/dom-plain.html"
like "$d/dom-plain.html" '<html lang="en" data-filters="live"' "the script runs under the page's own CSP"
sed 's/F.addEventListener/F.addEventListener /' "$d/r.html" > "$d/tampered.html"
run "file://$d/tampered.html" "$d/dom-tampered.html"
unlike "$d/dom-tampered.html" 'data-filters="live"' "a changed script is refused by the CSP (the hash is checked)"

# The check copy: the CSP dropped so the check script may run too.
python3 - "$d/r.html" "$top_srcdir/tests/report_filter_check.js" "$d/check.html" <<'PY'
import html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
page = page.replace("</body>", "<script>" + open(sys.argv[2]).read() + "</script>\n</body>")
open(sys.argv[3], "w", encoding="utf-8").write(
    '<!DOCTYPE html><html><body style="margin:0"><iframe style="border:0;display:block" width="1400" height="3000" '
    'srcdoc="%s"></iframe></body></html>' % html.escape(page, quote=True))
PY
run "file://$d/check.html" "$d/dom-check.html"
python3 "$top_srcdir/tests/report_filter_compare.py" "$d/dom-check.html" "$d/r.html" "$d" "$d/state/sink.db" \
    "$((fnow + 40))" "$tpage" > "$d/compare.txt" 2>&1
is "$?" 0 "the filters were applied and compared"
sed 's/^/# /' "$d/compare.txt" | grep -v '^# ok' | head -20
like "$d/compare.txt" "^cases ([2-9][0-9]|1[0-9])\$" "ten or more filter choices measured"
is "$(grep -c '^bad' "$d/compare.txt")" 0 "every filtered figure is the one of the page or the database ($(grep '^bad' "$d/compare.txt" | head -2 | tr '\n' ';'))"
like "$d/compare.txt" "^ok brand acme" "acme alone: as --brand acme"
like "$d/compare.txt" "^ok network net-1" "network net-1: as the database counts"
like "$d/compare.txt" "^ok topic refunds" "topic refunds: as the database counts"
like "$d/compare.txt" "^ok dates 24h" "last 24 h: as the database counts"
like "$d/compare.txt" "^ok topic [^ ]* network " "topic and network: the time charts follow the topic, and the page says so"
like "$d/compare.txt" "^changed [1-9][0-9]" "the figures change with the filters (and back)"
done_testing
