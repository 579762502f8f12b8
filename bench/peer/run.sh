#!/bin/sh
# earshot against what a data team writes instead, on real text: N tweets
# (default 100,000) whose texts are the VADER tweets (CORPUS=vader), the
# labelled SemEval tweets (CORPUS=semeval) or the generator's synthetic
# ones (CORPUS=synthetic), cycled into Twitter API v2 pages, then
#   earshot   `earshot import` -> all stages -> sql sink, SQLite, defaults
#   earshot-1 the same with the sink's settings of before multi-row inserts
#             (batch.max = 100, rows_per_insert = 1), for the ratio
#   earshot-p the same stages with no sink taking the records (a jsonl
#             sink whose match.network no tweet has): the pipeline alone,
#             so earshot less earshot-p is the sql sink's share (queue,
#             rows, the SQLite write), in the same run
#   python    peer.py: json + NLTK VADER (Debian python3-nltk) + sqlite3 executemany
#   node      peer.js: JSON.parse + vader-sentiment (npm) + sql.js
# each REPS times (default 3), alternating, every run on a fresh database.
# Prints CPU (user+sys), wall, tweets/s, µs per tweet and peak RSS, then
# each peer's ratio to earshot from the same run. A benchmark, not a test.
#
# usage: bench/peer/run.sh [N=100000]
# env:   EARSHOT (binary; default ./earshot), EARSHOT_SHARED_DATA, CORPUS,
#        REPS, PEERS="python node" (the ones to run), KEEP_TMP=1.
# The peers' packages are the bench's own: python3-nltk from Debian (apt,
# as root), vader-sentiment and sql.js from npm into bench/peer/node_modules
# (git-ignored); the VADER lexicon NLTK reads is the npm package's file,
# copied into the temp dir (NLTK's own lexicon is a separate download).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
n=${1:-100000}
. "$top/bench/lib.sh"
. "$top/bench/corpus.sh"
peers=${PEERS:-python node}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/earshot-bench-peer.XXXXXX")
cleanup() { [ -n "${KEEP_TMP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

# The peers' own packages.
if ! /usr/bin/python3 -c 'import nltk.sentiment.vader' 2>/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-nltk >/dev/null 2>&1 || :
    fi
fi
if ! command -v node >/dev/null 2>&1 || [ -f "$here/node_modules/sql.js/package.json" ] ||
        npm install --prefix "$here" --no-save --no-audit --no-fund --ignore-scripts \
            vader-sentiment@1.1.3 sql.js@1 >/dev/null 2>&1; then :; fi
lexsrc=$here/node_modules/vader-sentiment/vader_lexicon.txt
# NLTK splits the lexicon on "\n" and refuses the empty line after the
# last newline: strip it (and any CR).
[ -f "$lexsrc" ] && printf '%s' "$(tr -d '\r' < "$lexsrc")" > "$tmp/vader_lexicon.txt"

file=$tmp/tweets.v2
corpus_gen v2 "$n" "$file"
echo "peer bench: $n tweets, v2 pages, texts: $corpus_desc, $(($(wc -c < "$file") / 1048576)) MiB"

mkdir -p "$tmp/conf.d"
cat > "$tmp/earshot.conf" <<CONF
[earshot]
state_dir = $tmp/state
conf_dir = $tmp/conf.d
log_level = warn
lexicon_dir = $top/contrib/lexicons
[brand acme]
keywords = acme
CONF
printf '[sink db]\nplugin = sql\ndsn = sqlite:%s/earshot.db\n' "$tmp" > "$tmp/conf.d/20-db.conf"
mkdir -p "$tmp/conf1.d"
sed "s|conf_dir = .*|conf_dir = $tmp/conf1.d|; s|state_dir = .*|state_dir = $tmp/state1|" "$tmp/earshot.conf" > "$tmp/earshot1.conf"
printf '[sink db]\nplugin = sql\ndsn = sqlite:%s/earshot-1.db\nbatch.max = 100\nrows_per_insert = 1\n' "$tmp" > "$tmp/conf1.d/20-db.conf"

mkdir -p "$tmp/confp.d"
sed "s|conf_dir = .*|conf_dir = $tmp/confp.d|; s|state_dir = .*|state_dir = $tmp/statep|" "$tmp/earshot.conf" > "$tmp/earshotp.conf"
printf '[sink out]\nplugin = jsonl\npath = /dev/null\nmatch.network = none\n' > "$tmp/confp.d/20-out.conf"

have=""
for p in $peers; do
    case $p in
    python) /usr/bin/python3 -c 'import nltk.sentiment.vader' 2>/dev/null && [ -f "$tmp/vader_lexicon.txt" ] &&
                have="$have python" || echo "python peer skipped (python3-nltk or the npm lexicon missing)" ;;
    node) [ -f "$here/node_modules/sql.js/package.json" ] && have="$have node" ||
              echo "node peer skipped (node, vader-sentiment or sql.js missing)" ;;
    esac
