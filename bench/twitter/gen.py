#!/usr/bin/env python3
"""Generates synthetic Twitter/X exports in the real formats, for the twitter
plugin's tests and benchmarks.

usage: gen.py FORMAT COUNT OUT [--bytes N] [--start ID] [--texts FILE]
  FORMAT  ytd     account archive data/tweets.js: window.YTD.tweets.part0 = [...]
          v1      API v1.1 statuses, one per line (as twarc writes them)
          v2      API v2 responses, one per line, 100 tweets per "data" page
                  with authors in "includes.users"
          v2flat  API v2 tweets with the author expanded (twarc2 flatten)
  COUNT   tweets to write (ignored with --bytes: write until the file holds
          at least N bytes, then print the count)
Tweet i has id START+i (default 1500000000000000000), is written by
user<i % 1000>, mentions @acme every third tweet, replies to the previous
tweet every fifth, carries a t.co link and "&amp;" every seventh, and is a
retweet every eleventh. Prints the number of tweets written.

--texts FILE takes the tweet texts from FILE instead, cycled: real text
makes the stages (tokenizer, sentiment, spike words) do their real work,
which "tweet number N about the weather" does not. FILE is one text a
line, as `id<TAB>rating<TAB>text` (the VADER ground truth), `label<TAB>text`
(the labelled tweets) or plain; bytes that are not UTF-8 are read as
Latin-1, and the text's own "&amp;" is kept (the API sends it so). The
@acme, link and retweet decorations above are added the same way.
"""
import json
import sys

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
BASE_EPOCH = 1672531200  # 2023-01-01T00:00:00Z, a Sunday


def twitter_date(t):
    import time
    g = time.gmtime(t)
    return "%s %s %02d %02d:%02d:%02d +0000 %d" % (
        DAYS[g.tm_wday], MONTHS[g.tm_mon - 1], g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec, g.tm_year)


def rfc3339(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))


TEXTS = None  # the --texts corpus, when given


def load_texts(path):
    out = []
    with open(path, "rb") as f:
        for raw in f:
            raw = raw.rstrip(b"\r\n")
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode("latin-1")
            parts = line.split("\t")
            text = parts[-1].strip()
            if text:
                out.append(text)
    if not out:
        sys.exit("gen.py: no text in " + path)
    return out


def tweet_parts(i, start):
    tid = str(start + i)
    user = "user%d" % (i % 1000)
    text = TEXTS[i % len(TEXTS)] if TEXTS else "tweet number %d about the weather and the trains" % i
    mentions, urls = [], []
    if i % 3 == 0:
        text = "@acme " + text
        mentions.append({"screen_name": "acme", "name": "Acme", "id_str": "42", "indices": ["0", "5"]})
    if i % 7 == 0:
        text += " fish &amp; chips https://t.co/g%08d" % i
        urls.append({"url": "https://t.co/g%08d" % i, "expanded_url": "https://example.com/p/%d" % i,
                     "display_url": "example.com/p/%d" % i, "indices": ["0", "23"]})
    rt = i % 11 == 0
    if rt:
        text = "RT @user%d: %s" % ((i + 1) % 1000, text)
    reply = str(start + i - 1) if i % 5 == 0 and i > 0 else None
    return tid, user, text, mentions, urls, rt, reply, BASE_EPOCH + i


def ytd(i, start):
    tid, user, text, mentions, urls, rt, reply, t = tweet_parts(i, start)
    tw = {
        "edit_info": {"initial": {"editTweetIds": [tid], "editableUntil": "2023-01-01T01:00:00.000Z",
                                  "editsRemaining": "5", "isEditEligible": True}},
        "retweeted": False,
        "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
        "entities": {"hashtags": [], "symbols": [], "user_mentions": mentions, "urls": urls},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": "0",
        "id_str": tid,
        "truncated": False,
        "retweet_count": "0",
        "id": tid,
        "created_at": twitter_date(t),
        "favorited": False,
        "full_text": text,
        "lang": "en",
    }
    if reply:
        tw["in_reply_to_status_id_str"] = reply
        tw["in_reply_to_status_id"] = reply
        tw["in_reply_to_screen_name"] = "user%d" % ((i - 1) % 1000)
    return json.dumps({"tweet": tw}, indent=2, ensure_ascii=False)


