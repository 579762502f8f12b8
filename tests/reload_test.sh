#!/bin/sh
# SIGHUP reload on a running daemon: new instances start, unchanged ones
# keep running, changed ones are replaced without losing queued records, a
# bad config is refused with file:line and the old one kept; SIGTERM stops
# cleanly.
. "$top_srcdir/tests/lib.sh"

in="$T/in"; mkdir -p "$in"
write_main "$T"
src_conf() { printf '[source drop]\nplugin = jsonl\npath = %s\ninterval = 100ms\n' "$in" > "$T/conf.d/10-src.conf"; }
src_conf
printf '[sink a]\nplugin = jsonl\npath = %s/a.jsonl\nbatch.linger = 10ms\n' "$T" > "$T/conf.d/20-a.conf"

"$EARSHOT" run -c "$T/earshot.conf" --foreground 2> "$T/log" &
pid=$!
tap_cleanup() { kill -9 $pid 2>/dev/null; }
check "daemon starts" wait_for 5 grep -q "source drop: started" "$T/log"

drop() { # drop NAME N: a file of N mentions
    local i=0
    while [ $i -lt "$2" ]; do echo "{\"id\":\"$1-$i\",\"network\":\"t\",\"text\":\"m $1 $i\"}"; i=$((i+1)); done > "$in/.$1.tmp"
    mv "$in/.$1.tmp" "$in/$1.jsonl"
}
drop f1 3
check "first file delivered to sink a" wait_for 5 has_lines "$T/a.jsonl" 3

# Add sink b.
printf '[sink b]\nplugin = jsonl\npath = %s/b.jsonl\nbatch.linger = 10ms\n' "$T" > "$T/conf.d/30-b.conf"
kill -HUP $pid
check "reload with a new sink" wait_for 5 grep -q "reloaded: 2 kept, 0 replaced, 1 started, 0 stopped" "$T/log"
drop f2 2
check "new file reaches the old sink" wait_for 5 has_lines "$T/a.jsonl" 5
check "and the new one" wait_for 5 has_lines "$T/b.jsonl" 2

# A bad config is refused, the running one kept.
printf '[sink b]\nplugin = jsonl\npath = %s/b.jsonl\npaht = typo\n' "$T" > "$T/conf.d/30-b.conf"
kill -HUP $pid
check "bad config refused" wait_for 5 grep -q "reload refused (1 error(s)); still running the previous configuration" "$T/log"
like "$T/log" "30-b.conf:4: unknown key 'paht' for plugin 'jsonl'" "the refusal names file:line"
drop f3 1
check "still delivering after a refused reload (a)" wait_for 5 has_lines "$T/a.jsonl" 6
check "still delivering after a refused reload (b)" wait_for 5 has_lines "$T/b.jsonl" 3

# Change sink a while records wait in its queue (long linger): they move
# to its replacement, none is lost.
printf '[sink a]\nplugin = jsonl\npath = %s/a.jsonl\nbatch.linger = 30s\n' "$T" > "$T/conf.d/20-a.conf"
printf '[sink b]\nplugin = jsonl\npath = %s/b.jsonl\nbatch.linger = 10ms\n' "$T" > "$T/conf.d/30-b.conf"
kill -HUP $pid
check "sink a replaced" wait_for 5 grep -q "reloaded: 1 kept, 2 replaced, 0 started, 0 stopped\|reloaded: 2 kept, 1 replaced, 0 started, 0 stopped" "$T/log"
drop f4 4
check "b gets the new file" wait_for 5 has_lines "$T/b.jsonl" 7
sleep 0.3
is "$(lines "$T/a.jsonl")" 6 "a (30 s linger) holds the new records in its queue"
printf '[sink a]\nplugin = jsonl\npath = %s/a2.jsonl\nbatch.linger = 10ms\n' "$T" > "$T/conf.d/20-a.conf"
kill -HUP $pid
check "queued records moved to the replacement sink" wait_for 5 has_lines "$T/a2.jsonl" 4
is "$(lines "$T/a.jsonl")" 6 "and not written twice"

# Remove sink b.
rm "$T/conf.d/30-b.conf"
kill -HUP $pid
check "sink b removed" wait_for 5 grep -q "sink b: stopped" "$T/log"
drop f5 1
check "a2 still receives" wait_for 5 has_lines "$T/a2.jsonl" 5
is "$(lines "$T/b.jsonl")" 7 "removed sink receives nothing more"

# Brand queries: a reload swaps the compiled matcher between two mentions;
# a bad query is refused with file:line:column and the old matcher kept.
say() { printf '{"id":"%s","network":"t","text":"%s"}\n' "$1" "$2" > "$in/.$1.tmp"; mv "$in/.$1.tmp" "$in/$1.jsonl"; }
printf '[brand acme]\nquery = acme -weather\n' >> "$T/earshot.conf"
kill -HUP $pid
check "reload with a brand query" wait_for 5 grep -q "reloaded: 2 kept, 0 replaced, 0 started, 0 stopped" "$T/log"
say q1 "acme is down again"
check "the new query tags the next mention" wait_for 5 grep -q '"id":"t:q1".*"brands":\["acme"\]' "$T/a2.jsonl"
sed -i 's/^query = acme -weather$/query = (acme OR globex) -weather/' "$T/earshot.conf"
kill -HUP $pid
check "reload with a changed query" wait_for 5 sh -c "[ \$(grep -c 'reloaded: 2 kept' '$T/log') -ge 2 ]"
say q2 "globex and acme outage"
check "the changed query applies" wait_for 5 grep -q '"id":"t:q2".*"brands":\["acme"\]' "$T/a2.jsonl"
sed -i 's/^query = (acme OR globex) -weather$/query = (acme OR/' "$T/earshot.conf"
kill -HUP $pid
check "a bad query is refused" wait_for 5 sh -c "[ \$(grep -c 'reload refused' '$T/log') -ge 2 ]"
like "$T/log" "earshot.conf:[0-9]+:[0-9]+: query: expected a term after OR" "the refusal names file:line:column"
say q3 "acme weather report"
say q4 "globex outage"
check "the previous matcher is still in use" wait_for 5 grep -q '"id":"t:q4".*"brands":\["acme"\]' "$T/a2.jsonl"
unlike "$T/a2.jsonl" '"id":"t:q3".*"brands":\["acme"\]' "its exclusion too"

kill -TERM $pid
wait $pid
is $? 0 "SIGTERM: exit status 0"
like "$T/log" "shutting down \(SIGTERM\)" "SIGTERM logged"
like "$T/log" "sink a: stopped" "sinks stopped cleanly"
done_testing
