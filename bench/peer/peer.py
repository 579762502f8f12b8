#!/usr/bin/python3
"""What a data team writes instead of earshot: read Twitter API v2 pages
(one JSON response a line), score every tweet with NLTK's VADER, insert
into SQLite with executemany, idempotent by id. The same job as
`earshot import` into the sql sink, without brands, routing, spool or
spikes: the peer is meant to be the simple, fair script, not a straw man.

usage: peer.py LEXICON DB FILE...
LEXICON is vader_lexicon.txt (bench/peer/run.sh takes it from the npm
package vader-sentiment; NLTK's own is a separate download).
"""
import html
import json
import sqlite3
import sys
from datetime import datetime

from nltk.sentiment.vader import SentimentIntensityAnalyzer

SCHEMA = """CREATE TABLE IF NOT EXISTS mentions (
  id TEXT PRIMARY KEY, network TEXT, author TEXT, author_name TEXT, url TEXT,
  text TEXT, lang TEXT, created_at INTEGER, in_reply_to TEXT,
  sentiment_compound REAL, sentiment_pos REAL, sentiment_neu REAL,
  sentiment_neg REAL, sentiment_label TEXT, likes INTEGER, reposts INTEGER,
  replies INTEGER, quotes INTEGER)"""
INSERT = ("INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
          "ON CONFLICT (id) DO NOTHING")
BATCH = 5000  # rows a transaction; more makes no difference to the script's speed


def label(c):
    return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"


def rows(paths, sia):
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                page = json.loads(line)
                users = {u["id"]: u for u in page.get("includes", {}).get("users", [])}
                for tw in page.get("data", []):
                    u = users.get(tw.get("author_id"), {})
                    text = html.unescape(tw["text"])
                    s = sia.polarity_scores(text)
                    pm = tw.get("public_metrics", {})
                    reply = next((r["id"] for r in tw.get("referenced_tweets", [])
                                  if r["type"] == "replied_to"), None)
                    ts = tw.get("created_at")
                    yield ("twitter:" + tw["id"], "twitter", u.get("username"), u.get("name"),
                           "https://twitter.com/%s/status/%s" % (u.get("username", "i"), tw["id"]),
                           text, tw.get("lang"),
                           int(datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()) if ts else None,
                           "twitter:" + reply if reply else None,
                           s["compound"], s["pos"], s["neu"], s["neg"], label(s["compound"]),
                           pm.get("like_count"), pm.get("retweet_count"), pm.get("reply_count"),
                           pm.get("quote_count"))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sia = SentimentIntensityAnalyzer(lexicon_file="file:" + sys.argv[1])
    db = sqlite3.connect(sys.argv[2])
    db.execute("PRAGMA journal_mode = WAL")
    db.execute(SCHEMA)
    n, buf = 0, []
    for r in rows(sys.argv[3:], sia):
        buf.append(r)
        if len(buf) == BATCH:
            with db:
                db.executemany(INSERT, buf)
            n += len(buf)
            buf = []
    with db:
        db.executemany(INSERT, buf)
    n += len(buf)
    db.close()
    print(n)


if __name__ == "__main__":
    main()
