#!/bin/sh
# The report's finer sections on a small database of known rows
# (tests/data/report/sections.py: the sink's schema made by the agent,
# then rows with known counts), checked as the percentages and figures a
# reader sees: share of voice, sentiment over time (hourly, daily),
# alerts, topics and their phrases, authors by reach, engaged mentions,
# owned/earned, networks and languages, filters, emoji as text. Then the
# same page served live by the daemon on 127.0.0.1 (curl /report).
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
pid=
tap_cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; }

d="$T/s"; mkdir -p "$d"; : > "$d/in.jsonl"
port=$(free_port)
write_main "$d" "metrics_listen = 127.0.0.1:$port
[brand acme]
keywords = acme
[brand globex]
keywords = globex"
sink_schema "$d"
is $? 0 "the agent creates the sink's schema"
# Rows dated 30 s in the past: the page and the live page, written a few
# seconds apart, then put the rows aged exactly one or two days in the
# same date range of the filters.
now=$(( $(date +%s) - 30 ))
python3 "$top_srcdir/tests/data/report/sections.py" "$d/state/sink.db" "$now"
is $? 0 "known rows written"
"$EARSHOT" report -c "$d/earshot.conf" --since 7d --out "$d/r.html" > "$d/rep.log" 2>&1
is $? 0 "report --since 7d exits 0"
out="$d/r.html"

# The database is only read: a read-only copy gives the same page and
# stays byte for byte the same (no journal, no WAL written next to it).
mkdir -p "$d/ro"; cp "$d/state/sink.db" "$d/ro/sink.db"; cp "$d/ro/sink.db" "$d/ro.orig"
chmod 0444 "$d/ro/sink.db"; chmod 0555 "$d/ro"
"$EARSHOT" report -c "$d/earshot.conf" --db "$d/ro/sink.db" --since 7d --out "$d/ro.html" > "$d/ro.log" 2>&1
is $? 0 "a read-only database file in a read-only directory is enough (modes bind only when not root)"
check "the database file is unchanged" cmp -s "$d/ro/sink.db" "$d/ro.orig"
# (A WAL database gets SQLite's -wal/-shm coordination files beside it,
# as for any reader; nothing is written into them.)
check "no rollback journal, an empty WAL" test ! -e "$d/ro/sink.db-journal" -a ! -s "$d/ro/sink.db-wal"
chmod 0755 "$d/ro"

# Share of voice: acme 8 of 10 earned mentions, 4 of the 5 negative ones.
like "$out" "<td>acme</td><td class=\"n\"[^>]*>8</td><td class=\"n\"[^>]*>80%</td><td class=\"n\"[^>]*>4</td><td class=\"n\"[^>]*>80%</td><td class=\"n\"[^>]*>50%</td><td class=\"n\"[^>]*>1</td>" \
    "share of voice: acme 8 earned, 80% of voice, 4 negative = 80% of negative, 50% negative rate, 1 own post"
like "$out" "<td>globex</td><td class=\"n\"[^>]*>2</td><td class=\"n\"[^>]*>20%</td><td class=\"n\"[^>]*>1</td><td class=\"n\"[^>]*>20%</td>" \
    "share of voice: globex 20%, 20% of negative"
like "$out" ">80% of voice · 80% of negative</text>" "the share-of-voice bar label"
like "$out" "<h3>Share of voice per day</h3>" "share of voice over time"

# Sentiment over time: three labels; hourly buckets in the last 48 h.
like "$out" "<h3>acme <small>— <span[^>]*>25%</span> positive, <span[^>]*>25%</span> neutral, <span[^>]*>50%</span> negative</small></h3>" "trend heading: the three labels of acme"
h1=$(date -u -d @$(( now / 3600 * 3600 - 3600 )) '+%Y-%m-%d %H:00 UTC')
like "$out" "<title>$h1: 1 mentions, 1 negative \(100%\)</title>" "an hourly bucket an hour ago: 1 negative mention"
d3=$(date -u -d @$(( now - 3 * 86400 )) '+%Y-%m-%d')
like "$out" "<title>$d3: 1 mentions, 1 negative \(100%\)</title>" "a daily bucket three days ago"
like "$out" "hour \(UTC\), last 48 h" "the hourly panel is labelled"

