#!/bin/sh
# Pushes N mentions through the whole agent (`earshot run --once`, jsonl
# source, the usual stages) into the sql sink, once per backend, and prints
# wall time, rows/s, µs per row and the agent's peak RSS. A baseline run
# into the jsonl sink (to /dev/null) gives the pipeline's own cost, so the
# sink's share is the difference. A benchmark, not a test: it prints
# figures and exits 0.
#
# usage: bench/sql/run.sh [N=100000] [BATCH=1000]
# env:   EARSHOT (binary; default ./earshot), EARSHOT_PLUGIN_PATH (default
#        next to the binary), NO_PG=1 to skip PostgreSQL, KEEP_TMP=1,
#        CORPUS=vader (default), semeval or synthetic (bench/corpus.sh),
#        an empty BATCH ('') takes the sink's default batch.max,
#        ONLY_PG=1 for the PostgreSQL runs alone, REPS (default 1) for
#        each PostgreSQL way that many times, alternating.
# PostgreSQL is started here from Debian's postgresql package (as the
# postgres user when run as root), on a unix socket in the temp dir.
# Each backend also runs with rows_per_insert = 1 (one INSERT a row, the
# sink before multi-row inserts), for the ratio in the same run;
# PostgreSQL at the default (COPY), with 8-row pipelined inserts (the
# path without COPY) and with one row a statement, each on a fresh schema,
# with the server backends' CPU time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
n=${1:-100000}
batch=${2-1000}
. "$top/bench/lib.sh"
. "$top/bench/corpus.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/earshot-bench-sql.XXXXXX")
. "$top/tests/sql_pglib.sh"
cleanup() {
    pg_cleanup
    [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# Mentions that look like the real thing: two brands, mixed sentiment,
# some replies and handles; the text a real one from the corpus (cycled)
# or, with CORPUS=synthetic, 12-45 random words.
python3 - "$tmp/in.jsonl" "$n" "$corpus_file" <<'PY'
import json, random, sys
random.seed(7)
texts = []
if sys.argv[3]:
    for raw in open(sys.argv[3], "rb"):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("latin-1")
        t = line.rstrip("\r\n").split("\t")[-1].strip()
        if t:
            texts.append(t)
words = ("love hate great awful support refund broken fast slow thanks why "
         "never again best worst price delivery app update crash login "
         "happy sad angry ok fine meh wow lol ugh service team help").split()
brands = ["Acme", "Globex", "@AcmeSupport", "#globex", "nothing"]
with open(sys.argv[1], "w") as f:
    for i in range(int(sys.argv[2])):
        t = texts[i % len(texts)] if texts else " ".join(random.choice(words) for _ in range(random.randint(12, 45)))
        m = {"id": str(i), "network": "twitter", "author": "user%d" % random.randint(1, 50000),
             "text": "%s %s %s" % (random.choice(brands), t, random.choice(["!", "?", ":)", ":(", ""])),
             "created_at": 1790000000 + i, "lang": "en",
             "url": "https://example.invalid/%d" % i}
        if i % 7 == 0:
            m["in_reply_to"] = "twitter:%d" % (i - 1)
            m["addressed"] = ["acmesupport"]
        f.write(json.dumps(m) + "\n")
PY

# one NAME SINK-LINES: a run with its own state; prints its figures.
one() {
    name=$1 d="$tmp/$1"
    rm -rf "$d" # REPS: every run from an empty state
    mkdir -p "$d/conf.d" "$d/state"
    printf '[earshot]\nstate_dir = %s/state\nlog_level = info\nlexicon_dir = %s/contrib/lexicons\n[brand acme]\nkeywords = acme, acmesupport\n[brand globex]\nkeywords = globex\n' \
        "$d" "$top" > "$d/earshot.conf"
    printf '[source in]\nplugin = jsonl\npath = %s/in.jsonl\n' "$tmp" > "$d/conf.d/10-in.conf"
    printf '[sink out]\n%s\n%s' "$2" "${batch:+batch.max = $batch
batch.linger = 50ms
}" > "$d/conf.d/20-out.conf"
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$d/time" "$EARSHOT" run --once -c "$d/earshot.conf" > "$d/log" 2>&1 || {
        echo "$name: run failed"; tail -n 5 "$d/log" "$d/time"; return 0; }
    t1=$(date +%s.%N)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$d/time")
    cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u + s}' "$d/time")
    python3 -c 'import sys
