#!/bin/sh
# The twitter source on real tweet texts: the 4,200 human-rated tweets of
# the VADER ground truth ($EARSHOT_SHARED_DATA/sentiment, see its README),
# wrapped as they would be in an account archive (raw bytes kept: some are
# Latin-1, i.e. invalid UTF-8; HTML entities as Twitter writes them) and
# imported through the daemon. Every tweet must arrive once with exactly the
# text expected: entities decoded (and invalid bytes, should a copy of the
# data carry any, replaced by U+FFFD).
. "$top_srcdir/tests/lib.sh"

src="${EARSHOT_SHARED_DATA:-}/sentiment/tweets_GroundTruth.txt"
[ -f "$src" ] || skip_all "shared data not found ($src)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not found"

python3 - "$src" "$T/tweets.js" "$T/expected.json" <<'PY'
import html.entities, json, re, sys
src, out, exp = sys.argv[1:4]
names = dict(html.entities.name2codepoint)   # the HTML 4 names
names["apos"] = 39
def decode_refs(s):   # what es_entities_decode does
    def one(m):
        r = m.group(1)
        if r[0] == "#":
            try:
                cp = int(r[2:], 16) if r[1] in "xX" else int(r[1:])
            except ValueError:
                return m.group(0)
            if cp == 0 or 0xD800 <= cp <= 0xDFFF or cp > 0x10FFFF:
                return "\ufffd"
            return chr(cp)
        return chr(names[r]) if r in names else m.group(0)
    return re.sub(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);", one, s)
def jstr(b):   # a JSON string literal that keeps non-ASCII bytes as they are
    o = bytearray(b'"')
    for c in b:
        if c in (0x22, 0x5c):
            o += b"\\" + bytes([c])
        elif c < 0x20:
            o += b"\\u%04x" % c
        else:
            o.append(c)
    return bytes(o + b'"')
expected, raw_amp = {}, 0
with open(out, "wb") as f:
    f.write(b"window.YTD.tweets.part0 = [ ")
    for n, line in enumerate(open(src, "rb")):
        tid, _, text = line.rstrip(b"\r\n").split(b"\t", 2)
        nid = str(1400000000000000000 + int(tid)).encode()
        f.write((b", " if n else b"") + b'{\n  "tweet" : {\n    "id_str" : "' + nid + b'",\n    "full_text" : ' +
                jstr(text) + b',\n    "created_at" : "Wed Oct 10 20:19:24 +0000 2018",\n    "lang" : "en"\n  }\n}')
        raw_amp += b"&amp;" in text
        t = decode_refs(text.decode("utf-8", errors="replace"))
        expected["twitter:" + nid.decode()] = "".join(c for c in t if not ((ord(c) < 0x20 and c not in "\t\n") or c == "\x7f"))
    f.write(b" ]")
json.dump({"texts": expected, "raw_amp": raw_amp}, open(exp, "w"))
PY
write_main "$T"
printf '[source tw]\nplugin = twitter\nfiles = %s/tweets.js\naccount = vader\n' "$T" > "$T/conf.d/10-tw.conf"
printf '[sink out]\nplugin = jsonl\npath = %s/out.jsonl\n' "$T" > "$T/conf.d/20-out.conf"
"$EARSHOT" run -c "$T/earshot.conf" --once 2> "$T/log"
is $? 0 "run --once exits 0"
python3 - "$T/expected.json" "$T/out.jsonl" > "$T/cmp" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
exp = e["texts"]
got = [json.loads(l) for l in open(sys.argv[2])]
ids = [g["id"] for g in got]
print("count", len(got), "distinct", len(set(ids)), "expected", len(exp))
bad = [g["id"] for g in got if exp.get(g["id"]) != g["text"]]
print("text mismatches", len(bad))
for i in bad[:5]:
    print("#  ", i, repr(exp.get(i)), "!=", repr([g["text"] for g in got if g["id"] == i][0]))
print("raw texts with &amp;", e["raw_amp"], "delivered with &amp;", sum(1 for g in got if "&amp;" in g["text"]))
print("authors", set(g["author"] for g in got), set(g["created_at"] for g in got))
PY
sed 's/^/# /' "$T/cmp"
n=$(python3 -c 'import sys; print(len(open(sys.argv[1], "rb").read().rstrip(b"\n").split(b"\n")))' "$src")
like "$T/cmp" "^count $n distinct $n expected $n$" "all $n real tweets delivered once"
like "$T/cmp" "^text mismatches 0$" "every text exactly as expected (entities decoded, bad bytes repaired)"
like "$T/cmp" "^raw texts with &amp; [1-9][0-9]* delivered with &amp; 0$" "Twitter's &amp; decoded in every tweet that has one"
like "$T/cmp" "^authors \{'vader'\} \{1539202764\}$" "author from the account key, dates parsed"
done_testing
