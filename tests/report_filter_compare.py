"""Compares what the filtered page showed (tests/report_filter_check.js)
with pages written by earshot and with counts read from the database.

Usage: report_filter_compare.py DOM PAGE DIR DB NOW TPAGE. DOM: --dump-dom of
the check page; PAGE: the page as written; DIR/brand-NAME.html: the page
of `earshot report --brand NAME`; DB: the sink's SQLite file; NOW: the
time the pages were written (to a few seconds: no row is near an edge);
TPAGE: a time before the page was written, in the same hour.
Prints "ok WHAT" or "bad WHAT: why" per comparison, then "cases N"."""
import bisect, html, json, math, re, sqlite3, sys

dom, page, where, dbpath, now = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
got = json.loads(html.unescape(re.findall(r'<pre id="filter-check">(.*?)</pre>', open(dom, encoding="utf-8").read(), re.S)[-1]))
RANGES = {"24h": 86400, "48h": 2 * 86400, "7d": 7 * 86400, "30d": 30 * 86400}
SINCE = now - 7 * 86400


def text(s):
    return html.unescape(re.sub(r"<[^>]+>", "", s))


def pct(a, b):
    """As core/util/numfmt.c writes a share (the C printf rounding)."""
    p = a / b * 100 if b > 0 else 0
    if 0 < p < 0.05:
        return "<0.1%"
    if 99.95 <= p < 100:
        return ">99.9%"
    s = "%.1f" % p
    return (s[:-2] if s.endswith(".0") else s) + "%"


def comma(n):
    return "{:,}".format(n)


