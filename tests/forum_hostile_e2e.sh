#!/bin/sh
# The forum source against pages that used to poison a stream: a Discourse
# /posts.json with an escaped NUL (\u0000) in a post, and a page whose body
# never parses. The first is read whole (the NUL becomes U+FFFD); the second
# is retried for a bounded number of polls, then skipped past so the newer
# posts flow and it is never fetched again. Server: tests/
# forum_fixture_server.py on 127.0.0.1.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
data="$top_srcdir/tests/data/forum/discourse"
server_pid=
tap_cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; }

www="$T/www"
mkdir -p "$www/dnul" "$www/dpoison" "$www/dhtml"
echo '{"page_size": 3}' > "$www/dnul/config.json"
python3 - "$data/early.json" "$www/dnul/posts.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["latest_posts"]:
    if p["id"] == 104:
        p["raw"] = "before\u0000after NUL"
        p["cooked"] = "<p>before\u0000after NUL</p>"
        p["topic_title"] = "title\u0000here"
json.dump(d, open(sys.argv[2], "w"))
PY
grep -q '\\u0000' "$www/dnul/posts.json"; ok $? "the fixture spells the NUL as \\u0000"
# Page 2 (before=104) is always cut in half.
python3 -c 'import json; print(json.dumps({"page_size": 3, "faults": {"posts.json before=104": ["malformed"] * 40}}))' \
    > "$www/dpoison/config.json"
cp "$data/early.json" "$www/dpoison/posts.json"
# Page 2 is a proxy's HTML error page (served 200) for as long as it lasts.
python3 -c 'import json; print(json.dumps({"page_size": 3, "faults": {"posts.json before=104": ["html"] * 40}}))' \
    > "$www/dhtml/config.json"
cp "$data/early.json" "$www/dhtml/posts.json"

python3 "$top_srcdir/tests/forum_fixture_server.py" --root "$www" --port-file "$T/port" --log "$T/requests.jsonl" &
server_pid=$!
wait_for 10 test -s "$T/port" || skip_all "fixture server did not start"
base="http://127.0.0.1:$(cat "$T/port")"

# run NAME SITE: one --once poll with state kept in $T/NAME; sets $out, $log, $rc.
run() {
    local d="$T/$1" runs
    mkdir -p "$d/conf.d"
    runs=$(($(cat "$d/runs" 2>/dev/null || echo 0) + 1)); echo $runs > "$d/runs"
    out="$d/out.$runs.jsonl"; log="$d/log.$runs"
    printf '[earshot]\nstate_dir = %s/state\nlog_level = debug\nlexicon_dir = %s/contrib/lexicons\n' "$d" "$top_srcdir" > "$d/earshot.conf"
    printf '[source f]\nplugin = forum\ntype = discourse\nurl = %s/%s\ntimeout = 5s\nbackfill_pages = 5\n' "$base" "$2" > "$d/conf.d/10-forum.conf"
    printf '[sink out]\nplugin = jsonl\npath = %s\n' "$out" > "$d/conf.d/20-out.conf"
    timeout 60 "$EARSHOT" run -c "$d/earshot.conf" --once > "$log" 2>&1
    rc=$?
    [ -f "$out" ] || : > "$out"
}
mentions() { grep -c '"kind":"mention"' "$1"; }

# ---- \u0000 in a post ----------------------------------------------------
run nul dnul
is "$rc" 0 "a page with \\u0000 polls cleanly"
is "$(mentions "$out")" 6 "every post of both pages delivered, the NUL one too"
unlike "$log" "malformed JSON|JSON_ALLOW_NUL" "no parse error for the NUL"
python3 - "$out" > "$T/nul.txt" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r.get("id", "").endswith("/t/40/4"):
        print("text", r["text"]); print("title", r["title"])
PY
like "$T/nul.txt" "^text before.after NUL$" "the text keeps what follows the NUL"
ok $(grep -q "$(printf 'before\357\277\275after')" "$T/nul.txt"; echo $?) "the NUL is now U+FFFD"
like "$T/nul.txt" "^title title.here$" "so does the title"

# ---- a page that never parses --------------------------------------------
before2() { grep -c '"query": "before=104"' "$T/requests.jsonl"; }
run poison dpoison
is "$(mentions "$out")" 0 "poll 1: the bad page holds the newer posts back (it may be a passing fault)"
like "$log" "before=104: malformed JSON" "  with the URL and jansson's error"
like "$log" "giving up on this poll after 3 attempts" "  after 3 attempts"
run poison dpoison
is "$(mentions "$out")" 0 "poll 2: still held back"
n2=$(before2)
run poison dpoison
is "$(mentions "$out")" 3 "poll 3: the page is skipped and the 3 newer posts are delivered"
like "$log" "warn .*before=104: malformed JSON.*the same page failed in 3 polls: skipped, its posts and older ones are not delivered, the 3 newer found before it are" "  said once as a warning"
is "$(( $(before2) - n2 ))" 1 "  after one fetch of it in that poll"
n3=$(before2)
run poison dpoison
is "$(mentions "$out")" 0 "poll 4: nothing new"
is "$(before2)" "$n3" "  and the skipped page is not fetched again"

# ---- an outage's HTML error page is the server's fault, not the page's ----
for i in 1 2 3; do
    run html dhtml
    is "$(mentions "$out")" 0 "HTML error page, poll $i: posts held back, the page is never skipped"
done
unlike "$log" "skipped" "  no skip after 3 polls of the same error page"
like "$log" "giving up on this poll after 3 attempts" "  each poll retried and gave up as any failure"
echo '{"page_size": 3}' > "$www/dhtml/config.json"
run html dhtml
is "$(mentions "$out")" 6 "once the server is back, every post is delivered"
done_testing
