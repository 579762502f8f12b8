#!/bin/sh
# Report generation cost on PostgreSQL (figures, not pass/fail).
#
#   EARSHOT=build/rel/earshot bench/report/run_pg.sh [MENTIONS] [BRANDS] [DAYS]
#
# Takes the SQLite database bench/report/run.sh keeps in
# $TMPDIR/report-bench-N-B-D.db (run that first), starts a throw-away
# PostgreSQL server (Debian's postgresql package, tests/sql_pglib.sh),
# lets the agent create the sql sink's schema there, copies the rows in
# (COPY), then times `earshot report --db postgresql://...` twice as the
# owner (the window copied into a TEMP table) and twice as a role without
# the TEMP privilege (the page reads the sink's tables in place).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/bench/lib.sh"
. "$top/tests/sql_pglib.sh"
n=${1:-1000000}; brands=${2:-20}; days=${3:-30}
keep="${TMPDIR:-/tmp}/report-bench-$n-$brands-$days.db"
[ -s "$keep" ] || { echo "no $keep: run bench/report/run.sh $n $brands $days first" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/report-bench-pg.XXXXXX")
trap 'pg_cleanup; rm -rf "$work"' EXIT
pg_setup "$work/pg" || { cat "$work/pg/initdb.log" >&2; exit 1; }
psql_() { PGCONNECT_TIMEOUT=5 "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$pg_port" -U earshot -d earshot "$@"; }
mkdir -p "$work/conf.d" "$work/state"
{
    printf '[earshot]\nstate_dir = %s/state\nlog_level = warn\nlexicon_dir = %s/contrib/lexicons\n' "$work" "$top"
    k=0; while [ $k -lt "$brands" ]; do printf '[brand brand-%02d]\nkeywords = b%02d\n' $k $k; k=$((k + 1)); done
} > "$work/earshot.conf"
# One mention through the agent: the sink creates its schema on its first write.
printf '{"id": "rss:seed", "network": "rss", "author": "seed", "text": "seed", "created_at": %d}\n' "$(date +%s)" \
    > "$work/in.jsonl"
printf '[source s]\nplugin = jsonl\npath = %s/in.jsonl\n\n[sink db]\nplugin = sql\ndsn = %s\n' "$work" "$pg_sock_dsn" \
    > "$work/conf.d/10.conf"
"$EARSHOT" run --once -c "$work/earshot.conf" > "$work/run.log" 2>&1
psql_ -c 'TRUNCATE mentions, mention_brands, mention_topics, alerts'
start=$(date +%s)
for t in mentions mention_brands mention_topics alerts; do
    python3 - "$keep" "$t" > "$work/$t.csv" <<'PY'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
cur = c.execute("SELECT * FROM " + sys.argv[2])
# COPY's CSV: an unquoted empty field is NULL, "" an empty text.
field = lambda v: "" if v is None else repr(v) if isinstance(v, (int, float)) else '"%s"' % v.replace('"', '""')
out = sys.stdout
out.write(",".join(d[0] for d in cur.description) + "\n")
for row in cur:
    out.write(",".join(field(v) for v in row) + "\n")
PY
    psql_ -c "\\copy $t ($(head -n 1 "$work/$t.csv")) FROM '$work/$t.csv' WITH (FORMAT csv, HEADER true)"
    rm -f "$work/$t.csv"
done
psql_ -c 'VACUUM ANALYZE'
echo "postgresql: $(psql_ -c 'select count(*) from mentions') mentions copied in $(( $(date +%s) - start )) s," \
    "$(psql_ -c "select pg_size_pretty(pg_database_size('earshot'))")"
# A role that may read the tables but not create TEMP tables.
psql_ -c "REVOKE TEMP ON DATABASE earshot FROM PUBLIC; CREATE ROLE reader LOGIN;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader"
reader_dsn=$(printf '%s' "$pg_sock_dsn" | sed 's|//earshot@|//reader@|')
for who in owner reader; do
    dsn=$pg_sock_dsn; [ $who = reader ] && dsn=$reader_dsn
    for run in 1 2; do
        EARSHOT_REPORT_TIMING=1 /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$EARSHOT" report -c "$work/earshot.conf" \
            --db "$dsn" --since "${days}d" --out "$work/r.html" 2> "$work/rep.log"
        read -r wall user sys rss < "$work/time"
        echo "earshot report on PostgreSQL as $who ($(sed -n 's/^report window: //p' "$work/rep.log")), run $run:" \
            "${wall} s wall, $(echo "$user + $sys" | bc) s CPU (client), $((rss / 1024)) MB peak RSS (client)," \
            "page $(( $(wc -c < "$work/r.html") / 1024 )) kB; the copy $(awk '/CREATE TEMP/ {print $3}' "$work/rep.log") ms," \
            "queries $(awk '/^report query/ {t += $3} END {printf "%.0f", t}' "$work/rep.log") ms in all"
    done
done
