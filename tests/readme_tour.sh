#!/bin/sh
# The README's tour works verbatim (issue 18): every ```sh line of its
# "A five-minute tour" section runs as written, from a directory laid out
# like the repository root (build/ and contrib/ of this tree), and every
# ```ini block is written to the tour/ file the text before it names.
# The checks are on what the tour promises: the query matches samples,
# check says OK, the replay raises alerts.
. "$top_srcdir/tests/lib.sh"
readme="$top_srcdir/README.md"
ln -s "$top_builddir" "$T/build"
ln -s "$top_srcdir/contrib" "$T/contrib"
# The tour's own binary must find its plugins by itself (run from the
# build tree), as a reader's shell has no EARSHOT_PLUGIN_PATH.
unset EARSHOT_PLUGIN_PATH EARSHOT_LEXICON_DIR

# tour.py: the section as a list of steps, "file PATH" + text or "sh LINE".
python3 - "$readme" > "$T/steps" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
sec = text.split("## A five-minute tour", 1)[1].split("\n## ", 1)[0]
path, block, kind = None, None, None
for line in sec.split("\n"):
    l = line[3:] if line.startswith("   ") else line
    if block is not None:
        if l.strip() == "```":
            if kind == "ini":
                if not path:
                    sys.exit("an ini block with no tour/ file named before it")
                print("file %s" % path)
                print("\n".join(block).replace("\n", "\\n"))
            else:
                for c in block:
                    if c.strip():
                        print("sh %s" % c)
            block = None
        else:
            block.append(l)
        continue
    m = re.match(r"\s*```(\w+)\s*$", l)
    if m:
        kind, block = m.group(1), []
        continue
    for p in re.findall(r"`(tour/[^`\s]+)`", line):
        path = p
PY
is $? 0 "the tour section parses"
nfiles=$(grep -c '^file ' "$T/steps")
ncmds=$(grep -c '^sh ' "$T/steps")
diag "the tour writes $nfiles files and runs $ncmds commands"
ok $([ "$nfiles" -ge 4 ] && [ "$ncmds" -ge 6 ] && echo 0 || echo 1) "the tour has its files and commands"

cd "$T" || exit 1
i=0
while IFS= read -r step; do
    case $step in
    file\ *)
        f=${step#file }
        IFS= read -r body
        printf '%b\n' "$body" > "$f"
        ok $? "tour: wrote $f"
        ;;
    sh\ *)
        i=$((i + 1))
        cmd=${step#sh }
        # Each line in the same shell, so `export` carries on.
        eval "$cmd" > "$T/out.$i" 2> "$T/err.$i"
        st=$?
        ok $st "tour: $cmd"
        [ $st -ne 0 ] && sed 's/^/#   | /' "$T/err.$i" | tail -n 10
        case $cmd in
        *"query test"*) qt=$i ;;
        *" check "*) last_check=$i ;;
        *"grep -c"*alert*) alerts=$(cat "$T/out.$i") ;;
        esac
        ;;
    esac
done < "$T/steps"
like "$T/out.${qt:-0}" "^twitter:[0-9]+ +\[brand acme\]" "query test shows sample mentions the query matches"
like "$T/out.${last_check:-0}" "tour/earshot.conf: OK \(3 file\(s\), 3 instance\(s\), 1 brand\(s\)\)" "check accepts the feed and both webhooks"
ok $([ "${alerts:-0}" -gt 0 ] && echo 0 || echo 1) "the replay raised alerts (${alerts:-0})"
done_testing
