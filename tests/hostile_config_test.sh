#!/bin/sh
# Odd files and values in the configuration: a FIFO among the drop-ins or
# as a ${file:...} secret, a directory as a secret, an unsupported URL
# scheme, a bad metrics_listen. `check` and `run` must say so with the
# file and line, and must never hang: every run is under timeout(1), whose
# 124 fails the test instead of the suite waiting forever.
. "$top_srcdir/tests/lib.sh"

command -v timeout >/dev/null 2>&1 || skip_all "timeout(1) not found"
command -v mkfifo >/dev/null 2>&1 || skip_all "mkfifo(1) not found"

# run_t NAME CMD...: runs CMD with a 10 s limit; output in $T/NAME.out,
# status in $T/NAME.rc.
run_t() {
    local name=$1; shift
    timeout 10 "$@" > "$T/$name.out" 2>&1
    echo $? > "$T/$name.rc"
}
rc_of() { cat "$T/$1.rc"; }

# A FIFO drop-in: refused with its name, not waited on.
d="$T/fifo"; write_main "$d"
printf '[source a]\nplugin = testsrc\n' > "$d/conf.d/10-a.conf"
mkfifo "$d/conf.d/20-pipe.conf"
run_t fifo_check "$EARSHOT" check -c "$d/earshot.conf"
is "$(rc_of fifo_check)" 1 "check on a FIFO drop-in ends with 1 (124 would be a hang)"
like "$T/fifo_check.out" "20-pipe.conf: cannot open: is a FIFO, not a regular file" "the FIFO drop-in is named"
run_t fifo_run "$EARSHOT" run -c "$d/earshot.conf" --once
rc=$(rc_of fifo_run)
ok $([ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && echo 0 || echo 1) "run refuses a FIFO drop-in without hanging (rc $rc)"
like "$T/fifo_run.out" "20-pipe.conf: cannot open: is a FIFO" "run names it too"
rm -f "$d/conf.d/20-pipe.conf"

# A directory named .conf among the drop-ins.
mkdir "$d/conf.d/30-dir.conf"
run_t dir_check "$EARSHOT" check -c "$d/earshot.conf"
like "$T/dir_check.out" "30-dir.conf: cannot open: is a directory, not a regular file" "a directory drop-in is refused"
rmdir "$d/conf.d/30-dir.conf"

# A FIFO as the main file.
mkfifo "$T/main.fifo"
run_t main_fifo "$EARSHOT" check -c "$T/main.fifo"
is "$(rc_of main_fifo)" 1 "check on a FIFO main file ends with 1"
like "$T/main_fifo.out" "main.fifo: cannot open: is a FIFO" "the main FIFO is named"

# Secrets: a FIFO, a directory, a symlink to a good file.
s="$T/sec"; write_main "$s"
mkfifo "$s/token.fifo"
mkdir -m 700 "$s/token.dir"
printf 'good-token\n' > "$s/token.real"; chmod 600 "$s/token.real"
ln -s "$s/token.real" "$s/token.link"
printf '[source a]\nplugin = testsrc\ntoken = ${file:%s/token.fifo}\n' "$s" > "$s/conf.d/a.conf"
printf '[source b]\nplugin = testsrc\ntoken = ${file:%s/token.dir}\n' "$s" > "$s/conf.d/b.conf"
printf '[source c]\nplugin = testsrc\ntoken = ${file:%s/token.link}\n' "$s" > "$s/conf.d/c.conf"
run_t sec_check "$EARSHOT" check -c "$s/earshot.conf"
is "$(rc_of sec_check)" 1 "check on FIFO and directory secrets ends with 1"
like "$T/sec_check.out" "a.conf:3: cannot read secret file .*token.fifo: is a FIFO, not a regular file" "a FIFO secret: file:line and why"
like "$T/sec_check.out" "b.conf:3: cannot read secret file .*token.dir: is a directory, not a regular file" "a directory secret: file:line and why"
unlike "$T/sec_check.out" "/c\\.conf" "a symlink to a mode-600 file is accepted"
run_t sec_run "$EARSHOT" run -c "$s/earshot.conf" --once
rc=$(rc_of sec_run)
ok $([ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && echo 0 || echo 1) "run refuses a FIFO secret without hanging (rc $rc)"
rm -f "$s/conf.d/a.conf" "$s/conf.d/b.conf"
run_t sec_ok "$EARSHOT" check -c "$s/earshot.conf"
is "$(rc_of sec_ok)" 0 "the symlinked secret alone passes"

# Other files the configuration names: the inventory and an extra lexicon.
i="$T/inv"; write_main "$i" "inventory = $T/inv.fifo
sentiment.extra_lexicon = $T/lex.fifo"
mkfifo "$T/inv.fifo" "$T/lex.fifo"
printf '[source a]\nplugin = testsrc\n' > "$i/conf.d/a.conf"
run_t inv_run "$EARSHOT" run -c "$i/earshot.conf" --once
rc=$(rc_of inv_run)
ok $([ "$rc" -ne 124 ] && echo 0 || echo 1) "run with a FIFO inventory and lexicon does not hang (rc $rc)"
like "$T/inv_run.out" "inv.fifo: cannot open inventory: is a FIFO, not a regular file|lex.fifo: is a FIFO, not a regular file" "  and names the FIFO"

# URL schemes the fetcher does not speak, caught by check as run does.
u="$T/url"; write_main "$u"
printf '[source feed]\nplugin = rss\nurl = https://ok.example/feed, gopher://old.example/1/feed\n' > "$u/conf.d/rss.conf"
printf '[source forum]\nplugin = forum\ntype = discourse\nurl = file:///etc/passwd\n' > "$u/conf.d/forum.conf"
printf '[sink hook]\nplugin = webhook\nurl = ftp://hooks.example/x\n' > "$u/conf.d/hook.conf"
run_t url_check "$EARSHOT" check -c "$u/earshot.conf"
is "$(rc_of url_check)" 1 "check refuses unsupported URL schemes"
like "$T/url_check.out" "rss.conf:3: url: expected an http:// or https:// URL.*gopher://old.example" "gopher in an rss url list, with file:line"
like "$T/url_check.out" "forum.conf:4: url: expected an http:// or https:// URL.*file:///etc/passwd" "file:// as a forum url"
like "$T/url_check.out" "hook.conf:3: url: expected an http:// or https:// URL.*ftp://" "ftp:// as a webhook url"
printf '[source feed]\nplugin = rss\nurl = https://ok.example/feed, HTTP://other.example/rss\n' > "$u/conf.d/rss.conf"
rm -f "$u/conf.d/forum.conf" "$u/conf.d/hook.conf"
run_t url_ok "$EARSHOT" check -c "$u/earshot.conf"
is "$(rc_of url_ok)" 0 "http and https URLs pass (scheme case-insensitive)"

# metrics_listen: a bare port, a port above 65535, a host name.
for v in 9464 127.0.0.1:70000 127.0.0.1:0 localhost:9464 '[::1]:'; do
    m="$T/ml"; rm -rf "$m"; write_main "$m" "metrics_listen = $v"
    run_t ml "$EARSHOT" check -c "$m/earshot.conf"
    is "$(rc_of ml)" 1 "check refuses metrics_listen = $v"
    like "$T/ml.out" "earshot.conf:5: metrics_listen '.*': " "  with the file:line"
done
for v in 127.0.0.1:9464 '[::1]:9464'; do
    m="$T/ml"; rm -rf "$m"; write_main "$m" "metrics_listen = $v"
    run_t ml "$EARSHOT" check -c "$m/earshot.conf"
    is "$(rc_of ml)" 0 "check accepts metrics_listen = $v"
done
done_testing
