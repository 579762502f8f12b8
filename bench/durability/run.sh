#!/bin/sh
# The long kill and outage run of issue 8: 100,000 mentions, 20 SIGKILLs,
# into SQLite, PostgreSQL and a webhook (tests/durability_e2e.sh with
# bigger numbers). Prints the TAP lines and the figures (duplicates seen by
# the webhook, peak RSS through the outage). Run from a configured build
# directory: bench/durability/run.sh [BUILD_DIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$top/build/check-release}" && pwd)
export top_srcdir="$top" top_builddir="$build" EARSHOT="$build/earshot"
EARSHOT_PLUGIN_PATH=$(ls -d "$build"/plugins/*/.libs | tr '\n' ':')
export EARSHOT_PLUGIN_PATH EARSHOT_LEXICON_DIR="$top/contrib/lexicons"
export DURABILITY_N="${DURABILITY_N:-100000}" DURABILITY_KILLS="${DURABILITY_KILLS:-20}"
start=$(date +%s)
sh "$top/tests/durability_e2e.sh"
echo "# wall time $(( $(date +%s) - start )) s"
