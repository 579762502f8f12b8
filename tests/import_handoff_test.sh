#!/bin/sh
# earshot import while an agent runs on the same state directory (issue
# 18): the files are handed to the agent's twitter drop-directory source
# instead of refusing; a second hand-over of the same file is the same
# one; options that only a one-off import can apply are refused; without
# a drop source the message says what to add.
. "$top_srcdir/tests/lib.sh"
gen="$top_srcdir/bench/twitter/gen.py"
daemon=
tap_cleanup() { [ -n "$daemon" ] && kill "$daemon" 2>/dev/null; wait 2>/dev/null; }

write_main "$T" "[brand acme]
keywords = acme"
sed -i 's/^log_level = debug/log_level = info/' "$T/earshot.conf"
mkdir -p "$T/drop" "$T/elsewhere"
cat > "$T/conf.d/10.conf" <<EOC
[source inbox]
plugin = twitter
dir = $T/drop

[sink out]
plugin = jsonl
path = $T/out.jsonl
EOC
python3 "$gen" v2 300 "$T/elsewhere/a.jsonl" > /dev/null
python3 "$gen" v2 200 "$T/elsewhere/b.jsonl" --start 1300000000000000000 > /dev/null

"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/daemon.log" &
daemon=$!
wait_for 10 test -s "$T/state/earshot.pid"
sleep 0.5

"$EARSHOT" import -c "$T/earshot.conf" "$T/elsewhere/a.jsonl" > "$T/out1" 2> "$T/err1"
is $? 0 "import while the agent runs exits 0"
like "$T/out1" "^import: .*a.jsonl handed to the running agent \(pid $daemon\) as $T/drop/a.jsonl: source inbox imports it" "and says it handed the file to the agent's drop source"
wait_for 30 has_lines "$T/out.jsonl" 300
is "$(lines "$T/out.jsonl")" 300 "the running agent imported every tweet of it"
check "the file stays where it was" test -f "$T/elsewhere/a.jsonl"

"$EARSHOT" import -c "$T/earshot.conf" "$T/elsewhere/a.jsonl" > "$T/out2" 2> "$T/err2"
is $? 0 "handing the same file again exits 0"
like "$T/out2" "was already handed to the running agent" "and says it was handed over before"
# A second file of the same name from elsewhere gets a name of its own.
mkdir -p "$T/other"
python3 "$gen" v2 50 "$T/other/a.jsonl" --start 1400000000000000000 > /dev/null
"$EARSHOT" import -c "$T/earshot.conf" "$T/other/a.jsonl" > "$T/out3" 2> "$T/err3"
like "$T/out3" "as $T/drop/2-a.jsonl" "a different file of the same name is linked under a name of its own"
sleep 3
"$EARSHOT" import -c "$T/earshot.conf" "$T/elsewhere/b.jsonl" > /dev/null 2>&1
wait_for 30 sh -c "[ \$(python3 -c 'import json,sys; print(len({json.loads(l)[\"id\"] for l in open(sys.argv[1])}))' '$T/out.jsonl') -ge 550 ]"
uniq=$(python3 -c 'import json,sys; print(len({json.loads(l)["id"] for l in open(sys.argv[1])}))' "$T/out.jsonl")
is "$uniq" 550 "every handed-over file was imported once (300 + 50 + 200 distinct)"
is "$(lines "$T/out.jsonl")" 550 "and the repeated hand-over brought no duplicate"

"$EARSHOT" import -c "$T/earshot.conf" --history "$T/elsewhere/a.jsonl" > /dev/null 2> "$T/err4"
is $? 2 "--history with a running agent is refused"
like "$T/err4" "an agent \(pid $daemon\) runs on .*: --history applies only to an import of its own" "and says why"
"$EARSHOT" import -c "$T/earshot.conf" -o account=acme "$T/elsewhere/a.jsonl" > /dev/null 2> "$T/err5"
is $? 2 "-o with a running agent is refused"
kill $daemon; wait $daemon; daemon=

# Without a drop source: a message that says what to add.
cat > "$T/conf.d/10.conf" <<EOC
[sink out]
plugin = jsonl
path = $T/out2.jsonl
EOC
"$EARSHOT" run --foreground -c "$T/earshot.conf" 2> "$T/daemon2.log" &
daemon=$!
wait_for 10 test -s "$T/state/earshot.pid"
sleep 0.5
"$EARSHOT" import -c "$T/earshot.conf" "$T/elsewhere/a.jsonl" > /dev/null 2> "$T/err6"
is $? 1 "without a drop source the import exits 1"
like "$T/err6" "give it a twitter source with a drop directory" "and says what to add"
kill $daemon; wait $daemon; daemon=
done_testing
