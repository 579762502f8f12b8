#!/bin/sh
# earshot report on PostgreSQL: the fixture goes through the daemon into
# two sql sinks at once (SQLite and a real PostgreSQL server started here
# from Debian's postgresql package, stopped on exit), the same alert rows
# go into both, and the two pages must be the same but for the line that
# names the database. Then an unreachable server is a clear error.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/sql_pglib.sh"
data="$top_srcdir/tests/data/report"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"
pg_available || skip_all "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin; Debian package postgresql)"

tap_cleanup() { pg_stop; }
pg_setup "$T/pg" || { cat "$T/pg/initdb.log" "$T/pg/server.log" 2>/dev/null | sed 's/^/# /'; skip_all "cannot start a PostgreSQL server"; }

d="$T/a"; mkdir -p "$d"
python3 "$data/mentions.py" "$d/in.jsonl"
write_main "$d" "inventory = $data/inventory.csv
[brand acme]
keywords = acme, acmesupport
[brand globex]
keywords = globex, globexcare"
cat > "$d/conf.d/10.conf" <<EOF
[source stream]
plugin = jsonl
path = $d/in.jsonl

[source forum]
plugin = jsonl
path = $data/forum.jsonl
network = forum

[sink lite]
plugin = sql
dsn = sqlite:sink.db

[sink pg]
plugin = sql
dsn = $pg_sock_dsn
EOF
timeout 60 "$EARSHOT" run --once -c "$d/earshot.conf" > "$d/run.log" 2>&1
is $? 0 "the fixture goes through the daemon into SQLite and PostgreSQL"
is "$(pg_psql -c 'select count(*) from mentions')" 45 "45 mentions in PostgreSQL"
day2=$(( $(date +%s) / 86400 * 86400 - 2 * 86400 ))
sed "s/DAY2/$day2/g" "$data/alerts.sql" > "$d/alerts.sql"
pg_psql -f "$d/alerts.sql" > "$d/psql.log" 2>&1
is $? 0 "the alert rows go into PostgreSQL"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.commit()' \
    "$d/state/sink.db" "$d/alerts.sql"
is $? 0 "and into SQLite"

"$EARSHOT" report -c "$d/earshot.conf" --db "$pg_sock_dsn" --out "$d/pg.html" > "$d/pg.log" 2>&1
is $? 0 "report on PostgreSQL exits 0"
like "$d/pg.html" "Source: PostgreSQL database earshot on $pg_dir\." "the page names the PostgreSQL database"
"$EARSHOT" report -c "$d/earshot.conf" --db "sqlite:sink.db" --out "$d/lite.html" > "$d/lite.log" 2>&1
is $? 0 "report on SQLite exits 0"
# The window ends at "now": the two runs may be a second apart.
strip() { grep -v -e '^<p>Source: ' -e '^<p>Mentions from ' "$1" | sed 's/ since [0-9-]* [0-9:]* UTC\././'; }
strip "$d/pg.html" > "$d/pg.body"; strip "$d/lite.html" > "$d/lite.body"
if cmp -s "$d/pg.body" "$d/lite.body"; then ok 0 "the PostgreSQL page equals the SQLite page"; else
    ok 1 "the PostgreSQL page equals the SQLite page"; diff "$d/lite.body" "$d/pg.body" | head -n 20 | sed 's/^/#   /'; fi
like "$d/pg.html" "<rect data-brand=\"acme\" data-label=\"negative\" data-count=\"$(pg_psql -c "select count(*) from mention_brands b join mentions m on m.id = b.mention_id where b.brand = 'acme' and b.owned = 0 and m.sentiment_label = 'negative'")\"" \
    "acme's negative count is PostgreSQL's"
is "$(grep -c 'class="alert-marker"' "$d/pg.html")" 1 "the alert is marked"
is "$(grep -ci '<script' "$d/pg.html")" 0 "no <script> element"

# Over TCP with a password from the environment: never printed.
PGPASSWORD="$pg_password" "$EARSHOT" report -c "$d/earshot.conf" --db "$pg_tcp_dsn" --brand globex --out "$d/tcp.html" > "$d/tcp.log" 2>&1
is $? 0 "report over TCP with PGPASSWORD exits 0"
like "$d/tcp.html" "<h1>earshot report: globex</h1>" "--brand on PostgreSQL"
"$EARSHOT" report -c "$d/earshot.conf" --db "postgresql://earshot:wrong-Secret-9@127.0.0.1:$pg_port/earshot?sslmode=disable" --out "$d/bad.html" > "$d/bad.log" 2>&1
is $? 1 "a wrong password exits 1"
like "$d/bad.log" "cannot connect to PostgreSQL: .*password authentication failed" "and says why"
unlike "$d/bad.log" "wrong-Secret-9" "the password is not printed"

port=$(free_port)
"$EARSHOT" report -c "$d/earshot.conf" --db "postgresql://earshot@127.0.0.1:$port/earshot?connect_timeout=3&sslmode=disable" --out "$d/down.html" > "$d/down.log" 2>&1
is $? 1 "a server that is down exits 1"
like "$d/down.log" "cannot connect to PostgreSQL: .*127\.0\.0\.1.*$port" "naming the address"
check "no page written" test ! -e "$d/down.html"

# Under --enable-sanitizers a report goes to stderr, kept in these logs.
is "$(grep -l -e 'Sanitizer' -e 'runtime error' "$T"/a/*.log 2>/dev/null | tr '\n' ' ')" "" "no sanitizer report in any log"

done_testing
