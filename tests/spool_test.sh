#!/bin/sh
# The per-sink spool (issue 8): records accepted while a sink is down survive
# SIGKILL and are delivered on the next start; spool.max_records pauses the
# source and memory stays bounded; a poison record is dead-lettered without
# blocking the rest; `earshot spool status|retry|drop`; SIGKILL at random
# moments loses nothing.
. "$top_srcdir/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"

gen() { # gen FILE N [PREFIX]: N mentions, ids PREFIX1..PREFIXN
    python3 - "$1" "$2" "${3:-m}" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(1, int(sys.argv[2]) + 1):
        f.write(json.dumps({"id": "%s%d" % (sys.argv[3], i), "network": "test", "author": "u%d" % (i % 97),
                            "text": "acme mention number %d" % i, "created_at": 1700000000 + i}) + "\n")
PY
}
spooled() { sqlite3 "$T/state/state.db" "select count(*) from spool where sink='$1'" 2>/dev/null; }
# ids FILE: the id of every whole line; a line a SIGKILL cut short (the
# sink ends it before appending again) is skipped, as a reader would.
ids() {
    python3 - "$1" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    try:
        print(json.loads(l)["id"])
    except ValueError:
        pass
PY
}
torn() { python3 -c 'import json,sys
n=0
for l in open(sys.argv[1]):
    try: json.loads(l)
    except ValueError: n+=1
print(n)' "$1"; }

# 1. Sink down: the source reads everything (its checkpoint moves on), the
#    records wait in the spool; SIGKILL; the next start delivers them all.
write_main "$T"
gen "$T/in.jsonl" 3000
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/in.jsonl
interval = 100ms

[sink out]
plugin = testsink
path = $T/out.jsonl
fail_first = 100000
retry.initial = 20ms
retry.max = 100ms
retry.max_attempts = 100000
batch.max = 100
EOC
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/log1" &
pid=$!
wait_for 20 sh -c "[ \"\$(sqlite3 '$T/state/state.db' \"select count(*) from spool where sink='out'\" 2>/dev/null)\" = 3000 ]"
is "$(spooled out)" 3000 "all 3000 records wait in the spool of the down sink"
cp=$(sqlite3 "$T/state/state.db" "select count(*) from checkpoints where instance='in'")
ok $([ "$cp" -ge 1 ] && echo 0 || echo 1) "the source's checkpoint moved past them (records accepted)"
rss=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
diag "peak RSS with 3000 spooled records: ${rss} kB"
"$EARSHOT" spool status -c "$T/earshot.conf" > "$T/status1"
like "$T/status1" "^out +3000 +[0-9]+ +[0-9]+s +[0-9]+ +[0-9]+ +0" "spool status: depth, bytes, age, retries, dead letters"
"$EARSHOT" spool status -c "$T/earshot.conf" --json > "$T/status1.json"
r=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))[0]; print(d["sink"], d["depth"], d["retried"] > 0, d["max_attempts"] > 1)' "$T/status1.json")
is "$r" "out 3000 True True" "spool status --json: retried rows and attempts recorded"
kill -9 $pid; wait $pid 2>/dev/null
is "$(lines "$T/out.jsonl")" 0 "nothing was delivered before the kill"

sed -i 's/^fail_first = .*/fail_first = 0/' "$T/conf.d/10.conf"
# The next start (a daemon: nothing new arrives to push the spool out).
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/log2" &
pid=$!
wait_for 30 sh -c "[ \"\$(sqlite3 '$T/state/state.db' \"select count(*) from spool where sink='out'\" 2>/dev/null)\" = 0 ]"
kill $pid; wait $pid
is $? 0 "the next start delivers the spool (no new record needed) and stops cleanly"
is "$(lines "$T/out.jsonl")" 3000 "every spooled record delivered after the restart"
is "$(ids "$T/out.jsonl" | sort -u | wc -l | tr -d ' ')" 3000 "each exactly once"
is "$(spooled out)" 0 "the spool is empty"
like "$T/log2" "3000 record\(s\) waiting in the spool" "the start-up log says what waits"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log2b"
is $? 0 "a --once run afterwards finds nothing left and exits 0"
head -1 "$T/out.jsonl" > "$T/first"
like "$T/first" '"id":"test:m1".*"brand":null.*"sentiment":\{"compound"' "a record from the spool keeps every stage field"

