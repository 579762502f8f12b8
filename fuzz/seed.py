#!/usr/bin/env python3
"""Regenerates fuzz/corpus/ from the test fixtures (tests/data/, conf.d/,
the unit tests' literal strings) plus a few synthetic seeds per target.
Run from the source tree: python3 fuzz/seed.py. Seeds are small on purpose:
libFuzzer mutates them, it does not need them big."""
import glob, hashlib, json, os, re, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX = 64 * 1024


def put(target, data, name=None):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if len(data) > MAX:
        data = data[:MAX]
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = name or hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def files(pattern):
    return sorted(glob.glob(os.path.join(ROOT, pattern), recursive=True))


def strings_of(path):
    """C string literals of a test source, unescaped the simple way."""
    text = read(path).decode("utf-8", "replace")
    out = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', text):
        s = m.group(1)
        try:
            s = bytes(s, "utf-8").decode("unicode_escape").encode("latin-1", "replace")
        except Exception:
            s = s.encode()
        out.append(s)
    return out


shutil.rmtree(OUT, ignore_errors=True)

# RSS/Atom: every feed fixture, whole.
for p in files("tests/data/rss/*"):
    put("rss", read(p), os.path.basename(p))

# HTML: the contents of the feeds' descriptions, and the text test's strings.
for p in files("tests/data/rss/*.xml") + files("tests/data/rss/*.rdf"):
    text = read(p).decode("utf-8", "replace")
    for m in re.finditer(r"<(description|content[^>]*|summary[^>]*)>(.*?)</", text, re.S):
        body = m.group(2).replace("<![CDATA[", "").replace("]]>", "")
        if "<" in body or "&" in body:
            put("html", body)
for s in strings_of("tests/text_test.c"):
    if b"<" in s or b"&" in s:
        put("html", s)
put("html", "<html><head><meta charset=latin1><style>p{}</style><script>x()</script></head>"
            "<body><p>caf\u00e9 &amp; <b>bold</b><br/><img alt=\"\U0001F600\"> &#x1F44D; &nbsp;</p>"
            "<ul><li>one<li>two</ul></body></html>")

# Entities: the text test's strings and tweet texts.
for s in strings_of("tests/text_test.c"):
    if b"&" in s:
        put("entities", s)
put("entities", "@AcmeHelp order &amp; refund &lt;3 &#x1F600; &#0; &#xD800; &#1114112; &bogus; &amp")
put("entities", "&eacute;&Eacute;&hellip;&mdash;&apos;&quot;&#39;&#x27;")

# Dates: the timeparse test's strings and the fixtures' dates.
for s in strings_of("tests/timeparse_test.c"):
    if re.search(rb"\d", s) and len(s) < 80:
        put("timeparse", s.strip())
for p in files("tests/data/rss/*"):
    for m in re.finditer(rb"<(pubDate|updated|published|dc:date|issued|modified)>([^<]{1,80})<", read(p)):
        put("timeparse", m.group(2))

# Config: the example drop-ins and main files.
for p in files("conf.d/*.conf") + files("contrib/samples/conf.d/*.conf") + files("contrib/*.example"):
    put("config", read(p), os.path.basename(p))
put("config", "[main]\nstate_dir = /nonexistent\nlog_level = debug\n\n[source.a]\nplugin = jsonl\n"
              "path = x.jsonl\ninterval = 5m\n\n[sink.b]\nplugin = jsonl\nroute = brand:acme\n"
              "secret = ${HOME}\n[brand.acme]\nkeywords = acme, \"acme corp\"\n")

# Typed values: first byte = type index (fuzz/config_value.c).
for i, vals in enumerate([["plain"], ["42", "-9223372036854775808", "0x10"], ["3.5", "1e308", "nan"],
                          ["yes", "off", "1"], ["250ms", "30s", "5m", "2h", "1d", "7"],
                          ["512", "64k", "10M", "1G"], ["a, b ,c", "a,,b"], ["s3cret"],
                          ["https://x.example/feed", "gopher://x/1", "http://a b"],
                          ["http://a/1, HTTPS://b/2", "http://a/1, file:///etc/passwd"]]):
    for v in vals:
        put("config_value", bytes([i]) + v.encode())

# Inventory CSV: the fixture, and variants with quoting and odd columns.
for p in files("tests/data/accounts/*.csv"):
    put("inventory", read(p), os.path.basename(p))
put("inventory", 'handle,network,status,owner,brand,url,notes\n"@Acme",twitter,active,"Social, team",acme,'
                 'https://x/acme,"says ""hi"""\n@acme_help,twitter,dormant,support,acme,,\n')
put("inventory", "network,handle,brand,owner,status\r\nreddit,u/acme,acme,comms,sunset\r\n"
                 "reddit,u/acme,acme,comms,sunset\r\nbadrow\r\n\"unterminated,x\n")