n, t0, t1, rss, cpu = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6])
w = t1 - t0
print("%-20s %7d rows %6.2f s %7.0f rows/s %6.1f us/row  cpu %5.2f s  peak RSS %5.1f MiB" % (sys.argv[1], n, w, n / w, w * 1e6 / n, cpu, rss / 1024))' \
        "$name" "$n" "$t0" "$t1" "$rss" "$cpu"
    # The sink's own share, as it logs it at stop (time inside its
    # transactions: the SQLite jobs, the PostgreSQL round trips).
    sed -n 's/.*sink out: \([0-9]* row(s) \(written\|committed\) .*\)/    sink alone: \1/p' "$d/log"
}

# The CPU time of the PostgreSQL server's backends that have exited, in
# clock ticks (the postmaster's cutime + cstime): the server's side of a
# run, which its wall time on a shared machine hides.
pg_cpu() {
    sleep 0.5 # the postmaster reaps the backend after the client is gone
    awk '{print $16 + $17}' "/proc/$(head -n 1 "$pg_dir/data/postmaster.pid")/stat"
}
# pg_one NAME SINK-LINES: one() on a fresh schema, with the server's CPU.
pg_one() {
    pg_psql -c "drop table if exists mentions, alerts, account_events, schema_version, mention_brands, mention_topics, withdrawn" > /dev/null
    c0=$(pg_cpu)
    one "$1" "$2"
    c1=$(pg_cpu)
    rows=$(pg_psql -c 'select (select count(*) from mentions) + (select count(*) from mention_brands)')
    echo "    server CPU: $(python3 -c 'import sys; c, n = (int(sys.argv[2]) - int(sys.argv[1])) / 100, int(sys.argv[3]); print("%.2f s for %d rows, %.2f us a row (%.0f rows/s of one core)" % (c, n, c * 1e6 / n, n / c if c else 0))' "$c0" "$c1" "$rows")"
}

# The database side alone, without the agent (needs cc and libsqlite3-dev).
if [ -n "${ONLY_PG:-}" ]; then :
elif cc -O2 -I"$top/plugins/sql" -I"$top/core/include" -o "$tmp/insert_bench" "$here/insert_bench.c" "$top/plugins/sql/schema.c" \
        -lsqlite3 2>"$tmp/cc.log"; then
    "$tmp/insert_bench" "$tmp/raw.db" "$n" ${corpus_file:+"$corpus_file"}
else
    echo "insert_bench: cannot build ($(head -n 1 "$tmp/cc.log"))"
fi

echo "earshot run --once, $n mentions, texts: $corpus_desc, batch.max = ${batch:-the sink's default}"
if [ -z "${ONLY_PG:-}" ]; then
one "jsonl (baseline)" "plugin = jsonl
path = /dev/null"
one "sqlite full" "plugin = sql
dsn = sqlite:$tmp/full.db
synchronous = full"
one "sqlite full, 1 row a statement" "plugin = sql
dsn = sqlite:$tmp/full1.db
synchronous = full
rows_per_insert = 1"
one "sqlite normal" "plugin = sql
dsn = sqlite:$tmp/normal.db
synchronous = normal"
got=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from mentions").fetchone()[0])' "$tmp/full.db")
echo "  (sqlite rows written: $got)"
fi
if [ -z "${NO_PG:-}" ] && pg_available; then
    if pg_setup "$tmp/pg"; then
        # REPS=k: each way k times, alternating (the neighbours' load drifts).
        for _ in $(seq "${REPS:-1}"); do
        pg_one "postgresql, COPY" "plugin = sql
dsn = $pg_sock_dsn"
        echo "  (postgresql rows written: $(pg_psql -c 'select count(*) from mentions'))"
        pg_one "postgresql, 8-row inserts" "plugin = sql
dsn = $pg_sock_dsn
rows_per_insert = 8"
        pg_one "postgresql, 1 row a statement" "plugin = sql
dsn = $pg_sock_dsn
rows_per_insert = 1"
        echo "  (postgresql rows written: $(pg_psql -c 'select count(*) from mentions'))"
        done
    else
        echo "postgresql: cannot start a server"
    fi
else
    echo "postgresql: skipped"
fi
