#!/bin/sh
# The sql sink on PostgreSQL, end to end through the daemon, against a
# real server started here from Debian's postgresql package (unix socket
# and 127.0.0.1, stopped on exit): schema and fields, rows exactly once
# across re-delivery, refused records (constraint, type) failing alone,
# passwords from the environment and from a .pgpass-style file and never
# logged, and a server stopped mid-stream then restarted (RETRY while it
# is down, every record afterwards, none twice).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sql_pglib.sh"
data="$top_srcdir/tests/data/sql"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
pg_available || skip_all "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin; Debian package postgresql)"

daemon=
tap_cleanup() {
    [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
    pg_cleanup
}
pg_setup "$T/pg" || { cat "$T/pg/initdb.log" "$T/pg/server.log" 2>/dev/null | sed 's/^/# /'; skip_all "cannot start a PostgreSQL server"; }

conf() { # conf DIR DSN [SINK KEYS]: as in sql_sqlite_test.sh
    rm -rf "$1/state" "$1/conf.d"
    write_main "$1" "$(printf 'inventory = %s/contrib/samples/inventory.csv\n[brand acme]\nkeywords = acme, acmesupport\n[brand globex]\nkeywords = globex, globexcare' "$top_srcdir")"
    printf '[source in]\nplugin = jsonl\npath = %s/in.jsonl\nnetwork = t\ninterval = 200ms\n' "$1" > "$1/conf.d/10-in.conf"
    printf '[sink db]\nplugin = sql\ndsn = %s\nretry.initial = 100ms\nretry.max = 500ms\nreconnect_max = 1s\n%s\n' "$2" "${3:-}" > "$1/conf.d/20-db.conf"
}
run() { timeout 60 "$EARSHOT" run --once -c "$1/earshot.conf" > "$2" 2>&1; }
q() { pg_psql -c "$1" 2>&1; }

# ---- hostile text, every field, over the unix socket ----------------------
d="$T/h"; mkdir -p "$d"
cp "$data/hostile.jsonl" "$d/in.jsonl"
conf "$d" "$pg_sock_dsn"
run "$d" "$d/log1"
is $? 0 "run --once into PostgreSQL exits 0"
like "$d/log1" "schema migrated from version 0 to 5" "the schema is created at the latest version"
like "$d/log1" "connected to postgresql://earshot@/earshot\?host=" "the connection is logged with the DSN"
like "$d/log1" "row\(s\) committed in ([0-9]+) transaction\(s\) \(\1 by COPY, \1 of them straight into the tables; 0 COPY\(s\) refused" \
     "every batch of new ids went by COPY straight into the tables"
is "$(q 'select count(*) from mentions')" 7 "seven mentions written"
is "$(q "select text from mentions where id = 't:4'")" "before�after" "the escaped NUL arrives as U+FFFD (PostgreSQL text cannot hold a NUL)"
is "$(q 'select string_agg(version::text, $$,$$ order by version) from schema_version')" "1,2,3,4,5" "schema_version lists versions 1 to 5"
is "$(q "select count(*) from pg_indexes where indexname in ('mentions_brand_time', 'mentions_label_time', 'mentions_author')")" 3 "indexes by brand+time, label and author"
is "$(q "select title || '|' || text || '|' || author || '|' || author_name from mentions where id = 't:1'")" \
   "it's; DROP TABLE mentions;--|Acme's support is terrible'); DELETE FROM mentions; --|o'brien|Robert \"Bobby\" Tables" \
   "quotes and SQL in text stored verbatim"
is "$(q "select text from mentions where id = 't:5'")" "back\\slash and %s %n and ? and \$1 and :name and \" quotes '' here" \
   "backslashes, format directives and placeholders stored verbatim"
is "$(q "select text from mentions where id = 't:2'")" "J'adore Acme 😍 — «super»" "emoji and non-ASCII intact"
is "$(q "select text from mentions where id = 't:3'")" "caf� latin-1 bytes about globex" "invalid UTF-8 arrives repaired (U+FFFD)"
is "$(q "select concat_ws('|', network, source, url, lang, created_at, addressed::text, brand) from mentions where id = 't:1'")" \
   't|in|https://example.invalid/1|en|1793527200|["acmesupport"]|acme' "network, source, url, lang, created_at, addressed (jsonb), brand"
is "$(q "select concat_ws('|', in_reply_to, reply_to_author, addressed->>1, author_kind, owner, addressed_account) from mentions where id = 'twitter:6'")" \
   "t:1|o'brien|globexcare|public|care|AcmeSupport" "reply, addressed handles, author kind, owner and addressed account"
is "$(q "select count(*) from mentions where sentiment_label in ('positive','neutral','negative') and abs(sentiment_pos + sentiment_neu + sentiment_neg - 1) < 0.01 and sentiment_compound between -1 and 1")" 7 \
   "sentiment compound/pos/neu/neg/label on every mention"
# t:7 is a calm text the rules find neutral; its label is the model's call
# (docs/sentiment.md), so the row must hold what `earshot score` says.
calm=$("$EARSHOT" score "a plain statement about the weather" | sed 's/.*"label":"\([a-z]*\)".*/\1/')
is "$(q "select sentiment_label from mentions where id = 't:1'") $(q "select sentiment_label from mentions where id = 't:7'")" "negative $calm" "labels as scored"
is "$(q "select concat_ws('|', likes, coalesce(reposts::text, 'NULL'), coalesce(replies::text, 'NULL'), views, followers) from mentions where id = 't:2'")" "12|0|NULL|3400|87" \
   "reach as given, in bigint columns (0 is a count; not given is NULL)"
is "$(q "select count(*) from mentions where likes is null and followers is null")" 6 "mentions without reach have NULL counts"
is "$(q "select count(*) from mentions where received_at > extract(epoch from now()) - 120 and updated_at is null")" 7 "received_at is the write time; updated_at unset"

# ---- exactly once: the same records again -----------------------------------
conf "$d" "$pg_sock_dsn"
run "$d" "$d/log2"
is $? 0 "second delivery of the same input exits 0"
is "$(q 'select count(*) || $$/$$ || count(distinct id) from mentions')" "7/7" "no duplicate rows after re-delivery"
is "$(q 'select count(*) from mentions where updated_at is not null')" 7 "re-delivery refreshed the stage fields (updated_at)"
like "$d/log2" "row\(s\) committed in ([0-9]+) transaction\(s\) \(\1 by COPY, 0 of them straight into the tables; 0 COPY\(s\) refused" \
     "ids already there: the straight COPY was refused and the batch went by the staging tables' upserts"

# ---- ids new and already there in one run: each once --------------------------
{ cat "$data/hostile.jsonl"; echo '{"id":"n1","text":"new one"}'; echo '{"id":"n2","text":"new two"}'; } > "$d/in.jsonl"
conf "$d" "$pg_sock_dsn"
run "$d" "$d/log2b"
is $? 0 "re-delivered and new ids together exit 0"
is "$(q 'select count(*) || $$/$$ || count(distinct id) from mentions')" "9/9" "the two new ids written, the seven others not doubled"
is "$(q "select count(*) from mentions where id in ('t:n1', 't:n2') and updated_at is null")" 2 "the new ids inserted, not updated"
like "$d/log2b" "\(([0-9]+) by COPY, 0 of them straight into the tables; 0 COPY\(s\) refused" \
     "the straight COPY met the old ids; the staging tables' upserts wrote the batch"
cp "$data/hostile.jsonl" "$d/in.jsonl"

# ---- COPY's own escapes: tabs, line breaks, backslash sequences ---------------
# The COPY text format gives meaning to tab, newline, "\N" and "\." on a
# line of its own: each must arrive as the bytes it was.
printf '%s\n' '{"id":"e1","title":"a\ttitle","text":"tab\there\nline two\n\\.\nend \\N \\t \\\\ x"}' > "$d/in.jsonl"
conf "$d" "$pg_sock_dsn"
run "$d" "$d/log2c"
is $? 0 "a text with COPY's special characters exits 0"
is "$(q "select encode(convert_to(title || '|' || text, 'UTF8'), 'hex') from mentions where id = 't:e1'")" \
   "$(printf 'a\ttitle|tab\there\nline two\n\\.\nend \\N \\t \\\\ x' | od -An -tx1 | tr -d ' \n')" \
   "tab, line breaks, backslash-dot alone on a line, backslash-N, backslash-t and two backslashes stored as they were"
like "$d/log2c" "\(1 by COPY, 1 of them straight" "... written by COPY"

# ---- refused records fail alone ------------------------------------------------
q "alter table mentions add constraint no_poison check (text not like '%poison%'); alter table mentions alter column lang type varchar(8)" > /dev/null
{
    echo '{"id":"p1","text":"good one"}'
    echo '{"id":"p2","text":"this is poison"}'
    echo '{"id":"p3","text":"good two"}'
    echo '{"id":"p4","text":"a language too long","lang":"xx-verylongtag"}'
    echo '{"id":"p5","text":"good three"}'
} > "$d/in.jsonl"
conf "$d" "$pg_sock_dsn"
run "$d" "$d/log3"
is $? 1 "dead-lettered records make --once exit 1"
like "$d/log3" "refused: mentions t:p2: ERROR: +new row for relation \"mentions\" violates check constraint \"no_poison\"" "the constraint violation is logged with the record id"
like "$d/log3" "refused: mentions t:p4: ERROR: +value too long for type character varying\(8\)" "the type error is logged with the record id"
is "$(grep -c 'refused: ' "$d/log3")" 2 "exactly two records refused"
is "$(q "select string_agg(id, ',' order by id) from mentions where id like 't:p%'")" "t:p1,t:p3,t:p5" "the rest of the batch was written"
is "$(q "select count(*) from mentions where id like 't:p%' and updated_at is null")" 3 "written once: the rounds that hit a refusal left nothing behind"
# In a batch of 100 the bad rows are in multi-row inserts (64 and 8 rows):
# their rows go alone in the next round.
python3 -c 'import json
for i in range(1, 101):
    r = {"id": "q%d" % i, "text": "this is poison" if i == 40 else "good %d" % i}
    if i == 70:
        r["lang"] = "xx-verylongtag"
    print(json.dumps(r))' > "$d/in.jsonl"
conf "$d" "$pg_sock_dsn"
run "$d" "$d/log3b"
is $? 1 "refused rows inside multi-row inserts: --once exits 1"
is "$(grep -c 'refused: mentions t:q\(40\|70\):' "$d/log3b")" 2 "both refused rows are named"
like "$d/log3b" "\(0 by COPY, 0 of them straight into the tables; [1-9][0-9]* COPY\(s\) refused and sent again as inserts\)" \
     "the refused COPY went again as multi-row inserts, which found the two"
is "$(q "select count(*) || '/' || count(distinct id) from mentions where id like 't:q%' and id not in ('t:q40', 't:q70')")" "98/98" "the other 98 of the batch were written, once"

# ---- passwords: ${ENV}, a passfile, a wrong one; never logged --------------------
printf '%s\n' '{"id":"w1","text":"over tcp with a password"}' > "$d/in.jsonl"
export EARSHOT_TEST_PGPW="$pg_password"
conf "$d" "$pg_tcp_dsn" 'password = ${EARSHOT_TEST_PGPW}'
run "$d" "$d/log4"
is $? 0 "TCP with scram and password = \${ENV} works"
is "$(q "select count(*) from mentions where id = 't:w1'")" 1 "the record landed"
unlike "$d/log4" "$pg_password" "the password is not logged"
printf '%s\n' '{"id":"w2","text":"with a passfile"}' > "$d/in.jsonl"
printf '127.0.0.1:%s:earshot:earshot:%s\n' "$pg_port" "$pg_password" > "$d/pgpass"
chmod 600 "$d/pgpass"
conf "$d" "$pg_tcp_dsn" "passfile = $d/pgpass"
run "$d" "$d/log5"
is $? 0 "TCP with a .pgpass-style passfile works"
is "$(q "select count(*) from mentions where id = 't:w2'")" 1 "the record landed"
printf '%s\n' '{"id":"w3","text":"with a wrong password"}' > "$d/in.jsonl"
conf "$d" "postgresql://earshot:Wr0ngPa55@127.0.0.1:$pg_port/earshot?sslmode=disable&password=Wr0ngPa55" "retry.max_attempts = 2"
run "$d" "$d/log6"
is $? 1 "a wrong password: the record is dead-lettered after its attempts"
like "$d/log6" "password authentication failed" "the server's refusal is logged"
like "$d/log6" "postgresql://earshot:\*\*\*@127.0.0.1:$pg_port/earshot\?sslmode=disable&password=\*\*\*" "the DSN is logged with the passwords masked"
unlike "$d/log6" "Wr0ngPa55" "the password itself never appears"
like "$d/log6" "batch of 1: retry 1/2 in [0-9]+ ms: (not connected to )?postgresql://earshot:\*\*\*@.*password authentication failed" "the failed connection answers RETRY"
like "$d/log6" "dead-lettered after 2 attempt\(s\): .*postgresql://earshot:\*\*\*@" "then the core gives up (retry.max_attempts = 2)"

# ---- the connection dies in the middle of a batch; a batch that hangs -------
# A trigger makes the insert of t:s1 sleep on its first two attempts (a
# sequence counts them: it does not roll back). The first is killed from
# another session, the second runs into the sink's timeout; both are
# RETRY, the third attempt commits.
q "create sequence hang_seq; create function hang() returns trigger language plpgsql as \$\$
begin
  if new.id = 't:s1' then
    if nextval('hang_seq') <= 2 then perform pg_sleep(60); end if;
  end if;
  return new;
end \$\$; create trigger hang before insert on mentions for each row execute function hang()" > /dev/null
printf '%s\n' '{"id":"s0","text":"before the hang"}' '{"id":"s1","text":"the hanging one"}' '{"id":"s2","text":"after the hang"}' > "$d/in.jsonl"
conf "$d" "$pg_sock_dsn" "timeout = 3s"
run "$d" "$d/log7" &
runner=$!
sleeping() { [ "$(q "select count(*) from pg_stat_activity where wait_event = 'PgSleep'")" = 1 ]; }
wait_for 20 sleeping
ok $? "the first attempt hangs inside the server"
q "select pg_terminate_backend(pid) from pg_stat_activity where wait_event = 'PgSleep'" > /dev/null
wait $runner
is $? 0 "the run ends with every record written"
like "$d/log7" "batch of 3: (retry 1/[0-9]+ in|attempt 1 failed, retry in) .*server closed the connection unexpectedly" "the connection killed mid-batch answered RETRY"
like "$d/log7" "batch of 3: (retry [0-9]+/[0-9]+ in|attempt [0-9]+ failed, retry in) .*no answer within 3000 ms" "the batch that got no answer within timeout answered RETRY"
unlike "$d/log7" "cannot cancel" "the timed-out query was cancelled on the server"
is "$(q "select count(*) from pg_stat_activity where wait_event = 'PgSleep'")" 0 "no query left sleeping on the server"
is "$(q "select string_agg(id, ',' order by id) from mentions where id like 't:s%'")" "t:s0,t:s1,t:s2" "the third attempt wrote the batch"
is "$(q "select count(*) from mentions where id like 't:s%' and updated_at is null")" 3 "each row written once"
q "drop trigger hang on mentions" > /dev/null

# ---- migration from version 1; a newer schema refused ------------------------
as_pg "$pg_bin/createdb" -h "$pg_dir" -p "$pg_port" -U earshot earshot_old
pg_psql -d earshot_old -f "$data/schema-v1-pg.sql" > /dev/null
old_dsn="postgresql://earshot@/earshot_old?host=$pg_dir&port=$pg_port"
qo() { pg_psql -d earshot_old -c "$1" 2>&1; }
printf '%s\n' '{"id":"new1","text":"Acme is new here"}' > "$d/in.jsonl"
conf "$d" "$old_dsn"
run "$d" "$d/log8"
is $? 0 "a version 1 database is used"
like "$d/log8" "schema migrated from version 1 to 5" "it is migrated to version 5"
is "$(qo 'select string_agg(version::text, $$,$$ order by version) from schema_version')" "1,2,3,4,5" "schema_version records the migration"
is "$(qo "select text || '|' || brand || '|' || sentiment_label from mentions where id = 'old:1'")" "Acme was fine back then|acme|positive" "the old row survived"
is "$(qo "select brand || '|' || (updated_at is null)::text from mentions where id = 't:new1'")" "acme|true" "new rows written after the migration, with the version 2 column"
qo "insert into schema_version values (99, 0)" > /dev/null
printf '%s\n' '{"id":"new2","text":"refused by a newer schema"}' > "$d/in.jsonl"
conf "$d" "$old_dsn" "retry.max_attempts = 2"
run "$d" "$d/log9"
is $? 1 "a newer schema: records are not written"
like "$d/log9" "schema written by a newer earshot: version 99, this plugin knows up to 5" "the newer schema is named"
is "$(qo "select count(*) from mentions where id = 't:new2'")" 0 "nothing written into it"

# ---- the server stops mid-stream and comes back --------------------------------
r="$T/restart"; mkdir -p "$r"
: > "$r/in.jsonl"
conf "$r" "$pg_sock_dsn" "retry.max_attempts = 1000"
gen() { # gen FROM TO: mentions r<FROM>..r<TO>
    python3 -c 'import json,sys
for i in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    print(json.dumps({"id": "r%d" % i, "text": "restart test %d about Acme" % i}))' "$1" "$2" >> "$r/in.jsonl"
}
count_r() { q "select count(*) from mentions where id like 't:r%'"; }
rows_are() { [ "$(count_r)" = "$1" ]; }
"$EARSHOT" run -f -c "$r/earshot.conf" > "$r/log" 2>&1 &
daemon=$!
gen 1 50
wait_for 20 rows_are 50
is "$(count_r)" 50 "the first 50 records landed while the server was up"
pg_stop
gen 51 120
wait_for 20 grep -q "retry .*not connected to" "$r/log"
ok $? "while the server is down the sink answers RETRY"
like "$r/log" "reconnecting in [0-9]+ ms" "the lost connection is logged with the reconnection delay"
sleep 1
pg_start
wait_for 30 rows_are 120
is "$(count_r)" 120 "after the restart every record arrived"
like "$r/log" "reconnected to postgresql://" "the reconnection is logged"
gen 121 150
wait_for 20 rows_are 150
is "$(count_r)" 150 "records keep flowing after the restart"
kill -TERM "$daemon"; wait "$daemon"
is $? 0 "the daemon stops cleanly on SIGTERM"
daemon=
is "$(q "select count(*) || '/' || count(distinct id) from mentions where id like 't:r%'")" "150/150" "no record twice"
done_testing
