#!/bin/sh
# earshot run without --foreground detaches properly (new session, stdio on
# /dev/null, nothing written to the terminal that started it) and logs to
# log_file, which SIGUSR1 and SIGHUP reopen after logrotate moved it.
. "$top_srcdir/tests/lib.sh"
[ -d /proc/self/fd ] || skip_all "no /proc"

pid=
tap_cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; }
agent_pid() { cat "$1/state/earshot.pid" 2>/dev/null | tr -dc 0-9; }
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

write_main "$T" "log_file = earshot.log"
printf '[source gen]\nplugin = testsrc\ncount = 3\n\n[sink out]\nplugin = testsink\npath = %s/out.jsonl\n' "$T" > "$T/conf.d/10.conf"
(cd / && "$EARSHOT" run -c "$T/earshot.conf" > "$T/term.out" 2> "$T/term.err")
is $? 0 "run without --foreground returns 0 once detached"
check "the daemon wrote its pid" wait_for 10 sh -c "[ -n \"\$(cat '$T/state/earshot.pid' 2>/dev/null)\" ]"
pid=$(agent_pid "$T")
ok "$(alive "$pid" && echo 0 || echo 1)" "and runs (pid $pid)"
check "log lines go to log_file, relative to the main file" wait_for 10 grep -q "sink out: started" "$T/earshot.log"
is "$(cat "$T/term.out" "$T/term.err")" "" "nothing on the terminal that started it"
is "$(readlink /proc/$pid/fd/0) $(readlink /proc/$pid/fd/1)" "/dev/null /dev/null" "stdin and stdout on /dev/null"
is "$(readlink /proc/$pid/fd/2)" "$T/earshot.log" "stderr is the log file"
is "$(ps -o sid= -p "$pid" | tr -d ' ')" "$pid" "a session of its own (setsid)"

# logrotate: move the file, signal, the daemon writes to a new one.
mv "$T/earshot.log" "$T/earshot.log.1"
kill -USR1 "$pid"
check "SIGUSR1 reopens log_file" wait_for 10 grep -q "SIGUSR1: log file reopened" "$T/earshot.log"
unlike "$T/earshot.log.1" "SIGUSR1" "the moved file gets no new line"
mv "$T/earshot.log" "$T/earshot.log.2"
kill -HUP "$pid"
check "SIGHUP reloads and reopens it too" wait_for 10 grep -q "reloaded:" "$T/earshot.log"
kill -TERM "$pid"
check "SIGTERM stops it" wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
like "$T/earshot.log" "shutting down \(SIGTERM\)" "the shutdown is in the new file"
pid=

# Without log_file or --syslog it says, before detaching, that the log is
# discarded, and stderr is /dev/null too.
write_main "$T/n"
printf '[source gen]\nplugin = testsrc\ncount = 1\n' > "$T/n/conf.d/10.conf"
"$EARSHOT" run -c "$T/n/earshot.conf" > "$T/n/term.out" 2> "$T/n/term.err"
is $? 0 "run without log_file detaches too"
like "$T/n/term.err" "detaching without log_file or --syslog" "and warns that its log is discarded"
check "it runs" wait_for 10 sh -c "[ -n \"\$(cat '$T/n/state/earshot.pid' 2>/dev/null)\" ]"
pid=$(agent_pid "$T/n")
wait_for 5 alive "$pid"
is "$(readlink /proc/$pid/fd/2)" "/dev/null" "its stderr is /dev/null, not the terminal"
kill -TERM "$pid"; wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"; pid=

# An unwritable log_file stops the start on the terminal.
write_main "$T/b" "log_file = /nonexistent/dir/earshot.log"
"$EARSHOT" run -c "$T/b/earshot.conf" --foreground 2> "$T/b/err"
is $? 2 "an unwritable log_file: exit 2"
like "$T/b/err" "log_file /nonexistent/dir/earshot.log: No such file or directory" "naming the file"
done_testing
