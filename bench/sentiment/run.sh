#!/bin/sh
# Sentiment benchmark: the accuracy figures (accuracy.c: TweetEval val,
# review sentences, VADER tweets, French, customer care), then the speed of
# the C scorer (rules + models, and rules only for reference) and, side by
# side on the same texts, the npm package vader-sentiment under node. Self-contained: compiles with gcc
# directly (no dependency on the autotools build) and npm-installs the JS
# port into bench/sentiment/node_modules (git-ignored) when missing.
#
#   bench/sentiment/run.sh [FILE] [SECONDS] [ROUNDS]
# FILE defaults to $EARSHOT_SHARED_DATA/sentiment/tweets_GroundTruth.txt.
# The two are measured alternately, ROUNDS times (default 5) for SECONDS each
# (default 2): on a shared machine the speed drifts by tens of percent from
# one second to the next, so one C run followed by one node run gives a
# ratio that says more about the drift than about the code. Each round's
# ratio is printed, then the median.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
data=${EARSHOT_SHARED_DATA:-$top/../shared/data}
file=${1:-$data/sentiment/tweets_GroundTruth.txt}
secs=${2:-2}
rounds=${3:-5}
out=${BENCH_BUILD_DIR:-${TMPDIR:-/tmp}/earshot-bench-sentiment}
[ -r "$file" ] || { echo "run.sh: $file not found (set EARSHOT_SHARED_DATA)" >&2; exit 1; }
mkdir -p "$out"

# es_strerror lives in the core; the bench needs only a stand-in.
cat > "$out/strerror_stub.c" <<'C'
const char *es_strerror(int err);
const char *es_strerror(int err) { (void)err; return "error"; }
C
# build MAIN.c OUT: the scorer's sources and one program of this folder.
build() {
    gcc -std=gnu11 -O2 -DNDEBUG -Wall -Wextra \
        -DES_LEXICON_DIR="\"$top/contrib/lexicons\"" \
        "$top"/core/sentiment/scorer.c "$top"/core/sentiment/lexicon.c \
        "$top"/core/sentiment/utf8.c "$top"/core/sentiment/tokenize.c \
        "$top"/core/sentiment/lang.c "$top"/core/sentiment/vader.c \
        "$top"/core/sentiment/rules_en.c "$top"/core/sentiment/rules_fr.c \
        "$top"/core/sentiment/features.c "$top"/core/sentiment/model.c "$top"/core/util/file_open.c -I"$top"/core -I"$top"/core/include \
        "$here/$1" "$out/strerror_stub.c" -lm -o "$out/$2"
}
build bench.c bench
build accuracy.c accuracy

"$out/accuracy" "$data" "$top"
echo
ES_BENCH_RULES_ONLY=1 "$out/bench" "$file" "$secs" | sed -n '1,3p'

c_out=$("$out/bench" "$file" "$secs")
echo "$c_out"
c_us=$(echo "$c_out" | awk '/per text/ {print $3; exit}')

if ! command -v node >/dev/null 2>&1; then
    echo "node not found: JS comparison skipped"
    exit 0
fi
if [ ! -f "$here/node_modules/vader-sentiment/package.json" ]; then
    npm install --prefix "$here" --no-save --no-audit --no-fund --ignore-scripts \
        vader-sentiment@1.1.3 >/dev/null 2>&1 ||
        { echo "npm install vader-sentiment failed: JS comparison skipped"; exit 0; }
fi
js_out=$(node "$here/bench_vader.js" "$file" "$secs")
echo "$js_out"
js_us=$(echo "$js_out" | awk '/per text/ {print $3; exit}')
ratios="$c_us $js_us"
r=2
while [ "$r" -le "$rounds" ]; do
    c_us=$("$out/bench" "$file" "$secs" | awk '/per text/ {print $3; exit}')
    js_us=$(node "$here/bench_vader.js" "$file" "$secs" | awk '/per text/ {print $3; exit}')
    ratios="$ratios
$c_us $js_us"
    r=$((r + 1))
done
echo "$ratios" | awk '{ printf "round %d: C %.3f us, node %.3f us per text: %.0fx\n", NR, $1, $2, $2 / $1 }'
echo "$ratios" | awk '{ c[NR] = $1; j[NR] = $2; x[NR] = $2 / $1 }
    function med(a, n,   i, k, t) {
        for (i = 1; i <= n; i++) for (k = i + 1; k <= n; k++) if (a[k] < a[i]) { t = a[i]; a[i] = a[k]; a[k] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    END { n = NR; printf "ratio: C is %.0fx faster than node vader-sentiment (median of %d alternating rounds; C %.3f us, node %.3f us per text, medians)\n", med(x, n), n, med(c, n), med(j, n) }'
