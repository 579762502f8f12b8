#!/bin/sh
# The README's first command: installs what is missing, builds, and runs
# earshot once over the bundled sample mentions into an SQLite database
# (the sql sink's embedded default), then prints a summary from it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/contrib/install-deps.sh"
"$top/contrib/build.sh" "$top/build"
export EARSHOT_PLUGIN_PATH
EARSHOT_PLUGIN_PATH=$(ls -d "$top"/build/plugins/*/.libs | tr '\n' ':')
export EARSHOT_SAMPLES="$top/contrib/samples"
export EARSHOT_DEMO_DIR="$top/build/demo"
rm -rf "$EARSHOT_DEMO_DIR"
mkdir -p "$EARSHOT_DEMO_DIR"
"$top/build/earshot" check -c "$EARSHOT_SAMPLES/earshot.conf"
"$top/build/earshot" run --once -c "$EARSHOT_SAMPLES/earshot.conf"
echo
"$top/contrib/summary.sh" "$EARSHOT_DEMO_DIR/earshot.db"