# 2. Backpressure: spool.max_records pauses the source during an outage and
#    memory stays bounded; everything arrives once the sink recovers.
rm -rf "$T/state" "$T/out.jsonl"
gen "$T/in.jsonl" 20000 b
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/in.jsonl
interval = 100ms

[sink out]
plugin = testsink
path = $T/out.jsonl
fail_first = 120
retry.initial = 20ms
retry.max = 30ms
retry.max_attempts = 100000
batch.max = 100
spool.max_records = 2000
EOC
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log3" &
pid=$!
max=0
while kill -0 $pid 2>/dev/null; do
    d=$(spooled out); d=${d:-0}
    [ "$d" -gt "$max" ] && max=$d
    sleep 0.1
done
wait $pid
is $? 0 "--once through an outage with backpressure exits 0"
ok $([ "$max" -ge 1000 ] && [ "$max" -le 3100 ] && echo 0 || echo 1) "spool depth held near spool.max_records = 2000 (max seen $max)"
is "$(ids "$T/out.jsonl" | sort -u | wc -l | tr -d ' ')" 20000 "all 20000 records arrived after the outage"

# 3. A poison record is dead-lettered and does not block the others;
#    spool retry requeues it, spool drop discards it (and says so).
rm -rf "$T/state" "$T/out.jsonl"
gen "$T/in.jsonl" 50 p
sed -i 's/acme mention number 17$/&/; s/"acme mention number 17"/"poison acme 17"/' "$T/in.jsonl"
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/in.jsonl

[sink out]
plugin = testsink
path = $T/out.jsonl
reject_text = poison
batch.max = 10
EOC
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log4"
is $? 1 "--once exits 1 with a dead letter"
is "$(lines "$T/out.jsonl")" 49 "the 49 other records were delivered"
is "$(sqlite3 "$T/state/state.db" "select record_id from dead_letters where sink='out'")" "test:p17" "the poison record is a dead letter"
is "$(spooled out)" 0 "and left the spool"
"$EARSHOT" spool retry -c "$T/earshot.conf" out > "$T/retry.out"
like "$T/retry.out" "^1 dead letter\(s\) of out requeued" "spool retry requeues it"
is "$(spooled out)" 1 "back in the spool"
is "$(sqlite3 "$T/state/state.db" "select count(*) from dead_letters")" 0 "no longer a dead letter"
"$EARSHOT" spool drop -c "$T/earshot.conf" out 2> /dev/null
is $? 2 "spool drop without --before is refused"
"$EARSHOT" spool drop -c "$T/earshot.conf" out --before now > "$T/drop.out" 2> "$T/drop.err"
like "$T/drop.out" "^1 record\(s\) dropped from the spool of out" "spool drop --before now drops it"
like "$T/drop.err" "spool out: 1 record\(s\) enqueued before [0-9]+ dropped by the operator" "and logs it"
is "$(spooled out)" 0 "the spool is empty"

# 4. Requeued dead letters reach a running daemon.
rm -rf "$T/state" "$T/out.jsonl"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> /dev/null
sed -i 's/^reject_text = .*/reject_text = never-matches/; s/^\[source in\]/[source in]\ninterval = 100ms/' "$T/conf.d/10.conf"
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/log5" &
pid=$!
sleep 0.5
"$EARSHOT" spool retry -c "$T/earshot.conf" out > /dev/null
wait_for 10 has_lines "$T/out.jsonl" 50
is "$(lines "$T/out.jsonl")" 50 "a dead letter requeued while the daemon runs is delivered"
kill $pid; wait $pid

