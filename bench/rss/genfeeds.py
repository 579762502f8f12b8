#!/usr/bin/env python3
"""Writes N feed files feed0000.xml.. into DIR, ITEMS items each, cycling
RSS 2.0 / Atom 1.0 / RSS 1.0 with HTML bodies, so the benchmark parses what
real feeds look like. usage: genfeeds.py DIR N ITEMS"""
import os
import sys

WORDS = ("acme widget support great terrible slow fast love hate service "
         "delivery price refund broken works update release team customer").split()


def body(i, j):
    w = [WORDS[(i * 7 + j * 3 + k) % len(WORDS)] for k in range(40)]
    return "<p>%s <b>%s</b> &amp; %s.</p><p>%s</p>" % (
        " ".join(w[:15]), w[15], " ".join(w[16:25]), " ".join(w[25:]))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rss2(i, n):
    items = "".join(
        "<item><title>Post %d of feed %d</title><link>https://f%d.example/p/%d</link>"
        "<guid>https://f%d.example/p/%d</guid><pubDate>Wed, 10 Oct 2018 %02d:%02d:00 GMT</pubDate>"
        "<dc:creator>Author %d</dc:creator><description>%s</description>"
        "<content:encoded><![CDATA[%s]]></content:encoded></item>\n"
        % (j, i, i, j, i, j, j % 24, j % 60, j % 5, esc(body(i, j)[:80]), body(i, j))
        for j in range(n))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Feed %d</title>\n%s'
            '</channel></rss>\n' % (i, items))


def atom(i, n):
    entries = "".join(
        "<entry><title>Entry %d of feed %d</title><link href=\"https://f%d.example/e/%d\"/>"
        "<id>tag:f%d.example,2018:%d</id><updated>2018-10-10T%02d:%02d:00Z</updated>"
        "<author><name>Author %d</name></author><content type=\"html\">%s</content></entry>\n"
        % (j, i, i, j, i, j, j % 24, j % 60, j % 5, esc(body(i, j))) for j in range(n))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            '<title>Feed %d</title><id>tag:f%d.example,2018:feed</id>\n%s</feed>\n' % (i, i, entries))


def rdf(i, n):
    items = "".join(
        "<item rdf:about=\"https://f%d.example/a/%d\"><title>Article %d</title>"
        "<link>https://f%d.example/a/%d</link><description>%s</description>"
        "<dc:date>2018-10-10T%02d:%02d:00+02:00</dc:date></item>\n"
        % (i, j, j, i, j, esc(body(i, j)), j % 24, j % 60) for j in range(n))
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<channel rdf:about="https://f%d.example/"><title>Feed %d</title></channel>\n%s'
            '</rdf:RDF>\n' % (i, i, items))


def main():
    out, n, items = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        doc = (rss2, atom, rdf)[i % 3](i, items)
        with open(os.path.join(out, "feed%04d.xml" % i), "w", encoding="utf-8") as f:
            f.write(doc)


if __name__ == "__main__":
    main()
