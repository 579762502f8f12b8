#!/bin/sh
# The sql sink on SQLite, end to end through the daemon (`earshot run
# --once`, jsonl source): schema and fields, hostile text, idempotent
# re-delivery, a refused record that does not take its batch down, a
# locked database (RETRY), migration from version 1, a newer schema and
# unwritable paths refused with a clear error, the default path, the
# bundled samples and contrib/summary.sh.
. "$top_srcdir/tests/lib.sh"
data="$top_srcdir/tests/data/sql"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
immutable=
tap_cleanup() { [ -n "$immutable" ] && chattr -i "$immutable"; }

# conf DIR DSN-LINE [SINK KEYS]: main config with two brands, jsonl source
# on $DIR/in.jsonl, the sql sink; a fresh state dir each time (so the
# core's dedupe forgets what it delivered and re-delivery is the sink's
# business).
conf() {
    rm -rf "$1/state" "$1/conf.d"
    write_main "$1" "$(printf 'inventory = %s/contrib/samples/inventory.csv\n[brand acme]\nkeywords = acme, acmesupport\n[brand globex]\nkeywords = globex, globexcare' "$top_srcdir")"
    printf '[source in]\nplugin = jsonl\npath = %s/in.jsonl\nnetwork = t\n' "$1" > "$1/conf.d/10-in.conf"
    printf '[sink db]\nplugin = sql\n%s\nretry.initial = 100ms\nretry.max = 500ms\n%s\n' "$2" "${3:-}" > "$1/conf.d/20-db.conf"
}
run() { # run DIR LOG
    timeout 60 "$EARSHOT" run --once -c "$1/earshot.conf" > "$2" 2>&1
}
sq() { # sq DB SQL: one python sqlite3 query, rows printed as repr() lines
    python3 - "$1" "$2" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for row in c.execute(sys.argv[2]):
    print(repr(row) if len(row) > 1 else row[0])
PY
}

# ---- hostile text, every field -------------------------------------------
d="$T/h"; mkdir -p "$d"; db="$d/m.db"
cp "$data/hostile.jsonl" "$d/in.jsonl"
conf "$d" "dsn = sqlite:$db"
run "$d" "$d/log1"
is $? 0 "run --once into SQLite exits 0"
like "$d/log1" "schema migrated from version 0 to 5" "a new database is created at the latest schema"
unlike "$d/log1" "in.jsonl:4: invalid JSON" "the line with a NUL escape is not refused"
is "$(sq "$db" 'select count(*) from mentions')" 7 "seven mentions written"
is "$(sq "$db" "select text from mentions where id = 't:4'")" "before�after" "the escaped NUL arrives as U+FFFD, the text after it kept"
is "$(sq "$db" 'select group_concat(version) from (select version from schema_version order by 1)')" "1,2,3,4,5" "schema_version lists versions 1 to 5"
is "$(sq "$db" 'pragma journal_mode')" wal "the database is in WAL mode"
is "$(sq "$db" "select count(*) from sqlite_master where type = 'index' and name in ('mentions_brand_time', 'mentions_label_time', 'mentions_author')")" 3 "indexes by brand+time, label and author"
like_plan() { sq "$db" "explain query plan $1" | grep -q "USING INDEX $2"; }
check "brand and time queries use mentions_brand_time" like_plan "select * from mentions where brand = 'acme' and created_at > 0" mentions_brand_time
check "official-author queries use mentions_author" like_plan "select * from mentions where network = 'twitter' and author = 'AcmeSupport' and author_kind in ('official', 'lookalike')" mentions_author
is "$(sq "$db" "select title || '|' || text || '|' || author || '|' || author_name from mentions where id = 't:1'")" \
   "it's; DROP TABLE mentions;--|Acme's support is terrible'); DELETE FROM mentions; --|o'brien|Robert \"Bobby\" Tables" \
   "quotes and SQL in text stored verbatim"
is "$(sq "$db" "select text from mentions where id = 't:5'")" "back\\slash and %s %n and ? and \$1 and :name and \" quotes '' here" \
   "backslashes, format directives and placeholders stored verbatim"
