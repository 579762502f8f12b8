#!/bin/sh
# Scale-out end to end on real servers on 127.0.0.1: a 3-node JetStream
# cluster (three nats-server processes with routes, file storage here), a
# stream with 3 replicas, two edge agents (jsonl -> nats) publishing N
# mentions between them, three scoring agents sharing one durable pull
# consumer (nats -> sql on a PostgreSQL started here). Mid-run one scoring
# agent is killed with SIGKILL (and restarted later on its own state, so
# what its spool held is delivered) and one NATS node is stopped. At the end
# PostgreSQL holds every mention exactly once.
#
# N is 20000 (EARSHOT_NATS_N overrides it, e.g. 100000).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/nats_lib.sh"
. "$top_srcdir/tests/sql_pglib.sh"
N=${EARSHOT_NATS_N:-20000}
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
nats_available || skip_all "nats-server not found (Debian package nats-server)"
pg_available || skip_all "PostgreSQL server binaries not found (Debian package postgresql)"

pids=
tap_cleanup() {
    for p in $pids; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    nats_stop_all
    pg_stop
}
pg_setup "$T/pg" || { cat "$T/pg/initdb.log" "$T/pg/server.log" 2>/dev/null | sed 's/^/# /'; skip_all "cannot start a PostgreSQL server"; }
nats_cluster a b c || { tail -n 20 "$T"/nats/*/server.log | sed 's/^/# /'; skip_all "cannot start a 3-node JetStream cluster"; }
ALL="$(nats_url a), $(nats_url b), $(nats_url c)"
diag "cluster: $ALL; N = $N"

brands='[brand acme]
keywords = acme, acmesupport
[brand globex]
keywords = globex, globexcare
[brand initech]
keywords = initech'
gen() { # gen FILE FROM TO
    python3 -c 'import json, sys
bs = ["Acme", "Globex", "Initech", "nobody"]
for i in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    print(json.dumps({"id": str(i), "network": "edge", "author": "user%d" % (i % 101),
                      "text": "mention %d about %s, %s" % (i, bs[i % 4], ["great", "awful", "fine"][i % 3]),
                      "created_at": 1793527200 + i}))' "$2" "$3" > "$1"
}
edge() { # edge DIR
    write_main "$1" "$brands"
    sed -i 's/^log_level = debug/log_level = info/' "$1/earshot.conf"
    printf '[source in]\nplugin = jsonl\npath = %s/in.jsonl\n' "$1" > "$1/conf.d/10-in.conf"
    printf '[sink js]\nplugin = nats\nservers = %s\ncreate_stream = true\nreplicas = 3\nack_timeout = 3s\nbatch.max = 500\nretry.initial = 200ms\nretry.max = 1s\nretry.max_attempts = 1000\nreconnect_wait = 200ms\nreconnect_jitter = 100ms\n' \
        "$ALL" > "$1/conf.d/20-js.conf"
}
scorer() { # scorer DIR
    write_main "$1" "$brands"
    sed -i 's/^log_level = debug/log_level = info/' "$1/earshot.conf"
    printf '[source js]\nplugin = nats\nservers = %s\nstream = EARSHOT\nconsumer = scoring\nbatch = 200\nmax_wait = 500ms\nack_wait = 5s\nreconnect_wait = 200ms\nreconnect_jitter = 100ms\n' \
        "$ALL" > "$1/conf.d/10-js.conf"
    printf '[sink db]\nplugin = sql\ndsn = %s\nbatch.max = 500\nretry.initial = 100ms\nretry.max = 1s\nretry.max_attempts = 1000\n' \
        "$pg_sock_dsn" > "$1/conf.d/20-db.conf"
}
count() { pg_psql -c 'select count(*) from mentions' 2>/dev/null || echo 0; }
at_least() { [ "$(count)" -ge "$1" ]; }

half=$((N / 2))
mkdir -p "$T/e1" "$T/e2" "$T/s1" "$T/s2" "$T/s3"
gen "$T/e1/in.jsonl" 1 $half
gen "$T/e2/in.jsonl" $((half + 1)) $N
edge "$T/e1"; edge "$T/e2"
for s in s1 s2 s3; do scorer "$T/$s"; done

t0=$(date +%s)
timeout 300 "$EARSHOT" run --once -c "$T/e1/earshot.conf" > "$T/e1/log" 2>&1 &
e1=$!
timeout 300 "$EARSHOT" run --once -c "$T/e2/earshot.conf" > "$T/e2/log" 2>&1 &
e2=$!
pids="$e1 $e2"
stream_exists() { [ "$(nats_stream_msgs a EARSHOT)" -ge 0 ]; }
wait_for 30 stream_exists
ok $? "the edge agents created the stream (3 replicas)"
for s in s1 s2 s3; do
    "$EARSHOT" run -f -c "$T/$s/earshot.conf" > "$T/$s/log" 2>&1 &
    eval "p_$s=$!"
done
pids="$pids $p_s1 $p_s2 $p_s3"

# Mid-run: a NATS node goes away while the edges publish, then a scoring
# agent dies without a word.
stream_at_least() { [ "$(nats_stream_msgs a EARSHOT)" -ge "$1" ]; }
wait_for 60 stream_at_least $((N / 4))
nats_stop b
diag "stopped node b at $(nats_stream_msgs a EARSHOT) messages in the stream, $(( $(date +%s) - t0 )) s"
wait_for 120 at_least $((N / 5))
ok $? "a fifth of the mentions reached PostgreSQL ($(count))"
kill -KILL "$p_s1"; wait "$p_s1" 2>/dev/null
is $? 137 "scoring agent 1 killed with SIGKILL mid-run"
diag "killed s1 at $(count) rows, $(( $(date +%s) - t0 )) s"

wait "$e1"; r1=$?
wait "$e2"; r2=$?
is "$r1 $r2" "0 0" "both edge agents published everything and exit 0"
is "$(nats_stream_msgs a EARSHOT)" "$N" "the stream holds N = $N messages (a surviving node's view)"
like "$T/e1/log" "connected to NATS at nats://127.0.0.1:" "edge 1 connected"
diag "edges done after $(( $(date +%s) - t0 )) s"

# The killed agent comes back on its state and hands over what its spool
# held (records it had acknowledged to JetStream before it died). It runs
# --once: fetch until the consumer has nothing for it, drain the spool,
# exit. (A daemon restart would send that leftover spool only once a new
# record reaches the same sink: see the report on the core's sink queue.)
timeout 120 "$EARSHOT" run --once -c "$T/s1/earshot.conf" > "$T/s1/log2" 2>&1
is $? 0 "the killed agent, restarted on its state with --once, drains and exits 0"
diag "s1 after its restart: $(grep -o '[0-9]* record(s) waiting in the spool' "$T/s1/log2" || echo 'nothing in its spool')"
pids="$p_s2 $p_s3"
wait_for 240 at_least "$N"
is "$(count)" "$N" "PostgreSQL holds N = $N rows"
diag "all rows after $(( $(date +%s) - t0 )) s"
settled() { [ "$(nats_consumer_value EARSHOT scoring num_pending)" = 0 ] && [ "$(nats_consumer_value EARSHOT scoring num_ack_pending)" = 0 ]; }
wait_for 30 settled
ok $? "the consumer has nothing pending and nothing unacknowledged"
sleep 1
is "$(pg_psql -c 'select count(*) || $$/$$ || count(distinct id) from mentions')" "$N/$N" \
    "every mention exactly once: count(*) = count(distinct id) = N"
is "$(pg_psql -c "select count(*) from mentions where id ~ '^edge:[0-9]+\$' and substr(id, 6)::int between 1 and $N")" "$N" \
    "and they are exactly edge:1 .. edge:$N"
is "$(pg_psql -c "select count(*) from mentions where brand is not null and sentiment_label is not null")" \
    "$(( N - N / 4 ))" "brand and sentiment scored by the scoring agents (3 of 4 mentions name a brand)"
diag "rows written again after a redelivery (updated_at set): $(pg_psql -c 'select count(*) from mentions where updated_at is not null')"
is "$(grep -l 'connected to NATS at' "$T/s2/log" "$T/s3/log" | wc -l)" 2 "the surviving scoring agents were connected"
for s in s2 s3; do
    eval "p=\$p_$s"
    kill -TERM "$p"; wait "$p"
    eval "rc_$s=$?"
done
is "$rc_s2 $rc_s3" "0 0" "the surviving scoring agents stop cleanly on SIGTERM"
pids=
shared=0
for f in "$T/s2/log" "$T/s3/log"; do
    n=$(sed -n 's/.*source js: stopped: \([0-9]*\) messages.*/\1/p' "$f" | tail -n 1)
    diag "$(basename "$(dirname "$f")"): ${n:-killed} messages"
    [ "${n:-0}" -gt 0 ] && shared=$((shared + 1))
done
ok $(( shared < 2 )) "the surviving agents shared the work (each took messages)"
like "$T/s2/log" "sink db: stopped \([0-9]+ delivered, 0 dead-lettered," "nothing dead-lettered on scoring agent 2"
like "$T/s3/log" "sink db: stopped \([0-9]+ delivered, 0 dead-lettered," "nor on scoring agent 3"
diag "edge retries while the cluster changed: $(cat "$T/e1/log" "$T/e2/log" | grep -c 'retry [0-9]*/')"
done_testing
