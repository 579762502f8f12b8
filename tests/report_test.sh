#!/bin/sh
# earshot report end to end: the fixture goes through the daemon (jsonl
# sources -> stages -> sql sink on SQLite, inventory into the state DB),
# two spike alert rows are added to the sink's alerts table, and the page
# is checked against the database: section titles, exact counts per
# brand and label in the SVG and the table, channels, alerts marked (and
# only the began one), issues from the alert's terms, responses per team,
# the reconciliation tables, escaping of hostile text (markup, a
# javascript: link), well-formed SVG, no script or external asset,
# --brand, an empty database, a database without tables, a missing file,
# bad options, and twenty brands with long names.
. "$top_srcdir/tests/lib.sh"
data="$top_srcdir/tests/data/report"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

sq() { # sq DB SQL: rows as "a|b|c" lines
    python3 - "$1" "$2" <<'PY'
import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]):
    print("|".join("" if v is None else str(v) for v in row))
PY
}

# conf DIR [FORUM]: two brands, the inventory, two jsonl sources (the
# second reads FORUM, default the fixture's forum.jsonl), the sql sink.
conf() {
    write_main "$1" "inventory = $data/inventory.csv
[brand acme]
keywords = acme, acmesupport
[brand globex]
keywords = globex, globexcare"
    cat > "$1/conf.d/10.conf" <<EOF
[source stream]
plugin = jsonl
path = $1/in.jsonl

[source forum]
plugin = jsonl
path = ${2:-$data/forum.jsonl}
network = forum

[sink db]
plugin = sql
dsn = sqlite:sink.db
EOF
}

d="$T/a"; mkdir -p "$d"
python3 "$data/mentions.py" "$d/in.jsonl"
conf "$d"
timeout 60 "$EARSHOT" run --once -c "$d/earshot.conf" > "$d/run.log" 2>&1
is $? 0 "the fixture goes through the daemon into the sql sink"
db="$d/state/sink.db"
is "$(sq "$db" 'select count(*) from mentions')" 45 "45 mentions in the sink's database"
day2=$(( $(date +%s) / 86400 * 86400 - 2 * 86400 ))
python3 - "$db" "$data/alerts.sql" "$day2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript(open(sys.argv[2]).read().replace("DAY2", sys.argv[3]))
c.commit()
PY
is "$(sq "$db" 'select count(*) from alerts')" 2 "two alert rows added"

# The default --db: the configured sql sink's dsn (sqlite:sink.db).
out="$d/report.html"
"$EARSHOT" report -c "$d/earshot.conf" --out "$out" > "$d/rep.log" 2>&1
is $? 0 "report exits 0"
check "the page is written" test -s "$out"
for t in "Mentions and sentiment by brand" "Volume and negative share over time" \
         "Channels: where the conversation happens" "Top negative issues per day" \
         "Response rate and time per owning team" "Accounts reconciliation" \
         "Dormant official accounts" "Sunset but still active" "Lookalike accounts"; do
    like "$out" "<h[23][^>]*>$t" "section: $t"
done
like "$out" "Source: SQLite database $d/state/sink.db" "the page names the database it read (the sink's dsn)"

# Exact counts per brand and label: the SVG bars and the table agree with
# the database. The report counts earned mentions per brand: every brand of
# a mention (mention_brands) but those whose official account wrote it,
# and mentions without brand rows under their brand column.
EARNED="(select b.brand as brand, m.sentiment_label, m.created_at, m.received_at, m.network, m.source
  from mention_brands b join mentions m on m.id = b.mention_id where b.owned = 0 union all select brand,
  sentiment_label, created_at, received_at, network, source from mentions m
  where not exists (select 1 from mention_brands b where b.mention_id = m.id))"
