#!/bin/sh
# earshot import: export files through the configured stages and sinks
# only (the configured sources stay idle), a summary line, a progress line
# on a terminal, no second import of a finished file, bad arguments.
. "$top_srcdir/tests/lib.sh"
gen="$top_srcdir/bench/twitter/gen.py"

write_main "$T" "[brand acme]
keywords = acme"
sed -i 's/^log_level = debug/log_level = warn/' "$T/earshot.conf"
cat > "$T/conf.d/10.conf" <<EOC
[source feed]
plugin = jsonl
path = $T/feed.jsonl

[sink out]
plugin = jsonl
path = $T/out.jsonl
EOC
printf '{"id":"f1","network":"test","text":"from the configured source"}\n' > "$T/feed.jsonl"
python3 "$gen" v2 3000 "$T/a.jsonl" > /dev/null
python3 "$gen" ytd 2000 "$T/tweets.js" --start 1600000000000000000 > /dev/null

# The temporary drop-in goes to TMPDIR: a directory of the test's own, so
# other runs' files cannot be taken for a leftover.
mkdir -p "$T/tmp"
TMPDIR="$T/tmp"
export TMPDIR
"$EARSHOT" import -c "$T/earshot.conf" "$T/a.jsonl" "$T/tweets.js" > "$T/sum1" 2> "$T/err1"
is $? 0 "import exits 0"
like "$T/sum1" "^import: 5000 mentions from [0-9.]+ MiB in [0-9.]+ s \([0-9]+ mentions/s\); 0 duplicates, 0 invalid(; [0-9]+ mention\(s\) older than the spike detector's clock not evaluated for spikes \(import --history does\))?$" "summary line"
is "$(lines "$T/out.jsonl")" 5000 "every tweet of both files reached the sink"
ok $(grep -q '"source":"feed"' "$T/out.jsonl" && echo 1 || echo 0) "the configured source did not run"
# Every tweet whose text names acme as a word is tagged, and no other.
wrong=$(python3 -c 'import json,re,sys
print(sum((json.loads(l).get("brand") == "acme") != bool(re.search(r"\bacme\b", json.loads(l)["text"], re.I))
          for l in open(sys.argv[1])))' "$T/out.jsonl")
is "$wrong" 0 "stages ran: the tweets naming acme are tagged acme, the others are not"
ok $([ "$(grep -c '"brand":"acme"' "$T/out.jsonl")" -gt 1000 ] && echo 0 || echo 1) "a third of the tweets mention @acme and are tagged"
ls "$TMPDIR"/earshot-import.* > "$T/leftover" 2>/dev/null
is "$(lines "$T/leftover")" 0 "the temporary drop-in is removed"

"$EARSHOT" import -c "$T/earshot.conf" "$T/a.jsonl" > "$T/sum2" 2> "$T/err2"
is $? 1 "a second import of the same file exits 1: nothing was done"
like "$T/sum2" "^import: 0 mentions" "a finished file is not imported twice"
like "$T/err2" "a.jsonl: already imported and unchanged since; not imported again" "and it says so"
like "$T/err2" "earshot import: nothing imported" "with a last line that says nothing was imported"
echo "just some notes, not an export" > "$T/notes.txt"
"$EARSHOT" import -c "$T/earshot.conf" "$T/notes.txt" > /dev/null 2> "$T/err2b"
is $? 1 "a file that is not an export: exit 1"
like "$T/err2b" "notes.txt: not a tweet export \(unknown format\); not imported" "naming the file"
is "$(lines "$T/out.jsonl")" 5000 "nothing new in the sink"

# A terminal gets a progress line (script(1) gives the command a pty).
if command -v script >/dev/null; then
    python3 "$gen" v1 20000 "$T/b.jsonl" > /dev/null
    script -qec "'$EARSHOT' import -c '$T/earshot.conf' '$T/b.jsonl'" /dev/null > "$T/tty" 2>&1
    like "$T/tty" "import: [0-9.]+ of [0-9.]+ MiB, [0-9]+ mentions, [0-9]+/s" "progress line on a terminal"
    like "$T/tty" "import: 20000 mentions from" "then the summary"
else
    ok 0 "# SKIP script(1) not installed"
    ok 0 "# SKIP script(1) not installed"
fi

"$EARSHOT" import -c "$T/earshot.conf" > /dev/null 2> "$T/err3"
is $? 2 "no file: usage error"
"$EARSHOT" import -c "$T/earshot.conf" "$T/missing.js" > /dev/null 2> "$T/err4"
is $? 2 "a missing file is refused"
like "$T/err4" "missing.js: not a readable file" "naming it"
cp "$T/a.jsonl" "$T/x,y.jsonl"
"$EARSHOT" import -c "$T/earshot.conf" "$T/x,y.jsonl" > /dev/null 2> "$T/err5"
is $? 2 "a file name with a comma is refused"
cp "$T/tweets.js" "$T/tweets-again.js" # not imported yet under this name
"$EARSHOT" import -c "$T/earshot.conf" -o 'account=$HOME' -o retweets=false "$T/tweets-again.js" > "$T/sum6" 2> "$T/err6"
is $? 0 "-o passes source keys (a \$ stays literal)"
"$EARSHOT" import -c "$T/earshot.conf" -o nosuchkey=1 "$T/tweets.js" > /dev/null 2> "$T/err7"
is $? 2 "an unknown source key is a configuration error (the run does not start)"
like "$T/err7" "unknown key 'nosuchkey'" "reported by the config check"
done_testing
