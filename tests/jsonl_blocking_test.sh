#!/bin/sh
# The jsonl plugins keep their file work off the loop (issue 20): a sink
# whose FIFO has no reader yet blocks a thread-pool thread, not the agent
# (another sink keeps receiving, the source keeps reading, SIGTERM still
# stops it in time); a sink whose directory does not exist yet keeps its
# records in the spool and delivers them once it appears; a source
# directory that cannot be listed is named in the log and retried.
. "$top_srcdir/tests/lib.sh"
command -v mkfifo > /dev/null || skip_all "mkfifo not installed"
agent_pid= reader_pid=
tap_cleanup() {
    [ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null
    [ -n "$reader_pid" ] && kill "$reader_pid" 2>/dev/null
    wait 2>/dev/null
}
mention() { printf '{"id":"%s","network":"test","author":"a","text":"hello acme %s","created_at":1700000000}\n' "$1" "$1"; }

write_main "$T"
mkdir -p "$T/in"
for i in 1 2 3 4 5; do mention "m$i"; done > "$T/in/a.jsonl"
mkfifo "$T/pipe"
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/in
interval = 200ms

[sink file]
plugin = jsonl
path = $T/file.jsonl

[sink fifo]
plugin = jsonl
path = $T/pipe
retry.initial = 100ms
retry.max = 200ms

[sink later]
plugin = jsonl
path = $T/later/out.jsonl
retry.initial = 100ms
retry.max = 200ms
EOC
"$EARSHOT" run -c "$T/earshot.conf" --foreground 2> "$T/log" &
agent_pid=$!
mention_lines() { grep -c '"kind":"mention"' "$1" 2>/dev/null || echo 0; }
has_mentions() { [ "$(mention_lines "$1")" -ge "$2" ]; }
wait_for 20 has_mentions "$T/file.jsonl" 5
is "$(mention_lines "$T/file.jsonl")" 5 "with a FIFO sink waiting for its reader, another sink gets every mention"
for i in 6 7 8; do mention "m$i"; done > "$T/in/.b" && mv "$T/in/.b" "$T/in/b.jsonl"
wait_for 20 has_mentions "$T/file.jsonl" 8
is "$(mention_lines "$T/file.jsonl")" 8 "and the source keeps listing and reading new files"
wait_for 10 grep -q "later/out.jsonl: cannot open: No such file or directory" "$T/log"
like "$T/log" "later/out.jsonl: cannot open: No such file or directory" "a sink whose directory is missing names the path and the reason"
mkdir "$T/later"
wait_for 20 has_mentions "$T/later/out.jsonl" 8
is "$(mention_lines "$T/later/out.jsonl")" 8 "once the directory exists its spooled records arrive, none lost"
timeout 60 cat "$T/pipe" > "$T/piped.jsonl" &
reader_pid=$!
wait_for 20 has_mentions "$T/piped.jsonl" 8
is "$(mention_lines "$T/piped.jsonl")" 8 "once the FIFO has a reader it gets every mention"
kill -TERM "$agent_pid"
wait_for 15 sh -c "! kill -0 $agent_pid 2>/dev/null"
ok "$(kill -0 "$agent_pid" 2>/dev/null && echo 1 || echo 0)" "SIGTERM stops the agent"
wait "$agent_pid"
is $? 0 "and it exits 0"
agent_pid=
for f in file later/out piped; do
    is "$(grep -o '"id":"[^"]*"' "$T/$f.jsonl" | sort -u | wc -l | tr -d ' ')" 8 "$f: 8 distinct mentions"
done

# A FIFO sink without a reader at stop: the open still on the thread pool
# reports the stop when it comes back, so the agent stops without hanging
# only once the open returns; a reader that comes lets it go.
write_main "$T/b"
mkfifo "$T/b/pipe"
mention m1 > "$T/b/in.jsonl"
cat > "$T/b/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $T/b/in.jsonl

[sink fifo]
plugin = jsonl
path = $T/b/pipe
EOC
"$EARSHOT" run -c "$T/b/earshot.conf" --foreground 2> "$T/b/log" &
agent_pid=$!
sleep 1
ok "$(kill -0 "$agent_pid" 2>/dev/null; echo $?)" "the agent runs while its only sink waits for a reader"
kill -TERM "$agent_pid"
sleep 1
timeout 60 cat "$T/b/pipe" > "$T/b/piped.jsonl" &
reader_pid=$!
wait_for 15 sh -c "! kill -0 $agent_pid 2>/dev/null"
ok "$(kill -0 "$agent_pid" 2>/dev/null && echo 1 || echo 0)" "SIGTERM, then a reader: the agent stops"
wait "$agent_pid"
agent_pid=
done_testing
