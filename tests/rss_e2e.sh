#!/bin/sh
# End to end: `earshot run --once` with the rss source and the jsonl sink
# against tests/http_fixture_server.py on 127.0.0.1. Prints TAP.
#
# Covers conditional GET (304), redirects, gzip, 429 + Retry-After, a stalled
# server (timeout), truncated bodies, wrong content types, ill-formed XML,
# invalid UTF-8, entity bombs and external entities (never fetched), items
# repeated within a page and across fetches and restarts.

set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
data="$srcdir/tests/data/rss"

if [ -z "${EARSHOT:-}" ] || [ ! -x "$EARSHOT" ]; then
    echo "1..0 # SKIP EARSHOT is not set to the built binary"
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 not found"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/earshot-rss-e2e.XXXXXX")
server_pid=
dpid=
cleanup() {
    [ -n "$dpid" ] && kill "$dpid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM

python3 "$srcdir/tests/http_fixture_server.py" --root "$data" \
    --port-file "$tmp/port" --log "$tmp/requests.jsonl" &
server_pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -s "$tmp/port" ]; then
    echo "1..0 # SKIP fixture server did not start"
    exit 0
fi
port=$(cat "$tmp/port")
base="http://127.0.0.1:$port"

n=0
failed=0
ok() { # ok COND-EXIT-STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
diag() { sed 's/^/# /'; }

# run NAME URLS [EXTRA-KEY-LINES]: one --once run with state in $tmp/NAME
# (kept across runs of the same NAME); output in $tmp/NAME/out.N.jsonl and
# $tmp/NAME/log.N, N counting runs. Sets $out, $log, $rc, $secs.
run() {
    name=$1 urls=$2 extra=${3:-}
    d="$tmp/$name"
    mkdir -p "$d/conf.d" "$d/state"
    runs=$(cat "$d/runs" 2>/dev/null || echo 0)
    runs=$((runs + 1))
    echo $runs > "$d/runs"
    out="$d/out.$runs.jsonl"
    log="$d/log.$runs"
    cat > "$d/earshot.conf" <<EOF
[earshot]
state_dir = $d/state
conf_dir = $d/conf.d
log_level = debug
EOF
    case "$extra" in *timeout*) ;; *) extra="$extra
timeout = 5s" ;; esac
    printf '[source feed]\nplugin = rss\nurl = %s\n%s\n' "$urls" "$extra" \
        > "$d/conf.d/10-rss.conf"
    printf '[sink out]\nplugin = jsonl\npath = %s\n' "$out" > "$d/conf.d/20-out.conf"
    t0=$(date +%s.%N)
    timeout 60 "$EARSHOT" run -c "$d/earshot.conf" --once > "$log" 2>&1
    rc=$?
    secs=$(python3 -c "print(round($(date +%s.%N) - $t0, 2))")
    [ -f "$out" ] || : > "$out"
}

# jq-like checks in python: q FILE EXPR (EXPR sees `recs`, the list of
# records; exits 0 when it is truthy).
q() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
recs = []
with open(sys.argv[1], "rb") as f:
    for line in f:
        recs.append(json.loads(line.decode("utf-8")))  # strict UTF-8
by_title = {r.get("title"): r for r in recs}
ids = [r["id"] for r in recs]
ok = eval(sys.argv[2])
sys.exit(0 if ok else 1)
EOF
}
count() { [ -s "$1" ] && wc -l < "$1" | tr -d ' ' || echo 0; }
hits() { # hits PATH-PREFIX: requests logged whose path starts with it
    python3 - "$tmp/requests.jsonl" "$1" <<'EOF'
import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["path"].startswith(sys.argv[2]) and e["status"] != -1:
        n += 1
print(n)
EOF
}
last_req() { # last_req PATH PYEXPR-on-e
    python3 - "$tmp/requests.jsonl" "$1" "$2" <<'EOF'
import json, sys
last = None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["path"] == sys.argv[2]:
        last = e
sys.exit(0 if last is not None and eval(sys.argv[3], {"e": last}) else 1)
EOF
}

