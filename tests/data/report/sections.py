"""Known rows for the report's finer sections (tests/report_sections_test.sh).

Usage: sections.py DB NOW. DB holds the sql sink's schema (the test runs
the agent once to create it); rows are dated relative to NOW so the
window, the hourly buckets and the halves of the window are known.

acme, 8 earned mentions: 2 positive, 2 neutral, 4 negative; 5 twitter,
2 reddit, 1 forum; 6 en, 2 fr; topic "refunds" (team billing) on 4 of
them, 3 negative, 1 in the first half of a 7-day window and 3 in the
second, 3 saying "refund still pending"; topic "app" (team product) on
2; plus 1 owned post.
globex, 2 earned: 1 negative, 1 positive.
One spike on acme: began 2 h ago, ended 1 h ago, 6 negative of 9,
1.5 expected, p = 8.796e-24.
"""
import json, sqlite3, sys

db, now = sys.argv[1], int(sys.argv[2])
H, D = 3600, 86400
rows = [
    # id, brand, owned, label, age, network, author, followers, likes, reposts, replies, lang, text, topic
    ("twitter:1", "acme", 0, "negative", 1 * H, "twitter", "bigvoice", 120000, 50, 10, 5, "en",
     "My refund still pending after two weeks \U0001F60D", "refunds"),
    ("twitter:2", "acme", 0, "negative", 2 * H, "twitter", "angry_customer_with_a_very_long_handle_name", 300,
     None, None, None, "en", "refund still pending, nobody answers", "refunds"),
    ("reddit:3", "acme", 0, "negative", 3 * D, "reddit", "r_one", None, 2, 0, 1, "en",
     "Refund still pending. Support never answers", "refunds"),
    ("forum:4", "acme", 0, "negative", 4 * D, "forum", "f_two", None, None, None, None, "fr",
     "L'application plante", "app"),
    ("twitter:5", "acme", 0, "positive", 5 * D, "twitter", "happy", 800, 1, 0, 0, "en",
     "my refund came quickly, thanks", "refunds"),
    ("twitter:6", "acme", 0, "positive", 1 * D, "twitter", "fan", 50, 0, 0, 0, "en", "love the new app", "app"),
    ("reddit:7", "acme", 0, "neutral", 6 * D, "reddit", "r_three", None, None, None, None, "fr", "une question", None),
    ("twitter:8", "acme", 0, "neutral", 30 * H, "twitter", "asker", 10, 0, 0, 0, "en", "is acme open today", None),
    ("twitter:9", "acme", 1, "neutral", 2 * H, "twitter", "AcmeSupport", 5000, 3, 1, 0, "en",
     "We are looking into refunds", None),
    ("twitter:10", "globex", 0, "negative", 2 * D, "twitter", "g_one", 20, 0, 0, 0, "en", "globex is down", None),
    ("twitter:11", "globex", 0, "positive", 3 * H, "twitter", "g_two", 20, 0, 0, 0, "en", "globex works", None),
]
c = sqlite3.connect(db)
for (mid, brand, owned, label, age, net, author, fol, likes, reposts, replies, lang, text, topic) in rows:
    c.execute("INSERT INTO mentions (id, network, source, author, text, lang, created_at, brand, author_kind,"
              " sentiment_label, received_at, likes, reposts, replies, followers, url)"
              " VALUES (?, ?, 'stream', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              (mid, net, author, text, lang, now - age, brand, "official" if owned else "public", label, now,
               likes, reposts, replies, fol, "https://%s.example/%s" % (net, mid.split(":")[1])))
    c.execute("INSERT INTO mention_brands (mention_id, brand, owned) VALUES (?, ?, ?)", (mid, brand, owned))
    if topic:
        c.execute("INSERT INTO mention_topics (mention_id, topic, owner) VALUES (?, ?, ?)",
                  (mid, topic, "billing" if topic == "refunds" else "product"))
start = (now - 2 * H) // H * H
fields = {"expected": 1.5, "terms": [{"term": "refund", "count": 5, "lift": 4.0}],
          "urls": ["https://twitter.example/1"], "topic_name": "refunds"}
for ev, bs in (("spike_began", start), ("spike_ended", start + H)):
    c.execute("INSERT INTO alerts (id, event, brand, series, bucket_start, bucket_end, count, total, p_value,"
              " fields, received_at) VALUES (?, ?, 'acme', 'acme', ?, ?, 6, 9, 8.796e-24, ?, ?)",
              ("spike:acme:%d:%s" % (bs, ev), ev, bs, bs + H, json.dumps(fields), now))
c.commit()
