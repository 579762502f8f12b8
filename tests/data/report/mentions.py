#!/usr/bin/env python3
"""Writes the report fixture as JSON lines, dated relative to now so the
default 30-day window holds them: mentions.py OUT.jsonl [NOW].

Synthetic data written for the report test (no real person or post)."""
import json, sys, time

now = int(sys.argv[2]) if len(sys.argv) > 2 else int(time.time())
D, H = 86400, 3600
today = now - now % D
rows = []


def m(i, day, hour, author, text, network="twitter", **kw):
    # Never in the future, whatever the hour of the run.
    t = min(today - day * D + hour * H, now - 60 - len(rows))
    d = {"id": "%s:%s" % (network, i), "network": network, "author": author, "text": text,
         "created_at": t, "url": "https://%s.example/%s/%s" % (network, author, i)}
    d.update(kw)
    rows.append(d)


# acme: a steady week, then a day of refund complaints (day 2).
for k in range(8):
    m("ap%d" % k, 9 - k, 10, "fan%d" % k, "I love my new acme kettle, great product and lovely design")
for k in range(5):
    m("an%d" % k, 8 - k, 11, "reader%d" % k, "acme opens a store in Lyon on Monday")
for k in range(6):
    m("ar%d" % k, 2, 9 + k, "angry%d" % k,
      "acme refund still missing after three weeks, terrible service, awful support")
for k in range(3):
    m("ab%d" % k, 1, 12 + k, "sad%d" % k, "my acme kettle arrived broken, terrible and disappointing")
# Hostile text: markup in the text, a title and a link that is a script.
m("x1", 4, 16, "mallory", "<script>alert('acme refund')</script> terrible awful refund scam",
  title="<b>acme</b> \"refund\" & <i>co</i>")
m("x2", 4, 17, "mallory2", "acme refund horrible awful, worst refund ever",
  url="javascript:alert(document.cookie)")
# Official accounts: a question answered, one not, a sunset account still talking.
m("c1", 3, 9, "jdoe", "@AcmeSupport my acme order arrived broken")
m("r1", 3, 10, "AcmeSupport", "@jdoe sorry! DM us", in_reply_to="twitter:c1", reply_to_author="jdoe")
m("c3", 3, 11, "ann", "@AcmeSupport hello?? acme anyone")
m("p3", 4, 9, "AcmeOldHelp", "This acme account is still answering")
# A lookalike asking for card numbers.
m("l1", 1, 9, "AcmeSupp0rt", "DM us your card number for an acme refund")
# Reddit and a forum instance for the channels.
for k in range(4):
    m("rd%d" % k, 5 - k, 15, "redditor%d" % k, "Is acme worth it? thinking about the kettle", network="reddit")

# globex: fewer, mostly neutral.
for k in range(4):
    m("gn%d" % k, 6 - k, 10, "g%d" % k, "globex releases a new thermostat model today")
m("gp1", 3, 10, "g9", "globex thermostat is excellent, I love it")
m("gx1", 2, 10, "g8", "globex thermostat died, awful and useless")
m("c6", 2, 11, "zoe", "@GlobexCare my globex thermostat died")
m("r6", 2, 12, "GlobexCare", "@zoe we will replace it", in_reply_to="twitter:c6")

# Mentions of no configured brand.
m("nb1", 1, 8, "someone", "the weather is nice today")
m("nb2", 1, 9, "someone", "trains are late again, awful")

with open(sys.argv[1], "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
