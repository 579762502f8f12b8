#!/bin/sh
# Log floods: 200,000 bad jsonl lines and a 1 MB tweets.js of bad elements
# write ten full warnings and one summary line each, not a line per bad
# input; the good input around them is delivered; the metric
# earshot_input_warnings_total counts every one of them.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

# ---- 200,000 bad jsonl lines ------------------------------------------------
python3 - "$T/in.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    f.write(json.dumps({"id": "t:first", "network": "t", "text": "first good line"}) + "\n")
    for i in range(200000):
        f.write("not json %d\n" % i)
    f.write(json.dumps({"id": "t:last", "network": "t", "text": "last good line"}) + "\n")
    f.write(json.dumps({"id": "t:nul", "network": "t", "text": "before\u0000after"}) + "\n")
PY
write_main "$T/j"
printf '[source in]\nplugin = jsonl\npath = %s\n\n[sink out]\nplugin = jsonl\npath = %s\n' \
    "$T/in.jsonl" "$T/j/out.jsonl" > "$T/j/conf.d/10.conf"
timeout 120 "$EARSHOT" run -c "$T/j/earshot.conf" --once 2> "$T/j/log"
is $? 0 "run --once over 200,000 bad lines exits 0"
is "$(grep -c '"kind":"mention"' "$T/j/out.jsonl")" 3 "the good lines on both sides are delivered"
ok $(grep -q '"text":"before'"$(printf '\357\277\275')"'after"' "$T/j/out.jsonl"; echo $?) "a line with \\u0000 in its text is delivered, the NUL as U+FFFD"
is "$(grep -c 'line skipped' "$T/j/log")" 10 "ten bad lines logged in full"
like "$T/j/log" "in.jsonl:2: invalid JSON.*line skipped" "  the first with its file:line"
like "$T/j/log" "warn  source in: … and 199,990 more like it in $T/in.jsonl \(bad_line\)$" "one summary line with the count"
n=$(lines "$T/j/log")
ok $([ "$n" -lt 60 ] && echo 0 || echo 1) "the whole log is $n lines (was 200,000+)"
like "$T/j/log" "200003 line\(s\) read, 200000 skipped" "the final figures still count them all"

# ---- a 1 MB tweets.js of bad elements ------------------------------------
python3 - "$T/tweets.js" <<'PY'
import sys
good = '{"tweet":{"id_str":"%s","full_text":"good tweet %s","created_at":"Wed Mar 01 10:00:00 +0000 2026"}}'
with open(sys.argv[1], "w") as f:
    f.write("window.YTD.tweets.part0 = [\n" + good % ("1", "one"))
    n = 0
    while f.tell() < 1 << 20:
        f.write(",1" * 1000)
        n += 1000
    f.write("," + good % ("2", "two") + "\n]\n")
print(n, file=open(sys.argv[1] + ".n", "w"))
PY
bad=$(cat "$T/tweets.js.n")
write_main "$T/w"
printf '[source tw]\nplugin = twitter\nfiles = %s\naccount = acme\n\n[sink out]\nplugin = jsonl\npath = %s\n' \
    "$T/tweets.js" "$T/w/out.jsonl" > "$T/w/conf.d/10.conf"
timeout 120 "$EARSHOT" run -c "$T/w/earshot.conf" --once 2> "$T/w/log"
is $? 0 "run --once over $bad bad elements exits 0"
is "$(grep -c '"kind":"mention"' "$T/w/out.jsonl")" 2 "the two good tweets around them are delivered"
is "$(grep -c 'tweets.js: element' "$T/w/log")" 10 "ten bad elements logged in full"
more=$(python3 -c "print(f'{$bad - 10:,}')")
like "$T/w/log" "… and $more more like it in $T/tweets.js \(bad_element\)$" "one summary line: and $more more"
n=$(lines "$T/w/log")
ok $([ "$n" -lt 60 ] && echo 0 || echo 1) "the whole log is $n lines"

# ---- the metric counts them all -------------------------------------------
command -v curl >/dev/null 2>&1 || { done_testing; }
port=$(free_port)
write_main "$T/m" "metrics_listen = 127.0.0.1:$port"
printf '[source in]\nplugin = jsonl\npath = %s\ninterval = 1h\n\n[sink out]\nplugin = jsonl\npath = %s\n' \
    "$T/in.jsonl" "$T/m/out.jsonl" > "$T/m/conf.d/10.conf"
"$EARSHOT" run --foreground -c "$T/m/earshot.conf" 2> "$T/m/log" &
pid=$!
tap_cleanup() { kill $pid 2>/dev/null; wait $pid 2>/dev/null; }
wait_for 60 has_lines "$T/m/out.jsonl" 3
metric() { curl -sf "http://127.0.0.1:$port/metrics" > "$T/m/metrics" && grep -q 'earshot_input_warnings_total{instance="in",kind="bad_line"} 200000' "$T/m/metrics"; }
wait_for 10 metric
ok $? "earshot_input_warnings_total{instance=\"in\",kind=\"bad_line\"} is 200000"
grep 'earshot_input_warnings_total' "$T/m/metrics" | sed 's/^/#   /'
done_testing
