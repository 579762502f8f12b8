#!/bin/sh
# Delivery defaults through an outage, against the real webhook receiver
# (tests/webhook_receiver.py on 127.0.0.1): with the receiver down the
# records of a webhook sink wait in its spool however many attempts fail
# (retry.max_attempts defaults to no limit), nothing is dead-lettered, and
# once the receiver listens again they arrive within retry.max; a 4xx
# (permanent) dead-letters at once; the shutdown summary does not call
# requeued and delivered dead letters lost.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not found"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"
data="$top_srcdir/tests/data/webhook"

recv_pid= agent_pid=
tap_cleanup() {
    [ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
    [ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null
    wait 2>/dev/null
}
receiver() { # receiver PORT: starts it on PORT, waits until it listens
    rm -f "$T/port"
    python3 "$top_srcdir/tests/webhook_receiver.py" --port "$1" --port-file "$T/port" \
        --log "$T/requests.jsonl" --lifetime 120 &
    recv_pid=$!
    wait_for 10 test -s "$T/port"
}
# delivered PATH [STATUS]: records the receiver answered STATUS (200) on
# PATH, as "count distinct-ids" (the sink posts one record per request).
delivered() {
    python3 - "$T/requests.jsonl" "$1" "${2:-200}" <<'PY'
import json, sys
ids = []
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["path"] == sys.argv[2] and r["status"] == int(sys.argv[3]):
        b = json.loads(r["body"])
        ids += [x["id"] for x in (b if isinstance(b, list) else [b])]
print(len(ids), len(set(ids)))
PY
}
has_delivered() { [ "$(delivered "$1" | cut -d' ' -f1)" -ge "$2" ]; }
dead() { sqlite3 "$T/state/state.db" "select count(*) from dead_letters where sink = '$1'"; }

port=$(free_port)
: > "$T/requests.jsonl"
write_main "$T"
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $data/mentions.jsonl
network = import
interval = 1s

[sink hook]
plugin = webhook
url = http://127.0.0.1:$port/hook
retry.initial = 50ms
retry.max = 1s

[sink strict]
plugin = webhook
url = http://127.0.0.1:$port/status/400
retry.initial = 50ms
retry.max = 1s
EOC
check "the config passes check" "$EARSHOT" check -c "$T/earshot.conf"
"$EARSHOT" run -c "$T/earshot.conf" --foreground 2> "$T/log" &
agent_pid=$!

# Down: connection refused, again and again (the old default gave up
# after 10 attempts, about 2 minutes at its retry.max; here 1s caps the
# backoff, so 12 attempts take about 6 s).
check "the receiver is down: 12 attempts fail (the old default gave up at 10)" \
    wait_for 30 grep -q "sink hook: batch of 3: attempt 12 failed" "$T/log"
n_spool=$(sqlite3 "$T/state/state.db" "select count(*) from spool where sink = 'hook'")
is "$n_spool" 3 "while it is down the three records wait in the spool"
is "$(dead hook)" 0 "and none is dead-lettered"
like "$T/log" "sink hook: batch of 3: attempt 1 failed, retry in [0-9]+ ms: POST http://127.0.0.1:$port/hook: HTTP transfer failed" "the first failure is a warning naming the URL"
is "$(dead strict)" 0 "the other sink's records too (its receiver is down as well)"

# Up again: tried within retry.max (1 s) of its return, plus the request.
receiver "$port" || skip_all "webhook receiver did not start"
t0=$(date +%s%N)
check "the receiver is back: the records arrive" wait_for 10 has_delivered /hook 3
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ok "$([ "$ms" -le 2500 ] && echo 0 || echo 1)" "within retry.max of its return (${ms} ms, retry.max 1 s)"
is "$(delivered /hook)" "3 3" "each record exactly once"
check "the spool empties" wait_for 5 sh -c "[ \$(sqlite3 '$T/state/state.db' \"select count(*) from spool where sink = 'hook'\") -eq 0 ]"
like "$T/log" "sink hook: delivering again after [0-9]+ s and [0-9]+ failed attempt\(s\)" "the recovery is logged"
# A 400 is permanent: dead letters at the first answer, not retried.
check "a 4xx dead-letters the records" wait_for 5 sh -c "[ \$(sqlite3 '$T/state/state.db' \"select count(*) from dead_letters where sink = 'strict'\") -eq 3 ]"
is "$(delivered /status/400 400)" "3 3" "not retried after the 400"

# Dead letters requeued and delivered are not lost: the receiver now
# takes them (its config changes the path; the sink is replaced on reload).
sed -i "s|/status/400|/hook2|" "$T/conf.d/10.conf"
kill -HUP "$agent_pid"
check "the reload is done" wait_for 10 grep -q "reloaded:" "$T/log"
"$EARSHOT" spool retry -c "$T/earshot.conf" strict > "$T/retry.out" 2>&1
is $? 0 "spool retry strict"
check "the requeued records arrive" wait_for 10 has_delivered /hook2 3
kill -TERM "$agent_pid"
wait "$agent_pid"
is $? 0 "the agent stops cleanly"
agent_pid=
unlike "$T/log" "dead-lettered during this run" "the summary does not count requeued, delivered dead letters as lost"
like "$T/log" "3 dead letter\(s\) of this run were requeued" "it says they were requeued"

# --once cannot wait for a receiver: DRAIN_MS (10 s) after its sources
# finished with only failing sinks left, it ends; the records stay in the
# spool (not dead letters) and the next run delivers them.
kill "$recv_pid" 2>/dev/null; wait "$recv_pid" 2>/dev/null; recv_pid=
oport=$(free_port)
write_main "$T/once"
printf '[source in]\nplugin = jsonl\npath = %s\nnetwork = import\n\n[sink hook]\nplugin = webhook\nurl = http://127.0.0.1:%s/once\nretry.initial = 50ms\nretry.max = 500ms\n' \
    "$data/mentions.jsonl" "$oport" > "$T/once/conf.d/10.conf"
t0=$(date +%s)
timeout 60 "$EARSHOT" run -c "$T/once/earshot.conf" --once 2> "$T/once/log1"
is $? 1 "--once with its receiver down exits 1"
secs=$(( $(date +%s) - t0 ))
ok "$([ "$secs" -ge 9 ] && [ "$secs" -le 20 ] && echo 0 || echo 1)" "after about 10 s of failures (${secs} s)"
like "$T/once/log1" "1 sink\(s\) still failing 10000 ms after the sources finished" "and says why"
like "$T/once/log1" "3 record\(s\) left in the spool" "the records are left in the spool"
is "$(sqlite3 "$T/once/state/state.db" "select count(*) from dead_letters")" 0 "not dead-lettered"
receiver "$oport" || skip_all "webhook receiver did not start"
timeout 60 "$EARSHOT" run -c "$T/once/earshot.conf" --once 2> "$T/once/log2"
is $? 0 "the next --once run, receiver up, exits 0"
is "$(delivered /once)" "3 3" "and delivers the spooled records, once each"
done_testing
