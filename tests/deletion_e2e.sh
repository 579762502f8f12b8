#!/bin/sh
# Deletion and compliance notices end to end (issue 17): the twitter source
# turns each tweet-level notice into a deletion record; the SQL sink
# (SQLite, and PostgreSQL when its server binaries are installed) removes
# the mention with its brand rows and keeps the notice in `withdrawn`; the
# jsonl sink and a JSON webhook get the record, a Slack webhook does not;
# a withdrawn tweet imported again does not come back; a tweet and its
# deletion in one file leave nothing behind.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sql_pglib.sh"
data="$top_srcdir/tests/data/twitter/compliance"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 CLI not installed"

recv_pid=
tap_cleanup() {
    [ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null
    pg_cleanup
    wait 2>/dev/null
}
python3 "$top_srcdir/tests/webhook_receiver.py" --port-file "$T/port" --log "$T/requests.jsonl" --lifetime 200 &
recv_pid=$!
wait_for 10 test -s "$T/port" || skip_all "webhook receiver did not start"
base="http://127.0.0.1:$(cat "$T/port")"

# conf DIR DSN FILES: twitter source over FILES, sql sink at DSN, jsonl
# sink, JSON and Slack webhooks.
conf() {
    write_main "$1" '[brand acme]
keywords = acme'
    printf '[source tw]\nplugin = twitter\nfiles = %s\n' "$3" > "$1/conf.d/10-tw.conf"
    printf '[sink db]\nplugin = sql\ndsn = %s\n' "$2" > "$1/conf.d/20-db.conf"
    printf '[sink out]\nplugin = jsonl\npath = %s/out.jsonl\n' "$1" > "$1/conf.d/30-out.conf"
    printf '[sink json]\nplugin = webhook\nurl = %s/json\n\n[sink chat]\nplugin = webhook\nformat = slack\nurl = %s/slack\n' \
        "$base" "$base" > "$1/conf.d/40-hooks.conf"
}
run() { timeout 60 "$EARSHOT" run --once -c "$1/earshot.conf" > "$2" 2>&1; }
# kinds PATH: "kind id" per record the webhook receiver got on PATH.
kinds() {
    python3 - "$T/requests.jsonl" "$1" <<'PY'
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["path"] != sys.argv[2]:
        continue
    b = json.loads(r["body"])
    if isinstance(b, dict) and "blocks" in b:
        print("slack", b.get("text", "").replace("\n", " ")[:60])
        continue
    for x in b if isinstance(b, list) else [b]:
        print(x["kind"], x["id"])
PY
}

# scenario NAME DSN Q: Q is a function running SQL on the sink's database.
scenario() {
    name=$1 dsn=$2 q=$3
    d="$T/$name"
    conf "$d" "$dsn" "$data/tweets.jsonl"
    : > "$T/requests.jsonl"
    run "$d" "$d/log1"
    is $? 0 "$name: the tweets are imported"
    is "$($q 'select count(*) from mentions')" 4 "$name: four mentions stored"
    is "$($q 'select count(*) from mention_brands')" 4 "$name: each with its brand row"

    conf "$d" "$dsn" "$data/tweets.jsonl, $data/notices.jsonl"
    : > "$T/requests.jsonl"
    run "$d" "$d/log2"
    is $? 0 "$name: the notices are imported"
    is "$($q 'select id from mentions')" "twitter:1800000000000000004" \
        "$name: delete (v2 stream), delete (v1.1) and withheld remove their mentions; scrub_geo keeps its own"
    is "$($q 'select count(*) from mention_brands')" 1 "$name: ... and their brand rows"
    is "$($q "select id || ' ' || action || ' ' || coalesce(at, 0) from withdrawn order by id")" \
"twitter:1800000000000000001 delete 1717315200
twitter:1800000000000000002 delete 1717315200
twitter:1800000000000000003 withheld 1717318800
twitter:1800000000000000099 deleted 1717326000" "$name: every notice is kept in withdrawn with its action and time (one for a tweet never stored too)"
    like "$d/log2" "notices.jsonl:8: a deletion notice without the tweet's id; skipped" "$name: a notice without an id is named with file and line"
    is "$(grep -c 'account-level compliance notices' "$d/log2")" 1 "$name: account-level notices: one warning for the file"
    like "$d/log2" "4 deletion\(s\) passed on to the sinks, 1 notice\(s\) with nothing to withdraw, 2 account-level notice\(s\) not applied" \
        "$name: the summary counts each kind of notice"
    is "$(grep -c '"kind":"deletion"' "$d/out.jsonl")" 4 "$name: the jsonl sink gets the four deletion records"
    like "$d/out.jsonl" '"kind":"deletion".*"id":"twitter:1800000000000000003"|"id":"twitter:1800000000000000003".*"action":"withheld"' \
        "$name: ... with id and action"
    is "$(kinds /json | grep -c '^deletion ')" 4 "$name: a JSON webhook gets them too"
    is "$(kinds /slack | wc -l)" 0 "$name: a Slack webhook gets no message for them"

    conf "$d" "$dsn" "$data/tweets.jsonl, $data/notices.jsonl, $d/again.jsonl"
    cp "$data/tweets.jsonl" "$d/again.jsonl"
    run "$d" "$d/log3"
    is $? 0 "$name: the same tweets imported again from another file"
    is "$($q 'select count(*) from mentions')" 1 "$name: the withdrawn tweets do not come back"
    is "$(grep -c '"kind":"mention"' "$d/out.jsonl")" 4 "$name: ... nor reach the jsonl sink again"

    conf "$d" "$dsn" "$data/both.jsonl"
    run "$d" "$d/log4"
    is $? 0 "$name: a tweet and its deletion in one file"
    is "$($q "select count(*) from mentions where id = 'twitter:1800000000000000005'")" 0 "$name: ... leave no mention"
    is "$($q "select count(*) from mention_brands where mention_id = 'twitter:1800000000000000005'")" 0 "$name: ... nor brand row"
    is "$($q "select action from withdrawn where id = 'twitter:1800000000000000005'")" delete "$name: ... and the notice is kept"
}

sq() { sqlite3 "$T/lite/m.db" "$1"; }
scenario lite "sqlite:$T/lite/m.db" sq

if pg_available && pg_setup "$T/pg"; then
    pq() { pg_psql -c "$1" 2>&1; }
    scenario pg "$pg_sock_dsn" pq
else
    diag "PostgreSQL server binaries not found or not startable: the PostgreSQL half is not run"
fi
done_testing
