#!/bin/sh
# End to end: `earshot run --once` with the jsonl source and the webhook
# sink against tests/webhook_receiver.py, a real HTTP server on 127.0.0.1.
# Checks exact payload fields of the three formats, the HMAC signature
# (recomputed here), extra headers and header injection, 2xx/429/5xx/4xx
# handling with Retry-After, timeouts, partial retries without duplicates,
# a server that is down, and dead letters in the state database.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
data="$top_srcdir/tests/data/webhook"

recv_pid=
tap_cleanup() { [ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null; wait 2>/dev/null; }
python3 "$top_srcdir/tests/webhook_receiver.py" --port-file "$T/port" --log "$T/requests.jsonl" \
    --lifetime 120 &
recv_pid=$!
wait_for 10 test -s "$T/port" || skip_all "webhook receiver did not start"
base="http://127.0.0.1:$(cat "$T/port")"
: > "$T/requests.jsonl"

export WH_SECRET='s3cr3t-key-never-logged'

# run NAME SINK-KEYS: one --once run, fresh state in $T/NAME; sets $rc,
# $log, $ms (elapsed milliseconds).
run() {
    d="$T/$1"
    rm -rf "$d"
    write_main "$d" '[brand acme]
keywords = acme'
    printf '[source in]\nplugin = jsonl\npath = %s\nnetwork = import\n\n[sink hook]\nplugin = webhook\n%s\n' \
        "$data/mentions.jsonl" "$2" > "$d/conf.d/10.conf"
    log="$d/log"
    t0=$(date +%s%N)
    timeout 60 "$EARSHOT" run -c "$d/earshot.conf" --once > "$log" 2>&1
    rc=$?
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

cat > "$T/check.py" <<'PYEOF'
import hashlib, hmac, json, os, sys, time
reqs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
reqs = [r for r in reqs if r["path"] == sys.argv[2]]
for r in reqs:
    try:
        r["js"] = json.loads(r["body"])
    except ValueError:
        r["js"] = None
    r["h"] = {k.lower(): v for k, v in r["headers"]}
ok200 = [r for r in reqs if r["status"] == 200]
def hdr(r, name):
    return [v for k, v in r["headers"] if k.lower() == name.lower()]
def sig_ok(r):
    key = os.environ["WH_SECRET"].encode()
    ts = r["h"].get("x-earshot-timestamp", "")
    want = "sha256=" + hmac.new(key, ts.encode() + r["body"].encode("utf-8"), hashlib.sha256).hexdigest()
    return r["h"].get("x-earshot-signature") == want and abs(time.time() - int(ts)) < 300
def ids(rs):
    out = []
    for r in rs:
        out += [x["id"] for x in (r["js"] if isinstance(r["js"], list) else [r["js"]])]
    return out
res = eval(sys.argv[3])
if not res:
    print("#   expression false; requests: " + json.dumps([[r["status"], r["body"][:400]] for r in reqs])[:3000])
sys.exit(0 if res else 1)
PYEOF

tcheck() { # tcheck DESC PATH EXPR: EXPR over `reqs`, the requests to PATH
    out=$(python3 "$T/check.py" "$T/requests.jsonl" "$2" "$3" 2>&1); st=$?
    ok $st "$1"
    [ $st -eq 0 ] || echo "$out" | sed 's/^/#   /'
}
dead() { sqlite3 "$d/state/state.db" "select $1 from dead_letters where sink='hook' order by id"; }

# ---- json, one record per request, signed, extra headers ---------------
run json "url = $base/json
secret = \${WH_SECRET}
header.X-Team = support
header.Authorization = Bearer tok-123"
is "$rc" 0 "json: run exits 0"
tcheck "json: three requests, one record each, all answered 200" /json \
    'len(reqs) == 3 and len(ok200) == 3 and all(isinstance(r["js"], dict) for r in reqs)'
tcheck "json: the records in source order" /json 'ids(reqs) == ["twitter:t:1", "twitter:t:2", "forum:t:3"]'
tcheck "json: exact fields of the first record" /json \
    'reqs[0]["js"]["kind"] == "mention" and reqs[0]["js"]["author"] == "alice" and reqs[0]["js"]["brand"] == "acme" and reqs[0]["js"]["text"] == "acme support is terrible, my order never arrived and nobody answers" and reqs[0]["js"]["url"] == "https://example.com/t/1" and reqs[0]["js"]["created_at"] == 1700000000 and reqs[0]["js"]["addressed"] == ["acmehelp"]'
tcheck "json: sentiment as the design names it" /json \
    'reqs[0]["js"]["sentiment"]["label"] == "negative" and reqs[0]["js"]["sentiment"]["compound"] < 0 and set(reqs[0]["js"]["sentiment"]) == {"compound", "pos", "neu", "neg", "label"}'
tcheck "json: non-ASCII text arrives intact" /json \
    'reqs[1]["js"]["text"] == "Love the new acme app \u2014 caf\u00e9 na\u00efve \u2764\ufe0f <b>bold</b> & more"'
tcheck "json: hostile author name is data in the body, not a header" /json \
    'reqs[1]["js"]["author_name"] == "Bob <!channel> \"Evil\"\nX-Injected: yes" and not any(hdr(r, "X-Injected") for r in reqs)'
tcheck "json: Content-Type, POST, custom headers once each" /json \
    'all(r["method"] == "POST" and hdr(r, "Content-Type") == ["application/json; charset=utf-8"] and hdr(r, "X-Team") == ["support"] and hdr(r, "Authorization") == ["Bearer tok-123"] for r in reqs)'
tcheck "json: X-Earshot-Signature is HMAC-SHA256 over timestamp + body" /json \
    'all(sig_ok(r) for r in reqs)'
unlike "$log" "s3cr3t-key|tok-123" "json: neither the secret nor header values are logged"

# ---- json batched ------------------------------------------------------
run batch "url = $base/batch
batch_max = 10"
is "$rc" 0 "batch: run exits 0"
tcheck "batch: one request holding a JSON array of the three records" /batch \
    'len(reqs) == 1 and isinstance(reqs[0]["js"], list) and ids(reqs) == ["twitter:t:1", "twitter:t:2", "forum:t:3"]'
tcheck "batch: unsigned without a secret" /batch 'not hdr(reqs[0], "X-Earshot-Signature")'

# ---- slack -------------------------------------------------------------
run slack "url = $base/slack
format = slack"
is "$rc" 0 "slack: run exits 0"
tcheck "slack: one message per record with text and blocks" /slack \
    'len(reqs) == 3 and all(set(r["js"]) == {"text", "blocks"} for r in reqs)'
tcheck "slack: text line names brand, label and author" /slack \
    'reqs[0]["js"]["text"] == "[acme] mention (negative) by @alice: acme support is terrible, my order never arrived and nobody answers"'
tcheck "slack: section fields brand, sentiment, author, network" /slack \
    '[f["text"] for f in reqs[0]["js"]["blocks"][0]["fields"]][0] == "*Brand*\nacme" and [f["text"] for f in reqs[0]["js"]["blocks"][0]["fields"]][1].startswith("*Sentiment*\nnegative (-0.") and [f["text"] for f in reqs[0]["js"]["blocks"][0]["fields"]][2] == "*Author*\nAlice Martin (@alice)" and [f["text"] for f in reqs[0]["js"]["blocks"][0]["fields"]][3] == "*Network*\ntwitter"'
tcheck "slack: link block" /slack \
    'reqs[0]["js"]["blocks"][1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "<https://example.com/t/1|Open the mention>"}]}'
tcheck "slack: <!channel> and markup escaped, CR/LF flattened" /slack \
    'reqs[1]["js"]["blocks"][0]["fields"][2]["text"] == "*Author*\nBob &lt;!channel&gt; \"Evil\" X-Injected: yes (@bob)" and "&lt;b&gt;bold&lt;/b&gt; &amp; more" in reqs[1]["js"]["blocks"][0]["text"]["text"] and "<!channel>" not in reqs[1]["body"]'
tcheck "slack: title in bold above the text" /slack \
    'reqs[2]["js"]["blocks"][0]["text"]["text"] == "*Acme billing question*\nHow do I change the billing address on my acme account?"'

# ---- template ----------------------------------------------------------
run tpl "url = $base/tpl
format = template
template = $data/slack-like.json"
is "$rc" 0 "template: run exits 0"
tcheck "template: placeholders filled, typed when alone" /tpl \
    'reqs[0]["js"]["record_id"] == "twitter:t:1" and reqs[0]["js"]["attachments"][0]["ts"] == 1700000000 and reqs[0]["js"]["addressed"] == ["acmehelp"] and reqs[0]["js"]["missing"] is None and reqs[0]["js"]["attachments"][0]["title"] is None'
tcheck "template: embedded placeholders as text" /tpl \
    'reqs[0]["js"]["text"] == "acme: negative mention by alice" and reqs[0]["js"]["attachments"][0]["footer"].startswith("earshot · twitter · score -0.")'
tcheck "template: hostile text JSON-escaped, round-trips exactly" /tpl \
    'reqs[1]["js"]["attachments"][0]["text"] == "Love the new acme app \u2014 caf\u00e9 na\u00efve \u2764\ufe0f <b>bold</b> & more" and reqs[1]["js"]["text"] == "acme: positive mention by bob"'

# ---- 503 with Retry-After, then delivered once -------------------------
run flaky "url = $base/flaky/2/503/1"
is "$rc" 0 "503 x2 then 200: run exits 0"
tcheck "503: two refusals, then each record delivered exactly once" /flaky/2/503/1 \
    '[r["status"] for r in reqs] == [503, 503, 200, 200, 200] and ids(ok200) == ["twitter:t:1", "twitter:t:2", "forum:t:3"]'
like "$log" "attempt 1 failed, retry in 1000 ms: POST $base/flaky/…: HTTP 503: busy, come back later" "503: Retry-After of 1 s used as the delay, reason logged"
ok $([ "$ms" -ge 1900 ] && echo 0 || echo 1) "503: two waits of 1 s honoured (took $ms ms)"

# ---- 429 ---------------------------------------------------------------
run busy "url = $base/flaky/1/429/1"
is "$rc" 0 "429 then 200: run exits 0"
like "$log" "attempt 1 failed, retry in 1000 ms: .*HTTP 429" "429: retried after its Retry-After"
tcheck "429: three records delivered once" /flaky/1/429/1 'ids(ok200) == ["twitter:t:1", "twitter:t:2", "forum:t:3"]'

# ---- a failure in the middle of a batch: no duplicates -----------------
run mid "url = $base/fail-nth/2/500
retry.initial = 50ms"
is "$rc" 0 "500 on the 2nd request: run exits 0"
tcheck "500 mid-batch: the record accepted before is not sent again" /fail-nth/2/500 \
    '[r["status"] for r in reqs] == [200, 500, 200, 200] and ids(ok200) == ["twitter:t:1", "twitter:t:2", "forum:t:3"]'
like "$log" "attempt 1: 1 record\(s\) taken by the receiver before the batch.s answer, not resent" "the accepted record leaves the batch (core delivered mark)"

# ---- 404: FAIL, dead letters -------------------------------------------
run gone "url = $base/status/404"
is "$rc" 1 "404: --once exits 1 (dead letters)"
is "$(dead 'count(*)')" 3 "404: the three records are dead letters"
is "$(dead 'distinct error')" "POST $base/status/…: HTTP 404: no such hook  X-Injected: no" "404: reason with the response body's start, line breaks flattened"
tcheck "404: not retried" /status/404 'len(reqs) == 3'

# ---- redirect: not followed, FAIL --------------------------------------
run redir "url = $base/redirect"
is "$(dead 'count(*)')" 3 "302: not followed (a POST would become a GET); dead letters"
like "$log" "HTTP 302 redirect to /ok not followed" "302: the log says where it pointed"

# ---- slow receiver: timeout, retry -------------------------------------
run slow "url = $base/slow/1/3
timeout = 500ms
retry.initial = 50ms"
is "$rc" 0 "slow: run exits 0"
like "$log" "attempt 1 failed, retry in [0-9]+ ms: POST $base/slow/…: .*timed out" "slow: the timeout is a RETRY"
tcheck "slow: every record delivered" /slow/1/3 'sorted(set(ids(ok200))) == ["forum:t:3", "twitter:t:1", "twitter:t:2"]'

# ---- server down -------------------------------------------------------
downport=$(free_port)
run down "url = http://127.0.0.1:$downport/hook
retry.initial = 10ms
retry.max = 20ms
retry.max_attempts = 3"
is "$rc" 1 "down: --once exits 1"
is "$(dead 'count(*)')" 3 "down: records dead-lettered after retry.max_attempts, not dropped"
like "$log" "POST http://127.0.0.1:$downport/hook: HTTP transfer failed" "down: the error names the URL"

# ---- a 300 KB mention text, with quotes, NUL-free controls and UTF-8 ---
python3 -c '
import json
t = ("big acme \"quote\" \\ tab\t caf\u00e9 \u2615 " * 8000)[:300000]
print(json.dumps({"id": "big:1", "network": "twitter", "author": "big", "text": t, "created_at": 1700000000}))
' > "$T/big.jsonl"
d="$T/big"; rm -rf "$d"; write_main "$d"
printf '[source in]\nplugin = jsonl\npath = %s\n\n[sink hook]\nplugin = webhook\nurl = %s/big\nformat = template\ntemplate = %s\n' \
    "$T/big.jsonl" "$base" "$data/slack-like.json" > "$d/conf.d/10.conf"
timeout 60 "$EARSHOT" run -c "$d/earshot.conf" --once > "$d/log" 2>&1
is "$?" 0 "300 KB text: run exits 0"
tcheck "300 KB text: delivered in one piece, escaped and exact" /big \
    'len(reqs) == 1 and reqs[0]["js"]["attachments"][0]["text"] == ("big acme \"quote\" \\ tab\t caf\u00e9 \u2615 " * 8000)[:300000]'

# ---- credentials and tokens in the URL stay out of the log -------------
run redact "url = http://hookuser:pw-in-url@127.0.0.1:$(cat "$T/port")/services/T000/SECRETTOKEN?sig=QSECRET"
is "$rc" 0 "URL with credentials: run exits 0"
tcheck "URL with credentials: sent as basic auth to the full path" "/services/T000/SECRETTOKEN?sig=QSECRET" \
    'len(reqs) == 3 and hdr(reqs[0], "Authorization") == ["Basic aG9va3VzZXI6cHctaW4tdXJs"]'
like "$log" "POST http://127.0.0.1:[0-9]+/services/…: 200" "the log shows scheme, host and first path segment"
unlike "$log" "pw-in-url|SECRETTOKEN|QSECRET|hookuser" "no password, token or query in the log"

# ---- bad configuration -------------------------------------------------
run badfmt "url = $base/x
format = xml"
ok $([ "$rc" -ne 0 ] && echo 0 || echo 1) "format = xml refused"
like "$log" "format: 'xml' is not json, slack or template" "with a clear message"
run badhdr "url = $base/x
header.Content-Length = 5"
like "$log" "header.Content-Length: set by the sink itself" "reserved headers refused"
run badname "url = $base/x
header.X(y) = 1"
like "$log" 'header.X\(y\): not a valid header name' "invalid header names refused"
printf '{"text": "{{brand}",\n  "x": 1\n}\n' > "$T/bad.json"
run badtpl "url = $base/x
format = template
template = $T/bad.json"
like "$log" "template: $T/bad.json: malformed placeholder" "template placeholder errors name the file"
printf '{"text": "{{brand}}",\n  "x": \n}\n' > "$T/bad2.json"
run badjson "url = $base/x
format = template
template = $T/bad2.json"
like "$log" "template: $T/bad2.json:3:1: " "template JSON errors name file:line:column"
run notpl "url = $base/x
format = template
template = $T/none.json"
like "$log" "template: $T/none.json: No such file or directory" "a missing template file is named"
mkfifo "$T/fifo.json"
run fifotpl "url = $base/x
format = template
template = $T/fifo.json"
like "$log" "template: $T/fifo.json: is a FIFO, not a regular file" "a FIFO as the template is refused, not waited on"
done_testing
