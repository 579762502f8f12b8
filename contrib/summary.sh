#!/bin/sh
# Prints a short summary of an earshot SQLite database written by the sql
# sink: how many records of each kind, then mentions per brand and
# sentiment label: every brand a mention names (mention_brands), the
# brand's own posts (owned) counted apart. Usage: contrib/summary.sh PATH/earshot.db
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 DATABASE" >&2
    exit 2
fi
if [ ! -f "$1" ]; then
    echo "$0: $1: no such database" >&2
    exit 1
fi
exec python3 - "$1" <<'PY'
import sqlite3, sys, urllib.parse

path = sys.argv[1]
try:
    # Read-only: a summary must never create or migrate anything.
    db = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(path), uri=True)
    n = {t: db.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
         for t in ("mentions", "alerts", "account_events")}
    rows = db.execute(
        "SELECT b.brand, coalesce(m.sentiment_label, 'unscored'), count(*) FROM mention_brands b"
        " JOIN mentions m ON m.id = b.mention_id WHERE b.owned = 0 GROUP BY 1, 2"
        " UNION ALL SELECT '(none)', coalesce(sentiment_label, 'unscored'), count(*) FROM mentions m"
        " WHERE NOT EXISTS (SELECT 1 FROM mention_brands b WHERE b.mention_id = m.id) GROUP BY 2").fetchall()
    owned = dict(db.execute("SELECT brand, count(*) FROM mention_brands WHERE owned = 1 GROUP BY 1").fetchall())
except sqlite3.Error as e:
    print("%s: %s: %s" % (sys.argv[0], path, e), file=sys.stderr)
    sys.exit(1)

print("%s: %d mentions, %d alerts, %d account events" % (path, n["mentions"], n["alerts"], n["account_events"]))
labels = ["positive", "neutral", "negative"]
per = {}
for brand, label, count in rows:
    per.setdefault(brand, {})[label] = count
print()
print("%-12s %9s %9s %9s %9s %9s" % ("brand", *labels, "total", "own posts"))
for brand in sorted(per, key=lambda b: (b == "(none)", b)):
    c = per[brand]
    print("%-12s %9d %9d %9d %9d %9d" % (brand, *(c.get(l, 0) for l in labels), sum(c.values()), owned.get(brand, 0)))
PY
