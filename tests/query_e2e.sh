#!/bin/sh
# Queries end to end: an ambiguous brand (Sky the company against the sky)
# where keywords alone are imprecise and the documented query is not;
# owned mentions (the brand's own replies) kept apart; topics routed to
# three sinks by their owner team; the SQL sink's brand and topic tables;
# `earshot query test` and `earshot check` on a bad query.
. "$top_srcdir/tests/lib.sh"

python3 "$top_srcdir/tests/data/queries/sky_stream.py" "$T/stream.jsonl" "$T/labels.tsv" 1000 7
printf 'network,handle,brand,owner,status\ntwitter,SkyHelpTeam,sky,care,active\n' > "$T/inv.csv"

# The query of docs/queries.md, word for word.
SKY_QUERY='((sky (broadband OR tv OR "sky q" OR mobile OR router OR wifi OR bill OR engineer OR package OR contract OR "customer service" OR signal OR sports OR app))
        OR @SkyHelpTeam OR #skyuk)
        -"sky is" -"night sky" -"blue sky" -"red sky" -"sky full of stars" -"the sky over"'
grep -qF 'OR @SkyHelpTeam OR #skyuk)' "$top_srcdir/docs/queries.md"
is $? 0 "the test's query is the one docs/queries.md documents"

run_with() { # run_with NAME BRAND-SECTION-BODY
    d="$T/$1"
    write_main "$d" "inventory = $T/inv.csv"
    printf '[brand sky]\n%s\n' "$2" >> "$d/earshot.conf"
    cat >> "$d/earshot.conf" <<CONF
[topic pricing]
query = bill OR price* OR contract OR renewal
owner = sales
[topic outage]
brand = sky
query = down OR "no answer" OR "red light" OR fault
owner = care
[topic product]
query = freezing OR crashed OR router OR app
owner = product
CONF
    printf '[source in]\nplugin = jsonl\npath = %s\n' "$T/stream.jsonl" > "$d/conf.d/10-in.conf"
    printf '[sink all]\nplugin = jsonl\npath = %s/all.jsonl\nmatch.kind = mention\n' "$d" > "$d/conf.d/20-all.conf"
    for team in sales care product; do
        printf '[sink %s]\nplugin = jsonl\npath = %s/%s.jsonl\nmatch.owner = %s\n' "$team" "$d" "$team" "$team" \
            > "$d/conf.d/30-$team.conf"
    done
    printf '[sink db]\nplugin = sql\ndsn = sqlite:%s/mentions.db\n' "$d" > "$d/conf.d/40-db.conf"
    "$EARSHOT" run -c "$d/earshot.conf" --once 2> "$d/log"
}

run_with kw "keywords = sky"
is $? 0 "run with keywords = sky"
run_with q "query = $SKY_QUERY"
is $? 0 "run with the documented query"

python3 - "$T/labels.tsv" "$T/kw/all.jsonl" "$T/q/all.jsonl" > "$T/pr" <<'PY'
import json, sys
labels = dict(l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l)
def pr(path):
    recs = [json.loads(l) for l in open(path)]
    tagged = [r for r in recs if "sky" in r["brands"]]
    tp = sum(1 for r in tagged if labels[r["id"]].strip() == "1")
    pos = sum(1 for v in labels.values() if v.strip() == "1")
    return len(recs), tp / max(1, len(tagged)), tp / pos
n1, p1, r1 = pr(sys.argv[2])
n2, p2, r2 = pr(sys.argv[3])
print("delivered", n1, n2)
print("keywords precision %.3f recall %.3f" % (p1, r1))
print("query precision %.3f recall %.3f" % (p2, r2))
print("kw_imprecise", p1 < 0.6)
print("query_precise", p2 >= 0.95)
print("query_recall", r2 >= 0.9)
PY
diag "$(cat "$T/pr")"
like "$T/pr" "^delivered 1000 1000$" "every mention delivered in both runs"
like "$T/pr" "^kw_imprecise True$" "keywords alone: precision below 0.6 on the ambiguous stream"
like "$T/pr" "^query_precise True$" "the documented query: precision 0.95 or better"
like "$T/pr" "^query_recall True$" "at recall 0.9 or better"

