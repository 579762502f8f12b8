#!/bin/sh
# The nats sink and source end to end through the daemon, against a real
# nats-server (JetStream, file storage) started here on 127.0.0.1: an edge
# agent (jsonl -> nats) creates the stream and publishes; re-publishing
# the same mentions adds nothing (Nats-Msg-Id); a scoring agent (nats ->
# jsonl) consumes every mention with its fields, acks them all, and a
# restart gets nothing again; a malformed message is reported by stream
# sequence and subject and terminated while the rest flows; a subject no
# stream takes is dead-lettered with a clear reason; a server that is down
# at first makes the sink retry until it is up; user/password auth works
# and the password is never logged; a brand partition consumer gets only
# its brand; a relay whose sink is down stops fetching (backpressure) and
# catches up; --once on a missing stream ends; bad settings stop the start.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/nats_lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
nats_available || skip_all "nats-server not found (Debian package nats-server)"

pids=
tap_cleanup() {
    for p in $pids; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    nats_stop_all
}
nats_start n1 || { cat "$T/nats/n1/server.log" 2>/dev/null | sed 's/^/# /'; skip_all "cannot start nats-server"; }
URL=$(nats_url n1)

brands='[brand acme]
keywords = acme, acmesupport
[brand globex]
keywords = globex, globexcare'

gen() { # gen FILE FROM TO
    python3 -c 'import json, sys
for i in range(int(sys.argv[2]), int(sys.argv[3]) + 1):
    b = "Acme" if i % 3 else "Globex"
    print(json.dumps({"id": "m%d" % i, "network": "web", "author": "user%d" % (i % 17),
                      "text": "message %d about %s, quite good" % (i, b), "lang": "en",
                      "created_at": 1793527200 + i, "url": "https://x.invalid/%d" % i}))' "$@" >> "$1"
}

edge() { # edge DIR SERVERS [SINK KEYS]: jsonl -> nats
    rm -rf "$1/state" "$1/conf.d"
    write_main "$1" "$brands"
    printf '[source in]\nplugin = jsonl\npath = %s/in.jsonl\ninterval = 200ms\n' "$1" > "$1/conf.d/10-in.conf"
    printf '[sink js]\nplugin = nats\nservers = %s\nretry.initial = 200ms\nretry.max = 1s\nreconnect_wait = 200ms\nreconnect_jitter = 100ms\n%s\n' \
        "$2" "${3:-}" > "$1/conf.d/20-js.conf"
}
scorer() { # scorer DIR SERVERS [SOURCE KEYS]: nats -> jsonl
    rm -rf "$1/state" "$1/conf.d"
    write_main "$1" "$brands"
    printf '[source js]\nplugin = nats\nservers = %s\nstream = EARSHOT\nconsumer = scoring\nmax_wait = 300ms\n%s\n' \
        "$2" "${3:-}" > "$1/conf.d/10-js.conf"
    printf '[sink out]\nplugin = jsonl\npath = %s/out.jsonl\n' "$1" > "$1/conf.d/20-out.conf"
}
stream_has() { [ "$(nats_stream_msgs n1 EARSHOT)" = "$1" ]; }

# ---- edge: create the stream, publish 300 ----------------------------------
e="$T/edge"; mkdir -p "$e"
gen "$e/in.jsonl" 1 300
edge "$e" "$URL" "create_stream = true"
timeout 60 "$EARSHOT" run --once -c "$e/earshot.conf" > "$e/log1" 2>&1
is $? 0 "edge run --once exits 0"
like "$e/log1" "connected to NATS at nats://127.0.0.1:" "the connection is logged"
like "$e/log1" "created stream EARSHOT \(subjects earshot.>" "the stream is created"
is "$(nats_stream_msgs n1 EARSHOT)" 300 "the stream holds 300 messages"

# ---- the same mentions again: JetStream drops them by Nats-Msg-Id -------------
edge "$e" "$URL" "create_stream = true"
timeout 60 "$EARSHOT" run --once -c "$e/earshot.conf" > "$e/log2" 2>&1
is $? 0 "re-publishing the same mentions exits 0"
unlike "$e/log2" "created stream" "the existing stream is used"
is "$(nats_stream_msgs n1 EARSHOT)" 300 "still 300 messages: duplicates suppressed by message id"