# ---- the three formats, fields as the design names them ---------------
run basic "$base/rss2.xml, $base/rss1.rdf, $base/atom.xml"
ok $rc "basic: earshot run --once exits 0 (${secs}s)"
[ $rc -eq 0 ] || tail -20 "$log" | diag
ok $([ "$(count "$out")" -eq 10 ]; echo $?) "basic: 10 mentions from RSS 2.0, RDF and Atom (got $(count "$out"))"
q "$out" 'all(r["network"] == "rss" and r["id"].startswith("rss:") and r["source"] == "feed" for r in recs)'
ok $? "basic: network, source and id prefix"
q "$out" 'by_title["Acme’s new widget ships"]["text"] == "The widget is here & it’s great.\n\nSecond paragraph."'
ok $? "basic: HTML stripped, entities decoded"
q "$out" 'by_title["Acme’s new widget ships"]["created_at"] == 1539202764 and by_title["Acme’s new widget ships"]["author"] == "Jane Doe"'
ok $? "basic: created_at in UTC seconds, author from dc:creator"
q "$out" "by_title['Acme’s new widget ships']['id'] == 'rss:$base/rss2.xml#post-1001'"
ok $? "basic: a feed-local guid is qualified by the feed URL"
q "$out" 'by_title["Support is slow"]["id"] == "rss:https://blog.acme.example/?p=1002"'
ok $? "basic: a URL guid is the native id"
q "$out" "by_title['Relative link, no guid']['url'] == '$base/2018/10/relative'"
ok $? "basic: relative link resolved against the feed URL"
q "$out" 'by_title["First article"]["created_at"] == 1539202764 and by_title["Escaped HTML title"]["text"] == "Hello & welcome"'
ok $? "basic: RDF dc:date and Atom type=html content"
q "$out" 'len(set(ids)) == len(ids)'
ok $? "basic: ids unique"

# ---- restart: nothing is emitted twice ------------------------------
run basic "$base/rss2.xml, $base/rss1.rdf, $base/atom.xml"
ok $([ $rc -eq 0 ] && [ "$(count "$out")" -eq 0 ]; echo $?) "restart: seen items not emitted again (got $(count "$out"))"

# ---- conditional GET ---------------------------------------------------
run etag "$base/etag/rss2.xml"
first=$(count "$out")
run etag "$base/etag/rss2.xml"
ok $([ "$first" -eq 5 ] && [ "$(count "$out")" -eq 0 ]; echo $?) "etag: 5 then 0 mentions"
last_req /etag/rss2.xml 'e["status"] == 304 and "if-none-match" in e["headers"]'
ok $? "etag: second fetch sent If-None-Match and got 304"
grep -q "not modified" "$log"
ok $? "etag: 304 logged as not modified (no parse)"

# ---- redirects -----------------------------------------------------------
run redirect "$base/redirect?to=/redirect%3Fto%3D/rss2.xml"
ok $([ "$(count "$out")" -eq 5 ]; echo $?) "redirect: followed a two-hop chain (got $(count "$out"))"
q "$out" "by_title['Relative link, no guid']['url'] == '$base/2018/10/relative'"
ok $? "redirect: links resolve against the final URL"

# ---- gzip ----------------------------------------------------------------
run gzip "$base/gzip/atom.xml"
ok $([ "$(count "$out")" -eq 3 ]; echo $?) "gzip: decoded (got $(count "$out"))"
last_req /gzip/atom.xml 'e.get("gzipped") is True'
ok $? "gzip: server sent a gzip body"

# ---- 429 with Retry-After -----------------------------------------------
run limited "$base/status/429?retry_after=120"
ok $rc "limited: exits 0"
grep -qi "warn.*HTTP 429.*retry after 120 s" "$log"
ok $? "limited: Retry-After read and logged"
[ $? -eq 0 ] || grep -i 429 "$log" | diag

