#!/bin/sh
# Commands that need no secret run with a sink's ${VAR} unset; commands
# that were asked for something that does not exist say so and exit
# non-zero (spool retry of an unknown sink, report --brand of an unknown
# brand).
. "$top_srcdir/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"

unset EARSHOT_TEST_UNSET_TOKEN
write_main "$T" '[brand acme]
keywords = acme
[brand globex]
keywords = globex'
cat > "$T/conf.d/10.conf" <<EOC
[source gen]
plugin = testsrc
count = 2

[sink out]
plugin = testsink
path = $T/out.jsonl

[sink hook]
plugin = webhook
url = https://hooks.example.com/x
header.Authorization = Bearer \${EARSHOT_TEST_UNSET_TOKEN}
EOC
# run and check need every secret: they still refuse.
"$EARSHOT" check -c "$T/earshot.conf" > "$T/check.out" 2>&1
is $? 1 "check refuses an unset \${VAR}"
like "$T/check.out" "10.conf:[0-9]+: environment variable EARSHOT_TEST_UNSET_TOKEN is not set" "naming it with file:line"
# Commands that start no instance do not care.
"$EARSHOT" spool status -c "$T/earshot.conf" > "$T/status.out" 2>&1
is $? 0 "spool status runs with a sink's \${VAR} unset"
"$EARSHOT" accounts reconcile -c "$T/earshot.conf" > "$T/recon.out" 2>&1
is $? 0 "accounts reconcile too"
"$EARSHOT" report -c "$T/earshot.conf" --db "sqlite:$T/none.db" --out "$T/r.html" > "$T/report.out" 2>&1
unlike "$T/report.out" "EARSHOT_TEST_UNSET_TOKEN" "report does not stop on it either"

# Something that does not exist.
"$EARSHOT" spool retry -c "$T/earshot.conf" nosuchsink > "$T/retry.out" 2>&1
is $? 1 "spool retry NOSUCHSINK exits 1"
like "$T/retry.out" "no sink 'nosuchsink' in the configuration and no dead letters for it \(sinks: out, hook\)" "and lists the sinks"
"$EARSHOT" spool retry -c "$T/earshot.conf" out > "$T/retry2.out" 2>&1
is $? 0 "spool retry of a configured sink without dead letters exits 0"
like "$T/retry2.out" "no dead letters of out: nothing requeued" "and says nothing was requeued"
"$EARSHOT" report -c "$T/earshot.conf" --brand acmee --out "$T/r2.html" > "$T/brand.out" 2>&1
is $? 1 "report --brand NOSUCH exits 1"
like "$T/brand.out" "--brand acmee: no such brand in .*earshot.conf \(brands: acme, globex\)" "and lists the brands"
ok "$([ ! -e "$T/r2.html" ] && echo 0 || echo 1)" "no page written"
done_testing
