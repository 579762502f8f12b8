#!/bin/sh
# `earshot run --once` end to end: the bundled samples through the jsonl
# source and sink, brand tags, checkpoints across runs, bad lines.
. "$top_srcdir/tests/lib.sh"

export EARSHOT_SAMPLES="$top_srcdir/contrib/samples" EARSHOT_DEMO_DIR="$T/demo"
mkdir -p "$EARSHOT_DEMO_DIR"
cfg="$EARSHOT_SAMPLES/earshot.conf"
out="$EARSHOT_DEMO_DIR/mentions.out.jsonl"

check "earshot check passes on the samples" "$EARSHOT" check -c "$cfg"
"$EARSHOT" run -c "$cfg" --once 2> "$T/log1"
is $? 0 "run --once exits 0"
n_in=$(lines "$EARSHOT_SAMPLES/mentions.jsonl")
is "$(grep -c '"kind":"mention"' "$out")" "$n_in" "every sample mention delivered"
python3 - "$EARSHOT_SAMPLES/mentions.jsonl" "$out" > "$T/cmp" <<'PY'
import json, sys
src = {json.loads(l)["id"]: json.loads(l) for l in open(sys.argv[1])}
recs = [json.loads(l) for l in open(sys.argv[2])]
out = [r for r in recs if r["kind"] == "mention"]
acc = [r for r in recs if r["kind"] == "account"]
print("accounts", len(acc), acc[0]["handle"] if acc else None, acc[0]["event"] if acc else None)
ids = [o["id"] for o in out]
print("ids", "same" if sorted(ids) == sorted(src) else "differ")
print("dups", len(ids) - len(set(ids)))
print("kind", all(o["kind"] in ("mention", "account") for o in recs))
print("kinds", {o["id"]: o["author_kind"] for o in out}["twitter:1003"], {o["id"]: o["author_kind"] for o in out}["twitter:1012"], {o["id"]: o["owner"] for o in out}["twitter:1002"])
by = {o["id"]: o for o in out}
print("acme", by["twitter:1001"]["brand"], by["twitter:1004"]["brand"], by["twitter:1011"]["brand"])
print("globex", by["twitter:1006"]["brand"], by["twitter:1007"]["brand"])
print("none", by["twitter:1009"]["brand"])
print("fields", all(by[i]["text"] == src[i]["text"] and by[i]["author"] == src[i]["author"] and by[i]["source"] == "samples" for i in src))
print("time", by["twitter:1001"]["created_at"])
print("reply", by["twitter:1003"]["in_reply_to"], by["twitter:1003"]["reply_to_author"], by["twitter:1003"]["addressed"])
PY
like "$T/cmp" "^ids same$" "delivered ids are the sample ids"
like "$T/cmp" "^dups 0$" "no duplicates"
like "$T/cmp" "^kind True$" "records are mentions and account findings"
like "$T/cmp" "^accounts 1 acme_helpdesk lookalike_seen$" "the scam account is reported once as a lookalike"
like "$T/cmp" "^kinds official lookalike care$" "official reply, lookalike author, complaint owned by care"
like "$T/cmp" "^acme acme acme acme$" "Acme mentions tagged (word, French text, @handle)"
like "$T/cmp" "^globex globex globex$" "Globex mentions tagged (#hashtag, @handle)"
like "$T/cmp" "^none None$" "a mention of no brand has brand null"
like "$T/cmp" "^fields True$" "text, author and source preserved"
like "$T/cmp" "^time 1793520900$" "RFC 3339 created_at converted to epoch seconds"
like "$T/cmp" "^reply twitter:1002 grumpy_gus \['grumpy_gus'\]$" "reply fields preserved"

"$EARSHOT" run -c "$cfg" --once 2> "$T/log2"
is $? 0 "second run exits 0"
is "$(grep -c '"kind":"mention"' "$out")" "$n_in" "second run delivers nothing again (checkpoint)"

# Appended lines are picked up from the checkpoint; bad lines reported with
# file:line and skipped; invalid UTF-8 repaired.
src="$T/src.jsonl"
write_main "$T"
printf '[source in]\nplugin = jsonl\npath = %s\n' "$src" > "$T/conf.d/10-in.conf"
printf '[sink out]\nplugin = jsonl\npath = %s/out.jsonl\n' "$T" > "$T/conf.d/20-out.conf"
{
    echo '{"id":"a","network":"n","text":"first"}'
    echo '{"id":"b","network":"n","text":"bad date","created_at":"yesterday-ish"}'
    echo 'this is not json'
    echo '[1,2]'
    echo '{"id":"c","network":"n"}'
    printf '{"id":"d","network":"n","text":"caf\351 latin-1"}\n'
    echo '{"id":"a","network":"n","text":"duplicate of a"}'
    echo '{"id":"e","network":"n","text":"epoch","created_at":1700000000}'
    printf '{"id":"f","network":"n","text":"last line without newline"}'
} > "$src"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log3"
is $? 0 "run with bad lines still exits 0"
is "$(lines "$T/out.jsonl")" 4 "good lines delivered once each (a, d, e, f)"
like "$T/log3" "src.jsonl:2: created_at is neither RFC 3339 nor epoch seconds" "bad date reported with file:line"
like "$T/log3" "src.jsonl:3: invalid JSON" "invalid JSON reported with file:line"
like "$T/log3" "src.jsonl:4: not a JSON object" "non-object reported"
like "$T/log3" "src.jsonl:5: missing \"text\"" "missing text reported"
like "$T/out.jsonl" "caf$(printf '\357\277\275') latin-1" "invalid UTF-8 replaced by U+FFFD"
like "$T/out.jsonl" '"id":"n:f"' "a final line without newline is read in --once mode"
echo '{"id":"g","network":"n","text":"appended later"}' >> "$src"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log4"
is "$(lines "$T/out.jsonl")" 5 "an appended line is read from the checkpoint, nothing re-read"
like "$T/out.jsonl" '"id":"n:g"' "the appended mention arrived"

# A missing input is an error in the log, not a crash.
printf '[source in]\nplugin = jsonl\npath = %s/nope.jsonl\n' "$T" > "$T/conf.d/10-in.conf"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log5"
is $? 0 "a missing input file does not fail the run"
like "$T/log5" "nope.jsonl: No such file or directory" "the missing file is named"
# sentiment.enabled = false: records pass unscored (an archiving pipeline).
rm -rf "$T/state" "$T/out.jsonl"
write_main "$T" "sentiment.enabled = false"
printf '{"id":"s%d","network":"n","text":"I love it, great service"}\n' 1 2 3 > "$T/plain.jsonl"
printf '[source in]\nplugin = jsonl\npath = %s/plain.jsonl\n' "$T" > "$T/conf.d/10-in.conf"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log6"
is $? 0 "run with sentiment.enabled = false exits 0"
is "$(lines "$T/out.jsonl")" 3 "every line delivered"
is "$(grep -c '"sentiment":null' "$T/out.jsonl")" 3 "each with \"sentiment\": null, however positive its text"
done_testing
