#!/bin/sh
# The README's second command (and what .ci/run calls): installs what is
# missing, builds twice (release with -Werror, and ASan+UBSan), runs the
# whole TAP suite in both, builds and checks the Debian package, and ends
# with "N passed, N failed[, N skipped]".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/contrib/install-deps.sh" --deb || exit 1
jobs=$(nproc)
status=0
for variant in release asan; do
    dir="$top/build/check-$variant"
    args=""
    [ "$variant" = asan ] && args="--enable-sanitizers"
    # shellcheck disable=SC2086
    if ! "$top/contrib/build.sh" "$dir" $args; then
        echo "build ($variant) failed" >&2
        status=1
        continue
    fi
    echo "== test suite ($variant)"
    # LeakSanitizer also runs: libraries' process-lifetime allocations are
    # suppressed in tests/lsan.supp, never the project's own.
    ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
    LSAN_OPTIONS=suppressions="$top/tests/lsan.supp":print_suppressions=0 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        make -C "$dir" -j"$jobs" check >"$dir/check.out" 2>&1 || status=1
    if grep -qE '^(FAIL|ERROR|XPASS)' "$dir/check.out"; then
        grep -E '^(FAIL|ERROR|XPASS)' "$dir/check.out" | head -40
    elif [ "$status" -ne 0 ]; then
        tail -n 20 "$dir/check.out"   # failed before any test ran: say why
    fi
    grep -E '^# (TOTAL|PASS|SKIP|FAIL|ERROR):' "$dir/check.out" | tr '\n' ' '; echo
done
echo "== Debian package"
mkdir -p "$top/build"
"$top/contrib/deb-check.sh" > "$top/build/deb-check.tap" 2>&1 || status=1
grep -E '^not ok' "$top/build/deb-check.tap"
# Count every test point of both variants from automake's .trs files, and
# of the package check from its TAP.
pass=$(grep -cE '^ok [0-9]+ - ([^#]|$)' "$top/build/deb-check.tap")
fail=$(grep -c '^not ok' "$top/build/deb-check.tap")
skip=$(grep -cE '^ok [0-9]+ - # SKIP' "$top/build/deb-check.tap")
for trs in $(find "$top/build/check-release" "$top/build/check-asan" -name '*.trs' 2>/dev/null); do
    p=$(grep -c '^:test-result: PASS' "$trs"); f=$(grep -cE '^:test-result: (FAIL|ERROR|XPASS)' "$trs")
    s=$(grep -c '^:test-result: SKIP' "$trs")
    pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
done
[ "$status" -ne 0 ] && [ "$fail" -eq 0 ] && fail=1
if [ "$skip" -gt 0 ]; then
    echo "$pass passed, $fail failed, $skip skipped"
else
    echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
