#!/usr/bin/env python3
"""Writes the synthetic forum fixtures in this directory (run it from here).

The JSON shapes follow what Discourse's GET /posts.json ("latest_posts",
newest first, post objects with id, username, name, created_at, cooked,
raw, post_number, topic_id, topic_slug, topic_title, category_id,
reply_to_post_number, reply_to_user, post_url) and Reddit's listing JSON
({"kind": "Listing", "data": {"after", "before", "dist", "children":
[{"kind": "t1"|"t3", "data": {...}}]}}) return. Content is invented.
"""
import json
import os


def dump(path, obj, raw_patch=None):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = json.dumps(obj, indent=1, ensure_ascii=False).encode("utf-8")
    if raw_patch:
        for a, b in raw_patch:
            data = data.replace(a, b)
    with open(path, "wb") as f:
        f.write(data)


def dpost(pid, topic, num, user, cooked, when, cat=7, reply=None, reply_user=None,
          title=None, slug=None):
    title = title or "Topic %d" % topic
    slug = slug or "topic-%d" % topic
    p = {
        "id": pid, "name": user.replace("_", " ").title(), "username": user,
        "avatar_template": "/user_avatar/forum.acme.example/%s/{size}/1_2.png" % user,
        "created_at": when, "cooked": cooked, "raw": None,
        "post_number": num, "post_type": 1, "updated_at": when, "reply_count": 0,
        "reply_to_post_number": reply, "quote_count": 0, "incoming_link_count": 0,
        "reads": 3, "readers_count": 2, "score": 0.6, "yours": False,
        "topic_id": topic, "topic_slug": slug, "topic_title": title,
        "topic_html_title": title, "category_id": cat,
        "display_username": user, "primary_group_name": None, "version": 1,
        "can_edit": False, "can_delete": False, "user_title": None,
        "post_url": "/t/%s/%d/%d" % (slug, topic, num),
        "moderator": False, "admin": False, "staff": False, "user_id": pid % 7 + 1,
        "hidden": False, "trust_level": 1, "deleted_at": None, "user_deleted": False,
        "wiki": False, "excerpt": None, "truncated": False,
    }
    p.pop("excerpt")
    p.pop("truncated")
    # Likes as /posts.json gives them: the count of action type 2 (like).
    p["actions_summary"] = [{"id": 2, "count": pid % 5, "can_act": True}] if pid % 5 else []
    p["reply_count"] = pid % 3
    p["reads"] = pid - 90
    p["raw"] = cooked.replace("<p>", "").replace("</p>", "")
    if reply_user:
        p["reply_to_user"] = {"username": reply_user, "name": reply_user.title(),
                              "avatar_template": "/user_avatar/x/%s/{size}/3_2.png" % reply_user}
    return p