# 5. SIGKILL at random moments while 20000 records flow to a sink that
#    retries now and then: after the last start, every record arrived at
#    least once and the spool is empty.
rm -rf "$T/state" "$T/out.jsonl"
gen "$T/in.jsonl" 20000 k
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/in.jsonl
interval = 100ms

[sink out]
plugin = jsonl
path = $T/out.jsonl
batch.max = 50
batch.linger = 5ms
EOC
seeds=$(python3 -c 'import random; random.seed(8); print(" ".join(str(random.randint(50, 400)) for _ in range(6)))')
for ms in $seeds; do
    "$EARSHOT" run --foreground -c "$T/earshot.conf" 2>> "$T/log6" &
    pid=$!
    sleep "$(echo "$ms" | awk '{printf "%.3f", $1 / 1000}')"
    kill -9 $pid; wait $pid 2>/dev/null
done
"$EARSHOT" run -c "$T/earshot.conf" --once 2>> "$T/log6"
is $? 0 "the last start completes with exit 0"
uniq=$(ids "$T/out.jsonl" | sort -u | wc -l | tr -d ' ')
total=$(lines "$T/out.jsonl")
is "$uniq" 20000 "after 6 SIGKILLs every one of 20000 records arrived"
diag "records written $total, duplicates $((total - uniq)) (at-least-once to a file sink), lines cut by a SIGKILL $(torn "$T/out.jsonl")"
is "$(spooled out)" 0 "the spool is empty at the end"

# A file that a crash left ending in part of a line: the sink ends that
# line before appending, so only the torn line is unreadable.
rm -rf "$T/state"
printf '{"id":"torn1"}\n{"id":"to' > "$T/out.jsonl"
gen "$T/in.jsonl" 10 t
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log6b"
is "$(ids "$T/out.jsonl" | grep -c '^test:t')" 10 "after a torn last line every new record is a whole line"
is "$(torn "$T/out.jsonl")" 1 "the torn line stays the only unreadable one"
like "$T/log6b" "out.jsonl: ends in a partial line \(an interrupted write\); ending it before appending" "and the sink says so"

# spool.delay: a record every sink takes within it is never written to
#    the spool (its source waits for the delivery instead); with
#    spool.delay = 0 every record is, as before. sqlite_sequence keeps the
#    highest spool id ever used, so it shows whether any row was written.
ever() { sqlite3 "$T/state/state.db" "select coalesce((select seq from sqlite_sequence where name='spool'), 0)"; }
rm -rf "$T/state" "$T/out.jsonl"
gen "$T/in.jsonl" 5000 d
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/in.jsonl

[sink out]
plugin = jsonl
path = $T/out.jsonl
EOC
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log7"
is $? 0 "--once into a fast sink exits 0"
is "$(ids "$T/out.jsonl" | sort -u | wc -l | tr -d ' ')" 5000 "all 5000 delivered"
is "$(ever)" 0 "not one spool row was written (spool.delay, 1s by default)"
is "$(sqlite3 "$T/state/state.db" "select sum(length(ids)) / 8 from seen_log")" 5000 "all 5000 ids known to dedupe"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> /dev/null
is "$(lines "$T/out.jsonl")" 5000 "a second run sends nothing again: the source's checkpoint moved past them"
# Another source with the same posts: dedupe's memory, loaded at start,
# drops every one.
cp "$T/in.jsonl" "$T/in2.jsonl"
printf '[source in2]\nplugin = jsonl\npath = %s/in2.jsonl\n' "$T" > "$T/conf.d/11.conf"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> /dev/null
is "$(lines "$T/out.jsonl")" 5000 "a second source with the same 5000 ids, in a later run: none delivered again"
rm -f "$T/conf.d/11.conf"
rm -rf "$T/state" "$T/out.jsonl"
write_main "$T" "spool.delay = 0"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> /dev/null
is "$(lines "$T/out.jsonl")" 5000 "spool.delay = 0: all 5000 delivered"
is "$(ever)" 5000 "spool.delay = 0: each was written to the spool first"
write_main "$T"