bad=0; n=0
for row in $(sq "$db" "select coalesce(brand, ''), sentiment_label, count(*) from $EARNED group by 1, 2"); do
    b=${row%%|*}; rest=${row#*|}; l=${rest%%|*}; c=${rest#*|}
    n=$((n + 1))
    grep -q "<rect data-brand=\"$b\" data-label=\"$l\" data-count=\"$c\"" "$out" || { bad=$((bad + 1)); diag "no bar $b $l $c"; }
done
is "$bad/$n" "0/8" "every brand x label count of the database is a bar of the chart"
acme="$(sq "$db" "select count(*), sum(sentiment_label = 'positive'), sum(sentiment_label = 'neutral'), sum(sentiment_label = 'negative') from $EARNED where brand = 'acme'" | tr '|' ' ')"
set -- $acme
is "$1" 33 "acme has 33 earned mentions (fixture)"
is "$(sq "$db" "select count(*) from mention_brands where brand = 'acme' and owned = 1")" 2 \
    "and 2 owned ones (its accounts' own posts), left out of its counts"
like "$out" "<tr data-fb=\"b[0-9]+\"><td>acme</td><td class=\"n\"[^>]*>$1</td><td class=\"n\"[^>]*>$2</td><td class=\"n\"[^>]*>$3</td><td class=\"n\"[^>]*>$4</td>" \
    "the table row of acme: total, positive, neutral, negative"
set -- $(sq "$db" "select count(*), sum(sentiment_label = 'negative') from $EARNED where brand = 'globex'" | tr '|' ' ')
is "$1" 7 "globex has 7 earned mentions (fixture; 1 more by its own account)"
like "$out" "<h3>globex <small>— <span[^>]*>$1</span> mentions, <span[^>]*>$2</span> negative" "the timeline heading of globex has its totals"
like "$out" "<tr data-fb=\"b[0-9]+\"><td>\(no brand\)</td><td class=\"n\"[^>]*>2</td>" "mentions of no brand are counted under (no brand)"

# Days: the bars of the busiest acme day carry its exact counts.
busiest="$(sq "$db" "select date(created_at, 'unixepoch'), count(*), sum(sentiment_label = 'negative') from $EARNED where brand = 'acme' group by 1 order by 2 desc, 1 limit 1")"
bd=${busiest%%|*}; rest=${busiest#*|}; bn=${rest%%|*}; bneg=${rest#*|}
like "$out" "<title>$bd: $bn mentions, $bneg negative" "the bar of $bd says $bn mentions, $bneg negative"

# Channels per brand: network and source with exact counts.
like "$out" "data-brand=\"acme\" data-channel=\"twitter · stream\" data-count=\"$(sq "$db" "select count(*) from $EARNED where brand = 'acme' and network = 'twitter'")\"" "acme: twitter · stream count"
like "$out" "data-brand=\"acme\" data-channel=\"reddit · stream\" data-count=\"4\"" "acme: reddit · stream, 4 mentions"
like "$out" "data-brand=\"acme\" data-channel=\"forum\" data-count=\"2\"" "acme: the forum instance, 2 mentions"

# Alerts: the began one is marked on the timeline, the ended one is not.
is "$(grep -c 'class="alert-marker"' "$out")" 1 "exactly one alert marker"
like "$out" "class=\"alert-marker\"( data-f[tnd]=\"[^\"]*\")* data-alert-id=\"spike:acme:${day2}_13:began\"" "the spike_began alert is marked"
like "$out" "<title>Alert spike_began at [0-9-]+ 13:00 UTC: 6 negative of 9 mentions, p &lt; 0.001 \(series acme&lt;script&gt;x&lt;/script&gt;\)</title>" \
    "the marker's tooltip: time, counts, p-value, escaped series"
like "$out" "<td>$(date -u -d @$day2 +%Y-%m-%d)<span class=\"badge\">alert</span></td>" "the alert day is flagged among the issues"
like "$out" "<span class=\"chip\">remboursement ×6</span><span class=\"chip\">refund ×5</span>" "the alert's terms come first, with their counts"
like "$out" "<td>$(date -u -d @$((day2 + 86400)) +%Y-%m-%d)</td><td class=\"n\"[^>]*>3</td><td>.*broken ×3" \
    "a day without alert: computed over-represented terms (broken x3)"
unlike "$out" "<span class=\"chip\">acme ×" "the brand's own name is not an issue"

# Responses per team (care: 2 questions, 1 answered after an hour).
like "$out" "data-team=\"care\" data-answered=\"1\" data-addressed=\"2\"" "care answered 1 of 2"
like "$out" "<tr><td>care</td><td class=\"n\"[^>]*>2</td><td class=\"n\"[^>]*>1</td><td class=\"n\"[^>]*>50%</td><td class=\"n\"[^>]*>60 min</td>" \
    "care: rate 50 %, median 60 min"
like "$out" "· median 60 min · p90 [0-9.]+ (s|min|h|d)</text>" "the response label is whole (not cut after p90)"
unlike "$out" "p90 [^<]*…" "no response label cut with an ellipsis"
like "$out" "<table class=\"responses-accounts\">" "responses per account too"
like "$out" "<tr><td>globex-care</td><td class=\"n\"[^>]*>1</td><td class=\"n\"[^>]*>1</td><td class=\"n\"[^>]*>100%</td>" "globex-care answered 1 of 1"

# Reconciliation tables.
like "$out" "<table class=\"dormant\">.*" "dormant table present"
like "$out" "<tr data-fb=\"b[0-9]+\" data-fn=\"n[0-9]+\"><td class=\"text\">twitter</td><td class=\"who\">Acme<wbr>Deals</td><td class=\"text\">acme</td>" "AcmeDeals is dormant (its handle may wrap between words)"
like "$out" "<tr data-fb=\"b[0-9]+\" data-fn=\"n[0-9]+\"><td class=\"text\">twitter</td><td class=\"who\">Acme<wbr>Old<wbr>Help</td><td class=\"text\">acme</td><td class=\"text\">care</td><td>[0-9-]+ 09:00 UTC</td>" \
    "AcmeOldHelp is sunset but still posting"
like "$out" "<h3 id=\"lookalikes\">Lookalike accounts \(1\)</h3>" "one lookalike"
like "$out" "<td class=\"who\">acmesupp0rt</td><td class=\"text\">acme</td><td class=\"who\">Acme<wbr>Support</td>" "acmesupp0rt resembles AcmeSupport"

# Escaping: hostile text never becomes markup; only http(s) links.
is "$(grep -o '<script[^>]*>' "$out" | tr '\n' ' ')" '<script type="application/json" id="es-cube"> <script type="application/json" id="es-tcube"> <script type="application/json" id="es-xcube"> <script> ' \
    "no <script> element but the page's own (its filters) and its three data blocks"
like "$out" "&lt;script&gt;alert\(&#39;acme refund&#39;\)" "the mention's <script> is shown escaped"
unlike "$out" "javascript:" "the javascript: URLs (a mention's, an alert's) are not links"
unlike "$out" "<(img|link|iframe|object|embed)[ >]" "no external asset"
unlike "$out" "(src|href)=\"(https?:)?//[^\"]*\.(css|js|png|woff)" "nothing loaded from elsewhere"
python3 - "$out" > "$d/xml.log" 2>&1 <<'PY'
import re, sys, xml.etree.ElementTree as ET
page = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg .*?</svg>", page, re.S)
for s in svgs:
    ET.fromstring(s)
print(len(svgs))
PY
is "$?:$(cat "$d/xml.log")" "0:15" "the 15 SVG charts are well-formed XML (share of voice x2, sentiment, 3 trends, 3 volumes, alerts, 3 channels, owned/earned, responses)"

# --brand: only that brand.
"$EARSHOT" report -c "$d/earshot.conf" --brand globex --out "$d/globex.html" > "$d/g.log" 2>&1
is $? 0 "report --brand globex exits 0"
is "$(grep -o 'data-brand="[^"]*" data-label' "$d/globex.html" | sort -u | tr '\n' ' ')" 'data-brand="globex" data-label ' "only globex bars"
unlike "$d/globex.html" "AcmeDeals" "accounts of other brands left out"
like "$d/globex.html" "<h1>earshot report: globex</h1>" "the title names the brand"

# --since shorter than the fixture: older days drop out.
"$EARSHOT" report -c "$d/earshot.conf" --since 1d --out "$d/1d.html" > /dev/null 2>&1
is $? 0 "report --since 1d exits 0"
set -- $(sq "$db" "select count(*) from $EARNED where brand = 'acme' and coalesce(created_at, received_at) >= strftime('%s', 'now') - 86400" | tr '|' ' ')
like "$d/1d.html" "<tr data-fb=\"b[0-9]+\"><td>acme</td><td class=\"n\"[^>]*>$1</td>" "--since 1d counts only the last day's $1 acme mentions"

# Explicit --db as a path, and to standard output.
"$EARSHOT" report -c "$d/earshot.conf" --db "$db" --out - > "$d/stdout.html" 2>"$d/so.log"
is $? 0 "--db PATH --out - exits 0"
like "$d/stdout.html" "</html>" "the page went to standard output"

# Bad options: clear errors, no page.
"$EARSHOT" report -c "$d/earshot.conf" --since 3x --out "$d/bad.html" > "$d/bad.log" 2>&1
is $? 2 "bad --since exits 2"
like "$d/bad.log" "--since '3x': expected a duration" "bad --since is named"
check "no page for a bad --since" test ! -e "$d/bad.html"
"$EARSHOT" report -c "$d/earshot.conf" --since 0 --out "$d/bad.html" > "$d/bad0.log" 2>&1
is $? 2 "--since 0 exits 2"
"$EARSHOT" report -c "$d/earshot.conf" > "$d/noout.log" 2>&1
is $? 2 "missing --out exits 2"
like "$d/noout.log" "--out FILE is required" "missing --out is named"
"$EARSHOT" report -c "$d/earshot.conf" --db "$d/nope.db" --out "$d/nope.html" > "$d/nope.log" 2>&1
is $? 1 "a missing database file exits 1"
like "$d/nope.log" "cannot open $d/nope.db" "the missing file is named"
printf 'not a database at all, just text\n%.0s' $(seq 200) > "$d/junk.db"
"$EARSHOT" report -c "$d/earshot.conf" --db "$d/junk.db" --out "$d/junk.html" > "$d/junk.log" 2>&1
is $? 1 "a file that is not a database exits 1"
like "$d/junk.log" "cannot read $d/junk.db: file is not a database" "and says so"
"$EARSHOT" report -c "$d/earshot.conf" --db "$d" --out "$d/nodir/x.html" > "$d/unw.log" 2>&1
is $? 1 "an unwritable --out exits 1"

# An empty database (schema, no rows) and one without tables.
e="$T/e"; mkdir -p "$e"; : > "$e/in.jsonl"
conf "$e" "$e/in.jsonl"
timeout 60 "$EARSHOT" run --once -c "$e/earshot.conf" > "$e/run.log" 2>&1
"$EARSHOT" report -c "$e/earshot.conf" --out "$e/r.html" > "$e/rep.log" 2>&1
is $? 0 "an empty database gives a page"
is "$(grep -c 'class="empty">No mentions since' "$e/r.html")" 4 "sentiment, sentiment over time, volume and channels say there were no mentions"
like "$e/r.html" "class=\"empty\">No negative mentions since" "issues say there were none"
like "$e/r.html" "<h3 id=\"dormant\">Dormant official accounts \(6\)</h3>" "reconciliation still listed (the 6 accounts not sunset never posted)"
python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute("create table other(x)")' "$e/notables.db"
"$EARSHOT" report -c "$e/earshot.conf" --db "sqlite:$e/notables.db" --out "$e/nt.html" > "$e/nt.log" 2>&1
is $? 0 "a database without the sink's tables gives a page"
like "$e/nt.html" "<h2>No data yet</h2>" "which says the sink has not written yet"

# Twenty brands with long names: all listed, long labels cut with the
# whole name as a tooltip.
python3 - "$db" <<'PY'
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
now = int(time.time())
for b in range(20):
    name = "brand-%02d-with-a-rather-long-name-for-the-label-column" % b
    for k in range(b + 1):
        c.execute("insert into mentions (id, network, source, text, created_at, brand, sentiment_label, received_at)"
                  " values (?, 'rss', 'feed', 'x', ?, ?, ?, ?)",
                  ("rss:%d:%d" % (b, k), now - 3600 * (k + 1), name, ["positive", "neutral", "negative"][k % 3], now))
# A brand name with invalid UTF-8, markup and a control character.
c.execute("insert into mentions (id, network, source, text, created_at, brand, sentiment_label, received_at)"
          " values ('rss:bad', 'rss', 'feed', 'x', ?, CAST(? AS TEXT), 'neutral', ?)",
          (now - 60, b"bad\xff\xfe<i>brand</i>\x01", now))
c.commit()
PY
"$EARSHOT" report -c "$d/earshot.conf" --out "$d/many.html" > "$d/many.log" 2>&1
is $? 0 "report with 24 brands exits 0"
is "$(grep -o 'data-brand="brand-[0-9]*-with-a-rather-long-name-for-the-label-column" data-label' "$d/many.html" | sort -u | wc -l)" 20 "all twenty brands have bars"
like "$d/many.html" "<g><title>brand-19-with-a-rather-long-name-for-the-label-column</title><text x=\"182.0\" [^>]*>brand-19-with-a-rather-l[^<]*…</text>" \
    "a long brand label is cut with an ellipsis and keeps its whole name as a tooltip"
python3 - "$d/many.html" > "$d/many-xml.log" 2>&1 <<'PY'
import re, sys, xml.etree.ElementTree as ET
page = open(sys.argv[1], "rb").read().decode("utf-8")  # strict: fails on invalid UTF-8
for s in re.findall(r"<svg .*?</svg>", page, re.S):
    ET.fromstring(s)
print("bad\ufffd\ufffd&lt;i&gt;brand&lt;/i&gt; " in page)
PY
is "$?:$(cat "$d/many-xml.log")" "0:True" "invalid UTF-8 shown as U+FFFD, markup escaped, control character as a space; the page is valid UTF-8 and its SVG well-formed"
like "$d/many.html" "<rect data-brand=\"brand-19-with-a-rather-long-name-for-the-label-column\" data-label=\"negative\" data-count=\"6\"" \
    "brand 19: 6 negative of 20"

# Under --enable-sanitizers a report goes to stderr, kept in these logs.
is "$(grep -l -e 'Sanitizer' -e 'runtime error' "$T"/*/*.log 2>/dev/null | tr '\n' ' ')" "" "no sanitizer report in any log"

done_testing