done

python3 - "$tmp" "$n" "${REPS:-3}" "$EARSHOT" "$here" $have <<'PY'
import os, shutil, statistics, subprocess, sys, time
tmp, n, reps, exe, here, peers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6:]
f = os.path.join(tmp, "tweets.v2")
def db(name):
    p = os.path.join(tmp, name + ".db")
    for s in ("", "-wal", "-shm"):
        if os.path.exists(p + s):
            os.unlink(p + s)
    return p
cmds = {
    "earshot": lambda: (shutil.rmtree(os.path.join(tmp, "state"), ignore_errors=True), db("earshot"),
                        [exe, "import", "-c", os.path.join(tmp, "earshot.conf"), f])[-1],
    "earshot-1": lambda: (shutil.rmtree(os.path.join(tmp, "state1"), ignore_errors=True), db("earshot-1"),
                          [exe, "import", "-c", os.path.join(tmp, "earshot1.conf"), f])[-1],
    "earshot-p": lambda: (shutil.rmtree(os.path.join(tmp, "statep"), ignore_errors=True),
                          [exe, "import", "-c", os.path.join(tmp, "earshotp.conf"), f])[-1],
    "python": lambda: ["/usr/bin/python3", os.path.join(here, "peer.py"), os.path.join(tmp, "vader_lexicon.txt"), db("python"), f],
    "node": lambda: ["node", os.path.join(here, "peer.js"), os.path.join(here, "node_modules"), db("node"), f],
}
names = ["earshot", "earshot-1", "earshot-p"] + peers
res = {k: [] for k in names}
for _ in range(reps):
    for k in names:  # alternating: the neighbours' load drifts
        argv = cmds[k]()
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, st, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        if os.waitstatus_to_exitcode(st):
            sys.exit("%s failed: %s" % (k, argv))
        res[k].append((ru.ru_utime + ru.ru_stime, wall, ru.ru_maxrss))
import sqlite3
for k in names:
    if k == "earshot-p":
        continue
    got = sqlite3.connect(os.path.join(tmp, k + ".db")).execute("select count(*) from mentions").fetchone()[0]
    if got != n:
        sys.exit("%s wrote %d rows, not %d" % (k, got, n))
print("%-9s %9s %9s %10s %10s %9s %9s" % ("", "cpu s", "wall s", "tweets/s", "us/tweet", "wall us", "peak RSS"))
best = {}
for k in names:
    cpu = min(r[0] for r in res[k]); wall = min(r[1] for r in res[k]); rss = max(r[2] for r in res[k])
    best[k] = (cpu, wall)
    print("%-9s %9.2f %9.2f %10.0f %10.2f %9.2f %6.1f MiB   (cpu median %.2f s)" %
          (k, cpu, wall, n / cpu, cpu * 1e6 / n, wall * 1e6 / n, rss / 1024, statistics.median(r[0] for r in res[k])))
print("CPU a tweet: the pipeline (earshot-p) %.2f us, the sql sink (earshot - earshot-p) %.2f us" %
      (best["earshot-p"][0] * 1e6 / n, (best["earshot"][0] - best["earshot-p"][0]) * 1e6 / n))
for k in ["earshot-1"] + peers:
    print("%s / earshot: %.1fx the CPU, %.1fx the wall time" % (k, best[k][0] / best["earshot"][0], best[k][1] / best["earshot"][1]))
PY