# Alerts: began/ended, counts vs expected, readable p-value, terms, links.
b=$(date -u -d @$(( (now - 7200) / 3600 * 3600 )) '+%Y-%m-%d %H:00 UTC')
e=$(date -u -d @$(( (now - 7200) / 3600 * 3600 + 7200 )) '+%Y-%m-%d %H:00 UTC')
like "$out" "<td>$b</td><td>$e</td><td>acme</td><td class=\"text\">refunds</td><td class=\"n\"[^>]*>6</td><td class=\"n\"[^>]*>1.5</td><td class=\"n\"[^>]*>9 \(66.7%\)</td><td class=\"n\"[^>]*>p &lt; 0.001</td><td><span class=\"chip\">refund</span></td>" \
    "alerts table: began, ended, brand, topic, 6 vs 1.5 expected, of 9 (66.7%), p < 0.001, terms"
like "$out" "href=\"https://twitter.example/1\">example 1</a>" "alerts table: the example link"
like "$out" "class=\"alert-span\"( data-f[td]=\"[^\"]*\")*><title>$b: 6 negative of 9, p &lt; 0.001</title>" "alerts timeline: the span"
like "$out" "class=\"alert-span\" data-ft=\"t[0-9]+\" data-fd=\"24h 48h[^\"]*\"><title>$b" \
    "alerts timeline: the span is tagged with its topic and start for the filters"
unlike "$out" "e-24" "no raw p-value anywhere"

# Topics: volume, negative share, trend, team, phrases.
like "$out" "<td class=\"text\">refunds</td><td>acme</td><td class=\"text\">billing</td><td class=\"n\"[^>]*>4</td><td class=\"n\"[^>]*>75%</td><td class=\"n\" title=\"first half 1, second half 3\">\+200%</td><td><span class=\"chip phrase\">refund still pending ×3</span>" \
    "topics: refunds of acme, team billing, 4 mentions, 75% negative, +200%, 'refund still pending' x3"

# Authors by reach and engaged mentions, with links.
like "$out" "<td class=\"who\">bigvoice</td><td>twitter</td><td>public</td><td class=\"n\"[^>]*>120k</td><td class=\"n\"[^>]*>1</td><td class=\"n\"[^>]*>65</td>" \
    "authors: bigvoice, 120k followers, 65 engagement"
like "$out" "<td class=\"who\">angry_<wbr>customer_<wbr>with_<wbr>a_<wbr>very_<wbr>long_<wbr>handle_<wbr>name</td>" \
    "a long handle wraps at its underscores"
like "$out" "href=\"https://twitter.example/1\">My refund still pending after two weeks \[emoji\]</a>" \
    "engaged: the most engaged mention links to itself; its emoji is a text label"
like "$out" "<td class=\"n\"[^>]*>50</td><td class=\"n\"[^>]*>10</td><td class=\"n\"[^>]*>5</td><td class=\"n\"[^>]*>120k</td><td>negative</td>" \
    "engaged: likes, reposts, replies, followers, sentiment"
is "$(grep -c '😍' "$out")" 0 "no emoji glyph left in the page"
unlike "$out" "\[emoji\] ×|×[0-9]+ \[emoji\]" "an emoji is neither an issue term nor part of a phrase"

# Owned and earned, networks, languages.
like "$out" "<rect class=\"owned\" data-count=\"1\"" "owned posts drawn"
like "$out" "<span class=\"tag\">twitter <span data-nq=\"[0-9]+ [0-9]+\">62.5%</span></span><span class=\"tag\">reddit <span data-nq=\"[0-9]+ [0-9]+\">25%</span></span><span class=\"tag\">forum <span data-nq=\"[0-9]+ [0-9]+\">12.5%</span></span>" \
    "networks of acme: 62.5% / 25% / 12.5%"
like "$out" "<span class=\"tag\">en <span data-lq=\"[0-9]+ 0\">75%</span></span><span class=\"tag\">fr <span data-lq=\"[0-9]+ 1\">25%</span></span>" "languages of acme"

# Filters: brand, topic, network, dates; CSS only, no script.
like "$out" "<input type=\"radio\" name=\"fb\" id=\"fb-all\" checked>" "a brand filter"
like "$out" "<input type=\"radio\" name=\"ft\" id=\"ft-all\" checked>" "a topic filter"
like "$out" "<td class=\"text\">app</td><td>acme</td><td class=\"text\">product</td><td class=\"n\"[^>]*>2</td><td class=\"n\"[^>]*>50%</td>" \
    "topics: app of acme, team product, 2 mentions, 50% negative"
like "$out" "<input type=\"radio\" name=\"fn\" id=\"fn-all\" checked>" "a network filter"
like "$out" "<input type=\"radio\" name=\"fd\" id=\"fd-48h\">" "a date-range filter"
like "$out" "body:has\(#fb-1:checked\) \[data-fb\]:not\(\[data-fb~=\"b1\"\]\)" "filters are CSS :has() rules"
is "$(grep -o '<script[^>]*>' "$out" | tr '\n' ' ')" '<script type="application/json" id="es-cube"> <script type="application/json" id="es-tcube"> <script type="application/json" id="es-xcube"> <script> ' \
    "one script (the filters') and its three data blocks, nothing else"
