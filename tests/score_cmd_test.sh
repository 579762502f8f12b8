#!/bin/sh
# `earshot score`: one JSON object per line however bad the input (invalid
# UTF-8 in --explain's feature names included), the model's label beside
# the rules', --explain's features, --rules-only, and a missing or broken
# model named with its path.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"
lex="$top_srcdir/contrib/lexicons"
export EARSHOT_LEXICON_DIR="$lex"

out=$("$EARSHOT" score --explain "acme never replied to me either")
is $? 0 "score --explain exits 0"
is "$(printf '%s' "$out" | python3 -c 'import json, sys
o = json.loads(sys.stdin.read())
names = [f["feature"] for f in o["explain"]]
print(o["label"], o["rules_label"], 0 < o["prob"] <= 1, abs(sum(o["probs"].values()) - 1) < 0.01,
      "rule:care_no_reply" in names and any(n.startswith("word:") for n in names))')" \
   "negative neutral True True True" "the complaint is negative for the model, neutral for the rules; explain names the features"

printf 'caf\351 \377\376 bad\n\342\202 cut\nsehr gut\n\n' > "$T/bad.txt"
head -c 20000 /dev/urandom >> "$T/bad.txt"
"$EARSHOT" score --explain < "$T/bad.txt" > "$T/bad.out" 2> "$T/bad.err"
is $? 0 "invalid UTF-8 and random bytes: exit 0"
is "$(python3 -c 'import json, sys
n = 0
for l in open(sys.argv[1], "rb"):
    json.loads(l); n += 1
print(n == sum(1 for _ in open(sys.argv[2], "rb")))' "$T/bad.out" "$T/bad.txt")" "True" "one valid JSON object per input line"

is "$("$EARSHOT" score --rules-only "acme never replied" | python3 -c 'import json, sys; o = json.loads(sys.stdin.read()); print(o["label"], "prob" in o)')" \
   "neutral False" "--rules-only: the rules label, no probability"

mkdir -p "$T/lex"
for f in en.tsv fr.tsv fr_extra.tsv emoji.tsv fr.model; do ln -s "$lex/$f" "$T/lex/$f"; done
"$EARSHOT" score --lexicons "$T/lex" "hello" > "$T/miss.out" 2>&1
is $? 1 "a missing model: exit 1"
like "$T/miss.out" "$T/lex/en.model: cannot open sentiment model" "the error names the missing model file"
"$EARSHOT" score --lexicons "$T/lex" --rules-only "hello" > /dev/null 2>&1
is $? 0 "--rules-only needs no model"
sed '1s/.*/earshot-sentiment-model 9/' "$lex/en.model" > "$T/lex/en.model"
"$EARSHOT" score --lexicons "$T/lex" "hello" > "$T/ver.out" 2>&1
is $? 1 "a model of another format version: exit 1"
like "$T/ver.out" "en.model:1: model format version \"9\"" "the error names the file, line and version"
done_testing
