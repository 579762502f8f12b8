#!/bin/sh
# The brand stage's matcher on real tweet texts: 10, 1,000 and 10,000
# queries against the keyword stage before queries, in one run.
#   EARSHOT=build/rel/earshot bench/queries/run.sh [MENTIONS] [REPS]
# Uses $EARSHOT_SHARED_DATA/sentiment/tweets_GroundTruth.txt (the VADER
# tweets). Figures, not pass/fail.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib.sh"
data=${EARSHOT_SHARED_DATA:-$top/../shared/data}
file=$data/sentiment/tweets_GroundTruth.txt
[ -r "$file" ] || { echo "run.sh: $file not found (set EARSHOT_SHARED_DATA)" >&2; exit 1; }
make -s -C "$build" bench/queries/query_bench >/dev/null
"$build/bench/queries/query_bench" "$file" "${1:-200000}" "${2:-3}"
