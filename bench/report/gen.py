"""Fills a sql-sink database (schema already made by the agent) for the
report benchmark: N earned mentions over DAYS days and BRANDS brands
(Zipf-like volumes), a sentiment label each, texts of a few words from a
small vocabulary (so topic phrases repeat), reach counts on most, five
topics per brand on a third of the mentions, 1 owned post in 50, and a
few alerts per brand.

Usage: gen.py DB N BRANDS DAYS NOW
"""
import json, random, sqlite3, sys

db, n, nb, days, now = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rnd = random.Random(19)
words = ("refund still pending order late delivery app crashes login support never answers great service "
         "love new feature price too high charged twice account locked password reset shipping slow store "
         "closed staff friendly quality bad battery dies screen broken update fixed thanks").split()
nets = ["twitter", "reddit", "rss", "forum", "mastodon", "bluesky"]
langs = ["en"] * 6 + ["fr", "de", "es"]
labels = ["positive"] * 3 + ["neutral"] * 4 + ["negative"] * 3
weights = [1.0 / (k + 1) for k in range(nb)]
brands = ["brand-%02d" % k for k in range(nb)]
c = sqlite3.connect(db)
c.execute("PRAGMA synchronous = OFF")
c.execute("PRAGMA journal_mode = WAL")
batch_m, batch_b, batch_t = [], [], []
span = days * 86400

def flush():
    c.executemany("INSERT INTO mentions (id, network, source, author, author_name, url, text, lang, created_at,"
                  " brand, author_kind, sentiment_label, received_at, likes, reposts, replies, followers)"
                  " VALUES (?, ?, 'stream', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch_m)
    c.executemany("INSERT INTO mention_brands (mention_id, brand, owned) VALUES (?, ?, ?)", batch_b)
    c.executemany("INSERT INTO mention_topics (mention_id, topic, owner) VALUES (?, ?, ?)", batch_t)
    batch_m.clear(), batch_b.clear(), batch_t.clear()

for i in range(n):
    b = rnd.choices(range(nb), weights)[0]
    net = nets[i % len(nets)]
    mid = "%s:%d" % (net, i)
    owned = 1 if i % 50 == 0 else 0
    t = now - int(rnd.random() ** 0.8 * span)
    text = " ".join(rnd.choice(words) for _ in range(rnd.randint(6, 18)))
    author = "user%d" % rnd.randint(0, n // 4)
    reach = rnd.random() < 0.8
    batch_m.append((mid, net, author, author.title(), "https://%s.example/%d" % (net, i), text, rnd.choice(langs), t,
                    brands[b], "official" if owned else "public", rnd.choice(labels), t + 5,
                    rnd.randint(0, 200) if reach else None, rnd.randint(0, 40) if reach else None,
                    rnd.randint(0, 20) if reach else None, int(rnd.paretovariate(1.2) * 100) if reach else None))
    batch_b.append((mid, brands[b], owned))
    if i % 3 == 0:
        batch_t.append((mid, "topic-%d" % (i % 5), "team-%d" % (i % 5)))
    if len(batch_m) >= 20000:
        flush()
flush()
for b in brands:
    for k in range(3):
        bs = (now - rnd.randint(1, days) * 86400) // 3600 * 3600
        f = {"expected": 4.2, "terms": [{"term": "refund", "count": 9}], "urls": ["https://twitter.example/1"]}
        for ev, s in (("spike_began", bs), ("spike_ended", bs + 3 * 3600)):
            c.execute("INSERT INTO alerts (id, event, brand, series, bucket_start, bucket_end, count, total, p_value,"
                      " fields, received_at) VALUES (?, ?, ?, ?, ?, ?, 30, 60, 1e-9, ?, ?)",
                      ("spike:%s:%d:%d:%s" % (b, k, s, ev), ev, b, b, s, s + 3600, json.dumps(f), now))
c.commit()
