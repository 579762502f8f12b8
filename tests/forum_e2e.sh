#!/bin/sh
# End to end: `earshot run --once` with the forum source (Discourse and
# Reddit) and the jsonl sink against tests/forum_fixture_server.py on
# 127.0.0.1. Prints TAP.
#
# Covers paging back to the last seen post, no re-emission across restarts,
# a failing page retried (within a poll and across polls, never skipped),
# 429 + Retry-After, Reddit's x-ratelimit-* headers, malformed JSON, missing
# fields, bad dates and invalid UTF-8 reported with the URL while the rest is
# kept, reply fields for the inventory stage, category filtering, and the
# API key / token sent as headers but never logged.

set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
data="$srcdir/tests/data/forum"

if [ -z "${EARSHOT:-}" ] || [ ! -x "$EARSHOT" ]; then
    echo "1..0 # SKIP EARSHOT is not set to the built binary"
    exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 not found"
    exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/earshot-forum-e2e.XXXXXX")
server_pid=
live_pid=
cleanup() {
    [ -n "$live_pid" ] && kill "$live_pid" 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    if [ -n "${KEEP_TMP:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM

# ---- the served sites ----------------------------------------------------
www="$tmp/www"
site() { # site NAME CONFIG-JSON: a site folder with its config
    mkdir -p "$www/$1"
    printf '%s\n' "$2" > "$www/$1/config.json"
}
site dacme '{"page_size": 5}'
cp "$data/discourse/early.json" "$www/dacme/posts.json"
site dcat '{"page_size": 5}'
cp "$data/discourse/later.json" "$www/dcat/posts.json"
site dflaky '{"page_size": 5, "faults": {"posts.json before=114": ["500", "malformed"]}}'
cp "$data/discourse/later.json" "$www/dflaky/posts.json"
site dbroken '{"page_size": 5, "faults": {"posts.json before=109": ["html", "html", "html"]}}'
cp "$data/discourse/later.json" "$www/dbroken/posts.json"
site dmessy '{}'
cp "$data/discourse/messy.json" "$www/dmessy/posts.json"
site dsecret '{"require_headers": {"Api-Key": "k3y-SECRET-v4lue", "Api-Username": "system"}}'
cp "$data/discourse/early.json" "$www/dsecret/posts.json"
site dstall '{"faults": {"posts.json first": ["stall:4"]}}'
cp "$data/discourse/early.json" "$www/dstall/posts.json"
site dmax '{"page_size": 5}'
cp "$data/discourse/early.json" "$www/dmax/posts.json"
site dlive '{"page_size": 5, "etag": true}'
cp "$data/discourse/early.json" "$www/dlive/posts.json"
site dold '{"moved_to": "dnew"}'
site dnew '{"gzip": true}'
cp "$data/discourse/early.json" "$www/dnew/posts.json"
site drepeat '{}'
cp "$data/discourse/repeat.json" "$www/drepeat/posts.json"
mkdir -p "$www/rrepeat/r/acmecorp"
site rrepeat '{"page_size": 3}'
cp "$data/reddit/comments-repeat.json" "$www/rrepeat/r/acmecorp/comments.json"
cp "$data/reddit/new.json" "$www/rrepeat/r/acmecorp/new.json"
site d429 '{"faults": {"posts.json first": ["429:1"]}}'
cp "$data/discourse/early.json" "$www/d429/posts.json"
for s in racme rlimit rtoken; do mkdir -p "$www/$s/r/acmecorp"; done
site racme '{"page_size": 3}'
cp "$data/reddit/comments-early.json" "$www/racme/r/acmecorp/comments.json"
cp "$data/reddit/new.json" "$www/racme/r/acmecorp/new.json"
cp "$data/reddit/search.json" "$www/racme/search.json"
site rlimit '{"page_size": 3, "ratelimit": {"remaining": "0.0", "reset": "1"}}'
cp "$data/reddit/comments-early.json" "$www/rlimit/r/acmecorp/comments.json"
cp "$data/reddit/new.json" "$www/rlimit/r/acmecorp/new.json"
site rtoken '{"require_headers": {"Authorization": "bearer t0ken-SECRET-x", "User-Agent": "earshot-test/1 by acme"}}'
cp "$data/reddit/new.json" "$www/rtoken/r/acmecorp/new.json"
cp "$data/reddit/comments-early.json" "$www/rtoken/r/acmecorp/comments.json"
mkdir -p "$www/rmessy/r/acmecorp"
cp "$data/reddit/messy.json" "$www/rmessy/r/acmecorp/comments.json"
cp "$data/reddit/new.json" "$www/rmessy/r/acmecorp/new.json"

python3 "$srcdir/tests/forum_fixture_server.py" --root "$www" \
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

# src NAME KEY-LINES: a [source NAME] section of the forum plugin.
src() {
    case "$2" in *timeout*) t= ;; *) t="timeout = 5s" ;; esac
    printf '[source %s]\nplugin = forum\n%s\n%s\n\n' "$1" "$2" "$t"
}