def written(path):
    """What a page written by earshot shows, in the shape the check records."""
    s = open(path, encoding="utf-8").read()
    r = {"selection": [text(b) for b in re.findall(r"<b data-q[^>]*>(.*?)</b>",
                                                   re.search(r'<p class="selection".*?</p>', s).group(0))]}
    for cls in ("sov", "sentiment"):
        t = re.search(r'<table class="%s">(.*?)</table>' % cls, s, re.S)
        r[cls] = {}
        for tr in re.findall(r"<tr data-fb[^>]*>(.*?)</tr>", t.group(1) if t else "", re.S):
            td = [text(x) for x in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            r[cls][td[0]] = td[1:]
    r["bars"] = {}
    for g in re.split(r"<g data-sb=", s)[1:]:
        g = g.split("</svg>")[0]
        name = text(re.search(r"<text[^>]*>(.*?)</text>", g, re.S).group(1))
        w = [float(x) for x in re.findall(r'<rect [^>]*?data-l="\d"[^>]*? width="([0-9.]+)"', g)]
        r["bars"][name] = w + [text(re.search(r'<text[^>]*class="sbl"[^>]*>(.*?)</text>', g, re.S).group(1))]
    r["headings"] = {}
    for cls, kind in (("trend", "trend"), ("timeline-brand", "timeline")):
        for name, small in re.findall(r'<div class="%s"[^>]*><h3>(.*?) <small>(.*?)</small></h3>' % cls, s, re.S):
            r["headings"][kind + " " + text(name)] = text(small)
    ax = re.search(r'<g id="sent-axis".*?</g>', s, re.S)
    r["axis"] = [text(x) for x in re.findall(r"<text[^>]*>(.*?)</text>", ax.group(0))] if ax else []
    return r


db = sqlite3.connect(dbpath)
EARNED = """(select b.brand as brand, m.id, m.sentiment_label as label, coalesce(m.created_at, m.received_at) as t,
 m.network, coalesce(m.source, '') as source, coalesce(nullif(m.lang, ''), 'unknown') as lang
 from mention_brands b join mentions m on m.id = b.mention_id where b.owned = 0 union all
 select brand, id, sentiment_label, coalesce(created_at, received_at), network, coalesce(source, ''),
 coalesce(nullif(lang, ''), 'unknown') from mentions m
 where not exists (select 1 from mention_brands b where b.mention_id = m.id))"""
OWNED = """(select b.brand as brand, m.id, coalesce(m.created_at, m.received_at) as t, m.network
 from mention_brands b join mentions m on m.id = b.mention_id where b.owned = 1)"""


def match(f, alias):
    """The WHERE clause (after "t >= ?") and its values for filter f."""
    sql, args = "", []
    if "network" in f:
        sql += " and %s.network = ?" % alias; args.append(f["network"])
    if "topic" in f:
        sql += " and exists (select 1 from mention_topics x where x.mention_id = %s.id and x.topic = ?)" % alias
        args.append(f["topic"])
    if "dates" in f:
        sql += " and %s.t >= ?" % alias; args.append(now - RANGES[f["dates"]])
    if "brand" in f:
        sql += " and coalesce(%s.brand, '') = ?" % alias; args.append(f["brand"])
    return sql, args


def alert_ids(f):
    """The ids of the began alerts of the window matching f: by brand, and
    by topic, network and start where the alert has one."""
    out = []
    for aid, b, net, fields, bs in db.execute("select id, coalesce(brand, ''), network, fields, bucket_start from alerts"
                                              " where event not like '%_ended' and bucket_start >= ?", [SINCE]):
        topic = json.loads(fields or "{}").get("topic_name")
        if ("brand" in f and f["brand"] != b) or ("topic" in f and topic and topic != f["topic"]) or \
                ("network" in f and net and net != f["network"]) or ("dates" in f and bs < now - RANGES[f["dates"]]):
            continue
        out.append((aid, b))
    return out


def owned(f):
    """{brand: owned posts} matching f."""
    w, args = match(f, "o")
    return dict(db.execute("select brand, count(*) from " + OWNED + " o where o.t >= ?" + w + " group by 1",
                           [SINCE] + args).fetchall())


def by_brand(f, col):
    """{brand: {value of col: earned mentions}} matching f."""
    w, args = match(f, "e")
    out = {}
    for b, k, n in db.execute("select coalesce(e.brand, ''), %s, count(*) from %s e where e.t >= ?%s group by 1, 2"
                              % (col, EARNED, w), [SINCE] + args):
        out.setdefault(b, {})[k] = n
    return out


def listed(col, brand):
    """A brand's channels ("network\x1fsource") or languages as the page lists them: the window's
    largest first (then by name), eight of them."""
    whole = by_brand({}, col).get(brand, {})
    return sorted(whole, key=lambda k: (-whole[k], k.split("\x1f")))[:8], len(whole)


def channels(f, names):
    """The channels' rows (bar width, label x, label) and axis for filter f, per brand chart name."""
    out = {}
    sel = by_brand(f, "network || char(31) || source")
    for name in names:
        b = "" if name == "(no brand)" else name
        if "brand" in f and f["brand"] != b:
            continue
        top, nc = listed("network || char(31) || source", b)
        got = sel.get(b, {})
        n = sum(got.values())
        v = [got.get(k, 0) for k in top]
        if nc > 8:
            v.append(n - sum(v))
        am, ax = scale4(max(v) if v else 0)
        rows = {}
        for k, c in enumerate(v):
            d = c / am * 200 if am > 0 else 0
            rows[str(k)] = [max(d, 1), 180 + d + 5, "%d (%s)" % (c, pct(c, n))]
        out[name] = {"rows": rows, "axis": ax + ["mentions"]}
    return out


def langs(f, names):
    """Each shown brand's listed languages and their shares of its selection."""
    out = {}
    sel = by_brand(f, "lang")
    for name in names:
        b = "" if name == "(no brand)" else name
        if "brand" in f and f["brand"] != b:
            continue
        top, _ = listed("lang", b)
        got = sel.get(b, {})
        out[name] = ["%s %s" % (k, pct(got.get(k, 0), sum(got.values()))) for k in top]
    return out


def owned_rows(f, names):
    o = owned(f)
    return {name: comma(o.get(name, 0)) for name in names if "brand" not in f or f["brand"] == ("" if name == "(no brand)" else name)}


def bkbars(f, names):
    """The owned and earned bars (earned width, owned x and width, label) and their axis."""
    o, e = owned(f), by_brand(f, "1")
    shown = [n for n in names if n != "(no brand)" and ("brand" not in f or f["brand"] == n)]
    m = max([sum(e.get(n, {}).values()) + o.get(n, 0) for n in shown] or [0])
    st = nice(m, 6)
    am = math.ceil(m / st) * st
    ax, u = [], 0
    while u <= am + st * 1e-9:
        ax.append(comma(int(round(u))))
        u += st
    out = {}
    for n in shown:
        en, on = sum(e.get(n, {}).values()), o.get(n, 0)
        we, wo = (en / am * 600, on / am * 600) if am > 0 else (0, 0)
        out[n] = [we, 190 + we, wo, "%d earned \u00b7 %d owned (%s)" % (en, on, pct(on, en + on))]
    return out, ax + ["mentions and posts"]


def counted(f):
    """{brand: [positive, neutral, negative, unscored]} of the earned mentions matching f."""
    sql = "select coalesce(brand, ''), label, count(*) from " + EARNED + " e where t >= ?"
    args = [SINCE]
    if "network" in f:
        sql += " and network = ?"; args.append(f["network"])
    if "topic" in f:
        sql += " and exists (select 1 from mention_topics x where x.mention_id = e.id and x.topic = ?)"; args.append(f["topic"])
    if "dates" in f:
        sql += " and t >= ?"; args.append(now - RANGES[f["dates"]])
    if "brand" in f:
        sql += " and coalesce(brand, '') = ?"; args.append(f["brand"])
    out = {}
    for b, label, n in db.execute(sql + " group by 1, 2", args):
        i = {"positive": 0, "neutral": 1, "negative": 2}.get(label, 3)
        out.setdefault(b, [0, 0, 0, 0])[i] += n
    return out


def expected(f, whole):
    """The figures for filter f from the database, in the check's shape
    (only the figures the filters recompute)."""
    c = counted(f)
    s = [sum(v[i] for v in c.values()) for i in range(4)]
    n = sum(s)
    r = {"selection": [comma(n), pct(s[0], n), pct(s[1], n), pct(s[2], n)], "sov": {}, "sentiment": {}}
    named = {b: v for b, v in c.items() if b}
    all_, allneg = sum(sum(v) for v in named.values()), sum(v[2] for v in named.values())
    for name, row in whole["sov"].items():
        v = c.get(name, [0, 0, 0, 0]); t = sum(v)
        r["sov"][name] = [comma(t), pct(t, all_), comma(v[2]), pct(v[2], allneg), pct(v[2], t), comma(owned(f).get(name, 0))]
    for name, row in whole["sentiment"].items():
        v = c.get("" if name == "(no brand)" else name, [0, 0, 0, 0]); t = sum(v)
        cells = [str(t), str(v[0]), str(v[1]), str(v[2])] + ([str(v[3])] if len(row) == 7 else [])
        na = sum(1 for _, b in alert_ids(f) if b == ("" if name == "(no brand)" else name))
        r["sentiment"][name] = cells + [pct(v[2], t if t else 1), str(na)]
    r["headings"] = {}
    for key, small in whole["headings"].items():
        kind, name = key.split(" ", 1)
        v = c.get("" if name == "(no brand)" else name, [0, 0, 0, 0]); t = sum(v)
        if kind == "trend":
            r["headings"][key] = "\u2014 %s positive, %s neutral, %s negative" % (pct(v[0], t), pct(v[1], t), pct(v[2], t))
        else:
            na = sum(1 for _, b in alert_ids(f) if b == ("" if name == "(no brand)" else name))
            r["headings"][key] = "\u2014 %d mentions, %d negative (%s), %d alert%s" % (t, v[2], pct(v[2], t), na,
                                                                                      "" if na == 1 else "s")
    return r


def nice(m, n):
    """es__report_nice_step (core/report/html.c): 1, 2, 5 x 10^k."""
    if m <= 0:
        return 1
    raw = m / n
    mag = 10 ** math.floor(math.log10(raw))
    for k in (1, 2, 5, 10):
        if k * mag >= raw:
            return 1 if k * mag < 1 else k * mag
    return 10 * mag


def scale4(m):
    """A horizontal axis of four ticks or so: its end and tick labels."""
    st = nice(m, 4)
    am = math.ceil(m / st) * st
    ax, u = [], 0
    while u <= am + st * 1e-9:
        ax.append(comma(int(round(u))))
        u += st
    return am, ax


def scale(m):
    st = nice(m, 4)
    am = math.ceil(m / st) * st
    ax, u = [], 0
    while u <= am + st * 1e-9:
        ax.append(comma(int(round(u))))
        u += st
    return am, ax


# The layout of the time charts (bucket starts, first day, the page's
# clock) is read from the page; every count is the database's.
TC = json.loads(re.search(r'<script type="application/json" id="es-tcube">(.*?)</script>',
                          open(page, encoding="utf-8").read(), re.S).group(1))
BK, DAY0 = TC["bk"], TC["day0"]
# The page's clock to the hour: what a bucket's visibility under a date
# range depends on (the ranges are whole hours); the test writes the page
# within the hour of TPAGE.
TNOW = int(sys.argv[6])
CUT = (TNOW // 3600) * 3600 - 47 * 3600
HOURLY = [k for k in range(len(BK)) if BK[k] >= CUT]
NDAYS = TNOW // 86400 - DAY0 + 1  # the volume chart: one slot a day over 872 px


def bucket_counts(f):
    """{brand: {bucket: [positive, neutral, negative, unscored]}} of the
    earned mentions of the window matching f's brand, topic or network
    (with both a topic and a network, the topic alone: the page says so),
    dates left out (a date range hides buckets, it does not cut them)."""
    sql = "select coalesce(brand, ''), label, t from " + EARNED + " e where t >= ?"
    args = [TNOW - 7 * 86400]
    if "topic" in f:
        sql += " and exists (select 1 from mention_topics x where x.mention_id = e.id and x.topic = ?)"; args.append(f["topic"])
    elif "network" in f:
        sql += " and network = ?"; args.append(f["network"])
    out = {}
    for b, label, t in db.execute(sql, args):
        k = bisect.bisect_right(BK, t) - 1
        if k < 0 or t >= BK[-1] + 3600:
            continue
        i = {"positive": 0, "neutral": 1, "negative": 2}.get(label, 3)
        out.setdefault(b, {}).setdefault(k, [0, 0, 0, 0])[i] += 1
    return out


def charts(f):
    """The time charts for filter f, in the check's shape."""
    got_all, sel = bucket_counts({}), bucket_counts(f)
    since = TNOW - RANGES[f["dates"]] if "dates" in f else None

    def vis(end):
        return since is None or end >= since
    trend, volume = {}, {}
    for b, whole in got_all.items():
        if "brand" in f and f["brand"] != b:
            continue
        name = b or "(no brand)"
        c = sel.get(b, {})
        nh = len(HOURLY)
        for i, ks in enumerate([range(0, len(BK) - nh), HOURLY] if nh < len(BK) else [HOURLY]):
            shown = [k for k in ks if sum(whole.get(k, [0])) and vis(BK[k] + (3599 if k in HOURLY else 86399))]
            am, ax = scale(max([1] + [sum(c.get(k, [0])) for k in shown]))
            trend["%s %d" % (name, i)] = {"axis": ax, "bars": {
                str(k): [v / am * 122 for v in c.get(k, [0, 0, 0, 0])] for k in shown}}
        wd, cd = {}, {}
        for k, v in whole.items():
            wd[BK[k] // 86400 - DAY0] = wd.get(BK[k] // 86400 - DAY0, 0) + sum(v)
        for k, v in c.items():
            d = cd.setdefault(BK[k] // 86400 - DAY0, [0, 0])
            d[0] += sum(v); d[1] += v[2]
        shown = [d for d in sorted(wd) if wd[d] and vis((DAY0 + d) * 86400 + 86399)]
        am, ax = scale(max([cd.get(d, [0])[0] for d in shown]) or 1)
        path, pv = [], -2
        for d in sorted(wd):
            v, n = cd.get(d, [0, 0])
            if not v or d not in shown:
                pv = -2
                continue
            path.append(("L" if pv == d - 1 else "M", 64 + (d + 0.5) * 872 / NDAYS,
                         40 + 138 - n / v * 138))
            pv = d
        volume[name] = {"axis": ax, "days": {str(d): [(cd.get(d, [0, 0])[0] - cd.get(d, [0, 0])[1]) / am * 138,
                                                      cd.get(d, [0, 0])[1] / am * 138] for d in shown}, "path": path}
    return trend, volume


def topics(f, whole_rows):
    """The topics table's mentions and negative share per "topic / brand"
    for filter f (the rows f's brand and topic leave shown)."""
    sql = ("select x.topic, coalesce(e.brand, ''), e.label, count(*) from " + EARNED +
           " e join mention_topics x on x.mention_id = e.id where e.t >= ?")
    args = [SINCE]
    if "network" in f:
        sql += " and e.network = ?"; args.append(f["network"])
    if "dates" in f:
        sql += " and e.t >= ?"; args.append(now - RANGES[f["dates"]])
    c = {}
    for t, b, label, n in db.execute(sql + " group by 1, 2, 3", args):
        c.setdefault((t, b), [0, 0, 0, 0])[{"positive": 0, "neutral": 1, "negative": 2}.get(label, 3)] += n
    out = {}
    for key in whole_rows:
        t, name = key.split(" / ", 1)
        b = "" if name == "(no brand)" else name
        if ("brand" in f and f["brand"] != b) or ("topic" in f and f["topic"] != t):
            continue
        v = c.get((t, b), [0, 0, 0, 0])
        out[key] = [comma(sum(v)), pct(v[2], sum(v))]
    return out


def topic_bars(f):
    """The topics' bars the page draws (its fifteen largest, as written)
    for filter f: negative width, the other part's x and width, label; and
    their axis, on the shown bars' scale."""
    sql = ("select x.topic, coalesce(e.brand, ''), sum(case when e.label = 'negative' then 1 else 0 end), count(*) from " + EARNED +
           " e join mention_topics x on x.mention_id = e.id where e.t >= ?")
    args = [SINCE]
    if "network" in f:
        sql += " and e.network = ?"; args.append(f["network"])
    if "dates" in f:
        sql += " and e.t >= ?"; args.append(now - RANGES[f["dates"]])
    c = {(t, b): (n, neg) for t, b, neg, n in db.execute(sql + " group by 1, 2", args)}
    shown = [(t, b) for t, b in WHOLE_TOPIC_BARS if ("brand" not in f or f["brand"] == b) and ("topic" not in f or f["topic"] == t)]
    m = max([c.get(k, (0, 0))[0] for k in shown] or [0])
    st = nice(m, 6)
    am = math.ceil(m / st) * st
    ax, u = [], 0
    while u <= am + st * 1e-9:
        ax.append(comma(int(round(u))))
        u += st
    out = {}
    for t, b in shown:
        n, neg = c.get((t, b), (0, 0))
        wn, wo = (neg / am * 580, (n - neg) / am * 580) if am > 0 else (0, 0)
        out["%s / %s" % (t, b or "(no brand)")] = [wn, 260 + wn, wo, "%d \u00b7 %s negative" % (n, pct(neg, n))]
    return out, ax + ["mentions"]


def sov_days(f):
    """Share of voice per day for filter f: {day: {brand or "other
    brands": column height}} of the columns and parts shown (152 px is
    the whole column): the eight largest named brands by name, the rest
    grouped."""
    whole, sel = bucket_counts({}), bucket_counts(f)
    named = sorted((b for b in whole if b), key=lambda b: (-sum(sum(v) for v in whole[b].values()), b))
    top = named[:8]
    since = TNOW - RANGES[f["dates"]] if "dates" in f else None

    def per_day(c, b):
        out = {}
        for k, v in c.get(b, {}).items():
            out[BK[k] // 86400 - DAY0] = out.get(BK[k] // 86400 - DAY0, 0) + sum(v)
        return out
    wd = {b: per_day(whole, b) for b in named}
    sd = {b: per_day(sel, b) for b in named if "brand" not in f or f["brand"] == b}
    out = {}
    for d in range(NDAYS):
        if not sum(wd[b].get(d, 0) for b in named) or (since is not None and (DAY0 + d) * 86400 + 86399 < since):
            continue
        al = sum(v.get(d, 0) for v in sd.values())
        col = {b: (sd[b].get(d, 0) / al * 152 if al else 0) for b in top if wd[b].get(d, 0) and b in sd}
        if sum(wd[b].get(d, 0) for b in named[8:]):
            col["other brands"] = sum(sd[b].get(d, 0) for b in named[8:] if b in sd) / al * 152 if al else 0
        if col:
            out[str(d)] = col
    return out


def breakdown(f, whole_rows):
    """Owned and earned: a brand's earned mentions and each network's
    share of them (the networks the page lists) for filter f."""
    out = {}
    for name, row in whole_rows.items():
        b = "" if name == "(no brand)" else name
        if "brand" in f and f["brand"] != b:
            continue
        v = counted(dict(f, brand=b))
        t = sum(sum(x) for x in v.values())
        tags = []
        for tag in row[1:]:
            net = tag.rsplit(" ", 1)[0]
            tags.append("%s %s" % (net, pct(sum(sum(x) for x in counted(dict(f, brand=b, network=net)).values())
                                            if f.get("network", net) == net else 0, t)))
        out[name] = [comma(t)] + tags
    return out


def close(a, b, eps):
    return len(a) == len(b) and all(abs(x - y) < eps for x, y in zip(a, b))


def path_of(d):
    return [(m.group(1), float(m.group(2)), float(m.group(3))) for m in re.finditer(r"([ML])([-0-9.]+) ([-0-9.]+)", d)]


def chart_problems(case, f):
    """What the time charts of one case show wrong, or []."""
    trend, volume = charts(f)
    out = []
    if set(case["trend"]) != set(trend):
        out.append("trend panels: shown %s, want %s" % (sorted(case["trend"]), sorted(trend)))
    for key in set(case["trend"]) & set(trend):
        g, w = case["trend"][key], trend[key]
        if g["ph"] != 122:
            out.append("trend %s: panel height %s" % (key, g["ph"]))
        if g["axis"] != w["axis"]:
            out.append("trend %s axis: shown %s, want %s" % (key, g["axis"], w["axis"]))
        if set(g["bars"]) != set(w["bars"]) or not all(close(g["bars"][k], w["bars"][k], 0.011) for k in g["bars"]):
            bad_k = [k for k in w["bars"] if k not in g["bars"] or not close(g["bars"][k], w["bars"][k], 0.011)][:3]
            out.append("trend %s bars %s: shown %s, want %s" % (key, bad_k, [g["bars"].get(k) for k in bad_k],
                                                               [w["bars"][k] for k in bad_k]))
    if set(case["volume"]) != set(volume):
        out.append("volume charts: shown %s, want %s" % (sorted(case["volume"]), sorted(volume)))
    for key in set(case["volume"]) & set(volume):
        g, w = case["volume"][key], volume[key]
        if g["ph"] != 138:
            out.append("volume %s: chart height %s" % (key, g["ph"]))
        if g["axis"] != w["axis"]:
            out.append("volume %s axis: shown %s, want %s" % (key, g["axis"], w["axis"]))
        if set(g["days"]) != set(w["days"]) or not all(close(g["days"][d], w["days"][d], 0.011) for d in g["days"]):
            out.append("volume %s days: shown %s, want %s" % (key, json.dumps(g["days"])[:200], json.dumps(w["days"])[:200]))
        gp = path_of(g["path"])
        if len(gp) != len(w["path"]) or not all(a[0] == b[0] and abs(a[1] - b[1]) < 0.051 and abs(a[2] - b[2]) < 0.051
                                                for a, b in zip(gp, w["path"])):
            out.append("volume %s line: shown %s, want %s" % (key, g["path"][:200], w["path"][:6]))
    want_t = topics(f, WHOLE_TOPICS)
    if case["topics"] != want_t:
        out.append("topics: shown %s, want %s" % (json.dumps(case["topics"])[:300], json.dumps(want_t)[:300]))
    want_s = sov_days(f)
    if set(case["sovd"]) != set(want_s) or not all(
            set(case["sovd"][d]) == set(want_s[d]) and all(abs(case["sovd"][d][b] - want_s[d][b]) < 0.011 for b in want_s[d])
            for d in want_s):
        out.append("share of voice per day: shown %s, want %s" % (json.dumps(case["sovd"])[:300], json.dumps(want_s)[:300]))
    want_b = breakdown(f, WHOLE_BREAKDOWN)
    if case["breakdown"] != want_b:
        out.append("owned and earned: shown %s, want %s" % (json.dumps(case["breakdown"])[:300], json.dumps(want_b)[:300]))
    names = list(WHOLE_BREAKDOWN)
    want_o = owned_rows(f, names)
    if case["owned"] != want_o:
        out.append("owned posts: shown %s, want %s" % (json.dumps(case["owned"])[:300], json.dumps(want_o)[:300]))
    want_so = owned_rows(f, [n for n in whole["sov"]])
    if case["sovOwned"] != want_so:
        out.append("own posts (share of voice): shown %s, want %s" % (json.dumps(case["sovOwned"])[:300], json.dumps(want_so)[:300]))
    want_l = langs(f, names)
    if case["langs"] != want_l:
        out.append("languages: shown %s, want %s" % (json.dumps(case["langs"])[:300], json.dumps(want_l)[:300]))
    want_bk, want_bx = bkbars(f, names)
    if set(case["bkbars"]) != set(want_bk) or not all(
            close(case["bkbars"][n][:3], want_bk[n][:3], 0.051) and case["bkbars"][n][3] == want_bk[n][3] for n in want_bk):
        out.append("owned and earned bars: shown %s, want %s" % (json.dumps(case["bkbars"])[:300], json.dumps(want_bk)[:300]))
    if case["bkaxis"] != want_bx:
        out.append("owned and earned axis: shown %s, want %s" % (case["bkaxis"], want_bx))
    want_c = channels(f, WHOLE_CHANNELS)
    if set(case["channels"]) != set(want_c):
        out.append("channels: charts shown %s, want %s" % (sorted(case["channels"]), sorted(want_c)))
    for name in set(case["channels"]) & set(want_c):
        g, w = case["channels"][name], want_c[name]
        if g["axis"] != w["axis"] or set(g["rows"]) != set(w["rows"]) or not all(
                close(g["rows"][k][:2], w["rows"][k][:2], 0.051) and g["rows"][k][2] == w["rows"][k][2] for k in w["rows"]):
            out.append("channels of %s: shown %s, want %s" % (name, json.dumps(g)[:300], json.dumps(w)[:300]))
    want_tb, want_tx = topic_bars(f)
    if set(case["topicBars"]) != set(want_tb) or not all(
            close(case["topicBars"][k][:3], want_tb[k][:3], 0.051) and case["topicBars"][k][3] == want_tb[k][3] for k in want_tb):
        out.append("topics' bars: shown %s, want %s" % (json.dumps(case["topicBars"])[:300], json.dumps(want_tb)[:300]))
    if case["tpaxis"] != want_tx:
        out.append("topics' axis: shown %s, want %s" % (case["tpaxis"], want_tx))
    want_a = sorted(a for a, _ in alert_ids(f))
    if case["alertRows"] != want_a:
        out.append("alerts table rows: shown %s, want %s" % (case["alertRows"], want_a))
    if case["markers"] != [a for a in want_a if a in WHOLE_MARKERS]:
        out.append("alert markers: shown %s, want %s" % (case["markers"], want_a))
    if case["spans"] != len(want_a):
        out.append("alert timeline: %d spans shown, want %d" % (case["spans"], len(want_a)))
    if case["tcomb"] != (2 if "topic" in f and "network" in f else 0):
        out.append("the note on topic x network shown %d times" % case["tcomb"])
    return out


whole = written(page)
WHOLE_TOPICS = {}
for tr in re.findall(r"<tr data-fb[^>]*>(.*?)</tr>", (re.search(r'<table class="topics">(.*?)</table>',
                     open(page, encoding="utf-8").read(), re.S) or re.match("()", "")).group(1), re.S):
    td = [text(x) for x in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
    WHOLE_TOPICS[td[0] + " / " + td[1]] = td[3:5]
WHOLE_BREAKDOWN = {}
for tr in re.findall(r"<tr data-fb[^>]*>(.*?)</tr>", (re.search(r'<table class="breakdown">(.*?)</table>',
                     open(page, encoding="utf-8").read(), re.S) or re.match("()", "")).group(1), re.S):
    td = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
    WHOLE_BREAKDOWN[text(td[0])] = [text(td[1])] + [text(x) for x in re.findall(r'<span class="tag">(.*?</span>)</span>', td[3], re.S)]
_labels = {k + "-" + i: html.unescape(n) for k, i, n in re.findall(r'<label for="(f[bt])-(\d+)">(.*?)</label>', open(page, encoding="utf-8").read())}
WHOLE_TOPIC_BARS = [(_labels["ft-" + t], "" if _labels["fb-" + b] == "(no brand)" else _labels["fb-" + b])
                    for b, t in re.findall(r'<g class="topic" data-tp="(\d+) (\d+)"', open(page, encoding="utf-8").read())]
WHOLE_MARKERS = set(html.unescape(x) for x in re.findall(r'<g class="alert-marker"[^>]* data-alert-id="([^"]*)"', open(page, encoding="utf-8").read()))
WHOLE_CHANNELS = [text(h) for h in re.findall(r'<div data-chb="\d+"[^>]*><h3>(.*?)</h3>', open(page, encoding="utf-8").read(), re.S)]
bad = 0
kinds = {"fb": "brand", "ft": "topic", "fn": "network", "fd": "dates"}
for case in got["cases"]:
    f = {}
    for i, name in zip(case["ids"], case["names"]):
        k = kinds[i.split("-")[0]]
        f[k] = i.split("-", 1)[1] if k == "dates" else ("" if name == "(no brand)" else name)
    what = " ".join("%s %s" % (k, v) for k, v in f.items()) or "no filter"
    if not f:
        want = whole
        keys = ["selection", "sov", "sentiment", "bars", "axis", "headings"]
    elif list(f) == ["brand"] and f["brand"]:
        want = written("%s/brand-%s.html" % (where, f["brand"]))
        keys = ["selection", "sov", "sentiment", "bars", "axis", "headings"]
    else:
        want = expected(f, whole)
        keys = ["selection", "sov", "sentiment", "headings"]
    problems = []
    for k in keys:
        g, w = case[k], want[k]
        if k in ("sov", "sentiment", "bars", "headings"):
            g = {n: v for n, v in g.items()}
            if k == "sentiment":
                # a page with no unscored mention has no "Unscored" column
                w1 = next(iter(w.values()), None)
                if w1 is not None and len(w1) == 6:
                    g = {n: v[:4] + v[5:] if len(v) == 7 and v[4] == "0" else v for n, v in g.items()}
            if k == "bars":
                w = {n: v for n, v in w.items() if n in g} if f else w
                ok = set(g) == set(w) and all(
                    len(g[n]) == len(w[n]) and all(abs(a - b) < 0.011 for a, b in zip(g[n][:-1], w[n][:-1]))
                    and g[n][-1] == w[n][-1] for n in g)
            else:
                # rows the filter hides are not compared; a brand shown must be right
                w = {n: v for n, v in w.items() if n in g}
                ok = g == w and (k == "sov" or set(g) or case["selection"][0] == "0")
            if k in ("sov", "sentiment") and list(f) == ["brand"] and f["brand"]:
                ok = ok and set(g) == set(want[k])
        else:
            ok = g == w
        if not ok:
            problems.append("%s: shown %s, want %s" % (k, json.dumps(g)[:300], json.dumps(w)[:300]))
    problems += chart_problems(case, f)
    if problems:
        bad += 1
        print("bad %s: %s" % (what, "; ".join(problems)))
    else:
        print("ok %s %s" % (what, " ".join(case["selection"])))
print("changed %d" % len({json.dumps(c["selection"]) for c in got["cases"]}))
print("cases %d" % len(got["cases"]))
sys.exit(0)