# ---- a server that stalls -------------------------------------------------
run stall "$base/stall?seconds=20" "timeout = 1s"
ok $([ $rc -eq 0 ] && python3 -c "import sys; sys.exit(0 if $secs < 10 else 1)"; echo $?) "stall: gives up on the timeout (${secs}s)"
grep -qi "warn.*/stall.*timed out" "$log"
ok $? "stall: timeout logged with the URL"

# ---- truncated bodies ------------------------------------------------------
run trunc "$base/truncate/rss2.xml?bytes=1300"
ok $([ "$(count "$out")" -ge 1 ] && [ "$(count "$out")" -lt 5 ]; echo $?) "truncated: items before the cut recovered (got $(count "$out"))"
grep -qi "warn.*/truncate/rss2.xml.*:[0-9][0-9]*: .*Premature end" "$log"
ok $? "truncated: warning names URL and line"
run trunc2 "$base/truncate/rss2.xml?bytes=500&length=full"
ok $([ $rc -eq 0 ] && [ "$(count "$out")" -eq 0 ]; echo $?) "truncated with full Content-Length: transfer error, no mentions"
grep -qi "warn.*fetch failed" "$log"
ok $? "truncated with full Content-Length: logged"

# ---- wrong content types ------------------------------------------------
run ctype "$base/atom.xml?content_type=text/html, $base/rss1.rdf?content_type=application/octet-stream"
ok $([ "$(count "$out")" -eq 5 ]; echo $?) "content type: feeds parsed whatever the Content-Type (got $(count "$out"))"
run notfeed "$base/not-a-feed.html, $base/missing.xml"
ok $([ $rc -eq 0 ] && [ "$(count "$out")" -eq 0 ]; echo $?) "not a feed / 404: no mentions, still exits 0"
grep -qi "warn.*not-a-feed.html.*not a feed" "$log" && grep -qi "warn.*missing.xml.*HTTP 404" "$log"
ok $? "not a feed / 404: both warned"

# ---- ill-formed XML and bad encodings --------------------------------------
run ill "$base/illformed.xml, $base/invalid-utf8.xml, $base/latin1-declared-utf8.xml"
ok $([ "$(count "$out")" -eq 5 ]; echo $?) "ill-formed: all items recovered (got $(count "$out"))"
grep -qi "warn.*/illformed.xml:4: .*unescaped '&'" "$log"
ok $? "ill-formed: warning names URL and line"
q "$out" 'by_title["AT&T merger news"]["url"] == "http://ill.example/a?x=1&y=2" and "café and “quotes”" in by_title and "Café déjà vu — ünïcödé" in by_title'
ok $? "ill-formed: text repaired, output valid UTF-8"

