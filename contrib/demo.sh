#!/bin/sh
# The README's first command: installs what is missing, builds, and runs
# earshot once over the bundled sample mentions, then prints a summary.
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
if [ -x "$top/contrib/summary.sh" ] && [ -f "$EARSHOT_DEMO_DIR/earshot.db" ]; then
    "$top/contrib/summary.sh" "$EARSHOT_DEMO_DIR/earshot.db"
else
    echo
    echo "mentions per brand and sentiment label ($EARSHOT_DEMO_DIR/mentions.out.jsonl):"
    python3 - "$EARSHOT_DEMO_DIR/mentions.out.jsonl" <<'PY'
import collections, json, sys
c = collections.Counter()
for line in open(sys.argv[1]):
    r = json.loads(line)
    c[(r["brand"] or "(none)", (r["sentiment"] or {}).get("label", "unscored"))] += 1
for (b, l), n in sorted(c.items()):
    print(f"  {b:10} {l:9} {n}")
PY
fi
