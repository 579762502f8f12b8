#!/bin/sh
# Account inventory end to end: author kinds, addressed accounts and owner
# routing, lookalike events on first sighting only, responses with known
# delays, and `earshot accounts reconcile` checked field by field; then
# import/export round trip and inventory errors.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip_all "python3 not installed"

inv="$top_srcdir/tests/data/accounts/inventory.csv"
write_main "$T" "inventory = $inv
[brand acme]
keywords = acme
[brand globex]
keywords = globex"
python3 - "$T/mentions.jsonl" <<'PY'
import json, sys, time
now = int(time.time())
H = 3600
def m(i, author, text, t, **kw):
    d = {"id": "twitter:" + i, "network": "twitter", "author": author, "text": text,
         "created_at": now - t, "url": "https://twitter.example/%s/%s" % (author, i)}
    d.update(kw)
    return d
rows = [
  m("p1", "Acme", "New kettles in store today", 48 * H),
  m("p2", "AcmeUK", "Our UK stores open late tonight", 30 * H),
  m("p3", "AcmeOldHelp", "This account is still answering", 24 * H),
  m("c1", "jdoe", "@AcmeSupport my order arrived broken", 10 * H),
  m("r1", "AcmeSupport", "@jdoe sorry! DM us", 10 * H - 1800, in_reply_to="twitter:c1", reply_to_author="jdoe"),
  m("c2", "gus", "@AcmeSupport still waiting for my refund", 9 * H),
  m("r2", "AcmeSupport", "@gus we are on it", 7 * H, reply_to_author="gus"),
  m("c3", "ann", "@AcmeSupport hello??", 8 * H),
  m("c4", "bob", "@AcmeUK refund please", 7 * H),
  m("r4", "AcmeUK", "@bob done", 7 * H - 600, in_reply_to="twitter:c4"),
  m("c5", "eve", "@AcmeOldHelp is anyone there", 6 * H),
  m("c6", "zoe", "@GlobexCare my thermostat died", 5 * H),
  m("r6", "GlobexCare", "@zoe we will replace it", 4 * H, in_reply_to="twitter:c6"),
  m("c7", "kim", "still broken after the fix", 3 * H, reply_to_author="AcmeSupport", addressed=["AcmeSupport"]),
  m("l1", "AcmeSupp0rt", "DM us your card number for a refund", 3 * H),
  m("l2", "AcmeSupp0rt", "Refunds today only, DM us", 2 * H),
  m("l3", "Acme_Support", "Send us your password to verify", 2 * H),
  m("l4", "GIobexCare", "Free thermostat, click here", 2 * H),
  m("l5", "AcmeHelpDesk", "Need help with your acme account?", 1 * H),
  m("n1", "acmefan", "I love my acme kettle", 1 * H),
  m("n2", "john_acme", "acme is fine I guess", 1 * H),
]
with open(sys.argv[1], "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
PY
cat > "$T/conf.d/10.conf" <<EOC
[source stream]
plugin = jsonl
path = $T/mentions.jsonl

[sink all]
plugin = jsonl
path = $T/all.jsonl
batch.linger = 0

[sink care-team]
plugin = jsonl
path = $T/care.jsonl
match.kind = mention
match.owner = care

[sink governance]
plugin = jsonl
path = $T/governance.jsonl
match.kind = account
EOC
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log"
is $? 0 "run exits 0"

python3 - "$T" > "$T/check" <<'PY'
import json, sys
d = sys.argv[1]
recs = [json.loads(l) for l in open(d + "/all.jsonl")]
ms = {r["id"]: r for r in recs if r["kind"] == "mention"}
def show(i, *keys): print(i, *[ms["twitter:" + i].get(k) for k in keys])
for i in ["p1", "r1", "c1", "c4", "c5", "c6", "c7", "l1", "l3", "l4", "l5", "n1", "n2"]:
    show(i, "author_kind", "owner", "addressed_account", "brand")
care = sorted(json.loads(l)["id"].split(":")[1] for l in open(d + "/care.jsonl"))
print("care", " ".join(care))
gov = [json.loads(l) for l in open(d + "/governance.jsonl")]
print("gov", len(gov), " ".join(sorted(g["handle"] for g in gov)))
print("govkind", all(g["kind"] == "account" and g["event"] == "lookalike_seen" for g in gov))
g = [x for x in gov if x["handle"] == "acmesupp0rt"][0]
print("gov1", g["brand"], g["like"], g["example_url"].endswith("/l1"))
print("allaccounts", sum(1 for r in recs if r["kind"] == "account"))
PY
like "$T/check" "^p1 official marketing None acme$" "official author: kind official, its owner, brand from the account"
like "$T/check" "^r1 official care jdoe acme$|^r1 official care None acme$" "official reply is official"
like "$T/check" "^c1 public care AcmeSupport acme$" "customer @-mentioning AcmeSupport: public, owner care, addressed AcmeSupport"
like "$T/check" "^c4 public care-uk AcmeUK acme$" "addressed AcmeUK: owner care-uk"
like "$T/check" "^c5 public care AcmeOldHelp acme$" "addressed the sunset account: still routed to its owner"
like "$T/check" "^c6 public globex-care GlobexCare globex$" "addressed GlobexCare: owner globex-care, brand globex"
like "$T/check" "^c7 public care AcmeSupport acme$" "reply_to_author / addressed list count as addressing"
like "$T/check" "^l1 lookalike None None acme$" "0-for-o impostor is a lookalike"
like "$T/check" "^l3 lookalike None None acme$" "separator variant is a lookalike"
like "$T/check" "^l4 lookalike None None globex$" "I-for-l impostor is a lookalike"
like "$T/check" "^l5 lookalike None None acme$" "brand + service words is a lookalike"
like "$T/check" "^n1 public None None acme$" "acmefan is a customer"
like "$T/check" "^n2 public None None acme$" "john_acme is a customer"
like "$T/check" "^care c1 c2 c3 c5 c7 p3 r1 r2$" "the care team's sink got exactly its complaints and its accounts' posts"
like "$T/check" "^gov 4 acme_support acmehelpdesk acmesupp0rt giobexcare$" "one account record per lookalike, first sighting only"
like "$T/check" "^govkind True$" "account records are kind account, event lookalike_seen"
like "$T/check" "^gov1 acme AcmeSupport True$" "the event names brand, the account imitated and an example URL"

"$EARSHOT" accounts reconcile -c "$T/earshot.conf" --since 30d --format json > "$T/rec.json"
is $? 0 "reconcile exits 0"
python3 - "$T/rec.json" "$inv" > "$T/rcheck" <<'PY'
import csv, json, sys
r = json.load(open(sys.argv[1]))
inv = list(csv.DictReader(open(sys.argv[2])))
posted = {("twitter", h) for h in ["Acme", "AcmeUK", "AcmeOldHelp", "AcmeSupport", "GlobexCare"]}
want_dormant = sorted((a["network"], a["handle"]) for a in inv
                      if a["status"] != "sunset" and (a["network"], a["handle"]) not in posted)
got_dormant = sorted((a["network"], a["handle"]) for a in r["dormant"])
print("dormant", "ok" if got_dormant == want_dormant else "differ %s %s" % (got_dormant, want_dormant))
print("dormant_fields", all(set(a) >= {"brand", "owner", "status", "last_post"} for a in r["dormant"]))
print("sunset", sorted(a["handle"] for a in r["sunset_active"]))
print("noowner", [a["handle"] for a in r["no_owner"]])
lk = {a["handle"]: a for a in r["lookalikes"]}
print("lookalikes", sorted(lk), lk["acmesupp0rt"]["count"], lk["acme_support"]["count"])
print("lkfields", lk["giobexcare"]["brand"], lk["giobexcare"]["like"], "GlobexCare" in lk["giobexcare"]["reason"])
t = {x["owner"]: x for x in r["responses_by_team"]}
c = t["care"]
print("care", c["addressed"], c["answered"], round(c["rate"], 2), c["median_s"], c["p90_s"])
u = t["care-uk"]
print("careuk", u["addressed"], u["answered"], u["rate"], u["median_s"])
g = t["globex-care"]
print("globex", g["addressed"], g["answered"], g["median_s"])
a = {(x["network"], x["account"]): x for x in r["responses_by_account"]}
s = a[("twitter", "AcmeSupport")]
print("acct", s["addressed"], s["answered"], s["median_s"], s["p90_s"])
o = a[("twitter", "AcmeOldHelp")]
print("old", o["addressed"], o["answered"], o["median_s"])
PY
like "$T/rcheck" "^dormant ok$" "dormant: every non-sunset account that did not post"
like "$T/rcheck" "^dormant_fields True$" "dormant rows carry brand, owner, status, last post"
like "$T/rcheck" "^sunset \['AcmeOldHelp'\]$" "sunset account still posting and addressed"
like "$T/rcheck" "^noowner \['AcmeJobs'\]$" "account without owner"
like "$T/rcheck" "^lookalikes \['acme_support', 'acmehelpdesk', 'acmesupp0rt', 'giobexcare'\] 2 1$" "lookalikes with sighting counts"
like "$T/rcheck" "^lkfields globex GlobexCare True$" "lookalike brand, imitated account and reason"
like "$T/rcheck" "^care 5 2 0.4 1800 7200$" "care: 5 addressed, 2 answered, median 30 min, p90 2 h"
like "$T/rcheck" "^careuk 1 1 1.0 600$" "care-uk: answered in 10 min"
like "$T/rcheck" "^globex 1 1 3600$" "globex-care: answered in 1 h"
like "$T/rcheck" "^acct 4 2 1800 7200$" "per account: AcmeSupport"
like "$T/rcheck" "^old 1 0 None$" "per account: the sunset account never answered"

"$EARSHOT" accounts reconcile -c "$T/earshot.conf" --since 30d > "$T/rec.txt"
like "$T/rec.txt" "^DORMANT official accounts" "table format has the dormant section"
like "$T/rec.txt" "^  care +5 +2 +40% +30m +2h00" "table format shows the care team's figures"
"$EARSHOT" accounts reconcile -c "$T/earshot.conf" --since 30d --format csv > "$T/rec.csv"
like "$T/rec.csv" "^section,network,handle," "CSV format has a header"
like "$T/rec.csv" "^lookalikes,twitter,acmesupp0rt," "CSV rows per section"

# A second run over the same stream: nothing new is counted twice.
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log2"
"$EARSHOT" accounts reconcile -c "$T/earshot.conf" --since 30d --format json > "$T/rec2.json"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print([x['addressed'] for x in r['responses_by_team'] if x['owner']=='care'][0])" "$T/rec2.json" > "$T/c2"
like "$T/c2" "^5$" "re-reading the stream does not count twice"

# Import / export round trip.
"$EARSHOT" accounts import -c "$T/earshot.conf" "$inv" > "$T/imp"
is $? 0 "accounts import exits 0"
like "$T/imp" "imported 27 account\(s\)" "import counts the accounts"
"$EARSHOT" accounts export -c "$T/earshot.conf" -o "$T/export.csv"
check "export equals the imported file byte for byte" cmp "$T/export.csv" "$inv"
printf 'network,handle,brand,owner,status\ntwitter,X,acme,care,closed\ntwitter,x,acme,care,active\n' > "$T/bad.csv"
"$EARSHOT" accounts import -c "$T/earshot.conf" "$T/bad.csv" 2> "$T/imp2"
is $? 1 "a bad inventory is refused"
like "$T/imp2" "bad.csv:2: status must be active, dormant or sunset, got 'closed'" "with file:line"
# A bad inventory also stops `run` and `check`.
sed -i "s|^inventory = .*|inventory = $T/bad.csv|" "$T/earshot.conf"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log3"
ok $([ $? -ne 0 ] && echo 0 || echo 1) "run refuses a bad inventory"
like "$T/log3" "bad.csv:2: status must be" "and names the line"

# Daemon mode: the inventory file is reloaded when it changes (a bad edit
# is refused and the previous inventory kept), and reconciliation findings
# go to sinks every reconcile_interval.
D="$T/daemon"; mkdir -p "$D/in"
cp "$inv" "$D/inv.csv"
write_main "$D" "inventory = $D/inv.csv
reconcile_interval = 1s
reconcile_window = 30d"
cat > "$D/conf.d/10.conf" <<EOC
[source drop]
plugin = jsonl
path = $D/in
interval = 100ms

[sink all]
plugin = jsonl
path = $D/all.jsonl
batch.linger = 10ms
match.kind = mention

[sink governance]
plugin = jsonl
path = $D/gov.jsonl
batch.linger = 10ms
match.kind = account
EOC
"$EARSHOT" run -c "$D/earshot.conf" --foreground 2> "$D/log" &
pid=$!
tap_cleanup() { kill -9 $pid 2>/dev/null; }
drop() { echo "{\"id\":\"$1\",\"network\":\"twitter\",\"author\":\"$2\",\"text\":\"hello\"}" > "$D/in/.$1"; mv "$D/in/.$1" "$D/in/$1.jsonl"; }
kind_of() { python3 -c "import json,sys; print([json.loads(l)['author_kind'] for l in open(sys.argv[1]) if json.loads(l)['id']=='twitter:'+sys.argv[2]][0])" "$D/all.jsonl" "$1" 2>/dev/null; }
drop d1 NewDesk
check "first mention delivered" wait_for 5 has_lines "$D/all.jsonl" 1
is "$(kind_of d1)" public "an unknown author is public"
sleep 1.1 # a new mtime second for filesystems with coarse timestamps
echo "twitter,NewDesk,acme,care,active,," >> "$D/inv.csv"
check "an edited inventory is reloaded without SIGHUP" wait_for 8 grep -q "inventory $D/inv.csv reloaded: 28 account" "$D/log"
drop d2 NewDesk
check "second mention delivered" wait_for 5 has_lines "$D/all.jsonl" 2
is "$(kind_of d2)" official "the new account is official from then on"
sleep 1.1
echo "twitter,Broken,acme,care,retired,," >> "$D/inv.csv"
check "a bad edit is refused" wait_for 8 grep -q "not reloaded; keeping the previous one" "$D/log"
like "$D/log" "inv.csv:30: status must be active, dormant or sunset" "with file:line"
drop d3 NewDesk
check "third mention delivered" wait_for 5 has_lines "$D/all.jsonl" 3
is "$(kind_of d3)" official "the previous inventory is still in force"
check "reconcile findings reach the governance sink" wait_for 5 grep -q '"event":"dormant"' "$D/gov.jsonl"
like "$D/gov.jsonl" '"event":"no_owner".*"handle":"AcmeJobs"|"handle":"AcmeJobs".*"event":"no_owner"' "each finding is one account record"
kill -TERM $pid; wait $pid
is $? 0 "daemon stops cleanly"

# A big inventory, read on the thread pool (a while, longer under the
# sanitizers): of several edits the last one is read, and a shutdown right
# after an edit, maybe with its read still running, exits cleanly and puts
# nothing in once it began.
B="$T/big"; mkdir -p "$B/in"
python3 - "$B/inv.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("network,handle,brand,owner,status\n")
    for i in range(50000):
        f.write("twitter,user%d,acme,care,active\n" % i)
PY
write_main "$B" "inventory = $B/inv.csv"
cat > "$B/conf.d/10.conf" <<EOC
[source drop]
plugin = jsonl
path = $B/in

[sink all]
plugin = jsonl
path = $B/all.jsonl
EOC
"$EARSHOT" run -c "$B/earshot.conf" --foreground 2> "$B/log" &
pid=$!
check "a big inventory loads at the start" wait_for 20 grep -q "starting" "$B/log"
echo "twitter,extra1,acme,care,active" >> "$B/inv.csv"
check "an edit of a big inventory is reloaded" wait_for 20 grep -q "inv.csv reloaded: 50001 account" "$B/log"
# Each append changes the size: no new mtime second is needed.
for i in 2 3 4; do echo "twitter,extra$i,acme,care,active" >> "$B/inv.csv"; sleep 0.7; done
check "the last of several edits is read" wait_for 20 grep -q "inv.csv reloaded: 50004 account" "$B/log"
echo "twitter,extra5,acme,care,active" >> "$B/inv.csv"
sleep 2.2
kill -TERM $pid; wait $pid
is $? 0 "a shutdown right after an edit exits cleanly"
ok $(sed -n '/shutting down/,$p' "$B/log" | grep -q "reloaded: 50005" && echo 1 || echo 0) "and puts no read in after it began"
done_testing
