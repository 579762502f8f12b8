#!/bin/sh
# Runs a program under valgrind memcheck the way `make check-valgrind` wants
# it: every leak of a kind that matters and every memory error make the
# program exit with 97, the report goes to stderr (so into the test's .log),
# and the process-lifetime allocations of the libraries are suppressed
# (tests/valgrind.supp).
#
# usage: contrib/valgrind.sh PROGRAM [ARGS...]
# env:   VALGRIND (valgrind), VALGRIND_OPTS (extra options),
#        VALGRIND_LOG_DIR: write each process's report to DIR/vg.PID.log
#        instead of stderr (empty when clean: -q); `make check-valgrind`
#        sets it and fails on any non-empty report, so a test that ignores
#        its program's exit status or stderr still cannot hide a leak
here=$(cd "$(dirname "$0")/.." && pwd)
supp="$here/tests/valgrind.supp"
# Shell scripts (libtool wrappers, test scripts) are run as they are: only
# ELF programs are worth instrumenting, and valgrind on /bin/sh would only
# measure the shell.
case $(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ') in
*ELF*) ;;
*) exec "$@" ;;
esac
log=""
if [ -n "${VALGRIND_LOG_DIR:-}" ]; then
    mkdir -p "$VALGRIND_LOG_DIR"
    log="--log-file=$VALGRIND_LOG_DIR/vg.%p.log"
    # exec keeps the pid: the report's name tells which command it was.
    echo "$*" >"$VALGRIND_LOG_DIR/vg.$$.cmd"
fi
# shellcheck disable=SC2086
exec "${VALGRIND:-valgrind}" -q --tool=memcheck --leak-check=full \
    --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible \
    --error-exitcode=97 --track-fds=no --num-callers=50 \
    --suppressions="$supp" $log ${VALGRIND_OPTS:-} "$@"
