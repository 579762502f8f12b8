#!/bin/sh
# earshot run --dry-run: sources poll once, each record a sink would get is
# printed (SINK<TAB>JSON) and nothing is delivered nor recorded in the
# state database.
. "$top_srcdir/tests/lib.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 CLI not installed"

mkdir -p "$T/tmp"
TMPDIR="$T/tmp"
export TMPDIR
src="$top_srcdir/contrib/samples/mentions.jsonl"
n=$(lines "$src")
dead_port=$(free_port)
write_main "$T" '[brand acme]
keywords = acme, acmesupport'
cat > "$T/conf.d/10.conf" <<EOC
[source in]
plugin = jsonl
path = $src

[sink out]
plugin = jsonl
path = $T/out.jsonl

[sink hook]
plugin = webhook
url = http://127.0.0.1:$dead_port/hook
match.brand = acme
EOC
"$EARSHOT" run -c "$T/earshot.conf" --dry-run > "$T/dry1" 2> "$T/log1"
is $? 0 "--dry-run exits 0"
is "$(grep -c '^out	{"kind":"mention"' "$T/dry1")" "$n" "every mention the out sink would get is printed"
acme=$(grep '^out	' "$T/dry1" | grep -c '"brand":"acme"')
is "$(grep -c '^hook	' "$T/dry1")" "$acme" "the hook sink's routing applies (match.brand = acme: $acme)"
ok "$([ ! -e "$T/out.jsonl" ] && echo 0 || echo 1)" "the jsonl sink wrote nothing"
unlike "$T/log1" "Couldn't connect|HTTP transfer failed" "the webhook was never contacted"
like "$T/log1" "dry run: nothing is delivered" "the log says it is a dry run"
"$EARSHOT" run -c "$T/earshot.conf" --dry-run > "$T/dry2" 2> /dev/null
is "$(grep -c '^out	' "$T/dry2")" "$n" "a second dry run prints the same: nothing was recorded"
is "$(ls "$T/tmp" | wc -l | tr -d ' ')" 0 "the temporary state copy is removed"

# A real run, then a dry run: the copy of the state says nothing is new.
sed -i '/^\[sink hook\]/,$d' "$T/conf.d/10.conf"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log3"
is "$(lines "$T/out.jsonl")" "$n" "the real run delivers"
"$EARSHOT" run -c "$T/earshot.conf" --dry-run > "$T/dry3" 2> "$T/log4"
is $? 0 "a dry run after it exits 0"
is "$(grep -c '^out	{"kind":"mention"' "$T/dry3")" 0 "and prints no mention: its checkpoint came from the real state"
is "$(lines "$T/out.jsonl")" "$n" "the sink's file is unchanged"
done_testing
