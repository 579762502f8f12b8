/*
 * es_feed_parse() against the fixtures in tests/data/rss: every format, the
 * field mappings, the repairs for what feeds get wrong, and the hostile
 * documents (entity bombs, external entities) that must neither expand nor
 * reach the network or the disk.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include <earshot/plugin.h>
#include "tap.h"

static const char *datadir;

static char *slurp(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", datadir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        skip_all("cannot open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
        skip_all("cannot read %s", path);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static int parse_file(const char *name, size_t max_items, es_feed_t *feed)
{
    size_t len;
    char *buf = slurp(name, &len);
    int rc = es_feed_parse(buf, len, "https://feeds.example/dir/feed.xml", max_items, feed);
    free(buf);
    return rc;
}

static const es_feed_item_t *find(const es_feed_t *f, const char *id)
{
    for (size_t i = 0; i < f->n_items; i++)
        if (strcmp(f->items[i].id, id) == 0)
            return &f->items[i];
    return NULL;
}

static int has_problem(const es_feed_t *f, long line, const char *needle)
{
    for (size_t i = 0; i < f->n_problems; i++)
        if ((line < 0 || f->problems[i].line == line) && strstr(f->problems[i].message, needle))
            return 1;
    return 0;
}

static void dump_problems(const es_feed_t *f)
{
    for (size_t i = 0; i < f->n_problems; i++)
        diag("  problem line %ld: %s", f->problems[i].line, f->problems[i].message);
}

static void test_rss2(void)
{
    es_feed_t f;
    is_int(parse_file("rss2.xml", 0, &f), 0, "rss2: parses");
    is_int(f.format, ES_FEED_RSS, "rss2: format");
    is_str(f.title, "Acme & Co. Blog", "rss2: channel title, entity decoded");
    is_int(f.n_items, 5, "rss2: five items");
    if (f.n_problems) {
        ok(0, "rss2: no problems");
        dump_problems(&f);
    } else {
        ok(1, "rss2: no problems");
    }
    const es_feed_item_t *it = find(&f, "post-1001");
    ok(it != NULL, "rss2: guid isPermaLink=false is the id");
    if (it) {
        is_str(it->title, "Acme\xe2\x80\x99s new widget ships", "rss2: escaped HTML in title stripped, &#8217; decoded");
        is_str(it->link, "https://blog.acme.example/2018/10/widget", "rss2: link");
        is_str(it->author, "Jane Doe", "rss2: dc:creator (CDATA) is the author");
        is_str(it->author_name, "Jane Doe", "rss2: dc:creator is the author name");
        is_int(it->published, 1539202764, "rss2: RFC 822 GMT pubDate");
        is_str(it->text, "The widget is here & it\xe2\x80\x99s great.\n\nSecond paragraph.",
               "rss2: content:encoded preferred; CDATA HTML stripped, script dropped, &rsquo; and &nbsp;");
        ok(!es_feed_id_is_global(it->id), "rss2: a bare guid is not global");
    }
    it = find(&f, "https://blog.acme.example/?p=1002");
    ok(it != NULL, "rss2: permalink guid is the id");
    if (it) {
        is_str(it->author, "Jo Bloggs", "rss2: <author> email (name) gives the name");
        is_int(it->published, 1539262800, "rss2: -0400 offset");
        is_str(it->text, "Waited three days & counting", "rss2: description, doubly escaped &amp;amp;");
        ok(es_feed_id_is_global(it->id), "rss2: URL guid is global");
    }
    it = find(&f, "https://feeds.example/2018/10/relative");
    ok(it != NULL, "rss2: without guid the resolved link is the id");
    if (it) {
        is_int(it->published, 1539349200, "rss2: 2-digit year, no seconds, EST");
        is_str(it->text, "Plain linked text", "rss2: CDATA description");
    }
    const es_feed_item_t *h = NULL, *d = NULL;
    for (size_t i = 0; i < f.n_items; i++) {
        if (!strncmp(f.items[i].id, "sha256:", 7) && f.items[i].title)
            h = &f.items[i];
        else if (!strncmp(f.items[i].id, "sha256:", 7))
            d = &f.items[i];
    }
    ok(h != NULL && strlen(h->id) == 7 + 32, "rss2: title+date hash when neither guid nor link");
    if (h) {
        is_int(h->published, 1539417600, "rss2: RFC 3339 pubDate with offset");
        ok(h->link == NULL, "rss2: no link is NULL");
    }
    ok(d != NULL && d->title == NULL, "rss2: description-only item kept with a body hash");
    if (d)
        is_str(d->text, "Only a description.", "rss2: its text");

    /* Same document, same ids: the hash is stable. */
    es_feed_t g;
    parse_file("rss2.xml", 0, &g);
    int same = g.n_items == f.n_items;
    for (size_t i = 0; same && i < g.n_items; i++)
        same = !strcmp(g.items[i].id, f.items[i].id);
    ok(same, "rss2: ids stable across parses");
    es_feed_free(&g);
    es_feed_free(&f);
}

