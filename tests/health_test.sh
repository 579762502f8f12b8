#!/bin/sh
# /health says when something is wrong: per instance status (ok, failing
# since T, backing off), dead letters, spool fill and the last reload,
# "degraded" (503) past the health.* thresholds; the matching metrics
# (reloads, failing since, spool fill, late mentions).
. "$top_srcdir/tests/lib.sh"
command -v curl >/dev/null || skip_all "curl not installed"

pid=
tap_cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; }
port=$(free_port)
dead_port=$(free_port)
write_main "$T" "metrics_listen = 127.0.0.1:$port
health.failing_for = 1s
[brand acme]
keywords = acme"
cat > "$T/conf.d/10.conf" <<EOC
[source samples]
plugin = jsonl
path = $top_srcdir/contrib/samples/mentions.jsonl
interval = 100ms

[source feed]
plugin = rss
url = http://127.0.0.1:$dead_port/feed.xml
interval = 1s

[sink out]
plugin = jsonl
path = $T/out.jsonl

[sink flaky]
plugin = testsink
fail_first = 100000
retry.initial = 10ms
retry.max = 300ms
EOC
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/log" &
pid=$!
wait_for 10 has_lines "$T/out.jsonl" 20
sleep 2.5 # failing for over health.failing_for, and one render after it

get() { # get PATH OUT: body to OUT, prints the status code
    curl -s -o "$2" -w '%{http_code}' "http://127.0.0.1:$port$1"
}
hq() { # hq FILE EXPR: evaluates EXPR over the /health document d
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s={i["name"]: i for i in d["instances"]}; print(eval(sys.argv[2]))' "$1" "$2"
}
is "$(get /health "$T/h1")" 503 "a failing sink and source: /health answers 503"
is "$(hq "$T/h1" 'd["status"]')" degraded "status degraded"
is "$(hq "$T/h1" 's["out"]["status"], s["samples"]["status"]')" "('ok', 'ok')" "the working instances say ok"
is "$(hq "$T/h1" 's["flaky"]["status"] in ("failing", "backing_off") and s["flaky"]["failing_since"] > 0 and s["flaky"]["failed_attempts"] > 1')" True "the failing sink: failing since T, attempts"
is "$(hq "$T/h1" 's["flaky"]["last_error"]')" "scripted retry" "with its last error"
is "$(hq "$T/h1" 's["feed"]["status"] == "failing" and s["feed"]["failing_since"] > 0')" True "the HTTP source that cannot fetch: failing since T"
is "$(hq "$T/h1" 'any(r.startswith("sink flaky: failing for") for r in d["reasons"]) and any(r.startswith("source feed: failing for") for r in d["reasons"])')" True "the reasons name both and the threshold"
is "$(hq "$T/h1" '0 < s["flaky"]["spool_fill"] < 0.001 and s["flaky"]["dead_letters"] == 0 and s["out"]["spool_fill"] == 0')" True "spool fill and dead letters per sink"
is "$(hq "$T/h1" 'd["last_reload"]')" None "no reload yet"

# A refused reload degrades /health and is counted.
printf '[sink broken]\nplugin = testsink\nno_such_key = 1\n' > "$T/conf.d/20.conf"
kill -HUP $pid
wait_for 10 grep -q "reload refused" "$T/log"
sleep 1.5
get /health "$T/h2" > /dev/null
is "$(hq "$T/h2" 'd["last_reload"]["result"], d["last_reload"]["errors"]')" "('refused', 1)" "the last reload: refused, 1 error"
is "$(hq "$T/h2" 'any("last reload was refused" in r for r in d["reasons"])')" True "and it is a reason"
get /metrics "$T/m" > /dev/null
like "$T/m" '^earshot_reloads_total\{result="refused"\} 1$' "earshot_reloads_total counts the refusal"
like "$T/m" '^earshot_last_reload_success 0$' "earshot_last_reload_success 0"
like "$T/m" '^earshot_instance_failing_since_timestamp_seconds\{instance="flaky",kind="sink"\} [0-9]{10}$' "failing since, per sink"
like "$T/m" '^earshot_instance_failing_since_timestamp_seconds\{instance="feed",kind="source"\} [0-9]{10}$' "and per source"
unlike "$T/m" 'earshot_instance_failing_since_timestamp_seconds\{instance="out"' "absent for a working sink"
like "$T/m" '^earshot_sink_spool_fill_ratio\{instance="flaky"\} 0\.0000[0-9]+$' "spool fill ratio"
like "$T/m" '^earshot_spike_late_mentions_total [0-9]+$' "late mentions counter"
rm "$T/conf.d/20.conf"
kill -HUP $pid
wait_for 10 grep -q "reloaded:" "$T/log"
sleep 1.5
get /metrics "$T/m2" > /dev/null
like "$T/m2" '^earshot_reloads_total\{result="ok"\} 1$' "a good reload is counted too"
like "$T/m2" '^earshot_last_reload_success 1$' "and clears earshot_last_reload_success"
kill $pid; wait $pid; pid=

# Dead letters past health.dead_letters (default 1); 0 turns it off; and a
# sink that only failed briefly is not degraded under the default 5m.
port=$(free_port)
write_main "$T/d" "metrics_listen = 127.0.0.1:$port"
printf '[source s]\nplugin = testsrc\ncount = 3\n\n[sink bad]\nplugin = testsink\nfail_all = true\n' > "$T/d/conf.d/10.conf"
"$EARSHOT" run --foreground -c "$T/d/earshot.conf" 2> "$T/d/log" &
pid=$!
wait_for 10 grep -q "dead letter:" "$T/d/log"
sleep 1.5
is "$(get /health "$T/h3")" 503 "dead letters: 503"
is "$(hq "$T/h3" 's["bad"]["dead_letters"], [r for r in d["reasons"] if "dead letter" in r]')" \
    "(3, ['sink bad: 3 dead letter(s) (health.dead_letters; earshot spool retry bad)'])" "the reason says how many and what to do"
kill $pid; wait $pid; pid=
sed -i "s|^metrics_listen = .*|&\nhealth.dead_letters = 0|" "$T/d/earshot.conf"
"$EARSHOT" run --foreground -c "$T/d/earshot.conf" 2> "$T/d/log2" &
pid=$!
wait_for 10 grep -q "metrics on" "$T/d/log2"
sleep 1.5
is "$(get /health "$T/h4")" 200 "health.dead_letters = 0: the same dead letters are not a reason"
is "$(hq "$T/h4" 'd["status"], s["bad"]["dead_letters"]')" "('ok', 3)" "still shown"
done_testing