# Sentiment: first byte = language hint index (fuzz/sentiment.c).
texts = [l.split(b"\t")[-1] for l in read("tests/data/sentiment_fr.tsv").splitlines()[:20] if l.strip()]
texts += [b"acme support is terrible, my order never arrived :( :(",
          b"I LOVE the new app!!! \xe2\x9d\xa4\xef\xb8\x8f \xf0\x9f\x98\x8d but shipping was not great",
          b"not bad at all, kind of good :-) lol", b"c'est pas terrible... vraiment nul \xf0\x9f\x98\xa1",
          b"\xff\xfe broken utf8 \xc3 here"]
for i, t in enumerate(texts):
    put("sentiment", bytes([i % 6]) + t)

# Record JSON: the jsonl fixtures' lines, and records of other kinds.
for p in files("tests/data/webhook/*.jsonl") + files("tests/data/sql/*.jsonl"):
    for line in read(p).splitlines()[:10]:
        if line.strip():
            put("record_json", line)
put("record_json", '{"kind":"alert","type":"spike","brand":"acme","count":3}')
put("record_json", '{"kind":"account","network":"twitter","handle":"acme_h3lp","finding":"lookalike"}')
put("record_json", '{"id":"x:1","network":"x","text":"hi","source":"s","brand":"acme","sentiment":'
                   '{"compound":0.5,"pos":0.5,"neu":0.5,"neg":0,"label":"positive"},"addressed":["a","b"]}')

# Twitter: first byte = chunk size, element limit, retweets (fuzz/twitter.c).
for i, p in enumerate(files("tests/data/twitter/**/*.js") + files("tests/data/twitter/*.jsonl")):
    put("twitter", bytes([0x07 + 13 * i & 0xbf]) + read(p), "t-" + os.path.basename(p))

# Forums: the page fixtures.
for p in files("tests/data/forum/discourse/*.json"):
    put("discourse", read(p), os.path.basename(p))
for p in files("tests/data/forum/reddit/*.json"):
    put("reddit", read(p), os.path.basename(p))
put("discourse", '{"latest_posts":[]}')
put("reddit", '{"kind":"Listing","data":{"children":[],"after":null}}')

# Escaped NULs (\u0000) in strings, keys and ids: read as U+FFFD, never a
# reason to lose the document (issue 23); a NUL in a key is refused alone.
NUL = "\\u0000"
put("discourse", '{"latest_posts":[{"id":5,"post_number":1,"topic_id":9,"topic_slug":"s","username":"a%sb",'
                 '"raw":"before%safter","cooked":"<p>before%safter</p>","created_at":"2026-03-01T10:00:00Z"}]}'
                 % (NUL, NUL, NUL), "nul.json")
put("discourse", '{"latest_posts":[{"id":4,"post_number":2,"topic_id":9,"username":"c","ra%sw":"x"}]}' % NUL,
    "nul-key.json")
put("reddit", '{"kind":"Listing","data":{"after":null,"children":[{"kind":"t1","data":{"name":"t1_a%s",'
              '"id":"a","author":"u%s","body":"before%safter","created_utc":1772358067,'
              '"permalink":"/r/x/comments/1/x/a/"}}]}}' % (NUL, NUL, NUL), "nul.json")
put("jsonl", '{"id":"t:1%s","network":"t","text":"before%safter","author":"x%s","addressed":["a%s"]}'
             % (NUL, NUL, NUL, NUL), "nul")
put("jsonl", '{"id":"t:2","network":"t","te%sxt":"key with a NUL"}' % NUL, "nul_key")
put("twitter", b"\x11" + ('window.YTD.tweets.part0 = [{"tweet":{"id_str":"1%s","full_text":"before%safter",'
                          '"created_at":"Wed Mar 01 10:00:00 +0000 2026","u%s":1}}]\n' % (NUL, NUL, NUL)).encode(),
    "t-nul.js")
put("nats", '{"kind":"mention","id":"twitter:7","network":"twitter","text":"Acme is great","author":"bob",'
            '"created_at":1793527200,"addressed":["acmesupport"]}', "full")
put("nats", '{"id":"t:%s1","network":"t","text":"before%safter","author_name":"B%s"}' % (NUL, NUL, NUL), "nul")
put("nats", '{"kind":"alert","brand":"acme"}', "alert")
put("nats", '{"id":42,"network":"t","text":"x","created_at":"2026-11-01T10:00:00Z"}', "int_id")
put("nats", '{"id":"t:1","network":"t","te%sxt":"x"}' % NUL, "nul_key")

for t in sorted(os.listdir(OUT)):
    print(t, len(os.listdir(os.path.join(OUT, t))))
