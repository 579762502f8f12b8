# Sourced by bench/*/run.sh: EARSHOT becomes the absolute path of the built
# binary (default ./earshot), build its directory, and EARSHOT_PLUGIN_PATH
# the plugins built beside it unless the caller set one.
EARSHOT=${EARSHOT:-./earshot}
[ -x "$EARSHOT" ] || { echo "set EARSHOT to the built earshot binary" >&2; exit 1; }
build=$(cd "$(dirname "$EARSHOT")" && pwd)
EARSHOT=$build/$(basename "$EARSHOT")
if [ -z "${EARSHOT_PLUGIN_PATH:-}" ]; then
    EARSHOT_PLUGIN_PATH=$(ls -d "$build"/plugins/*/.libs | tr '\n' ':')
    export EARSHOT_PLUGIN_PATH
fi