static void test_rdf(void)
{
    es_feed_t f;
    is_int(parse_file("rss1.rdf", 0, &f), 0, "rdf: parses");
    is_int(f.format, ES_FEED_RDF, "rdf: format");
    is_int(f.n_items, 2, "rdf: two items beside the channel");
    const es_feed_item_t *it = find(&f, "https://news.example/a/1");
    ok(it != NULL, "rdf: rdf:about is the id");
    if (it) {
        is_str(it->author, "Ann Author", "rdf: dc:creator");
        is_int(it->published, 1539202764, "rdf: dc:date");
        is_str(it->text, "About Acme.", "rdf: description");
    }
    it = find(&f, "https://news.example/a/2");
    if (it) {
        is_str(it->text, "Full body", "rdf: content:encoded over description");
        is_int(it->published, 1539241200, "rdf: dc:date with +01:00");
    }
    es_feed_free(&f);
}

static void test_atom(void)
{
    es_feed_t f;
    is_int(parse_file("atom.xml", 0, &f), 0, "atom: parses");
    is_int(f.format, ES_FEED_ATOM, "atom: format");
    is_str(f.title, "Atom & Eve", "atom: feed title");
    is_int(f.n_items, 3, "atom: three entries");
    const es_feed_item_t *it = find(&f, "tag:atom.example,2018:1");
    ok(it != NULL, "atom: id");
    if (it) {
        is_str(it->title, "Escaped HTML title", "atom: type=html title");
        is_str(it->link, "https://atom.example/blog/posts/1", "atom: rel=alternate over rel=edit, xml:base resolved");
        is_str(it->author, "Entry Author", "atom: entry author/name");
        is_int(it->published, 1539202764, "atom: published");
        is_int(it->updated, 1539216000, "atom: updated");
        is_str(it->text, "Hello & welcome", "atom: type=html content");
    }
    it = find(&f, "tag:atom.example,2018:2");
    if (it) {
        is_str(it->title, "XHTML title", "atom: type=xhtml title");
        is_str(it->text, "An xhtml body.\n\nTwo paras.", "atom: type=xhtml content over summary");
        is_str(it->author, "Feed Author", "atom: feed author as fallback");
        is_int(it->published, 0, "atom: no published");
        is_int(it->updated, 1539361802, "atom: updated with +02:00");
    }
    it = find(&f, "tag:atom.example,2018:3");
    if (it) {
        is_str(it->title, "Text title with <b> literal", "atom: type=text keeps markup-like text");
        is_str(it->link, "https://other.example/root/deep/3", "atom: entry xml:base");
        is_str(it->text, "CDATA summary", "atom: out-of-line content skipped, html summary used");
    }
    es_feed_free(&f);

    is_int(parse_file("atom03.xml", 0, &f), 0, "atom 0.3: parses");
    is_int(f.n_items, 1, "atom 0.3: one entry");
    if (f.n_items) {
        is_str(f.items[0].text, "Escaped body", "atom 0.3: mode=escaped text/html");
        is_int(f.items[0].published, 1122812969, "atom 0.3: issued");
        is_int(f.items[0].updated, 1122854400, "atom 0.3: modified");
    }
    es_feed_free(&f);
}