# ---- a malformed message among them ----------------------------------------------
nats_pub n1 earshot.mentions.acme.web '{"id":"broken", "text": "unterminated'
nats_pub n1 earshot.mentions.acme.web '{"id":"nonet","text":"no network"}'
is "$(nats_stream_msgs n1 EARSHOT)" 302 "two malformed messages in the stream"

# ---- scoring agent: every mention once, acked -------------------------------------
s="$T/score"; mkdir -p "$s"
scorer "$s" "$URL"
"$EARSHOT" run -f -c "$s/earshot.conf" > "$s/log1" 2>&1 &
sp=$!; pids="$sp"
wait_for 30 has_lines "$s/out.jsonl" 300
is "$(lines "$s/out.jsonl")" 300 "the scoring agent wrote 300 mentions"
like "$s/log1" "created durable consumer scoring on stream EARSHOT" "the durable consumer is created"
like "$s/log1" "stream EARSHOT seq 301 subject earshot.mentions.acme.web: invalid JSON; message terminated" \
    "a malformed message is reported by stream, sequence and subject"
like "$s/log1" "stream EARSHOT seq 302 subject earshot.mentions.acme.web: missing \"network\"; message terminated" \
    "a message without network is reported"
is "$(python3 -c 'import json, sys
ids = [json.loads(l)["id"] for l in open(sys.argv[1])]
print(len(set(ids)), min(ids), "web:m1" in ids, "web:m300" in ids)' "$s/out.jsonl")" "300 web:m1 True True" \
    "300 distinct ids, web:m1..web:m300"
is "$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["id"] == "web:m7":
        print(r["network"], r["author"], r["lang"], r["created_at"], r["url"], r["brand"], r["source"], r["sentiment"]["label"], r["text"])' "$s/out.jsonl")" \
    "web user7 en 1793527207 https://x.invalid/7 acme js positive message 7 about Acme, quite good" \
    "fields carried; brand and sentiment scored again by the scoring agent; source is its instance"
ackd() { [ "$(nats_consumer_field n1 EARSHOT scoring num_ack_pending)" = 0 ] && [ "$(nats_consumer_field n1 EARSHOT scoring num_pending)" = 0 ]; }
wait_for 10 ackd
ok $? "every message acknowledged (nothing pending on the consumer)"
kill -TERM $sp; wait $sp
is $? 0 "the scoring agent stops cleanly on SIGTERM"
pids=
like "$s/log1" "stopped: 302 messages, 300 acknowledged, 0 given back, 2 refused" "its counts at stop"

"$EARSHOT" run -f -c "$s/earshot.conf" > "$s/log2" 2>&1 &
sp=$!; pids="$sp"
sleep 2
kill -TERM $sp; wait $sp
pids=
is "$(lines "$s/out.jsonl")" 300 "a restart gets nothing again"
like "$s/log2" "stopped: 0 messages" "no message was redelivered"

# ---- more mentions while the scorer runs; one record of another kind ignored ------
gen "$e/in.jsonl" 301 400
edge "$e" "$URL"
timeout 60 "$EARSHOT" run --once -c "$e/earshot.conf" > "$e/log3" 2>&1
is $? 0 "edge without create_stream uses the existing stream"
nats_pub n1 earshot.alerts.acme '{"kind":"alert","brand":"acme"}'
"$EARSHOT" run -f -c "$s/earshot.conf" > "$s/log3" 2>&1 &
sp=$!; pids="$sp"
wait_for 30 has_lines "$s/out.jsonl" 400
is "$(lines "$s/out.jsonl")" 400 "the next 100 arrive"
wait_for 10 ackd
kill -TERM $sp; wait $sp
pids=
like "$s/log3" "stopped: 101 messages, 100 acknowledged, 0 given back, 0 refused" "the alert was acknowledged and skipped"