# ---- hostile documents --------------------------------------------------
run laughs "$base/billion-laughs.xml, $base/quadratic.xml"
ok $([ $rc -eq 0 ] && python3 -c "import sys; sys.exit(0 if $secs < 10 else 1)"; echo $?) "billion laughs: finishes (${secs}s)"
ok $([ "$(wc -c < "$out")" -lt 10000 ] && ! grep -q lollol "$out"; echo $?) "billion laughs: nothing expanded ($(wc -c < "$out") bytes out)"
run xxe "$base/xxe-file.xml, $base/xxe-http.xml?subst=1"
ok $([ "$(count "$out")" -eq 2 ]; echo $?) "xxe: both documents read (got $(count "$out"))"
ok $(! grep -q "root:" "$out"; echo $?) "xxe: /etc/passwd not included"
ok $([ "$(hits /xxe/)" -eq 0 ]; echo $?) "xxe: external entity and DTD URLs never requested"
ok $(grep -q "warn .*xxe-file.xml: the feed declares 2 entities (2 external); they are neither fetched nor expanded, so text that refers to them is left out" "$log"; echo $?) "xxe: the left-out entities are a warning naming the feed"
ok $([ "$(grep -c 'the feed declares' "$log")" -eq 2 ]; echo $?) "xxe: one such warning per feed"
# A daemon polling the same feed again says it only once.
run xxe_daemon "$base/xxe-file.xml" "interval = 1s"
n0=$(hits /xxe-file.xml)
"$EARSHOT" run --foreground -c "$d/earshot.conf" > "$d/daemon.log" 2>&1 &
dpid=$!
i=0
while [ "$(hits /xxe-file.xml)" -lt $((n0 + 3)) ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill $dpid; wait $dpid; dpid=
ok $([ "$(hits /xxe-file.xml)" -ge $((n0 + 3)) ] && [ "$(grep -c 'the feed declares' "$d/daemon.log")" -eq 1 ]; echo $?) \
    "xxe: polled $(($(hits /xxe-file.xml) - n0)) times by a daemon, warned once"

# ---- repeated items -------------------------------------------------------
run repeat "$base/seq/repeat-1.xml%2Crepeat-2.xml"
ok $([ "$(count "$out")" -eq 2 ]; echo $?) "repeat: an item listed twice in one page is emitted once (got $(count "$out"))"
run repeat "$base/seq/repeat-1.xml%2Crepeat-2.xml"
ok $([ "$(count "$out")" -eq 1 ]; echo $?) "repeat: next page emits only the new item (got $(count "$out"))"
q "$out" 'recs[0]["title"] == "Three"'
ok $? "repeat: and it is the new one"

# ---- what real sites' feeds carry -------------------------------------------
run real "$base/realsites.xml, $base/prefixed.xml, $base/atom-items.xml, $base/utf32.xml, $base/latin1-undeclared.xml, $base/bad-declared-encoding.xml"
ok $rc "real: earshot run --once exits 0 (${secs}s)"
[ $rc -eq 0 ] || tail -20 "$log" | diag
ok $([ "$(count "$out")" -eq 12 ]; echo $?) "real: 6 + 1 + 1 + 1 + 1 + 2 mentions (got $(count "$out"))"
q "$out" 'by_title["Namespaces without the slash"]["author"] == "Dora Creator" and by_title["Namespaces without the slash"]["text"] == "Full body from content:encoded."'
ok $? "real: dc: and content: declared without the trailing slash"
q "$out" 'by_title["Episode 12: Acme support"]["author"] == "Ivan Podcaster" and by_title["Product update"]["author"] == "Diane Chaleff"'
ok $? "real: itunes:author; <author> with name and title children gives the name"
q "$out" 'by_title["Acme unboxing video"]["text"] == "Unboxing the new Acme widget, first impressions."'
ok $? "real: media:description is the body when there is no other"
q "$out" 'by_title["Smart quotes from a CMS’s export"]["url"] == "https://blog.acme.example/posts/quotes" and by_title["Smart quotes from a CMS’s export"]["text"] == "It’s “broken” — and raw: it’s “fine”."'
ok $? "real: permalink guid as the URL; C1 controls read as Windows-1252"
q "$out" 'by_title["Acme in a prefixed namespace"]["url"] == "https://p.acme.example/1" and by_title["An entry called item"]["author"] == "Feed Author"'
ok $? "real: <r:rss> and Atom entries written as <item> read"
grep -q "atom-items.xml:7: Atom entries written as <item>" "$log"
ok $? "real: ... the latter said with URL and line"
q "$out" 'by_title["Café Acme 😀"]["text"] == "Wide encoding with a BOM: ü ß €." and "Crème brûlée à la Acme" in by_title and "signe Ã© (sic)" in by_title["Crème brûlée à la Acme"]["text"]'
ok $? "real: UTF-32 with a BOM; undeclared Latin-1 decided for the whole document"
grep -q "bad-declared-encoding.xml.*input conversion failed" "$log" && ! grep -v "^[0-9T:.-]* \(debug\|info\|warn\|error\) " "$log" | grep -q "encoding error\|I/O error"
ok $? "real: libxml2's encoder errors logged with the URL, no raw lines"

# ---- max_items -------------------------------------------------------------
run maxitems "$base/rss2.xml" "max_items = 2"
ok $([ "$(count "$out")" -eq 2 ]; echo $?) "max_items: only the first two items (got $(count "$out"))"

echo "1..$n"
exit $failed
