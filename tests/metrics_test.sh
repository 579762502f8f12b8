#!/bin/sh
# metrics_listen: /metrics parses as Prometheus text (Debian's
# python3-prometheus-client parser) with the figures of the run, /health is
# JSON (503 while the state DB refuses writes, not provoked here), unknown
# paths are 404, a bad or busy address is refused at start.
. "$top_srcdir/tests/lib.sh"
PY=/usr/bin/python3
$PY -c 'import prometheus_client' 2>/dev/null || skip_all "python3-prometheus-client not installed"
command -v curl >/dev/null || skip_all "curl not installed"

port=$(free_port)
write_main "$T" "metrics_listen = 127.0.0.1:$port
[brand acme]
keywords = acme, acmesupport
[brand globex]
keywords = globex, globexcare"
cat > "$T/conf.d/10.conf" <<EOC
[source samples]
plugin = jsonl
path = $top_srcdir/contrib/samples/mentions.jsonl
interval = 100ms

[sink out]
plugin = jsonl
path = $T/out.jsonl

[sink flaky]
plugin = testsink
fail_first = 100000
retry.initial = 10ms
retry.max = 20ms
retry.max_attempts = 100000
EOC
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/log" &
pid=$!
tap_cleanup() { kill $pid 2>/dev/null; wait $pid 2>/dev/null; }
wait_for 10 has_lines "$T/out.jsonl" 20
sleep 1.5 # one render of the metrics after the run settled
curl -sf "http://127.0.0.1:$port/metrics" > "$T/metrics"
ok $? "GET /metrics answers 200"
$PY - "$T/metrics" "$T/out.jsonl" > "$T/check" 2>&1 <<'PY'
import collections, json, sys
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
def val(name, **labels):
    for f in fams.values():
        for s in f.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return None
print("parsed", len(fams) > 10)
print("emitted", val("earshot_source_mentions_total", instance="samples", plugin="jsonl"))
print("delivered", val("earshot_sink_records_delivered_total", instance="out"))
print("retried", val("earshot_sink_records_retried_total", instance="flaky") > 0)
print("spooled", val("earshot_sink_spool_records", instance="flaky"))
print("spooled_out", val("earshot_sink_spool_records", instance="out"))
print("age", val("earshot_sink_spool_oldest_age_seconds", instance="flaky") >= 0)
print("rss", val("earshot_process_resident_memory_bytes") > 1e6)
print("in", val("earshot_pipeline_records_total", outcome="in"))
c = collections.Counter()
for line in open(sys.argv[2]):
    r = json.loads(line)
    # Every brand of the mention but those whose own account wrote it.
    for b in r.get("brands", []):
        if r.get("sentiment") and b not in r.get("owned", []):
            c[(b, r["sentiment"]["label"])] += 1
same = all(val("earshot_mentions_sentiment_total", brand=b, label=l) == n for (b, l), n in c.items())
print("labels", same and len(c) >= 3)
print("types", fams["earshot_sink_spool_records"].type, fams["earshot_alerts"].type)
n, secs, mx = val("earshot_state_commits_total"), val("earshot_state_commit_seconds_total"), val("earshot_state_commit_max_seconds")
print("commits", n >= 1 and 0 < secs and 0 < mx <= secs and mx < 5)
PY
like "$T/check" "^parsed True$" "the exposition parses with the reference parser"
like "$T/check" "^emitted 20.0$" "mentions emitted by the source"
like "$T/check" "^delivered 20.0$" "records delivered by the healthy sink"
like "$T/check" "^retried True$" "records retried by the failing sink"
like "$T/check" "^spooled 20.0$" "the failing sink's spool depth"
like "$T/check" "^spooled_out 0.0$" "the healthy sink's spool is empty"
like "$T/check" "^age True$" "oldest spooled record age"
like "$T/check" "^rss True$" "process RSS"
like "$T/check" "^in 20.0$" "records into the pipeline"
like "$T/check" "^labels True$" "sentiment label counts per brand match the delivered records"
like "$T/check" "^types gauge counter$" "metric types follow the conventions"
like "$T/check" "^commits True$" "the state DB's commits on the loop: how many, their time and the longest"
curl -s -o "$T/health" -w '%{http_code}' "http://127.0.0.1:$port/health" > "$T/code"
is "$(cat "$T/code")" 200 "GET /health answers 200"
h=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); s={i["name"]: i for i in d["instances"]}; print(d["status"], d["state_writable"], sorted(s), s["out"]["spooled"], s["flaky"]["spooled"], s["samples"]["emitted"])' "$T/health")
is "$h" "ok True ['flaky', 'out', 'samples'] 0 20 20" "health: status, state, instances and spools"
is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nope")" 404 "unknown path: 404"
is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/metrics")" 405 "POST: 405"
kill $pid; wait $pid
is $? 0 "clean stop with the metrics server running"

# A bad address is a configuration error; a busy one stops the start.
write_main "$T/b" "metrics_listen = localhost:99999"
"$EARSHOT" run --foreground --once -c "$T/b/earshot.conf" 2> "$T/log2"
is $? 2 "a bad metrics_listen is a configuration error (exit 2, as check finds it)"
like "$T/log2" "metrics_listen 'localhost:99999': expected ADDRESS:PORT" "naming the value"
port=$(free_port)
python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); open(sys.argv[2], "w").close(); time.sleep(10)' "$port" "$T/held" &
holder=$!
wait_for 10 test -f "$T/held"
write_main "$T/c" "metrics_listen = 127.0.0.1:$port"
"$EARSHOT" run --foreground --once -c "$T/c/earshot.conf" 2> "$T/log3"
is $? 1 "a busy port fails the start"
like "$T/log3" "cannot listen" "with the reason"
kill $holder 2>/dev/null
done_testing