# ---- a brand partition: its own consumer and filter, read with --once -------------
# (docs/scale-out.md: one spike owner per brand) Of web:m1..m400 the ones
# with i % 3 != 0 name Acme: 267, and nothing else.
p="$T/part"; mkdir -p "$p"
scorer "$p" "$URL" "filter_subject = earshot.mentions.acme.>"
sed -i 's/^consumer = scoring$/consumer = spikes-acme/' "$p/conf.d/10-js.conf"
timeout 60 "$EARSHOT" run --once -c "$p/earshot.conf" > "$p/log" 2>&1
is $? 0 "a partition consumer read with --once exits 0"
like "$p/log" "created durable consumer spikes-acme on stream EARSHOT for earshot.mentions.acme.>" "its consumer has the brand's filter"
is "$(python3 -c 'import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
print(len(rs), len({r["id"] for r in rs}), sorted({r["brand"] for r in rs}))' "$p/out.jsonl")" "267 267 ['acme']" \
    "it got exactly the 267 Acme mentions, each once"
is "$(nats_consumer_field n1 EARSHOT scoring num_pending)" 0 "the shared consumer is not affected"

# ---- backpressure: a relay whose sink is down stops fetching, then catches up -----
# nats -> nats: the sink's server is down, its spool fills to
# spool.max_records = 40 and the source stops fetching (the consumer keeps
# the rest); once the server is up every mention is relayed.
nats_start n4 || skip_all "cannot start a relay nats-server"
nats_stop n4
r="$T/relay"; mkdir -p "$r"
write_main "$r" "$brands"
printf '[source js]\nplugin = nats\nservers = %s\nstream = EARSHOT\nconsumer = relay\nfilter_subject = earshot.mentions.>\nbatch = 10\nmax_wait = 200ms\n' \
    "$URL" > "$r/conf.d/10-js.conf"
printf '[sink relay]\nplugin = nats\nservers = %s\nsubject = relay.{brand}\nstream = RELAY\nstream_subjects = relay.>\ncreate_stream = true\nspool.max_records = 40\nbatch.max = 10\nretry.max_attempts = 1000\nretry.initial = 200ms\nretry.max = 500ms\nreconnect_wait = 200ms\n' \
    "$(nats_url n4)" > "$r/conf.d/20-relay.conf"
"$EARSHOT" run -f -c "$r/earshot.conf" > "$r/log" 2>&1 &
rp=$!; pids="$rp"
wait_for 20 grep -q "cannot connect to NATS" "$r/log"
relay_started() { [ "$(nats_consumer_field n1 EARSHOT relay num_pending)" -ge 0 ] && [ "$(nats_consumer_field n1 EARSHOT relay num_pending)" -lt 402 ]; }
wait_for 20 relay_started
sleep 2
taken=$(nats_consumer_field n1 EARSHOT relay num_ack_pending 2>/dev/null)
left=$(nats_consumer_field n1 EARSHOT relay num_pending 2>/dev/null)
ok $(( ${taken:-999} > 60 || ${left:--1} < 300 )) "with its sink down the relay stopped fetching (${taken:-?} in flight, ${left:-?} left in the consumer)"
nats_restart n4
relayed() { [ "$(nats_stream_msgs n4 RELAY)" = 400 ]; }
wait_for 60 relayed
is "$(nats_stream_msgs n4 RELAY)" 400 "once the sink's server is up all 400 mentions are relayed"
relay_acked() { [ "$(nats_consumer_field n1 EARSHOT relay num_ack_pending)" = 0 ] && [ "$(nats_consumer_field n1 EARSHOT relay num_pending)" = 0 ]; }
wait_for 20 relay_acked
ok $? "and acknowledged on the source stream"
kill -TERM $rp; wait $rp
is $? 0 "the relay stops cleanly"
pids=

# ---- a subject no stream takes: dead-lettered, clearly --------------------------------
n="$T/nostream"; mkdir -p "$n"
gen "$n/in.jsonl" 1 3
edge "$n" "$URL" "subject = elsewhere.{brand}
retry.max_attempts = 2"
timeout 60 "$EARSHOT" run --once -c "$n/earshot.conf" > "$n/log" 2>&1
is $? 1 "records no stream takes make --once exit 1 (dead letters)"
like "$n/log" "no JetStream stream takes subject elsewhere.acme \(servers nats://127.0.0.1:[0-9]+\); create one or set create_stream = true" \
    "the reason names the subject and the server"

