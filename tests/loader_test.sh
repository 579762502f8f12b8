#!/bin/sh
# Plugin loader through the CLI: listing, --describe, refusal of a wrong-ABI
# plugin and of an object without descriptor, each naming the file.
. "$top_srcdir/tests/lib.sh"

"$EARSHOT" plugins > "$T/list" 2>&1
is $? 0 "earshot plugins exits 0"
like "$T/list" "^jsonl +source +2 " "jsonl source listed with kind and ABI"
like "$T/list" "^jsonl +sink +2 " "jsonl sink listed"
like "$T/list" "^testsrc +source +2 " "test source listed"
like "$T/list" "^badabi .*badabi.so: plugin 'badabi' was built for ABI 42, this earshot has ABI 2" "wrong ABI shown with its file"
like "$T/list" "^nodesc .*nodesc.so: plugin 'nodesc' has no (source|sink) descriptor" "object without descriptor shown with its file"

"$EARSHOT" plugins --describe testsrc > "$T/desc" 2>&1
is $? 0 "--describe exits 0"
like "$T/desc" "^  count +int +default: 10" "describe: int key with default"
like "$T/desc" "^  every +duration +default: 1m" "describe: duration key"
like "$T/desc" "^      mentions to emit" "describe: help text"
like "$T/desc" "^  tls_verify +bool +default: true" "describe: core keys"
"$EARSHOT" plugins --describe jsonl > "$T/desc2" 2>&1
like "$T/desc2" "^  path +string +required" "describe: required key"
like "$T/desc2" "^  match.label +list" "describe: sink routing keys"
"$EARSHOT" plugins --describe badabi > "$T/desc3" 2>&1
is $? 1 "--describe of a wrong-ABI plugin fails"
like "$T/desc3" "badabi.so: plugin 'badabi' was built for ABI 42" "and says why, naming the file"
"$EARSHOT" plugins --describe nosuch > "$T/desc4" 2>&1
is $? 1 "--describe of an unknown plugin fails"
like "$T/desc4" "unknown plugin 'nosuch'" "and says so"
"$EARSHOT" plugins --describe ../etc/passwd > "$T/desc5" 2>&1
like "$T/desc5" "invalid plugin name" "a path is not a plugin name"

# run refuses to start with a wrong-ABI plugin and says which file.
write_main "$T"
printf '[source x]\nplugin = badabi\n' > "$T/conf.d/10.conf"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/run"
is $? 2 "run with a wrong-ABI plugin exits 2"
like "$T/run" "conf.d/10.conf:2: .*badabi.so: plugin 'badabi' was built for ABI 42" "run names the config line and the file"
"$EARSHOT" check -c "$T/earshot.conf" > "$T/check"
is $? 1 "check exits 1"
like "$T/check" "conf.d/10.conf:2: .*badabi.so" "check prints file:line"

for cmd in run check plugins; do
    "$EARSHOT" $cmd --help > "$T/help" 2>&1
    is $? 0 "earshot $cmd --help exits 0"
    like "$T/help" "^usage: earshot $cmd" "earshot $cmd --help prints usage"
done
"$EARSHOT" frobnicate > /dev/null 2>&1
is $? 2 "an unknown command exits 2"
done_testing