is "$(sq "$db" "select text from mentions where id = 't:2'")" "J'adore Acme 😍 — «super»" "emoji and non-ASCII intact"
is "$(sq "$db" "select text from mentions where id = 't:3'")" "caf� latin-1 bytes about globex" "invalid UTF-8 arrives repaired (U+FFFD)"
is "$(sq "$db" "select network, source, url, lang, created_at, addressed, brand from mentions where id = 't:1'")" \
   "('t', 'in', 'https://example.invalid/1', 'en', 1793527200, '[\"acmesupport\"]', 'acme')" "network, source, url, lang, created_at, addressed, brand"
is "$(sq "$db" "select in_reply_to, reply_to_author, addressed, author_kind, owner, addressed_account from mentions where id = 'twitter:6'")" \
   "('t:1', \"o'brien\", '[\"acmesupport\",\"globexcare\"]', 'public', 'care', 'AcmeSupport')" \
   "reply, addressed handles, author kind, owner and addressed account"
is "$(sq "$db" "select count(*) from mentions where sentiment_label in ('positive','neutral','negative') and abs(sentiment_pos + sentiment_neu + sentiment_neg - 1) < 0.01 and sentiment_compound between -1 and 1")" 7 \
   "sentiment compound/pos/neu/neg/label on every mention"
# t:7 is a calm text the rules find neutral; its label is the model's call
# (docs/sentiment.md), so the row must hold what `earshot score` says.
calm=$("$EARSHOT" score "a plain statement about the weather" | sed 's/.*"label":"\([a-z]*\)".*/\1/')
is "$(sq "$db" "select sentiment_label from mentions where id = 't:1'") $(sq "$db" "select sentiment_label from mentions where id = 't:7'")" "negative $calm" "labels as scored"
is "$(sq "$db" "select likes, reposts, replies, quotes, views, followers from mentions where id = 't:2'")" "(12, 0, None, None, 3400, 87)" \
   "reach as given (0 is a count; not given is NULL)"
is "$(sq "$db" "select count(*) from mentions where likes is null and followers is null")" 6 "mentions without reach have NULL counts"
is "$(sq "$db" "select brand is null from mentions where id = 't:7'")" 1 "a mention of no brand has brand NULL"
is "$(sq "$db" "select count(*) from mentions where received_at between strftime('%s','now') - 120 and strftime('%s','now') + 5 and updated_at is null")" 7 "received_at is the write time; updated_at unset"
is "$(stat -c %a "$db")" 640 "the database file is not world-readable"

# ---- idempotence: the same records delivered again ----------------------
conf "$d" "dsn = sqlite:$db"
run "$d" "$d/log2"
is $? 0 "second delivery of the same input exits 0"
is "$(sq "$db" 'select count(*) || "/" || count(distinct id) from mentions')" "7/7" "no duplicate rows after re-delivery"
is "$(sq "$db" 'select count(*) from mentions where updated_at is not null')" 7 "re-delivery refreshed the stage fields (updated_at)"

# ---- a refused record does not take its batch down ----------------------
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TRIGGER no_poison BEFORE INSERT ON mentions WHEN NEW.text LIKE '%poison%' BEGIN SELECT RAISE(ABORT, 'poison refused'); END")
c.commit()
PY
printf '%s\n' '{"id":"p1","text":"good one"}' '{"id":"p2","text":"this is poison"}' '{"id":"p3","text":"good two"}' > "$d/in.jsonl"
conf "$d" "dsn = sqlite:$db"
run "$d" "$d/log3"
is $? 1 "a dead-lettered record makes --once exit 1"
like "$d/log3" "refused: mentions t:p2: poison refused" "the refused record is logged with its id and the reason"
like "$d/log3" "1 record\(s\) dead-lettered" "exactly one record dead-lettered"
is "$(sq "$db" "select group_concat(id) from (select id from mentions where id like 't:p%' order by id)")" "t:p1,t:p3" "the rest of the batch was written"
# In a batch of 100 the poison is in a 64-row insert: that statement is
# undone and its rows written one by one.
python3 -c 'import json
for i in range(1, 101):
    print(json.dumps({"id": "q%d" % i, "text": "this is poison" if i == 40 else "good %d" % i}))' > "$d/in.jsonl"
