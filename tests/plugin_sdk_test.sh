#!/bin/sh
# A plugin written outside the tree (contrib/example-plugin) builds
# against the *installed* headers found by pkg-config, and the installed
# binary loads and runs it (issue 20): the installed API is complete for a
# real source plugin, and nothing private leaks into it.
. "$top_srcdir/tests/lib.sh"
command -v pkg-config > /dev/null || skip_all "pkg-config not installed"
D="$T/root"
make -C "$top_builddir" install DESTDIR="$D" > "$T/install.log" 2>&1
is $? 0 "make install DESTDIR=... succeeds"
bindir=$(make_var bindir) libdir=$(make_var libdir) pkglibdir=$(make_var pkglibdir) pkgdatadir=$(make_var pkgdatadir) includedir=$(make_var includedir)
for h in plugin text date json strbuf numfmt file swar fields; do
    check "<earshot/$h.h> is installed" test -f "$D$includedir/earshot/$h.h"
done

# Only what an installed tree has: the example's own Makefile, pkg-config
# pointed at the DESTDIR root, and a copy of the sources away from the tree.
export PKG_CONFIG_PATH="$D$libdir/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D"
pkg-config --cflags earshot > "$T/cflags"
like "$T/cflags" "(^| )-I$D$includedir( |$)" "pkg-config gives the installed include directory"
cp -r "$top_srcdir/contrib/example-plugin" "$T/ext"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$T/ext" CFLAGS="-O2 -Wall -Wextra -Werror" > "$T/build.log" 2>&1
is $? 0 "the example plugin builds against the installed headers alone (-Werror)"
[ $? -eq 0 ] || sed 's/^/# /' "$T/build.log"
is "$(nm -D --defined-only "$T/ext/hello.so" | awk '$2 ~ /^[TDR]$/ {print $3}' | tr '\n' ' ')" "earshot_source " \
    "it exports its descriptor only"

# A private core header is not in the installed tree: a plugin cannot
# reach past the contract.
printf '#include "util.h"\n#include <earshot/plugin.h>\n' > "$T/ext/private.c"
cc $(pkg-config --cflags earshot) -fsyntax-only "$T/ext/private.c" > /dev/null 2>&1
ok "$([ $? -ne 0 ]; echo $?)" "a private core header cannot be included by an installed-tree plugin"

write_main "$T"
cat > "$T/conf.d/10.conf" <<EOC
[source hi]
plugin = hello
count = 4
html = <p>Service at <b>acme</b> was &quot;great&quot;</p>

[sink out]
plugin = jsonl
path = $T/out.jsonl
EOC
export EARSHOT_PLUGIN_PATH="$D$pkglibdir:$T/ext" EARSHOT_LEXICON_DIR="$D$pkgdatadir/lexicons"
sed -i "s|^lexicon_dir = .*|lexicon_dir = $D$pkgdatadir/lexicons|" "$T/earshot.conf"
"$D$bindir/earshot" plugins > "$T/plugins.out" 2>&1
like "$T/plugins.out" "hello" "the installed binary lists the example plugin"
"$D$bindir/earshot" check -c "$T/earshot.conf" > "$T/check.out" 2>&1
is $? 0 "earshot check accepts its configuration"
"$D$bindir/earshot" run --once -c "$T/earshot.conf" 2> "$T/run.log"
is $? 0 "the installed binary runs it (--once)"
is "$(grep -c '"kind":"mention"' "$T/out.jsonl")" 4 "its four mentions reach the jsonl sink"
python3 - "$T/out.jsonl" > "$T/cmp" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if '"mention"' in l]
print("text", r[0]["text"])
print("ids", " ".join(sorted(x["id"] for x in r)))
print("at", r[0]["created_at"])
print("brand", r[0].get("sentiment", {}).get("label") is not None)
PY
like "$T/cmp" '^text Service at acme was "great"$' "es_html_to_text and es_entities work from outside the tree"
like "$T/cmp" '^ids hello:hello-0 hello:hello-1 hello:hello-2 hello:hello-3$' "es_strbuf built the ids"
like "$T/cmp" "^at 179628840[0-3]$" "es_time_parse read the date (2026-12-03T09:00:00Z)"
like "$T/cmp" '^brand True$' "the mentions went through the stages (scored)"

sed -i 's/^count = 4/count = 4\ndate = the day before yesterday/' "$T/conf.d/10.conf"
"$D$bindir/earshot" run --once -c "$T/earshot.conf" 2> "$T/bad.log"
ok "$([ $? -ne 0 ]; echo $?)" "a bad date stops the run"
like "$T/bad.log" "date: not a date: the day before yesterday" "with the plugin's own error"
done_testing