def v1(i, start):
    tid, user, text, mentions, urls, rt, reply, t = tweet_parts(i, start)
    st = {"created_at": twitter_date(t), "id": int(tid), "id_str": tid, "full_text": text,
          "truncated": False, "display_text_range": [0, len(text)],
          "entities": {"hashtags": [], "symbols": [], "user_mentions": mentions, "urls": urls},
          "in_reply_to_status_id": int(reply) if reply else None, "in_reply_to_status_id_str": reply,
          "in_reply_to_screen_name": ("user%d" % ((i - 1) % 1000)) if reply else None,
          "user": {"id": 1000 + i % 1000, "id_str": str(1000 + i % 1000), "name": "User %d" % (i % 1000),
                   "screen_name": user, "followers_count": 10},
          "lang": "en", "retweet_count": 0, "favorite_count": 0}
    if rt:
        st["retweeted_status"] = {"id_str": str(start + i + 10 ** 12), "full_text": text[text.index(": ") + 2:],
                                  "user": {"screen_name": "user%d" % ((i + 1) % 1000)},
                                  "entities": {"urls": urls, "user_mentions": mentions}}
    return json.dumps(st, ensure_ascii=False)


def v2_tweet(i, start, flat):
    tid, user, text, mentions, urls, rt, reply, t = tweet_parts(i, start)
    tw = {"id": tid, "text": text, "author_id": str(1000 + i % 1000), "created_at": rfc3339(t), "lang": "en",
          "conversation_id": tid, "edit_history_tweet_ids": [tid],
          "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0}}
    ents = {}
    if mentions:
        ents["mentions"] = [{"start": 0, "end": 5, "username": "acme", "id": "42"}]
    if urls:
        ents["urls"] = [{"start": 0, "end": 23, "url": u["url"], "expanded_url": u["expanded_url"],
                         "display_url": u["display_url"]} for u in urls]
    if ents:
        tw["entities"] = ents
    refs = []
    if reply:
        refs.append({"type": "replied_to", "id": reply})
        tw["in_reply_to_user_id"] = str(1000 + (i - 1) % 1000)
    if rt:
        refs.append({"type": "retweeted", "id": str(start + i + 10 ** 12)})
    if refs:
        tw["referenced_tweets"] = refs
    if flat:
        tw["author"] = {"id": tw["author_id"], "username": user, "name": "User %d" % (i % 1000)}
        if reply:
            tw["in_reply_to_user"] = {"id": tw["in_reply_to_user_id"], "username": "user%d" % ((i - 1) % 1000)}
        tw["__twarc"] = {"url": "https://api.twitter.com/2/tweets/search/recent", "version": "2.14.0"}
    return tw


def main():
    a = sys.argv[1:]
    if len(a) < 3:
        sys.exit(__doc__)
    fmt, count, out = a[0], int(a[1]), a[2]
    target = None
    start = 1500000000000000000
    if "--bytes" in a:
        target = int(a[a.index("--bytes") + 1])
        count = 1 << 62
    if "--start" in a:
        start = int(a[a.index("--start") + 1])
    if "--texts" in a:
        global TEXTS
        TEXTS = load_texts(a[a.index("--texts") + 1])
    n = 0
    size = 0
    with open(out, "w", encoding="utf-8") as f:
        def w(s):
            nonlocal size
            f.write(s)
            size += len(s)
        if fmt == "ytd":
            w("window.YTD.tweets.part0 = [ ")
            while n < count and (target is None or size < target):
                w((", " if n else "") + ytd(n, start))
                n += 1
            w(" ]")
        elif fmt == "v1":
            while n < count and (target is None or size < target):
                w(v1(n, start) + "\n")
                n += 1
        elif fmt in ("v2", "v2flat"):
            while n < count and (target is None or size < target):
                if fmt == "v2flat":
                    w(json.dumps(v2_tweet(n, start, True), ensure_ascii=False) + "\n")
                    n += 1
                    continue
                page = [v2_tweet(k, start, False) for k in range(n, min(n + 100, count))]
                users = {}
                for k in range(n, n + len(page)):
                    users[str(1000 + k % 1000)] = {"id": str(1000 + k % 1000), "username": "user%d" % (k % 1000),
                                                   "name": "User %d" % (k % 1000)}
                    if k % 5 == 0 and k > 0:
                        users[str(1000 + (k - 1) % 1000)] = {"id": str(1000 + (k - 1) % 1000),
                                                             "username": "user%d" % ((k - 1) % 1000)}
                w(json.dumps({"data": page, "includes": {"users": list(users.values())},
                              "meta": {"result_count": len(page), "newest_id": page[-1]["id"],
                                       "oldest_id": page[0]["id"]}}, ensure_ascii=False) + "\n")
                n += len(page)
        else:
            sys.exit("unknown format " + fmt)
    print(n)


if __name__ == "__main__":
    main()