def discourse():
    posts = []
    # Posts 101..118: topic 40 (a complaint thread) and others.
    for i in range(101, 119):
        topic = 40 + (i - 101) // 6
        num = (i - 101) % 6 + 1
        user = ["jane_doe", "acme_support", "bob", "carol", "acme_support", "dave"][num - 1]
        cooked = "<p>Post %d in topic %d &amp; more.</p>" % (i, topic)
        reply = None
        reply_user = None
        if num > 2:
            reply = num - 1
            reply_user = ["jane_doe", "acme_support", "bob", "carol", "acme_support", "dave"][num - 2]
        when = "2026-03-%02dT%02d:%02d:%02d.000Z" % (1 + (i - 101) // 10, 8 + i % 10, i % 60, 7)
        cat = 9 if i % 3 == 0 else 7
        posts.append(dpost(i, topic, num, user, cooked, when, cat, reply, reply_user,
                           title="Widget broke after update" if topic == 40 else None,
                           slug="widget-broke-after-update" if topic == 40 else None))
    # One post with real HTML in cooked: a mention, a quote, entities, a line break.
    p = posts[112 - 101]  # id 112
    p["cooked"] = ('<p><a class="mention" href="/u/acme_support">@acme_support</a> '
                   'the widget&#39;s screen is &ldquo;blank&rdquo; again &amp; again.<br>'
                   'Still broken.</p>\n<aside class="quote"><blockquote><p>try a reboot</p>'
                   '</blockquote></aside>\n<p>Caf\u00e9 \U0001F620</p>')
    p["raw"] = "@acme_support the widget's screen is \u201cblank\u201d again & again."
    p["like_count"] = 9  # newer servers also say it directly
    p["quote_count"] = 1
    newest_first = sorted(posts, key=lambda x: -x["id"])
    early = [x for x in newest_first if x["id"] <= 106]
    dump("discourse/early.json", {"latest_posts": early})
    dump("discourse/later.json", {"latest_posts": newest_first})
    # A page listing post 104 twice (seen on sites behind caching proxies).
    dump("discourse/repeat.json", {"latest_posts": early[:3] + [early[2]] + early[3:]})

    # Messy: what real sites and proxies get wrong, one problem a post.
    m = [dpost(i, 70, i - 200, "user%d" % i, "<p>messy %d</p>" % i,
               "2026-04-01T10:%02d:00Z" % (i - 200), 7) for i in range(208, 200, -1)]
    del m[0]["created_at"]                     # 208: no date
    m[1]["created_at"] = "last Tuesday-ish"    # 207: bad date
    del m[2]["id"]                             # (206): no id -> skipped
    del m[3]["username"]                       # 205: no author
    m[4]["cooked"] = "<p>bad \x01BYTE here</p>"  # 204: invalid UTF-8 patched in below
    m[5] = "not a post"                        # (203): not an object -> skipped
    del m[6]["cooked"]                         # 202: raw only
    m[6]["raw"] = "raw only, **markdown**"
    m[7]["created_at"] = "2026-04-01T12:00:00+02:00"  # 201: zone offset
    dump("discourse/messy.json", {"latest_posts": m},
         raw_patch=[(b"\\u0001BYTE", b"\xff\xfeBYTE")])


def tchild(kind, d):
    return {"kind": kind, "data": d}


def comment(cid, link, parent, author, body, when, link_author="jane_doe",
            sub="acmecorp", link_title="My Acme widget died"):
    return tchild("t1", {
        "id": cid, "name": "t1_" + cid, "author": author, "author_fullname": "t2_" + cid[::-1],
        "body": body, "body_html": None, "created": when, "created_utc": when + 0.0,
        "link_id": "t3_" + link, "parent_id": parent, "link_title": link_title,
        "link_author": link_author, "link_permalink":
            "https://www.reddit.com/r/%s/comments/%s/my_acme_widget_died/" % (sub, link),
        "permalink": "/r/%s/comments/%s/my_acme_widget_died/%s/" % (sub, link, cid),
        "subreddit": sub, "subreddit_id": "t5_2qh1i", "subreddit_name_prefixed": "r/" + sub,
        "score": 3, "ups": 3, "downs": 0, "edited": False, "stickied": False,
        "distinguished": None, "is_submitter": author == link_author, "over_18": False,
    })


def submission(sid, author, title, selftext, when, sub="acmecorp"):
    return tchild("t3", {
        "id": sid, "name": "t3_" + sid, "author": author, "title": title,
        "selftext": selftext, "selftext_html": None, "created": when, "created_utc": when,
        "permalink": "/r/%s/comments/%s/%s/" % (sub, sid, title.lower().replace(" ", "_")[:20]),
        "url": "https://www.reddit.com/r/%s/comments/%s/" % (sub, sid), "domain": "self." + sub,
        "subreddit": sub, "subreddit_name_prefixed": "r/" + sub, "num_comments": 4,
        "score": 12, "ups": 12, "is_self": bool(selftext), "over_18": False, "spoiler": False,
        "link_flair_text": None, "stickied": False,
    })


def listing(children):
    return {"kind": "Listing", "data": {"after": None, "before": None, "dist": len(children),
                                        "modhash": "", "geo_filter": "", "children": children}}


def reddit():
    t0 = 1772000000
    ids = ["k1a%02d" % i for i in range(1, 12)]  # base-36 ids growing with time
    cs = []
    for i, cid in enumerate(ids):
        parent = "t3_p9x01" if i % 3 == 0 else "t1_" + ids[i - 1]
        body = "Comment %d about the widget" % (i + 1)
        author = ["jane_doe", "AcmeSupport", "bob", "[deleted]"][i % 4]
        cs.append(comment(cid, "p9x01", parent, author, body, t0 + 60 * i))
        cs[-1]["data"]["score"] = cs[-1]["data"]["ups"] = i - 2  # downvoted below zero
    cs[1]["data"]["body"] = ("Hi u/jane_doe, please DM /u/AcmeHelp & we'll fix it &lt;3 "
                             "\u2014 sorry! \U0001F64F")
    newest_first = list(reversed(cs))
    dump("reddit/comments-early.json", listing(newest_first[4:]))   # 7 oldest
    dump("reddit/comments-later.json", listing(newest_first))       # all 11
    # The 7 oldest with k1a05 and k1a03 listed twice in a row: paged 3 at a
    # time with after=, each comes back at the top of the next page, as
    # when a listing shifts between two requests.
    old7 = newest_first[4:]
    dump("reddit/comments-repeat.json",
         listing(old7[:3] + [old7[2]] + old7[3:5] + [old7[4]] + old7[5:]))
    posts = [submission("p9x01", "jane_doe", "My Acme widget died",
                        "It just **stopped**. Anyone else?", t0 - 600),
             submission("p9x05", "bob", "Acme widget v2 review", "", t0 + 100.5),
             submission("p9x07", "carol", "Acme store hours", "Open on Sunday?", t0 + 200)]
    posts[1]["data"]["num_comments"] = 0
    posts[1]["data"]["score"] = 1
    dump("reddit/new.json", listing(list(reversed(posts))))
    found = [submission("q1b02", "erin", "Is the acme widget worth it", "Thinking of buying.",
                        t0 + 300, sub="gadgets"),
             submission("q1b01", "frank", "acme widget teardown", "", t0 + 250, sub="gadgets")]
    dump("reddit/search.json", listing(found))
    # Messy listing: a "more" stub, a child without name or id, bad created_utc,
    # a child that is not an object.
    messy = [comment("m0005", "p9x01", "t3_p9x01", "ok_user", "fine one", t0 + 5),
             {"kind": "more", "data": {"count": 3, "children": ["abc"]}},
             comment("m0003", "p9x01", "t3_p9x01", "x", "no name", t0 + 3),
             comment("m0002", "p9x01", "t3_p9x01", "y", "bad date", t0 + 2),
             7]
    # Older API answers and mirrors lack permalink: the URL is built from
    # link_id and id (the post, without a name: from its id).
    del messy[0]["data"]["permalink"]
    del messy[2]["data"]["name"]
    del messy[2]["data"]["id"]
    messy[3]["data"]["created_utc"] = "soon"
    dump("reddit/messy.json", listing(messy))
    bare = [submission("p9x09", "gina", "Acme old listing", "no permalink here", t0 + 400)]
    del bare[0]["data"]["permalink"]
    del bare[0]["data"]["name"]
    dump("reddit/new-old.json", listing(bare))


if __name__ == "__main__":
    discourse()
    reddit()