# A slow but healthy sink (3 s per batch): what it still holds after
# spool.delay gets its rows, so its source moves on; a SIGKILL then loses
# nothing.
rm -rf "$T/state" "$T/out.jsonl"
gen "$T/in.jsonl" 300 s
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/in.jsonl
interval = 1h

[sink out]
plugin = testsink
path = $T/out.jsonl
delay = 3s
batch.max = 100
EOC
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/log8" &
pid=$!
wait_for 10 sh -c "[ \"\$(sqlite3 '$T/state/state.db' \"select count(*) from checkpoints where instance='in'\" 2>/dev/null)\" = 1 ]"
n=$(spooled out)
is "$n" 300 "the 300 records the slow sink held after spool.delay were spooled, and the source moved past them"
kill -9 $pid; wait $pid 2>/dev/null
is "$(lines "$T/out.jsonl")" 0 "nothing was delivered before the kill"
sed -i 's/^delay = .*/delay = 0/' "$T/conf.d/10.conf"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log8b"
is $? 0 "the restart exits 0"
is "$(ids "$T/out.jsonl" | sort -u | wc -l | tr -d ' ')" 300 "all 300 arrived after the restart"
is "$(lines "$T/out.jsonl")" 300 "each once: the source did not read them again"
is "$(spooled out)" 0 "the spool is empty"

# dedupe.max_age: delivered ids are rows of fingerprints, one per loop
# turn, merged every 2 s; an hourly sweep forgets the rows delivered
# longer ago, a few rows a step; newer ones stay.
rm -rf "$T/state" "$T/out.jsonl"
gen "$T/in.jsonl" 10 age
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/in.jsonl
interval = 1h

[sink out]
plugin = jsonl
path = $T/out.jsonl
EOC
write_main "$T" "dedupe.max_age = 1d"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> /dev/null
seen_ids() { sqlite3 "$T/state/state.db" "select coalesce(sum(length(ids)) / 8, 0) from seen_log"; }
sqlite3 "$T/state/state.db" "INSERT INTO seen_log(at, ids) VALUES (strftime('%s', 'now') - 172800, randomblob(400000));
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 40)
    INSERT INTO seen_log(at, ids) SELECT strftime('%s', 'now'), randomblob(80) FROM c"
is "$(seen_ids)" 50410 "50,000 ids delivered two days ago, 410 just now in 41 small rows"
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/logage" &
pid=$!
wait_for 30 sh -c "[ \"\$(sqlite3 '$T/state/state.db' 'select coalesce(sum(length(ids)) / 8, 0) from seen_log' 2>/dev/null)\" = 410 ]"
is "$(seen_ids)" 410 "the old ones are forgotten"
wait_for 10 sh -c "[ \"\$(sqlite3 '$T/state/state.db' 'select count(*) from seen_log' 2>/dev/null)\" = 1 ]"
is "$(sqlite3 "$T/state/state.db" "select count(*) from seen_log")" 1 "the small rows are merged into one"
kill $pid; wait $pid
is "$(seen_ids)" 410 "no recent id was lost by the merge"
write_main "$T"

# Flow control: a healthy sink that lags a burst holds the source back
# instead of spilling to the spool (no record read back); a slow one holds
# it back for a second or so, then spills, and the fast sink keeps flowing.
rm -rf "$T/state" "$T/fast.jsonl" "$T/slow.jsonl"
gen "$T/burst.jsonl" 6000 b
port=$(free_port)
write_main "$T" "metrics_listen = 127.0.0.1:$port"
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/burst.jsonl
interval = 1h