# ---- a server that is down at first --------------------------------------------------
d="$T/down"; mkdir -p "$d"
gen "$d/in.jsonl" 1001 1050
nats_start n2 || skip_all "cannot start a second nats-server"
URL2=$(nats_url n2)
nats_stop n2
edge "$d" "$URL2" "create_stream = true
stream = DOWN
stream_subjects = earshot.>"
"$EARSHOT" run -f -c "$d/earshot.conf" > "$d/log" 2>&1 &
dp=$!; pids="$dp"
wait_for 20 grep -q "cannot connect to NATS (nats://127.0.0.1:[0-9]*)" "$d/log"
ok $? "while the server is down the sink retries, naming the server"
like "$d/log" "batch of 50: (retry 1/[0-9]+ in|attempt 1 failed, retry in)" "the batch answers RETRY"
nats_restart n2
down_has() { [ "$(nats_stream_msgs n2 DOWN)" = 50 ]; }
wait_for 30 down_has
is "$(nats_stream_msgs n2 DOWN)" 50 "once it is up every mention is published"
kill -TERM $dp; wait $dp
is $? 0 "the edge agent stops cleanly"
pids=

# ---- user and password; never logged --------------------------------------------------
nats_start n3 --user earshot --pass 'N4ts-S3cret' || skip_all "cannot start nats-server with a password"
a="$T/auth"; mkdir -p "$a"
gen "$a/in.jsonl" 1 5
export EARSHOT_TEST_NATSPW='N4ts-S3cret'
edge "$a" "$(nats_url n3)" 'create_stream = true
user = earshot
password = ${EARSHOT_TEST_NATSPW}'
timeout 60 "$EARSHOT" run --once -c "$a/earshot.conf" > "$a/log1" 2>&1
is $? 0 "user and password from the environment"
is "$(nats_stream_msgs n3 EARSHOT)" 5 "the mentions landed"
edge "$a" "$(nats_url n3)" 'user = earshot
password = Wr0ng-Pa55
retry.max_attempts = 2'
timeout 60 "$EARSHOT" run --once -c "$a/earshot.conf" > "$a/log2" 2>&1
is $? 1 "a wrong password: dead-lettered after the attempts"
like "$a/log2" "cannot connect to NATS \(nats://127.0.0.1:[0-9]+\): .*[Aa]uthorization" "the refusal is logged with the server"
unlike "$a/log1" "N4ts-S3cret" "the password is not logged"
unlike "$a/log2" "Wr0ng-Pa55" "nor the wrong one"

# ---- --once on a stream that does not exist: the pass ends, reported ----------
o="$T/once"; mkdir -p "$o"
scorer "$o" "$URL" "stream = NOSUCH"
sed -i 's/^stream = EARSHOT$//' "$o/conf.d/10-js.conf"
timeout 30 "$EARSHOT" run --once -c "$o/earshot.conf" > "$o/log" 2>&1
is $? 0 "--once against a missing stream ends"
like "$o/log" "stream NOSUCH not found on nats://127.0.0.1:[0-9]+" "the missing stream is reported with the server"

# ---- bad configuration: refused at start, with the reason ------------------------
b="$T/bad"; mkdir -p "$b"
: > "$b/in.jsonl"
edge "$b" "$URL" "subject = earshot.{password}"
timeout 20 "$EARSHOT" run --once -c "$b/earshot.conf" > "$b/log1" 2>&1
ok $(( $? == 0 )) "an unknown template field stops the start"
like "$b/log1" 'subject "earshot.\{password\}": unknown field \{password\}' "the template and the field are named"
edge "$b" "http://127.0.0.1:1"
timeout 20 "$EARSHOT" run --once -c "$b/earshot.conf" > "$b/log2" 2>&1
ok $(( $? == 0 )) "an http:// server URL stops the start"
like "$b/log2" "servers: http://127.0.0.1:1: only nats:// and tls:// URLs are accepted" "the URL is named"
done_testing