static void test_repairs(void)
{
    es_feed_t f;
    is_int(parse_file("rss091.xml", 0, &f), 0, "rss 0.91: parses without its DTD");
    if (f.n_items) {
        is_str(f.items[0].title, "Caf\xc3\xa9 opens \xe2\x80\x94 again", "rss 0.91: HTML entities from the DTD mapped");
        is_str(f.items[0].text, "Fresh \xc2\xa9 coffee\xe2\x80\xa6", "rss 0.91: &copy; &hellip;");
    }
    is_str(f.title, "Old School", "rss 0.91: &nbsp; in channel title");
    es_feed_free(&f);

    is_int(parse_file("illformed.xml", 0, &f), 0, "ill-formed: recovered");
    is_int(f.n_items, 3, "ill-formed: all three items survive");
    if (f.n_items == 3) {
        is_str(f.items[0].title, "AT&T merger news", "ill-formed: bare & and raw <b> in title");
        is_str(f.items[0].link, "http://ill.example/a?x=1&y=2", "ill-formed: bare & in link");
        is_str(f.items[0].author, "Undeclared Prefix", "ill-formed: undeclared dc: prefix still read");
        is_int(f.items[0].published, 0, "ill-formed: unreadable date is 0");
        is_str(f.items[0].text, "Raw HTML\nwith an unclosed br", "ill-formed: raw HTML description with <br>");
        is_str(f.items[2].text, "Mismatched tags here", "ill-formed: mismatched tags");
    }
    ok(has_problem(&f, 4, "unescaped '&'"), "ill-formed: bare & reported with its line");
    ok(has_problem(&f, 9, "unreadable date"), "ill-formed: bad date reported with its line");
    ok(has_problem(&f, 13, "bogus"), "ill-formed: undefined entity reported with its line");
    if (!ok(has_problem(&f, 20, "mismatch"), "ill-formed: tag mismatch reported with its line"))
        dump_problems(&f);
    es_feed_free(&f);

    is_int(parse_file("control-chars.xml", 0, &f), 0, "control chars: parses");
    if (f.n_items)
        is_str(f.items[0].title, "Bell and NUL-free control", "control chars: become spaces");
    ok(has_problem(&f, 3, "control"), "control chars: reported");
    es_feed_free(&f);

    is_int(parse_file("latin1-declared-utf8.xml", 0, &f), 0, "mislabelled: parses");
    if (f.n_items) {
        is_str(f.items[0].title, "Caf\xc3\xa9 d\xc3\xa9j\xc3\xa0 vu \xe2\x80\x94 \xc3\xbcn\xc3\xaf"
                                 "c\xc3\xb6" "d\xc3\xa9",
               "mislabelled: UTF-8 declared as ISO-8859-1 read as UTF-8");
        is_str(f.items[0].text, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e text", "mislabelled: CJK intact");
    }
    ok(has_problem(&f, 1, "declared encoding"), "mislabelled: reported");
    es_feed_free(&f);

    is_int(parse_file("invalid-utf8.xml", 0, &f), 0, "invalid UTF-8: parses");
    if (f.n_items) {
        is_str(f.items[0].title, "caf\xc3\xa9 and \xe2\x80\x9cquotes\xe2\x80\x9d",
               "invalid UTF-8: stray bytes read as Windows-1252");
        is_str(f.items[0].text, "real UTF-8: \xc3\xa9t\xc3\xa9, stray: \xc3\xbf",
               "invalid UTF-8: valid sequences untouched");
    }
    ok(has_problem(&f, 3, "invalid UTF-8"), "invalid UTF-8: reported with its line");
    es_feed_free(&f);

    is_int(parse_file("latin1.xml", 0, &f), 0, "latin-1: parses");
    if (f.n_items)
        is_str(f.items[0].title, "Gar\xc3\xa7on \xc3\xa0 la cr\xc3\xa8me", "latin-1: transcoded");
    is_int(f.n_problems, 0, "latin-1: honest Latin-1 is no problem");
    es_feed_free(&f);

    is_int(parse_file("utf16.xml", 0, &f), 0, "utf-16: parses");
    if (f.n_items)
        is_str(f.items[0].title, "UTF-16 \xc3\xbc" "ber \xe2\x98\x83", "utf-16: decoded");
    es_feed_free(&f);

    is_int(parse_file("truncated.xml", 0, &f), 0, "truncated: recovered");
    is_int(f.n_items, 2, "truncated: complete and partial item");
    if (f.n_items == 2)
        is_str(f.items[1].text, "This description is cut of", "truncated: partial text kept");
    ok(has_problem(&f, -1, "Premature end"), "truncated: reported");
    es_feed_free(&f);

    is_int(parse_file("leading-space.xml", 0, &f), 0, "blank lines before <?xml: parses");
    is_int(f.n_items, 1, "blank lines before <?xml: item");
    es_feed_free(&f);

    is_int(parse_file("not-a-feed.html", 0, &f), ES_EPARSE, "HTML page: not a feed");
    ok(has_problem(&f, -1, "not an RSS"), "HTML page: says why");
    es_feed_free(&f);

    is_int(parse_file("repeat-1.xml", 0, &f), 0, "repeats: parses");
    is_int(f.n_items, 3, "repeats: the parser keeps duplicates (the plugin drops them)");
    es_feed_free(&f);

    is_int(parse_file("rss2.xml", 2, &f), 0, "max_items: parses");
    is_int(f.n_items, 2, "max_items: two kept");
    is_int(f.n_skipped, 3, "max_items: three skipped");
    es_feed_free(&f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_hostile(void)
{
    es_feed_t f;
    double t0 = now_s();
    int rc = parse_file("billion-laughs.xml", 0, &f);
    double dt = now_s() - t0;
    ok(rc == 0 || rc == ES_EPARSE, "billion laughs: returns (rc %d)", rc);
    ok(dt < 2.0, "billion laughs: fast (%.3f s)", dt);
    size_t total = 0;
    for (size_t i = 0; i < f.n_items; i++) {
        total += strlen(f.items[i].text) + (f.items[i].title ? strlen(f.items[i].title) : 0);
        ok(!strstr(f.items[i].text, "lollol"), "billion laughs: item %zu text not expanded", i);
        ok(!f.items[i].link || !strstr(f.items[i].link, "lollol"), "billion laughs: link not expanded");
    }
    ok(total < 1000, "billion laughs: output stays small (%zu bytes)", total);
    ok(has_problem(&f, -1, "entity"), "billion laughs: reported");
    es_feed_free(&f);

    t0 = now_s();
    rc = parse_file("quadratic.xml", 0, &f);
    dt = now_s() - t0;
    ok(rc == 0 && dt < 2.0, "quadratic blowup: fast (%.3f s)", dt);
    if (f.n_items)
        ok(strlen(f.items[0].text) < 1000, "quadratic blowup: not expanded");
    es_feed_free(&f);

    rc = parse_file("xxe-file.xml", 0, &f);
    ok(rc == 0, "xxe file: parses");
    for (size_t i = 0; i < f.n_items; i++) {
        ok(!strstr(f.items[i].text, "root:") && !strstr(f.items[i].text, "/bin/"),
           "xxe file: /etc/passwd not included in text");
        ok(!f.items[i].title || !strstr(f.items[i].title, "root:"), "xxe file: nor in title");
    }
    is_int((long long)f.n_entities, 2, "xxe file: both declared entities counted (the caller warns)");
    is_int((long long)f.n_external_entities, 2, "xxe file: both are external");
    es_feed_free(&f);
    rc = parse_file("rss2.xml", 0, &f);
    is_int((long long)f.n_entities, 0, "a plain feed declares no entities");
    es_feed_free(&f);

    /* A listener the external entities point at: it must see no
     * connection at all. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof sa;
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof sa) || listen(s, 8) ||
        getsockname(s, (struct sockaddr *)&sa, &sl)) {
        ok(0, "xxe http: cannot listen on 127.0.0.1");
    } else {
        size_t len;
        char *tpl = slurp("xxe-http.xml", &len);
        char port[16];
        snprintf(port, sizeof port, "%u", ntohs(sa.sin_port));
        char *doc = malloc(len * 2 + 1);
        size_t o = 0;
        for (size_t i = 0; i < len;) {
            if (!strncmp(tpl + i, "@PORT@", 6)) {
                memcpy(doc + o, port, strlen(port));
                o += strlen(port);
                i += 6;
            } else {
                doc[o++] = tpl[i++];
            }
        }
        rc = es_feed_parse(doc, o, "http://127.0.0.1/feed", 0, &f);
        ok(rc == 0 && f.n_items == 1, "xxe http: parses");
        struct pollfd pfd = {.fd = s, .events = POLLIN};
        is_int(poll(&pfd, 1, 200), 0, "xxe http: no connection was attempted");
        for (size_t i = 0; i < f.n_items; i++)
            is_str(f.items[i].text, "http:", "xxe http: entity not substituted");
        es_feed_free(&f);
        free(doc);
        free(tpl);
        close(s);
    }
}

/* Every prefix and a few thousand mutations of the fixtures: nothing may
 * crash, leak or hang (run under ASan/valgrind to make that mean something). */
static void test_garbage(void)
{
    static const char *const files[] = {"rss2.xml", "atom.xml", "rss1.rdf", "illformed.xml", NULL};
    uint32_t x = 0x9E3779B9u;
    size_t runs = 0;
    int bad = 0;
    for (int fi = 0; files[fi]; fi++) {
        size_t len;
        char *orig = slurp(files[fi], &len);
        char *buf = malloc(len + 1);
        for (size_t cut = 0; cut <= len; cut += 7) {
            es_feed_t f;
            int rc = es_feed_parse(orig, cut, "https://x.example/", 0, &f);
            bad |= rc != 0 && rc != ES_EPARSE;
            es_feed_free(&f);
            runs++;
        }
        for (int m = 0; m < 300; m++) {
            memcpy(buf, orig, len);
            for (int k = 0; k < 8; k++) {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                buf[x % len] = "<>&;/\"'\0\xff\xc3]![#x"[(x >> 8) % 15];
            }
            es_feed_t f;
            int rc = es_feed_parse(buf, len, "https://x.example/", 0, &f);
            bad |= rc != 0 && rc != ES_EPARSE;
            for (size_t i = 0; i < f.n_items; i++)
                bad |= f.items[i].id == NULL || f.items[i].text == NULL;
            es_feed_free(&f);
            runs++;
        }
        free(buf);
        free(orig);
    }
    ok(!bad, "garbage: %zu truncated/mutated documents parse or fail cleanly", runs);

    es_feed_t f;
    is_int(es_feed_parse("", 0, NULL, 0, &f), ES_EPARSE, "garbage: empty body");
    es_feed_free(&f);
    is_int(es_feed_parse("\x00\x00\x00\x00", 4, NULL, 0, &f), ES_EPARSE, "garbage: NULs");
    es_feed_free(&f);
    is_int(es_feed_parse(NULL, 0, NULL, 0, &f), ES_EINVAL, "garbage: NULL body");
    es_feed_free(&f);
    is_int(es_feed_parse("<rss><channel>", 14, NULL, 0, &f), 0, "garbage: unterminated empty feed");
    is_int(f.n_items, 0, "garbage: no items");
    es_feed_free(&f);

    /* More problems than the cap: counted, not stored. */
    char many[20000];
    size_t o = (size_t)snprintf(many, sizeof many, "<rss><channel>");
    for (int i = 0; i < 100; i++)
        o += (size_t)snprintf(many + o, sizeof many - o,
                              "<item><guid>g%d</guid><pubDate>bad %d</pubDate></item>\n", i, i);
    o += (size_t)snprintf(many + o, sizeof many - o, "</channel></rss>");
    is_int(es_feed_parse(many, o, NULL, 0, &f), 0, "problem cap: parses");
    is_int(f.n_problems, ES_FEED_MAX_PROBLEMS, "problem cap: stored up to the cap");
    is_int(f.n_problems_dropped, 100 - ES_FEED_MAX_PROBLEMS, "problem cap: the rest counted");
    is_int(f.problems[1].line, 2, "problem cap: lines counted");
    es_feed_free(&f);
}

/* What real sites' feeds carry (issue 17). */
static void test_real_sites(void)
{
    es_feed_t f;
    is_int(parse_file("realsites.xml", 0, &f), 0, "realsites: parses");
    const es_feed_item_t *it = find(&f, "ns-1");
    ok(it && it->author_name && !strcmp(it->author_name, "Dora Creator"),
       "dc: declared without the trailing slash: dc:creator read");
    ok(it && it->text && !strcmp(it->text, "Full body from content:encoded."),
       "content: declared without the trailing slash: content:encoded is the body (%s)", it ? it->text : "-");
    it = find(&f, "ep-12");
    ok(it && it->author && !strcmp(it->author, "Ivan Podcaster") && it->author_name &&
           !strcmp(it->author_name, "Ivan Podcaster"),
       "itunes:author is the author when nothing else names one");
    it = find(&f, "yt:abc");
    ok(it && it->author_name && !strcmp(it->author_name, "Acme Studio"),
       "the channel's itunes:author for an item that names no author");
    it = find(&f, "upd-1");
    ok(it && it->author_name && !strcmp(it->author_name, "Diane Chaleff"),
       "<author> with <name> and <title> children: the name, not both glued (%s)", it ? it->author_name : "-");
    it = find(&f, "yt:abc");
    ok(it && it->text && !strcmp(it->text, "Unboxing the new Acme widget, first impressions."),
       "media:group/media:description is the body when there is no other");
    it = find(&f, "https://blog.acme.example/posts/quotes");
    ok(it && it->link && !strcmp(it->link, "https://blog.acme.example/posts/quotes"),
       "a permalink guid is the link when there is no <link>");
    ok(it && it->title && !strcmp(it->title, "Smart quotes from a CMS\u2019s export"), "&#146; in a title: Windows-1252's right quote");
    ok(it && it->text && !strcmp(it->text, "It\u2019s \u201cbroken\u201d \u2014 and raw: it\u2019s \u201cfine\u201d."),
       "C1 controls, as references and raw, read as Windows-1252 (%s)", it ? it->text : "-");
    it = find(&f, "post-42");
    ok(it && !it->link, "a guid that is no absolute URL is not a link");
    es_feed_free(&f);

    is_int(parse_file("prefixed.xml", 0, &f), 0, "prefixed: parses");
    ok(f.n_items == 1 && f.items[0].title && !strcmp(f.items[0].title, "Acme in a prefixed namespace") &&
           f.title && !strcmp(f.title, "Prefixed RSS"),
       "<r:rss>: RSS in a prefixed namespace is read (%zu items)", f.n_items);
    es_feed_free(&f);

    is_int(parse_file("atom-items.xml", 0, &f), 0, "atom-items: parses");
    ok(f.n_items == 1 && f.items[0].text && !strcmp(f.items[0].text, "Acme entry written as item.") &&
           f.items[0].author_name && !strcmp(f.items[0].author_name, "Feed Author"),
       "Atom entries written as <item> are read as entries");
    ok(has_problem(&f, 7, "written as <item>"), "... and said, with the line");
    es_feed_free(&f);

    is_int(parse_file("utf32.xml", 0, &f), 0, "utf32: parses");
    ok(f.n_items == 1 && f.items[0].title && !strcmp(f.items[0].title, "Caf\u00e9 Acme \U0001F600") &&
           f.items[0].text && !strcmp(f.items[0].text, "Wide encoding with a BOM: \u00fc \u00df \u20ac."),
       "UTF-32 with a BOM decoded");
    if (f.n_items != 1)
        dump_problems(&f);
    es_feed_free(&f);

    is_int(parse_file("latin1-undeclared.xml", 0, &f), 0, "latin1-undeclared: parses");
    ok(f.n_items == 1 && f.items[0].title && !strcmp(f.items[0].title, "Cr\u00e8me br\u00fbl\u00e9e \u00e0 la Acme"),
       "undeclared Latin-1: accented title");
    ok(f.n_items == 1 && f.items[0].text &&
           strstr(f.items[0].text, "sign\u00e9 \u00c3\u00a9 (sic)") == NULL &&
           strstr(f.items[0].text, "signe \u00c3\u00a9 (sic)") != NULL,
       "undeclared Latin-1: decided for the document, so the C3 A9 pair is \"\u00c3\u00a9\", not \"\u00e9\" (%s)",
       f.n_items ? f.items[0].text : "-");
    ok(has_problem(&f, 1, "read as Windows-1252"), "... and said once");
    es_feed_free(&f);

    /* Bytes the declared encoding cannot decode: libxml2's encoder errors
     * arrive as problems (logged with the URL), never raw on stderr. */
    fflush(stderr);
    FILE *cap = tmpfile();
    int saved = dup(2);
    dup2(fileno(cap), 2);
    int rc = parse_file("bad-declared-encoding.xml", 0, &f);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    long spilled = ftell(cap) > 0 ? ftell(cap) : (fseek(cap, 0, SEEK_END), ftell(cap));
    fclose(cap);
    ok(rc == 0 && find(&f, "sj-1") != NULL, "bad bytes for the declared encoding: the items before them kept");
    ok(has_problem(&f, -1, "input conversion failed"), "libxml2's encoder error is a problem of the feed");
    is_int(spilled, 0, "nothing written to stderr");
    es_feed_free(&f);
}

int main(void)
{
    datadir = getenv("RSS_DATA_DIR");
    char buf[4096];
    if (!datadir) {
        const char *top = getenv("top_srcdir");
        snprintf(buf, sizeof buf, "%s/tests/data/rss", top ? top : ".");
        datadir = buf;
    }
    test_rss2();
    test_rdf();
    test_atom();
    test_repairs();
    test_hostile();
    test_garbage();
    test_real_sites();
    return done_testing();
}