[sink fast]
plugin = jsonl
path = $T/fast.jsonl

[sink slow]
plugin = testsink
path = $T/slow.jsonl
delay = 100ms
batch.max = 10
EOC
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/logflow" &
pid=$!
t0=$(date +%s)
wait_for 15 has_lines "$T/fast.jsonl" 6000
took=$(( $(date +%s) - t0 ))
is "$(lines "$T/fast.jsonl")" 6000 "the fast sink got all 6000 while the slow one lags"
ok $([ "$took" -le 8 ] && echo 0 || echo 1) "within seconds, not at the slow sink's pace ($took s)"
slow_n=$(lines "$T/slow.jsonl")
ok $([ "$slow_n" -lt 3000 ] && echo 0 || echo 1) "the slow sink (100 records/s) had delivered only $slow_n"
sleep 1.2 # the next once-a-second metrics render
curl -sf "http://127.0.0.1:$port/metrics" > "$T/flow.metrics"
like "$T/flow.metrics" '^earshot_sink_records_spilled_total\{instance="fast"\} 0$' \
    "the fast sink never spilled: the source waited for it instead"
like "$T/flow.metrics" '^earshot_sink_records_spilled_total\{instance="slow"\} [1-9][0-9]*$' \
    "the slow sink's records spilled to its spool"
like "$T/logflow" "sink slow: slower than its sources for 1000 ms: spilling to the spool" "and the log says why"
kill -9 $pid; wait $pid 2>/dev/null
is "$(( $(spooled slow) + $(lines "$T/slow.jsonl") ))" 6000 "what the slow sink has not delivered waits in its spool (SIGKILL)"
is "$(spooled fast)" 0 "the fast sink's spool is empty"
write_main "$T"

# One agent per state directory: a second run is refused while the first
# holds the lock; so is spool drop (the agent would still deliver what it
# holds in memory); SIGKILL leaves no stale lock.
rm -rf "$T/state"
cat > "$T/conf.d/10.conf" <<EOC
[source gen]
plugin = testsrc
count = 5

[sink down]
plugin = testsink
fail_first = 100000
retry.initial = 50ms
retry.max_attempts = 100000
EOC
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/loglock1" &
pid=$!
wait_for 10 sh -c "[ \"\$(sqlite3 '$T/state/state.db' \"select count(*) from spool where sink='down'\" 2>/dev/null)\" = 5 ]"
is "$(cat "$T/state/earshot.pid")" "$pid" "the agent's pid is in STATE_DIR/earshot.pid"
"$EARSHOT" run --once -c "$T/earshot.conf" 2> "$T/loglock2"
is $? 1 "a second agent on the same state directory exits 1"
like "$T/loglock2" "state directory .*/state is in use by another earshot \(pid $pid\): one agent per state directory" \
    "and says which process holds it"
"$EARSHOT" spool drop -c "$T/earshot.conf" down --before now > "$T/droplock.out" 2> "$T/droplock.err"
is $? 1 "spool drop is refused while the agent runs"
like "$T/droplock.err" "in use by another earshot \(pid $pid\).*stop it first" "with the reason"
is "$(spooled down)" 5 "nothing was dropped"
kill -9 $pid; wait $pid 2>/dev/null
"$EARSHOT" spool drop -c "$T/earshot.conf" down --before now > "$T/droplock.out" 2>&1
is $? 0 "after SIGKILL the lock is gone: spool drop works"
is "$(spooled down)" 0 "and dropped the 5 records"

# WAL checkpoints run on the thread pool, not in the loop's commits: a run
# that writes well over the 16 MiB WAL limit does them there, and every
# record arrives (spool.delay = 0: every record goes through the spool).
rm -rf "$T/state" "$T/ck.jsonl"
write_main "$T" "spool.delay = 0"
gen "$T/ck_in.jsonl" 30000 ck
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/ck_in.jsonl

