# Shared helpers for shell tests that print TAP. Source it; then use
# ok/is/like/check, and finish with done_testing.
set -u
tap_n=0
tap_fail=0
T=$(mktemp -d "${TMPDIR:-/tmp}/earshot-test.XXXXXX")
tap_cleanup() { :; }
# EARSHOT_TEST_KEEP=1 keeps the scratch directory for a post-mortem.
trap 'tap_cleanup; if [ -n "${EARSHOT_TEST_KEEP:-}" ]; then echo "# kept $T"; else rm -rf "$T"; fi' EXIT

: "${EARSHOT:?EARSHOT must name the earshot binary (run through make check)}"
export EARSHOT_PLUGIN_PATH="${EARSHOT_PLUGIN_PATH:-}"

ok() { # ok STATUS DESCRIPTION: STATUS 0 passes
    local st=$1; shift
    tap_n=$((tap_n + 1))
    if [ "$st" -eq 0 ]; then echo "ok $tap_n - $*"; else echo "not ok $tap_n - $*"; tap_fail=$((tap_fail + 1)); fi
}
check() { local d=$1; shift; if "$@" >/dev/null 2>&1; then ok 0 "$d"; else ok 1 "$d"; fi; }
is() {
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3"; echo "#   got '$1', want '$2'"; fi
}
like() { # like FILE_OR_TEXT PATTERN DESC (grep -E on a file)
    if grep -qE -- "$2" "$1" 2>/dev/null; then ok 0 "$3"; else ok 1 "$3"; echo "#   '$2' not found in $1"; sed 's/^/#   | /' "$1" 2>/dev/null | tail -n 15; fi
}
unlike() {
    if grep -qE -- "$2" "$1" 2>/dev/null; then ok 1 "$3"; echo "#   '$2' found in $1"; else ok 0 "$3"; fi
}
diag() { echo "# $*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
done_testing() { echo "1..$tap_n"; [ "$tap_fail" -eq 0 ]; exit $?; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for SECONDS COMMAND...: polls every 0.1 s.
wait_for() {
    local n=$(( $1 * 10 )); shift
    while [ $n -gt 0 ]; do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1; n=$((n - 1))
    done
    return 1
}

# lines FILE: number of lines (0 if missing).
lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }

# write_main DIR [EXTRA LINES]: a main config with state and drop-ins in DIR.
write_main() {
    mkdir -p "$1/conf.d"
    {
        printf '[earshot]\nstate_dir = %s/state\nlog_level = debug\nlexicon_dir = %s/contrib/lexicons\n' "$1" "$top_srcdir"
        [ $# -gt 1 ] && printf '%s\n' "$2"
    } > "$1/earshot.conf"
}

# has_lines FILE N: FILE has exactly N lines (for wait_for).
has_lines() { [ "$(lines "$1")" -eq "$2" ]; }

# make_var NAME: a variable of the build's Makefile (bindir, pkglibdir ...).
make_var() {
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$top_builddir" -f - print <<EOM 2>/dev/null
include Makefile
print:
	@echo \$($1)
EOM
}

# sink_schema DIR: DIR's conf.d gets a jsonl source reading DIR/in.jsonl
# and an sql sink on sink.db in the state directory; one --once run
# creates the sink's schema. Returns the run's status (log: DIR/run.log).
sink_schema() {
    cat > "$1/conf.d/10.conf" <<EOF2
[source stream]
plugin = jsonl
path = $1/in.jsonl

[sink db]
plugin = sql
dsn = sqlite:sink.db
EOF2
    timeout 60 "$EARSHOT" run --once -c "$1/earshot.conf" > "$1/run.log" 2>&1
}

# need_browser: $browser is a headless-capable Chromium, or the test skips.
need_browser() {
    browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
    [ -n "$browser" ] || skip_all "chromium not installed (apt-get install chromium)"
}