conf "$d" "dsn = sqlite:$db"
run "$d" "$d/log3b"
is $? 1 "a refused row inside a 64-row insert: --once exits 1"
like "$d/log3b" "refused: mentions t:q40: poison refused" "the refused row is named"
is "$(sq "$db" "select count(*) || '/' || sum(id = 't:q40') from mentions where id like 't:q%'")" "99/0" "the other 99 of the batch were written"

# ---- a locked database: RETRY, then the batch lands ----------------------
printf '%s\n' '{"id":"l1","text":"while locked one"}' '{"id":"l2","text":"while locked two"}' > "$d/in.jsonl"
conf "$d" "dsn = sqlite:$db" "busy_timeout = 100ms"
python3 - "$db" "$d/locked" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(1.5)
c.execute("COMMIT")
PY
locker=$!
wait_for 10 test -f "$d/locked"
run "$d" "$d/log4"
st=$?
wait $locker
is $st 0 "a run against a locked database exits 0 once the lock is gone"
like "$d/log4" "(retry 1/[0-9]+ in|attempt 1 failed, retry in) .*database is locked" "the locked database was answered with RETRY"
is "$(sq "$db" "select count(*) from mentions where id in ('t:l1','t:l2')")" 2 "both records landed after the lock was released"

# ---- migration from version 1 --------------------------------------------
m="$T/mig"; mkdir -p "$m"
python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).executescript(open(sys.argv[2]).read())' "$m/old.db" "$data/schema-v1.sql"
printf '%s\n' '{"id":"new1","text":"Acme is new here"}' > "$m/in.jsonl"
conf "$m" "dsn = sqlite:old.db"
cp "$m/old.db" "$m/state-old.db"; mkdir -p "$m/state"; mv "$m/state-old.db" "$m/state/old.db"
run "$m" "$m/log"
is $? 0 "a version 1 database is opened"
like "$m/log" "schema migrated from version 1 to 5" "it is migrated to version 5 (relative dsn path under state_dir)"
is "$(sq "$m/state/old.db" 'select group_concat(version) from (select version from schema_version order by 1)')" "1,2,3,4,5" "schema_version records the migration"
is "$(sq "$m/state/old.db" "select text || '|' || brand || '|' || sentiment_label from mentions where id = 'old:1'")" "Acme was fine back then|acme|positive" "the old row survived"
is "$(sq "$m/state/old.db" "select count(*) from pragma_table_info('mentions') where name = 'updated_at'")" 1 "the version 2 column exists"
is "$(sq "$m/state/old.db" "select brand from mentions where id = 't:new1'")" acme "new rows written after the migration"

# ---- refused databases -------------------------------------------------------
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("create table schema_version (version integer primary key, applied_at integer not null)"); c.execute("insert into schema_version values (99, 0)"); c.commit()' "$m/new.db"
conf "$m" "dsn = sqlite:$m/new.db"
run "$m" "$m/log-new"
is $? 1 "a database of a newer schema stops the run"
like "$m/log-new" "cannot open sqlite:$m/new.db: schema version 99 is newer than this plugin's 5" "the newer schema is named"
: > "$m/afile"
conf "$m" "dsn = sqlite:$m/afile/x.db"
run "$m" "$m/log-nd"
is $? 1 "an impossible path stops the run"
like "$m/log-nd" "cannot open sqlite:$m/afile/x.db: Not a directory" "the path and the reason are logged"
head -c 4096 /dev/urandom > "$m/garbage.db"
conf "$m" "dsn = sqlite:$m/garbage.db"
run "$m" "$m/log-garbage"
like "$m/log-garbage" "cannot open sqlite:$m/garbage.db: file is not a database" "a file that is not a database is refused, named"
conf "$m" "dsn = sqlite:$m"
run "$m" "$m/log-dir"
like "$m/log-dir" "cannot open sqlite:$m: Is a directory" "a directory as database is refused with a clear error"
# A database the agent may not write: mode 0444 for a user; root writes
# through file modes, so for root the file is made immutable (chattr +i,
# where the file system and capabilities allow it).
cp "$db" "$m/ro.db"
ro_why=
if [ "$(id -u)" != 0 ]; then
    chmod 444 "$m/ro.db"; ro_err="Permission denied"