[sink out]
plugin = jsonl
path = $T/ck.jsonl
EOC
"$EARSHOT" run --once -c "$T/earshot.conf" 2> "$T/logck"
is $? 0 "30000 records through the state DB, --once exits 0"
is "$(lines "$T/ck.jsonl")" 30000 "all delivered"
like "$T/logck" "state: [1-9][0-9]* checkpoint\(s\) on the thread pool, 0 on the loop thread" \
    "the WAL was checkpointed on the thread pool only"
write_main "$T"

# es_emit_acked: a source learns when each record is safe (spooled and
# committed, or dropped as a duplicate), e.g. to ack a message queue.
rm -rf "$T/state"
cat > "$T/conf.d/10.conf" <<EOC
[source gen]
plugin = testsrc
count = 40
acked = true

[sink down]
plugin = testsink
fail_first = 100000
retry.initial = 10ms
retry.max_attempts = 100000
EOC
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/logack" &
pid=$!
wait_for 10 sh -c "[ \"\$(sqlite3 '$T/state/state.db' \"select count(*) from spool where sink='down'\" 2>/dev/null)\" = 40 ]"
kill $pid; wait $pid
like "$T/logack" "acks: 40 accepted, 0 abandoned" "every record acknowledged once spooled, the sink still down"
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/logack2" &
pid=$!
# testsrc emits in start(), before "started" is logged.
wait_for 30 grep -q "source gen: started" "$T/logack2"
kill $pid; wait $pid
like "$T/logack2" "acks: 40 accepted, 0 abandoned" "re-emitted duplicates are acknowledged too"

# 6. Disk trouble: a file-size limit of 1 byte (prlimit on the running
#    agent: writes that extend a file fail with EFBIG, as on a full disk)
#    while new records arrive; the agent says so, pauses, and once the
#    limit is lifted everything arrives.
if command -v prlimit >/dev/null; then
    rm -rf "$T/state" "$T/out.jsonl" "$T/indir"
    mkdir -p "$T/indir"
    gen "$T/indir/a.jsonl" 1000 a
    gen "$T/b.jsonl" 1000 b
    cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/indir
interval = 100ms

[sink out]
plugin = jsonl
path = $T/out.jsonl
retry.initial = 50ms
retry.max = 200ms
retry.max_attempts = 100000
EOC
    # The log goes through a pipe: a log file would hit the limit too.
    mkfifo "$T/logfifo"
    cat "$T/logfifo" > "$T/log7" &
    "$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/logfifo" &
    pid=$!
    wait_for 10 has_lines "$T/out.jsonl" 1000
    prlimit --pid $pid --fsize=1:unlimited
    cp "$T/b.jsonl" "$T/indir/b.jsonl"
    sleep 2
    like "$T/log7" "cannot write; new records are not accepted until it can" "a failing state DB is reported"
    like "$T/log7" "write failed: file too large" "the sink's own write error is retried, not fatal"
    ok $(kill -0 $pid 2>/dev/null && echo 0 || echo 1) "the agent survives (no SIGXFSZ)"
    prlimit --pid $pid --fsize=unlimited:unlimited
    wait_for 20 sh -c "[ \"\$(python3 -c 'import json,sys; print(len({json.loads(l)[\"id\"] for l in open(sys.argv[1])}))' '$T/out.jsonl')\" = 2000 ]"
    is "$(ids "$T/out.jsonl" | sort -u | wc -l | tr -d ' ')" 2000 "after the limit is lifted every record arrived"
    diag "records written $(lines "$T/out.jsonl") for 2000 distinct"
    wait_for 5 grep -q "writable again; resuming" "$T/log7"
    like "$T/log7" "writable again; resuming" "the agent says it resumed (probe every 2 s)"
    kill $pid; wait $pid
    is "$(spooled out)" 0 "nothing left in the spool"
else
    ok 0 "# SKIP prlimit (util-linux) not installed"
fi

done_testing