# run NAME SECTIONS [MAIN-LINES]: one --once run of the sections (see src) with state in
# $tmp/NAME (kept across runs of the same NAME); output in
# $tmp/NAME/out.N.jsonl and $tmp/NAME/log.N. Sets $out, $log, $rc, $secs and
# $mark (the request log's length before the run, for reqs). The sources of
# one run poll side by side, so their retries and waits overlap.
run() {
    d="$tmp/$1"
    mkdir -p "$d/conf.d" "$d/state"
    runs=$(cat "$d/runs" 2>/dev/null || echo 0)
    runs=$((runs + 1))
    echo $runs > "$d/runs"
    out="$d/out.$runs.jsonl"
    log="$d/log.$runs"
    printf '[earshot]\nstate_dir = %s/state\nconf_dir = %s/conf.d\nlog_level = debug\n%s\n' \
        "$d" "$d" "${3:-}" > "$d/earshot.conf"
    printf '%s\n' "$2" > "$d/conf.d/10-forum.conf"
    printf '[sink out]\nplugin = jsonl\npath = %s\n' "$out" > "$d/conf.d/20-out.conf"
    mark=0
    [ -f "$tmp/requests.jsonl" ] && mark=$(wc -l < "$tmp/requests.jsonl")
    t0=$(date +%s.%N)
    timeout 60 "$EARSHOT" run -c "$d/earshot.conf" --once > "$log" 2>&1
    rc=$?
    secs=$(python3 -c "print(round($(date +%s.%N) - $t0, 2))")
    [ -f "$out" ] || : > "$out"
}

# q SOURCE EXPR: EXPR sees `recs` (this run's records from that source,
# read as strict UTF-8), `ids` and `by_id`.
q() {
    python3 - "$out" "$1" "$2" <<'EOF'
import json, sys
recs = []
with open(sys.argv[1], "rb") as f:
    for line in f:
        r = json.loads(line.decode("utf-8"))
        if r.get("source") == sys.argv[2]:
            recs.append(r)
by_id = {r["id"]: r for r in recs}
ids = [r["id"] for r in recs]
ok = eval(sys.argv[3])
if not ok:
    print("# %s: %d records, ids %s" % (sys.argv[2], len(ids), ids[:20]))
sys.exit(0 if ok else 1)
EOF
}
# got SOURCE: this run's record count from that source.
got() {
    c=$(grep -c "\"source\": *\"$1\"" "$out")
    echo "${c:-0}"
}
# reqs SITE PYEXPR: EXPR sees `r`, this run's requests to /SITE/ in order.
reqs() {
    python3 - "$tmp/requests.jsonl" "$mark" "$1" "$2" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]
r = [e for e in map(json.loads, lines) if e["path"].startswith("/" + sys.argv[3] + "/")]
ok = eval(sys.argv[4])
if not ok:
    print("# requests: %s" % [(e["path"], e["query"], e["status"]) for e in r])
sys.exit(0 if ok else 1)
EOF
}
has() { grep -q -- "$1" "$log"; } # has PATTERN: in this run's log
count() { [ -s "$1" ] && wc -l < "$1" | tr -d ' ' || echo 0; }

s_acme="127.0.0.1:$port/dacme"
s_messy="127.0.0.1:$port/dmessy"
export FORUM_E2E_KEY=k3y-SECRET-v4lue FORUM_E2E_BADKEY=wrong-SECRET-k3y