elif command -v chattr >/dev/null 2>&1 && chattr +i "$m/ro.db" 2>/dev/null; then
    immutable="$m/ro.db"; ro_err="Operation not permitted"
else
    ro_why="root, and chattr +i is not available here"
fi
if [ -z "$ro_why" ]; then
    conf "$m" "dsn = sqlite:$m/ro.db"
    run "$m" "$m/log-ro"
    is $? 1 "a read-only database stops the run"
    like "$m/log-ro" "cannot open sqlite:$m/ro.db: $ro_err" "the read-only file is named with the reason"
else
    ok 0 "read-only database # SKIP $ro_why"
    ok 0 "read-only database named # SKIP $ro_why"
fi
printf '[sink db]\nplugin = sql\ndsn = mysql://x\n' > "$m/conf.d/20-db.conf"
run "$m" "$m/log-bad"
like "$m/log-bad" "dsn must start with sqlite: or postgresql://" "an unknown DSN scheme is refused"

# ---- the default path ---------------------------------------------------------
conf "$m" ""
run "$m" "$m/log-def"
is $? 0 "no dsn: runs"
is "$(sq "$m/state/earshot.db" "select count(*) from mentions")" 1 "no dsn: STATE_DIR/earshot.db"

# ---- the bundled samples and contrib/summary.sh -------------------------------
export EARSHOT_SAMPLES="$top_srcdir/contrib/samples" EARSHOT_DEMO_DIR="$T/demo"
mkdir -p "$EARSHOT_DEMO_DIR"
timeout 60 "$EARSHOT" run --once -c "$EARSHOT_SAMPLES/earshot.conf" > "$T/demo.log" 2>&1
is $? 0 "the samples run into SQLite"
sdb="$EARSHOT_DEMO_DIR/earshot.db"
is "$(sq "$sdb" 'select count(*) from mentions')" "$(lines "$EARSHOT_SAMPLES/mentions.jsonl")" "every sample mention is a row"
is "$(sq "$sdb" "select event || ' ' || handle || ' ' || mention_id from account_events")" "lookalike_seen acme_helpdesk twitter:1012" "the lookalike finding is an account_events row"
is "$(sq "$sdb" "select id like 'sha256:%' from account_events")" 1 "a finding without an id is keyed by its digest"
"$top_srcdir/contrib/summary.sh" "$sdb" > "$T/summary" 2>&1
is $? 0 "summary.sh exits 0"
sed 's/^/#   /' "$T/summary"
# Earned mentions per brand (mention_brands, owned left out), and the
# brand's own posts in a column of their own.
EARNED="(select b.brand as brand, m.sentiment_label from mention_brands b join mentions m on m.id = b.mention_id
  where b.owned = 0 union all select '(none)', sentiment_label from mentions m
  where not exists (select 1 from mention_brands b where b.mention_id = m.id))"
exp=$(sq "$sdb" "select brand || ' ' || count(*) from $EARNED group by brand order by 1" | tr '\n' ';')
got=$(awk '$1 != "brand" && NF == 6 && $5 ~ /^[0-9]+$/ {print $1 " " $5}' "$T/summary" | sort | tr '\n' ';')
is "$got" "$exp" "summary: earned totals per brand match the database"
acme_neg=$(sq "$sdb" "select count(*) from $EARNED where brand = 'acme' and sentiment_label = 'negative'")
acme_own=$(sq "$sdb" "select count(*) from mention_brands where brand = 'acme' and owned = 1")
like "$T/summary" "^acme +[0-9]+ +[0-9]+ +$acme_neg +[0-9]+ +$acme_own$" "summary: acme's negative count and own posts match"
like "$T/summary" ": $(lines "$EARSHOT_SAMPLES/mentions.jsonl") mentions, 0 alerts, 1 account events$" "summary: record counts per table"
"$top_srcdir/contrib/summary.sh" "$T/nope.db" > "$T/summary2" 2>&1
is $? 1 "summary.sh on a missing database fails"
like "$T/summary2" "nope.db" "and names it"
done_testing
