#!/bin/sh
# Every example in the tree's conf.d/ and contrib/ passes `earshot check`.
. "$top_srcdir/tests/lib.sh"

printf '[earshot]\nstate_dir = %s/state\nconf_dir = %s/conf.d\n' "$T" "$top_srcdir" > "$T/earshot.conf"
"$EARSHOT" check -c "$T/earshot.conf" > "$T/out" 2>&1
is $? 0 "earshot check passes on every conf.d example"
sed 's/^/#   /' "$T/out"
n=$(ls "$top_srcdir"/conf.d/*.conf | wc -l)
like "$T/out" "OK \(($n|[0-9]+) file" "all $n drop-ins read"
sed "s|^conf_dir = conf.d|conf_dir = $top_srcdir/conf.d|" "$top_srcdir/contrib/earshot.conf.example" > "$T/main.conf"
"$EARSHOT" check -c "$T/main.conf" > "$T/out2" 2>&1
is $? 0 "the example main config passes too"
sed 's/^/#   /' "$T/out2"
done_testing
