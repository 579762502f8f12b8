#!/usr/bin/env python3
"""A labelled stream for tests/query_e2e.sh: posts about Sky the UK
broadcaster and broadband provider, and posts about the sky. Written for
this project (no third-party text); deterministic for a given seed.

usage: sky_stream.py OUT.jsonl LABELS.tsv [N] [SEED]
LABELS.tsv: id<TAB>1 (about the company) or 0 (not)."""
import json
import random
import sys

COMPANY = [
    "{Sky} broadband down again in {city}, third time this week",
    "anyone else's {Sky} Q box freezing every evening?",
    "{Sky} just put my bill up by {n} pounds without telling me",
    "switching from {Sky} to Virgin Media, the customer service is awful",
    "the {Sky} engineer never turned up, took a day off for nothing",
    "cancelled my {Sky} tv package today after {n} years",
    "{Sky} mobile signal in {city} is rubbish",
    "my {Sky} router keeps dropping the wifi",
    "30 minutes on hold to {Sky} customer service and still no answer",
    "{Sky} Sports app crashed right before kick off",
    "is {Sky} broadband down in {city} or is it just me",
    "{Sky} contract renewal price is a joke",
    "#skyuk why is my bill so high this month",
    "@SkyHelpTeam my router has had a red light since yesterday",
]
WEATHER = [
    "the sky is so blue over {city} today",
    "beautiful night sky, you can see every star",
    "{Sky} looks stormy tonight, bring an umbrella",
    "clouds rolling across the sky this morning",
    "red sky at night, shepherd's delight",
    "sky full of stars at the festival in {city}",
    "watching the sky turn orange at sunset",
    "blue sky and sunshine in {city} for once",
    "the sky over {city} is grey again",
    "{Sky} is clearing up, might go for a run",
    "lay in the grass and stared at the sky for an hour",
    "the sky went dark at 4pm, winter is here",
    "what a sky this evening in {city}",
    "kids asking why the sky is blue, help",
]
# Rare hard ones (3% of the weather posts): the sky with the company's
# words. No query short of understanding gets these right.
HARD = [
    "the sky was so clear the mobile mast on the hill looked close enough to touch",
    "sky so dark over the stadium they turned the floodlights on for the tv cameras",
]
OWNED = [
    "@{user} sorry to hear that, DM us your account number and we'll look into your Sky broadband",
    "@{user} thanks for waiting, our engineers have fixed the Sky tv fault in {city}",
]
CITIES = ["Leeds", "Bristol", "Glasgow", "Cardiff", "Norwich", "York", "Derby", "Hull"]


def main():
    out, labels = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
    with open(out, "w") as o, open(labels, "w") as lab:
        for i in range(n):
            r = rng.random()
            if r < 0.08:
                text, label, author = rng.choice(OWNED), 1, "SkyHelpTeam"
            elif r < 0.50:
                text, label, author = rng.choice(COMPANY), 1, "user%d" % rng.randrange(500)
            else:
                pool = HARD if rng.random() < 0.03 else WEATHER
                text, label, author = rng.choice(pool), 0, "user%d" % rng.randrange(500)
            # Tweets are not careful with capitals.
            sky = "Sky" if rng.random() < 0.8 else "sky"
            text = text.format(Sky=sky, city=rng.choice(CITIES), n=rng.randrange(2, 15),
                               user="user%d" % rng.randrange(500))
            mid = "sky%05d" % i
            o.write(json.dumps({"id": mid, "network": "twitter", "author": author, "text": text,
                                "created_at": 1767225600 + 60 * i}) + "\n")
            lab.write("twitter:%s\t%d\n" % (mid, label))


if __name__ == "__main__":
    main()