# Every scenario's first poll in one run (each source has its own site and
# checkpoints), the second and third polls in two more.
first_poll="$(src acme "type = discourse
url = $base/dacme/
backfill_pages = 5")
$(src cat "type = discourse
url = $base/dcat
categories = 9
backfill_pages = 10")
$(src flaky "type = discourse
url = $base/dflaky
backfill_pages = 10")
$(src broken "type = discourse
url = $base/dbroken
backfill_pages = 10")
$(src messy "type = discourse
url = $base/dmessy")
$(src secret 'type = discourse
url = '"$base"'/dsecret
api_key = ${FORUM_E2E_KEY}
api_username = system')
$(src badkey 'type = discourse
url = '"$base"'/dsecret
network = badkey
api_key = ${FORUM_E2E_BADKEY}
api_username = system')
$(src limited "type = discourse
url = $base/d429")
$(src stall "type = discourse
url = $base/dstall
timeout = 1s")
$(src max "type = discourse
url = $base/dmax
backfill_pages = 5")
$(src reddit "type = reddit
url = $base/racme
subreddits = acmecorp
search = acme widget
page_size = 3
backfill_pages = 10")
$(src rlimit "type = reddit
url = $base/rlimit
network = rlimit
subreddits = acmecorp
page_size = 3
backfill_pages = 10")
$(src rtoken 'type = reddit
url = '"$base"'/rtoken
network = rtoken
subreddits = r/acmecorp
token = t0ken-SECRET-x
user_agent = earshot-test/1 by acme')
$(src moved "type = discourse
url = $base/dold")
$(src drepeat "type = discourse
url = $base/drepeat")
$(src rrepeat "type = reddit
url = $base/rrepeat
network = rrepeat
subreddits = acmecorp
page_size = 3
backfill_pages = 10")
$(src rmessy "type = reddit
url = $base/rmessy
network = rmessy
subreddits = acmecorp")"

run all "$first_poll"
ok $rc "first poll: earshot run --once exits 0 (${secs}s)"
[ $rc -eq 0 ] || tail -20 "$log" | diag

# ---- Discourse: first poll ------------------------------------------------
ok $([ "$(got acme)" -eq 6 ]; echo $?) "discourse: first poll reads back the 6 posts (got $(got acme))"
q acme "sorted(ids) == ['discourse:$s_acme/t/40/%d' % k for k in range(1, 7)] and all(r['network'] == 'discourse' for r in recs)"
ok $? "discourse: ids are network:site/t/topic/number, network set"

# ---- categories -------------------------------------------------------------
q cat "len(recs) == 6 and sorted(int(i.rsplit('/', 1)[1]) for i in ids) == [2, 2, 2, 5, 5, 5]"
ok $? "categories: only the 6 posts of category 9 (got $(got cat))"

# ---- a failing page is retried, not skipped ------------------------------
ok $([ "$(got flaky)" -eq 18 ]; echo $?) "retry: page 2 failed twice (500, malformed), third try read; all 18 posts (got $(got flaky))"
has "warn .*$base/dflaky/posts.json?before=114: HTTP 500" &&
    has "warn .*$base/dflaky/posts.json?before=114: malformed JSON at line 1"
ok $? "retry: both failures logged with the page URL"
ok $([ "$(got broken)" -eq 0 ]; echo $?) "broken page: nothing emitted while page 3 stays bad (got $(got broken))"
has "warn .*$base/dbroken/posts.json?before=109: malformed JSON.*Content-Type text/html" &&
    has "warn .*$base/dbroken/posts.json?before=109: giving up on this poll after 3 attempts"
ok $? "broken page: the bad page named with its URL and content type, the poll abandoned"

# ---- missing fields, bad dates, invalid UTF-8 ------------------------------
ok $([ "$(got messy)" -eq 6 ]; echo $?) "messy: 6 of 8 entries emitted (got $(got messy))"
has "warn .*$base/dmessy/posts.json: post 207: unreadable created_at \"last Tuesday-ish\"" &&
    has "warn .*$base/dmessy/posts.json: post #3: no numeric id; skipped" &&
    has "warn .*$base/dmessy/posts.json: post 208: no created_at"
ok $? "messy: problems reported with the URL"
q messy "by_id['discourse:$s_messy/t/70/7']['created_at'] == 0 and by_id['discourse:$s_messy/t/70/4']['text'] == 'bad \ufffd\ufffdBYTE here' and by_id['discourse:$s_messy/t/70/5'].get('author') is None"
ok $? "messy: bad date kept as 0, invalid UTF-8 replaced, missing author empty"

# ---- the API key: sent, never logged ----------------------------------------
ok $([ "$(got secret)" -eq 6 ]; echo $?) "api key: accepted by the server (got $(got secret))"
reqs dsecret '[(e["status"], e["headers"].get("api-key"), e["headers"].get("api-username")) for e in r] in ([(200, "k3y-SECRET-v4lue", "system"), (403, "wrong-SECRET-k3y", "system")], [(403, "wrong-SECRET-k3y", "system"), (200, "k3y-SECRET-v4lue", "system")])'
ok $? "api key: sent as Api-Key and Api-Username headers"
has "warn  source badkey: $base/dsecret/posts.json: HTTP 403 (check api_key"
ok $? "api key: a refused key is reported with the URL"
reqs dsecret 'sum(e["status"] == 403 for e in r) == 1'
ok $? "api key: a 403 is not retried within the poll"
ok $(! grep -rq --exclude-dir=conf.d "SECRET" "$tmp/all"; echo $?) "api key: neither key in the log, output or state"
"$EARSHOT" check -c "$tmp/all/earshot.conf" > "$tmp/check.out" 2>&1
ok $([ $? -eq 0 ] && ! grep -q "SECRET" "$tmp/check.out"; echo $?) "api key: earshot check passes and does not print it"

# ---- 429 with Retry-After -----------------------------------------------------
ok $([ "$(got limited)" -eq 6 ]; echo $?) "429: retried after Retry-After, posts read (got $(got limited))"
has "warn .*$base/d429/posts.json: HTTP 429, server asks to retry after 1 s"
ok $? "429: Retry-After read and logged"
reqs d429 'len(r) == 2 and r[0]["status"] == 429 and r[1]["t"] - r[0]["t"] >= 0.9'
ok $? "429: the retry waited for Retry-After"

# ---- a server that stalls ------------------------------------------------------
ok $([ "$(got stall)" -eq 6 ]; echo $?) "stall: timed out, retried, read (got $(got stall))"
has "warn .*$base/dstall/posts.json: timed out after 1000 ms"
ok $? "stall: the timeout logged with the URL"

# ---- Reddit -------------------------------------------------------------------
ok $([ "$(got reddit)" -eq 12 ]; echo $?) "reddit: 7 comments + 3 posts + 2 search results (got $(got reddit))"
reqs racme '[(e["path"].split("/")[-1], e["query"]) for e in r] == [("comments.json", "limit=3&raw_json=1"), ("comments.json", "limit=3&raw_json=1&after=t1_k1a05"), ("comments.json", "limit=3&raw_json=1&after=t1_k1a02"), ("new.json", "limit=3&raw_json=1"), ("search.json", "q=acme%20widget&sort=new&limit=3&raw_json=1")]'
ok $? "reddit: comments and new per subreddit, search.json?q=, paged with after="
q reddit "(lambda r: r['author'] == 'AcmeSupport' and r['title'] == 'My Acme widget died' and r['created_at'] == 1772000060 and r['url'] == 'https://www.reddit.com/r/acmecorp/comments/p9x01/my_acme_widget_died/k1a02/' and r['in_reply_to'] == 'reddit:t1_k1a01' and r['reply_to_author'] == 'jane_doe' and r['addressed'] == ['jane_doe', 'AcmeHelp'] and r['network'] == 'reddit')(by_id['reddit:t1_k1a02'])"
ok $? "reddit: comment fields; the parent's author found among the poll's comments; u/ handles addressed"
q reddit "by_id['reddit:t1_k1a01']['reply_to_author'] == 'jane_doe' and by_id['reddit:t1_k1a01']['in_reply_to'] == 'reddit:t3_p9x01' and by_id['reddit:t3_p9x05']['text'] == 'Acme widget v2 review' and by_id['reddit:t3_q1b02']['title'] == 'Is the acme widget worth it'"
ok $? "reddit: top-level comment answers the submission's author; posts and search results mapped"
q reddit "by_id['reddit:t1_k1a02']['metrics'] == {'likes': -1} and by_id['reddit:t1_k1a05']['metrics'] == {'likes': 2} and by_id['reddit:t3_p9x01']['metrics'] == {'likes': 12, 'replies': 4} and by_id['reddit:t3_p9x05']['metrics'] == {'likes': 1, 'replies': 0} and by_id['reddit:t3_p9x05']['followers'] is None"
ok $? "reddit: score as likes (below zero when downvoted), num_comments as replies; no followers given"

# ---- Reddit rate limit headers ------------------------------------------------
ok $([ "$(got rlimit)" -eq 10 ]; echo $?) "rate limit: everything read (got $(got rlimit))"
reqs rlimit 'len(r) == 4 and all(b["t"] - a["t"] >= 0.9 for a, b in zip(r, r[1:]))'
ok $? "rate limit: with x-ratelimit-remaining 0 each request waited x-ratelimit-reset"

# ---- Reddit token and user agent ----------------------------------------------
ok $([ "$(got rtoken)" -eq 10 ]; echo $?) "token: bearer token and User-Agent accepted (got $(got rtoken))"

# ---- Reddit messy listing ----------------------------------------------------
ok $([ "$(got rmessy)" -eq 5 ]; echo $?) "reddit messy: 2 good comments + 3 posts (got $(got rmessy))"
has "warn .*$base/rmessy/r/acmecorp/comments.json?limit=100&raw_json=1: t1_m0002: unreadable created_utc" &&
    has "warn .*comments.json?limit=100&raw_json=1: child #3: no usable name/id"
ok $? "reddit messy: problems reported with the URL"
q rmessy "by_id['rmessy:t1_m0005']['url'] == 'https://www.reddit.com/comments/p9x01/_/m0005/'"
ok $? "reddit messy: a comment without permalink gets its URL from link_id and id"
! has "t1_m0005: no permalink"
ok $? "reddit messy: ... without a warning"

# ---- redirects, gzip, repeated posts -------------------------------------------
ok $([ "$(got moved)" -eq 6 ]; echo $?) "redirect + gzip: posts read (got $(got moved))"
reqs dold 'len(r) == 1 and r[0]["status"] == 301' && reqs dnew 'len(r) == 1 and r[0]["fault"] == "gzipped"'
ok $? "redirect + gzip: followed a 301, body was gzipped"
q moved "all(i.startswith('discourse:127.0.0.1:$port/dold/t/40/') for i in ids)"
ok $? "redirect: ids keep the configured site"
ok $([ "$(got drepeat)" -eq 6 ]; echo $?) "repeat: a post listed twice on a page is emitted once (got $(got drepeat))"
ok $([ "$(got rrepeat)" -eq 10 ]; echo $?) "repeat: comments repeated across pages emitted once (got $(got rrepeat))"
reqs rrepeat '[e["query"] for e in r if "comments" in e["path"]] == ["limit=3&raw_json=1", "limit=3&raw_json=1&after=t1_k1a05", "limit=3&raw_json=1&after=t1_k1a03"]'
ok $? "repeat: the repeated comments did come back on the next pages"
q rrepeat "len(set(ids)) == 10"
ok $? "repeat: 10 distinct ids"

# ---- second poll: new posts appeared ------------------------------------------
cp "$data/discourse/later.json" "$www/dacme/posts.json"
cp "$data/discourse/later.json" "$www/dmax/posts.json"
cp "$data/reddit/comments-later.json" "$www/racme/r/acmecorp/comments.json"
second_poll=$(printf '%s\n' "$first_poll" | sed 's/^backfill_pages = 5$/max_pages = 2/')
# dmax reads with max_pages = 2, dacme keeps the default 10.
second_poll=$(printf '%s\n' "$second_poll" | python3 -c "
import sys
t = sys.stdin.read()
t = t.replace('url = $base/dacme/\nmax_pages = 2', 'url = $base/dacme/')
sys.stdout.write(t)")
run all "$second_poll"
ok $rc "second poll: exits 0 (${secs}s)"
ok $([ "$(got acme)" -eq 12 ]; echo $?) "discourse: 12 new posts after the last seen id (got $(got acme))"
reqs dacme '[e["query"] for e in r] == ["", "before=114", "before=109"]'
ok $? "discourse: paged back with before= until the last seen id, no further"
q acme "ids == ['discourse:$s_acme/t/%d/%d' % (40 + (i - 101) // 6, (i - 101) % 6 + 1) for i in range(107, 119)]"
ok $? "discourse: emitted oldest first, exactly posts 107..118"
q acme "(lambda r: r['author'] == 'dave' and r['author_name'] == 'Dave' and r['title'] == 'Topic 41' and r['url'] == '$base/dacme/t/topic-41/41/6' and r['created_at'] == 1772448727 and r['in_reply_to'] == 'discourse:$s_acme/t/41/5' and r['reply_to_author'] == 'acme_support' and r['text'].startswith('@acme_support the widget\'s screen is \u201cblank\u201d again & again.\nStill broken.'))(by_id['discourse:$s_acme/t/41/6'])"
ok $? "discourse: post fields mapped (author, title, URL, UTC date, reply fields, cooked as text)"
q acme "by_id['discourse:$s_acme/t/41/6']['metrics'] == {'likes': 9, 'replies': 1, 'quotes': 1, 'views': 22} and by_id['discourse:$s_acme/t/41/2']['metrics'] == {'likes': 3, 'replies': 0, 'quotes': 0, 'views': 18} and by_id['discourse:$s_acme/t/41/4']['metrics'] == {'replies': 2, 'quotes': 0, 'views': 20}"
ok $? "discourse: like_count (or the like action's count), reply_count, quote_count, reads as views; no likes when none are listed"
q acme "by_id['discourse:$s_acme/t/41/2']['in_reply_to'] == 'discourse:$s_acme/t/41/1' and by_id['discourse:$s_acme/t/41/1'].get('in_reply_to') is None"
ok $? "discourse: a reply without a post number answers the topic's first post"
ok $([ "$(got cat)" -eq 0 ]; echo $?) "categories: filtered posts count as seen (got $(got cat))"
ok $([ "$(got broken)" -eq 18 ]; echo $?) "broken page: next poll reads it all, nothing skipped (got $(got broken))"
q broken "len(set(ids)) == 18"
ok $? "broken page: 18 distinct posts"
ok $([ "$(got max)" -eq 10 ]; echo $?) "max_pages: stops after 2 pages, emits their 10 posts (got $(got max))"
has "warn .*$base/dmax/posts.json: 2 pages read without reaching the last seen post"
ok $? "max_pages: the skipped older posts are warned about"
ok $([ "$(got reddit)" -eq 4 ]; echo $?) "reddit: next poll emits only the 4 new comments (got $(got reddit))"
q reddit "ids == ['reddit:t1_k1a%02d' % i for i in range(8, 12)]"
ok $? "reddit: and they are the new ones, oldest first"
reqs racme '[e["query"] for e in r if e["path"].endswith("comments.json")] == ["limit=3&raw_json=1", "limit=3&raw_json=1&after=t1_k1a09"]'
ok $? "reddit: paging stopped at the page holding the last seen fullname"
n_other=$(python3 -c "
import json
print(sum(1 for l in open('$out') if json.loads(l)['source'] not in ('acme', 'broken', 'max', 'reddit')))")
ok $([ "$n_other" -eq 0 ]; echo $?) "second poll: no source emitted anything twice (got $n_other)"

# ---- restart: nothing again -----------------------------------------------------
third_poll=$(printf '%s\n' "$first_poll" | sed 's/^page_size = 3$/page_size = 5/')
run all "$third_poll"
n_all=$(count "$out")
ok $([ $rc -eq 0 ] && [ "$(got badkey)" -eq 0 ] && [ "$n_all" -eq 0 ]; echo $?) "restart: nothing emitted again, whatever page_size (got $n_all)"
reqs dacme 'len(r) == 1 and r[0]["query"] == ""'
ok $? "restart: one page read, the last seen post is on it"

# ---- replies reach the inventory stage ------------------------------------------
printf 'network,handle,brand,owner,status\ndiscourse,acme_support,acme,care,active\nreddit,AcmeSupport,acme,care-reddit,active\n' > "$tmp/inventory.csv"
run inv "$(src acme "type = discourse
url = $base/dacme/
backfill_pages = 5")
$(src reddit "type = reddit
url = $base/racme
subreddits = acmecorp
backfill_pages = 10")" "inventory = $tmp/inventory.csv"
ok $([ $rc -eq 0 ] && [ "$(got acme)" -eq 18 ] && [ "$(got reddit)" -eq 14 ]; echo $?) "inventory: all posts read (exit $rc, got $(got acme) + $(got reddit))"
q acme "(lambda r: r.get('addressed_account') == 'acme_support' and r.get('owner') == 'care' and r.get('author_kind') == 'public')(by_id['discourse:$s_acme/t/41/6'])"
ok $? "inventory: a Discourse reply to acme_support is addressed to that account and routed to its owner"
q acme "by_id['discourse:$s_acme/t/41/2'].get('author_kind') == 'official'"
ok $? "inventory: acme_support's own post is official"
q reddit "(lambda r: r['reply_to_author'] == 'AcmeSupport' and r.get('addressed_account') == 'AcmeSupport' and r.get('owner') == 'care-reddit')(by_id['reddit:t1_k1a03'])"
ok $? "inventory: a Reddit reply to AcmeSupport's comment is addressed to it"

# ---- backpressure: with one record in flight at most, listings wait and resume ---
run bp "$(src reddit "type = reddit
url = $base/racme
subreddits = acmecorp
search = acme widget
page_size = 3
backfill_pages = 10")" "queue.max_records = 1"
ok $([ $rc -eq 0 ] && [ "$(got reddit)" -eq 16 ]; echo $?) "backpressure: every listing read after the pipeline drained (exit $rc, got $(got reddit), ${secs}s)"
has "debug source reddit: pipeline full; .*/search.json?q=acme%20widget.* waits"
ok $? "backpressure: a listing did wait for the pipeline"

# ---- as a daemon: polls on the interval, picks up new posts, stops cleanly --------
d="$tmp/dlive"
mkdir -p "$d/conf.d" "$d/state"
printf '[earshot]\nstate_dir = %s/state\nconf_dir = %s/conf.d\nlog_level = debug\n' "$d" "$d" > "$d/earshot.conf"
printf '[source forum]\nplugin = forum\ntype = discourse\nurl = %s/dlive\ninterval = 1s\nbackfill_pages = 5\n' "$base" > "$d/conf.d/10-forum.conf"
printf '[sink out]\nplugin = jsonl\npath = %s/out.jsonl\n' "$d" > "$d/conf.d/20-out.conf"
"$EARSHOT" run -c "$d/earshot.conf" --foreground > "$d/log.1" 2>&1 &
live_pid=$!
wait_lines() { i=0; while [ "$(count "$1")" -lt "$2" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
wait_lines "$d/out.jsonl" 6
first=$(count "$d/out.jsonl")
cp "$data/discourse/later.json" "$www/dlive/posts.json"
wait_lines "$d/out.jsonl" 18
second=$(count "$d/out.jsonl")
mark=$(wc -l < "$tmp/requests.jsonl")
sleep 2.5
kill -TERM $live_pid
wait $live_pid
live_rc=$?
live_pid=
ok $([ "$first" -eq 6 ] && [ "$second" -eq 18 ] && [ "$(count "$d/out.jsonl")" -eq 18 ]; echo $?) "daemon: 6, then 18 after new posts, no repeats on later polls (got $first, $second, $(count "$d/out.jsonl"))"
ok $([ $live_rc -eq 0 ] && grep -q "source forum: stopped" "$d/log.1"; echo $?) "daemon: SIGTERM stops it cleanly (exit $live_rc)"
reqs dlive 'r and all(e["query"] == "" and e["status"] == 304 and "if-none-match" in e["headers"] for e in r)'
ok $? "daemon: once a poll was complete, page 1 is asked for conditionally and a 304 ends the poll"
grep -q "debug source forum: $base/dlive/posts.json: not modified; no new posts" "$d/log.1"
ok $? "daemon: the 304 logged"
[ $live_rc -eq 0 ] || tail -5 "$d/log.1" | diag

# ---- config errors --------------------------------------------------------------
mkdir -p "$tmp/bad/conf.d"
printf '[earshot]\nstate_dir = %s/bad\nconf_dir = %s/bad/conf.d\n' "$tmp" "$tmp" > "$tmp/bad/earshot.conf"
printf '[source f]\nplugin = forum\ntype = reddit\n' > "$tmp/bad/conf.d/10.conf"
printf '[sink out]\nplugin = jsonl\npath = /dev/null\n' > "$tmp/bad/conf.d/20.conf"
timeout 20 "$EARSHOT" run -c "$tmp/bad/earshot.conf" --once > "$tmp/bad/log" 2>&1
ok $([ $? -ne 0 ] && grep -q "needs subreddits, search, or both" "$tmp/bad/log"; echo $?) "config: reddit without subreddits or search refused"

# ---- every run ended cleanly ------------------------------------------------------
ok $(! grep -lE "Sanitizer|runtime error" "$tmp"/*/log.* "$tmp"/bad/log; echo $?) "no sanitizer report in any run's log"

echo "1..$n"
exit $failed