# Owned: the brand's own replies are kept, marked, and out of its counts.
python3 - "$T/q/all.jsonl" > "$T/owned" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
own = [r for r in recs if r["author"] == "SkyHelpTeam"]
print("owned", len(own) > 0 and all(r["owned"] == ["sky"] and r["author_kind"] == "official" for r in own))
print("earned", all(r["owned"] == [] for r in recs if r["author"] != "SkyHelpTeam"))
print("n_owned", len(own))
PY
like "$T/owned" "^owned True$" "the official account's replies are owned by sky"
like "$T/owned" "^earned True$" "every other mention is earned"
n_owned=$(sed -n 's/^n_owned //p' "$T/owned")
db="$T/q/mentions.db"
is "$(sqlite3 "$db" "SELECT count(*) FROM mention_brands WHERE brand = 'sky' AND owned = 1")" "$n_owned" \
    "mention_brands marks the owned rows"
is "$(sqlite3 "$db" "SELECT count(*) FROM mention_brands WHERE brand = 'sky'")" \
    "$(grep -c '"brands":\["sky"\]' "$T/q/all.jsonl")" "one mention_brands row per tagged mention"
is "$(sqlite3 "$db" "SELECT count(*) FROM mention_topics WHERE topic = 'pricing' AND owner = 'sales'")" \
    "$(grep -c '"topics":\[[^]]*"pricing"' "$T/q/all.jsonl")" "mention_topics rows with their owner"
"$EARSHOT" report -c "$T/q/earshot.conf" --since 3660d --out "$T/report.html" 2> "$T/report.log"
is $? 0 "report on the query run"
earned=$(sqlite3 "$db" "SELECT count(*) FROM mention_brands WHERE brand = 'sky' AND owned = 0")
like "$T/report.html" "$earned" "the report counts sky's earned mentions ($earned)"

# Topics routed by owner: each team's sink holds exactly the mentions of
# its topics (the care sink also the complaints to the care account).
python3 - "$T/q" > "$T/route" <<'PY'
import json, sys
d = sys.argv[1]
allr = [json.loads(l) for l in open(d + "/all.jsonl")]
for team in ("sales", "care", "product"):
    want = sorted(r["id"] for r in allr if team in r["topic_owners"].values() or r["owner"] == team)
    got = sorted(json.loads(l)["id"] for l in open("%s/%s.jsonl" % (d, team)))
    print(team, got == want and len(want) > 0, len(got))
PY
like "$T/route" "^sales True" "pricing topics reach the sales sink, only them"
like "$T/route" "^care True" "outage topics (scoped to sky) and the care account's mentions reach care"
like "$T/route" "^product True" "product topics reach the product sink"

# query test: counts and highlights, from a file and from the database.
"$EARSHOT" query test -c "$T/q/earshot.conf" --brand sky --limit 3 "$T/stream.jsonl" > "$T/qt" 2>&1
is $? 0 "query test --brand runs"
like "$T/qt" "^  brand sky +[0-9]+" "it counts the brand's matches"
like "$T/qt" "\*\*(Sky|sky|broadband|router|bill)\*\*" "and marks the matched words"
"$EARSHOT" query test -c "$T/q/earshot.conf" --query 'raw:Sky NEAR/2 broadband' --explain --limit 1 \
    "$T/stream.jsonl" > "$T/qt2" 2>&1
like "$T/qt2" "yes NEAR" "--explain shows the clause that matched"
"$EARSHOT" query test -c "$T/q/earshot.conf" --db since=3660d --count > "$T/qt3" 2>&1
is $? 0 "query test --db reads the sql sink's database"
like "$T/qt3" "^[0-9]+ of 1000 mentions match" "over every stored mention"
"$EARSHOT" query test -c "$T/q/earshot.conf" --query 'sky AND' "$T/stream.jsonl" > "$T/qt4" 2>&1
is $? 2 "a bad --query exits 2"
like "$T/qt4" "--query:1:8: expected a term after AND" "and says where"

# check names a bad query's file:line:column.
write_main "$T/bad"
printf '[brand sky]\nquery = sky\n  OR (broadband\n' >> "$T/bad/earshot.conf"
"$EARSHOT" check -c "$T/bad/earshot.conf" > "$T/check" 2>&1
is $? 1 "check refuses a bad query"
like "$T/check" "earshot.conf:7:16: query: expected '\)'" "with file:line:column"

done_testing