# The CSP allows that script by its hash and nothing else (the filters'
# recomputation itself is tests/report_filter_test.sh, in a browser).
python3 - "$out" > "$d/csp.txt" <<'PY'
import base64, hashlib, re, sys
s = open(sys.argv[1], encoding="utf-8").read()
js = re.findall(r"<script>(.*?)</script>", s, re.S)
csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', s).group(1)
print(len(js), "script-src 'sha256-%s'" % base64.b64encode(hashlib.sha256(js[0].encode()).digest()).decode() in csp,
      "default-src 'none'" in csp, "unsafe-inline" not in csp.split("script-src")[1])
PY
like "$d/csp.txt" "^1 True True True$" "the CSP allows the page's script by its sha256, nothing else runs"

# The same page, live from the daemon: GET /report on the metrics listener.
"$EARSHOT" run --foreground -c "$d/earshot.conf" 2> "$d/daemon.log" &
pid=$!
wait_for 10 grep -q "metrics on" "$d/daemon.log"
code=$(curl -s -o "$d/live.html" -D "$d/live.h" -w '%{http_code}' "http://127.0.0.1:$port/report?since=7d")
is "$code" 200 "GET /report?since=7d answers 200"
like "$d/live.h" "Content-Type: text/html; charset=utf-8" "as HTML"
like "$d/live.h" "Content-Security-Policy: default-src 'none'" "with the page's CSP as a header too"
norm() { sed -e 's/[0-9-]* [0-9:]* UTC//g' -e 's/Generated [^<]*//' "$1"; }
norm "$out" > "$d/a.n"; norm "$d/live.html" > "$d/b.n"
check "the live page is the page earshot report writes (times aside)" cmp -s "$d/a.n" "$d/b.n"
cmp -s "$d/a.n" "$d/b.n" || diff "$d/a.n" "$d/b.n" | head -20 | sed 's/^/# /'
code=$(curl -s -o "$d/acme.html" -w '%{http_code}' "http://127.0.0.1:$port/report?since=7d&brand=acme")
is "$code" 200 "GET /report?since=7d&brand=acme answers 200"
like "$d/acme.html" "<h1>earshot report: acme</h1>" "for acme only"
like "$d/acme.html" "<td>acme</td><td class=\"n\"[^>]*>8</td><td class=\"n\"[^>]*>100%</td>" "acme alone is all the voice"
unlike "$d/acme.html" "<td>globex</td>" "no globex row"
is "$(curl -s -o "$d/bad.txt" -w '%{http_code}' "http://127.0.0.1:$port/report?since=3x")" 400 "a bad since is 400"
like "$d/bad.txt" "since=3x: expected a duration" "and says why"
is "$(curl -s -o "$d/nb.txt" -w '%{http_code}' "http://127.0.0.1:$port/report?brand=nope")" 404 "an unknown brand is 404"
is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/report")" 405 "POST is refused"
# Refreshed on request: a new mention shows in the next page.
python3 - "$d/state/sink.db" "$now" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
c.execute("INSERT INTO mentions (id, network, text, created_at, brand, sentiment_label, received_at)"
          " VALUES ('twitter:99', 'twitter', 'globex again', ?, 'globex', 'negative', ?)", (n - 60, n))
c.execute("INSERT INTO mention_brands (mention_id, brand, owned) VALUES ('twitter:99', 'globex', 0)")
c.commit()
PY
curl -s -o "$d/live2.html" "http://127.0.0.1:$port/report?since=7d"
like "$d/live2.html" "<td>globex</td><td class=\"n\"[^>]*>3</td><td class=\"n\"[^>]*>27.3%</td>" "refreshed on request: globex now 3 of 11 (27.3%)"
# Several at once: each is answered, a page or a 503 to retry; /health never waits.
for k in 1 2 3; do curl -s -o "$d/par$k.html" -w '%{http_code}\n' "http://127.0.0.1:$port/report?since=7d" > "$d/par$k.code" & done
hc=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/health")
wait_for 10 test -s "$d/par3.code"
sleep 0.5
is "$hc" 200 "/health answers while pages render"
is "$(cat "$d"/par*.code | grep -cv -e '^200$' -e '^503$')" 0 "concurrent /report requests get 200 or 503, nothing else"
kill $pid; wait $pid; is $? 0 "the daemon stops cleanly with the listener"; pid=

is "$(grep -l -e 'Sanitizer' -e 'runtime error' "$d"/*.log 2>/dev/null | tr '\n' ' ')" "" "no sanitizer report in any log"
done_testing
