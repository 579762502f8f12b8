#!/bin/sh
# The plugin contract is what the installed headers declare (issue 20):
# the binary exports exactly the functions declared ES_API in
# core/include/earshot/*.h, every plugin built here imports nothing of the
# core beyond them, and a plugin exports only its descriptors.
. "$top_srcdir/tests/lib.sh"
command -v nm > /dev/null || skip_all "nm not installed"

nm -D --defined-only "$EARSHOT" | awk '$2 ~ /^[TDBRW]$/ && $3 ~ /^es_/ {print $3}' | sort -u > "$T/exported"
# A declaration is "ES_API <type> <name>(" on one line, the pointer stars
# glued to the name or to the type.
sed -n 's/^ES_API [^(]*[ *]\(es_[a-z0-9_]*\)(.*/\1/p' "$top_srcdir"/core/include/earshot/*.h | sort -u > "$T/declared"
n=$(wc -l < "$T/declared" | tr -d ' ')
diag "$n functions declared ES_API, $(wc -l < "$T/exported" | tr -d ' ') es_* exported"
ok "$([ "$n" -ge 40 ]; echo $?)" "the headers declare the API (the parse found $n functions)"
comm -23 "$T/exported" "$T/declared" > "$T/undeclared"
is "$(tr '\n' ' ' < "$T/undeclared")" "" "the binary exports no es_* function the headers do not declare"
comm -13 "$T/exported" "$T/declared" > "$T/missing"
is "$(tr '\n' ' ' < "$T/missing")" "" "every declared function is exported"
is "$(nm -D --defined-only "$EARSHOT" | awk '$3 ~ /^es__/' | wc -l | tr -d ' ')" 0 "no private es__ name is exported"

for so in "$top_builddir"/plugins/*/.libs/*.so; do
    name=$(basename "$so" .so)
    nm -D --undefined-only "$so" | awk '$2 ~ /^es_/ {print $2}' | sort -u > "$T/$name.imports"
    is "$(comm -23 "$T/$name.imports" "$T/exported" | tr '\n' ' ')" "" "$name imports only the declared API"
    nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRW]$/ {print $3}' | grep -v '^_' > "$T/$name.exports"
    is "$(grep -cv '^earshot_\(source\|sink\)$' "$T/$name.exports")" 0 "$name exports only its descriptors"
done

# The check can fail: a core function that is not declared is not there.
is "$(grep -c '^es__state_db$' "$T/exported")" 0 "(the state database handle, private, is not exported)"
done_testing
