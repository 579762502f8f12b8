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
is "$(grep -o '<script[^>]*>' "$d/pg.html" | tr '\n' ' ')" '<script type="application/json" id="es-cube"> <script type="application/json" id="es-tcube"> <script type="application/json" id="es-xcube"> <script> ' \
    "no <script> element but the filters' and its three data blocks"

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

# The finer sections (share of voice, topics and phrases, authors and
# engaged mentions, alerts, breakdown, the filters' figures) on known rows
# (tests/data/report/sections.py): written into SQLite, copied as they are
# into a second PostgreSQL database, and the two pages compared.
s="$T/s"; mkdir -p "$s"
# One mention of no brand through the daemon: the sinks create their
# schemas on their first write.
printf '{"id": "rss:seed", "network": "rss", "author": "seed", "text": "nothing to see", "created_at": %d}\n' \
    $(( $(date +%s) - 3 * 86400 + 600 )) > "$s/in.jsonl"
pg_psql -c 'CREATE DATABASE sections' > /dev/null
s_dsn=$(printf '%s' "$pg_sock_dsn" | sed 's|/earshot?|/sections?|')
write_main "$s" "[brand acme]
keywords = acme
[brand globex]
keywords = globex"
cat > "$s/conf.d/10.conf" <<EOF
[source stream]
plugin = jsonl
path = $s/in.jsonl

[sink lite]
plugin = sql
dsn = sqlite:sink.db

[sink pg]
plugin = sql
dsn = $s_dsn
EOF
timeout 60 "$EARSHOT" run --once -c "$s/earshot.conf" > "$s/run.log" 2>&1
is "$?/$(pg_psql -d sections -c 'select count(*) from mentions')" 0/1 "the sinks' schemas in a new SQLite file and a new PostgreSQL database"
# 30 s in the past: no row on the edge of a date range when the pages
# are written a few seconds apart.
python3 "$data/sections.py" "$s/state/sink.db" "$(( $(date +%s) - 30 ))"
python3 - "$s/state/sink.db" "$s" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for t in ("mentions", "mention_brands", "mention_topics", "alerts"):
    cur = c.execute("SELECT * FROM " + t)
    # COPY's CSV: an unquoted empty field is NULL, "" an empty text.
    field = lambda v: "" if v is None else repr(v) if isinstance(v, (int, float)) else '"%s"' % v.replace('"', '""')
    with open("%s/%s.csv" % (sys.argv[2], t), "w", encoding="utf-8") as f:
        f.write(",".join(d[0] for d in cur.description) + "\n")
        for row in cur:
            f.write(",".join(field(v) for v in row) + "\n")
PY
pg_psql -d sections -c 'TRUNCATE mentions, mention_brands, mention_topics, alerts' # the seed comes again
for t in mentions mention_brands mention_topics alerts; do
    cols=$(head -n 1 "$s/$t.csv")
    pg_psql -d sections -c "\\copy $t ($cols) FROM '$s/$t.csv' WITH (FORMAT csv, HEADER true)" >> "$s/copy.log" 2>&1 ||
        diag "copy $t failed: $(tail -n 1 "$s/copy.log")"
done
count() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from " + sys.argv[2]).fetchone()[0])' "$s/state/sink.db" "$1"; }
is "$(pg_psql -d sections -c 'select count(*) from mentions')/$(pg_psql -d sections -c 'select count(*) from mention_topics')/$(pg_psql -d sections -c 'select count(*) from alerts')" \
    "$(count mentions)/$(count mention_topics)/$(count alerts)" "the known rows copied into PostgreSQL"
for b in "" acme; do
    opt=${b:+--brand $b}
    "$EARSHOT" report -c "$s/earshot.conf" --db "$s_dsn" --since 7d $opt --out "$s/pg$b.html" > "$s/pg$b.log" 2>&1
    is $? 0 "sections${b:+, --brand $b}: report on PostgreSQL exits 0"
    "$EARSHOT" report -c "$s/earshot.conf" --db sqlite:sink.db --since 7d $opt --out "$s/lite$b.html" > "$s/lite$b.log" 2>&1
    is $? 0 "sections${b:+, --brand $b}: report on SQLite exits 0"
    strip "$s/pg$b.html" > "$s/pg$b.body"; strip "$s/lite$b.html" > "$s/lite$b.body"
    if cmp -s "$s/pg$b.body" "$s/lite$b.body"; then ok 0 "sections${b:+, --brand $b}: the PostgreSQL page equals the SQLite page"; else
        ok 1 "sections${b:+, --brand $b}: the PostgreSQL page equals the SQLite page"; diff "$s/lite$b.body" "$s/pg$b.body" | head -n 20 | sed 's/^/#   /'; fi
done
# The compared page has every finer section filled, from PostgreSQL.
like "$s/pg.html" "<td>acme</td><td class=\"n\"[^>]*>8</td><td class=\"n\"[^>]*>80%</td>" "PostgreSQL: share of voice, acme 8 earned, 80%"
like "$s/pg.html" "refund still pending ×3" "PostgreSQL: the topic's phrases"
like "$s/pg.html" "<td class=\"who\">bigvoice</td><td>twitter</td><td>public</td><td class=\"n\"[^>]*>120k</td>" "PostgreSQL: top authors by reach"
like "$s/pg.html" "<td class=\"n\"[^>]*>p &lt; 0.001</td>" "PostgreSQL: the alerts table"
like "$s/pg.html" '<rect class="owned" data-count="1"' "PostgreSQL: owned and earned"
like "$s/pg.html" '"rows":\[\[' "PostgreSQL: the filters' figures"
# The page read the window's TEMP copy on PostgreSQL too (the timing
# lines say so), and left nothing behind in the sink's database.
EARSHOT_REPORT_TIMING=1 "$EARSHOT" report -c "$s/earshot.conf" --db "$s_dsn" --since 7d --out "$s/pgt.html" > "$s/pgt.log" 2>&1
like "$s/pgt.log" "^report window: copied into a TEMP table" "PostgreSQL: the sections read the window's TEMP table"
is "$(pg_psql -d sections -c "select count(*) from pg_tables where tablename = 'es_window'")" 0 \
    "no table left behind (the TEMP table ended with the session)"

# Under --enable-sanitizers a report goes to stderr, kept in these logs.
is "$(grep -l -e 'Sanitizer' -e 'runtime error' "$T"/a/*.log "$T"/s/*.log 2>/dev/null | tr '\n' ' ')" "" "no sanitizer report in any log"

done_testing
