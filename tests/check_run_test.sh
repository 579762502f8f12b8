#!/bin/sh
# `earshot check` refuses everything `earshot run` refuses, with the same
# message, before run would open a connection: each case below is a
# config `run` stops on; check must fail on it too (exit 1) and say why.
. "$top_srcdir/tests/lib.sh"

inv_ok="network,handle,brand,owner,status
twitter,AcmeSupport,acme,care,active"

# case NAME PATTERN: $T/NAME/earshot.conf is the config; PATTERN (grep -E)
# is what both commands must say.
case_both() {
    name=$1 pat=$2 d="$T/$1"
    "$EARSHOT" check -c "$d/earshot.conf" > "$d/check.out" 2>&1
    st=$?
    is "$st" 1 "$name: check exits 1"
    like "$d/check.out" "$pat" "$name: check says why"
    "$EARSHOT" run -c "$d/earshot.conf" --once > "$d/run.out" 2>&1
    st=$?
    ok "$([ "$st" -ne 0 ] && echo 0 || echo 1)" "$name: run refuses it too (exit $st)"
    like "$d/run.out" "$pat" "$name: run says the same"
    unlike "$d/run.out" "started \(plugin" "$name: run started no instance"
}

# new NAME [MAIN-EXTRA]: a config with one test source and one test sink.
new() {
    write_main "$T/$1" "${2:-}"
    cat > "$T/$1/conf.d/10.conf" <<EOC
[source gen]
plugin = testsrc
count = 3

[sink out]
plugin = testsink
path = $T/$1/out.jsonl
EOC
}

new good
check "control: check passes a good config" "$EARSHOT" check -c "$T/good/earshot.conf"
"$EARSHOT" run -c "$T/good/earshot.conf" --once > "$T/good/run.out" 2>&1
is $? 0 "control: run --once takes it"

new lexdir
sed -i "s|^lexicon_dir = .*|lexicon_dir = $T/nolexicons|" "$T/lexdir/earshot.conf"
case_both lexdir "sentiment: .*$T/nolexicons"

new extralex "sentiment.extra_lexicon = $T/no-such-extra.tsv"
case_both extralex "sentiment: .*no-such-extra.tsv"

new invmissing "inventory = $T/no-such-inventory.csv"
case_both invmissing "no-such-inventory.csv: cannot open inventory"

new invstatus "inventory = $T/invstatus/inv.csv"
printf '%s\ntwitter,Acme,acme,marketing,retired\n' "$inv_ok" > "$T/invstatus/inv.csv"
case_both invstatus "inv.csv:3: status must be active, dormant or sunset"

new invdup "inventory = $T/invdup/inv.csv"
printf '%s\ntwitter,acmesupport,acme,care,dormant\n' "$inv_ok" > "$T/invdup/inv.csv"
case_both invdup "inv.csv:3: duplicate account"

new owner
printf 'match.owner = care\n' >> "$T/owner/conf.d/10.conf"
case_both owner "10.conf:[0-9]+: match.owner: no inventory is configured"

# A plugin key outside the range its key table declares.
new range
printf 'window = 10ms\n' >> "$T/range/conf.d/10.conf"
case_both range "10.conf:[0-9]+: window: must be between 100ms and 1h \\(got '10ms'\\)"

new range_int
sed -i 's/^count = 3$/count = -1/' "$T/range_int/conf.d/10.conf"
case_both range_int "10.conf:[0-9]+: count: must be at least 0"

# A key whose value must be one of a list.
new choice
printf 'mode = sometimes\n' >> "$T/choice/conf.d/10.conf"
case_both choice "10.conf:[0-9]+: mode: must be one of always, never \(got 'sometimes'\)"

# A core sink key (its range is in the core's table).
new batch
printf 'batch.max = 0\n' >> "$T/batch/conf.d/10.conf"
case_both batch "10.conf:[0-9]+: batch.max: must be (at least 1|between 1 and 100000)"

# check reports every problem of a config in one pass.
new many "inventory = $T/no-such-inventory.csv"
sed -i "s|^lexicon_dir = .*|lexicon_dir = $T/nolexicons|" "$T/many/earshot.conf"
printf 'window = 2h\n' >> "$T/many/conf.d/10.conf"
"$EARSHOT" check -c "$T/many/earshot.conf" > "$T/many/out" 2>&1
like "$T/many/out" "window: must be between" "several problems: the key range"
like "$T/many/out" "cannot open inventory" "several problems: the inventory"
like "$T/many/out" "sentiment: " "several problems: the lexicons"

# Typos: "did you mean", the installed plugins instead of the search path,
# problems in file order.
write_main "$T/typo" "log_levle = info"
printf '[source gen]\nplugin = testsrcc\n\n[sink out]\nplugin = testsink\npaht = x\nbatch.maxx = 3\n' > "$T/typo/conf.d/10.conf"
"$EARSHOT" check -c "$T/typo/earshot.conf" > "$T/typo/out" 2>&1
like "$T/typo/out" "earshot.conf:5: unknown key 'log_levle' in \[earshot\] \(did you mean 'log_level'\?\)" "a main key typo: did you mean"
like "$T/typo/out" "10.conf:2: unknown plugin 'testsrcc' \(did you mean 'testsrc'\? source plugins installed: .*jsonl.*testsrc" "a plugin typo: did you mean, and the installed ones"
unlike "$T/typo/out" "\.libs" "not the search path"
like "$T/typo/out" "10.conf:6: unknown key 'paht' for plugin 'testsink' \(did you mean 'path'\?\)" "a plugin key typo"
like "$T/typo/out" "10.conf:7: unknown key 'batch.maxx' for plugin 'testsink' \(did you mean 'batch.max'\?\)" "a core sink key typo"
is "$(sed -n 1p "$T/typo/out" | grep -c 'earshot.conf:5')$(sed -n 2p "$T/typo/out" | grep -c '10.conf:2')$(sed -n 3p "$T/typo/out" | grep -c '10.conf:6')" 111 "in file order"

# The bounds are shown where the keys are documented.
"$EARSHOT" plugins --describe testsink > "$T/describe" 2>&1
like "$T/describe" "^  window +duration default: 1s range: 100ms\.\.1h" "--describe shows a key's range"
like "$T/describe" "^  mode +string +default: always one of: always\|never" "--describe shows a key's choices"
like "$T/describe" "^  batch.max +int +default: 100 range: 1\.\.100000" "--describe shows a core key's range"
"$EARSHOT" plugins --man > "$T/man" 2>&1
like "$T/man" "^\.B window \" \(duration, default 1s, range 100ms\.\.1h\)" "the man page shows it too"

done_testing
