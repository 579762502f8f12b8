/*
 * The forum plugin's mapping layer against tests/data/forum: Discourse
 * /posts.json and Reddit listings turned into mention fields, the problems
 * real pages have (missing ids, bad dates, invalid UTF-8, odd kinds)
 * reported one by one while the rest of the page is kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discourse.h"
#include "item.h"
#include <earshot/plugin.h>
#include "reddit.h"
#include "tap.h"

static char datadir[4096];

static char *slurp(const char *name, size_t *len)
{
    char path[8192];
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

typedef struct {
    int n;
    char all[4096];
} warns_t;

static void collect(void *arg, const char *msg)
{
    warns_t *w = arg;
    w->n++;
    size_t l = strlen(w->all);
    snprintf(w->all + l, sizeof w->all - l, "%s\n", msg);
}

static const es_forum_item_t *find(const es_forum_page_t *p, const char *cursor)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->items[i].cursor && !strcmp(p->items[i].cursor, cursor))
            return &p->items[i];
    return NULL;
}

static void test_discourse(void)
{
    size_t len;
    char *body = slurp("discourse/later.json", &len);
    es_forum_page_t p;
    warns_t w = {0};
    char err[256];
    int rc = es_discourse_parse(body, len, "https://forum.acme.example", "discourse", &p, collect, &w,
                                err, sizeof err);
    is_int(rc, 0, "discourse: later.json parses");
    is_int(p.n, 18, "discourse: 18 posts");
    is_int(w.n, 0, "discourse: no problems reported");
    is_str(p.next, "101", "discourse: next page is before the lowest id");
    is_int(p.items[0].order, 118, "discourse: page order kept (newest first)");
    const es_forum_item_t *it = find(&p, "112");
    ok(it != NULL, "discourse: post 112 found");
    if (it) {
        is_str(it->id, "discourse:forum.acme.example/t/41/6", "discourse: id is site/t/topic/number");
        is_str(it->author, "dave", "discourse: author = username");
        is_str(it->author_name, "Dave", "discourse: author_name = name");
        is_str(it->title, "Topic 41", "discourse: title = topic_title");
        is_str(it->url, "https://forum.acme.example/t/topic-41/41/6", "discourse: url from post_url");
        is_int(it->created_at, 1772448727, "discourse: created_at in UTC seconds");
        is_str(it->in_reply_to, "discourse:forum.acme.example/t/41/5",
               "discourse: in_reply_to from reply_to_post_number");
        is_str(it->reply_to_author, "acme_support", "discourse: reply_to_author from reply_to_user");
        is_int(it->category, 7, "discourse: category_id");
        is_str(it->text,
               "@acme_support the widget's screen is \xe2\x80\x9c" "blank\xe2\x80\x9d again & again.\n"
               "Still broken.\n\nCaf\xc3\xa9 \xf0\x9f\x98\xa0",
               "discourse: cooked HTML to plain text, entities decoded, quotes of others dropped");
    }
    it = find(&p, "102");
    ok(it && it->in_reply_to && !strcmp(it->in_reply_to, "discourse:forum.acme.example/t/40/1") &&
           !it->reply_to_author,
       "discourse: a plain reply answers the topic's first post");
    it = find(&p, "101");
    ok(it && !it->in_reply_to && it->text && !strcmp(it->text, "Post 101 in topic 40 & more."),
       "discourse: a topic's first post replies to nothing");
    es_forum_page_free(&p);
    free(body);

    body = slurp("discourse/messy.json", &len);
    memset(&w, 0, sizeof w);
    rc = es_discourse_parse(body, len, "http://127.0.0.1:9/d/", "forum", &p, collect, &w, err,
                            sizeof err);
    is_int(rc, 0, "messy: parses despite invalid UTF-8");
    is_int(p.n, 6, "messy: 6 of 8 entries kept (no id, not an object skipped)");
    is_int(w.n, 5, "messy: 5 problems reported");
    like(w.all, "post 207: unreadable created_at \"last Tuesday-ish\"", "messy: bad date named");
    like(w.all, "post 208: no created_at", "messy: missing date named");
    like(w.all, "post #3: no numeric id; skipped", "messy: missing id named by position");
    like(w.all, "post #6: not a JSON object", "messy: non-object named by position");
    like(w.all, "post 205: no username", "messy: missing username named");
    it = find(&p, "207");
    ok(it && it->created_at == 0, "messy: bad date gives created_at 0, post kept");
    it = find(&p, "204");
    is_str(it ? it->text : NULL, "bad \xef\xbf\xbd\xef\xbf\xbd" "BYTE here", "messy: invalid bytes became U+FFFD");
    it = find(&p, "202");
    is_str(it ? it->text : NULL, "raw only, **markdown**", "messy: raw used without cooked");
    it = find(&p, "201");
    ok(it && it->created_at == 1775037600, "messy: +02:00 offset converted to UTC");
    is_str(it ? it->id : NULL, "forum:127.0.0.1:9/d//t/70/1", "messy: network label and site in id");
    es_forum_page_free(&p);
    free(body);

    memset(&w, 0, sizeof w);
    rc = es_discourse_parse("<html>502</html>", 16, "http://x", "d", &p, collect, &w, err, sizeof err);
    ok(rc == ES_EPARSE && strstr(err, "malformed JSON at line 1"), "discourse: HTML is malformed JSON (%s)", err);
    rc = es_discourse_parse("{\"latest_posts\": [{\"id\": 1", 26, "http://x", "d", &p, collect, &w, err, sizeof err);
    ok(rc == ES_EPARSE, "discourse: truncated JSON refused");
    rc = es_discourse_parse("{\"topic_list\": {}}", 18, "http://x", "d", &p, collect, &w, err, sizeof err);
    ok(rc == ES_EPARSE && strstr(err, "latest_posts"), "discourse: other JSON refused with a reason");
    rc = es_discourse_parse("{\"latest_posts\": []}", 20, "http://x", "d", &p, collect, &w, err, sizeof err);
    ok(rc == 0 && p.n == 0 && !p.next, "discourse: an empty page ends paging");
    es_forum_page_free(&p);

    const char *quoted =
        "{\"latest_posts\": [{\"id\": 5, \"topic_id\": 1, \"post_number\": 2, \"cooked\": "
        "\"<p>mine</p><aside class=\\\"quote no-group\\\" data-post=\\\"1\\\"><blockquote>"
        "<aside class=\\\"quote\\\"><p>inner</p></aside><p>outer</p></blockquote></aside>"
        "<p>also mine</p><ASIDE class=\\\"onebox\\\"><p>link card</p></aside>\"}]}";
    rc = es_discourse_parse(quoted, strlen(quoted), "http://x", "d", &p, collect, &w, err, sizeof err);
    ok(rc == 0 && p.n == 1 && strstr(p.items[0].text, "mine") && strstr(p.items[0].text, "also mine") &&
           strstr(p.items[0].text, "link card") && !strstr(p.items[0].text, "inner") &&
           !strstr(p.items[0].text, "outer"),
       "discourse: nested quotes dropped, other asides kept");
    es_forum_page_free(&p);

    char *u = es_discourse_page_url("https://f.example", NULL);
    is_str(u, "https://f.example/posts.json", "discourse: first page URL");
    free(u);
    u = es_discourse_page_url("https://f.example", "4567");
    is_str(u, "https://f.example/posts.json?before=4567", "discourse: older page URL");
    free(u);
}

static void test_reddit(void)
{
    size_t len;
    char *body = slurp("reddit/comments-later.json", &len);
    es_forum_page_t p;
    warns_t w = {0};
    char err[256];
    int rc = es_reddit_parse(body, len, "reddit", &p, collect, &w, err, sizeof err);
    is_int(rc, 0, "reddit: comments parse");
    is_int(p.n, 11, "reddit: 11 comments");
    is_int(w.n, 0, "reddit: no problems");
    ok(p.next == NULL, "reddit: after null ends paging");
    is_str(p.items[0].cursor, "t1_k1a11", "reddit: newest first, cursor is the fullname");
    const es_forum_item_t *it = find(&p, "t1_k1a02");
    ok(it != NULL, "reddit: comment k1a02 found");
    if (it) {
        is_str(it->id, "reddit:t1_k1a02", "reddit: id is network:fullname");
        is_str(it->author, "AcmeSupport", "reddit: author");
        is_str(it->title, "My Acme widget died", "reddit: title = link_title");
        is_int(it->created_at, 1772000060, "reddit: created_utc");
        is_str(it->url, "https://www.reddit.com/r/acmecorp/comments/p9x01/my_acme_widget_died/k1a02/",
               "reddit: url from permalink");
        is_str(it->in_reply_to, "reddit:t1_k1a01", "reddit: in_reply_to from parent_id");
        ok(it->reply_to_author == NULL, "reddit: a reply's parent author is not in the listing");
        is_int(it->n_addressed, 2, "reddit: u/ handles collected");
        if (it->n_addressed == 2) {
            is_str(it->addressed[0], "jane_doe", "reddit: u/jane_doe");
            is_str(it->addressed[1], "AcmeHelp", "reddit: /u/AcmeHelp");
        }
        like(it->text, "we'll fix it &lt;3 \xe2\x80\x94 sorry! \xf0\x9f\x99\x8f", "reddit: body kept as sent (raw_json)");
    }
    it = find(&p, "t1_k1a01");
    ok(it && it->reply_to_author && !strcmp(it->reply_to_author, "jane_doe"),
       "reddit: a top-level comment answers the submission's author");
    it = find(&p, "t1_k1a04");
    ok(it && it->author == NULL, "reddit: [deleted] author is no author");
    it = find(&p, "t1_k1a01");
    ok(it && it->metrics_given == 1u << ES_METRIC_LIKES && it->metrics[ES_METRIC_LIKES] == -2,
       "reddit: a comment's score (below zero when downvoted) is its likes; no comment count");
    es_forum_page_free(&p);
    free(body);

    body = slurp("reddit/new-old.json", &len);
    w.n = 0;
    rc = es_reddit_parse(body, len, "reddit", &p, collect, &w, err, sizeof err);
    ok(rc == 0 && p.n == 1 && w.n == 0 && !strcmp(p.items[0].url, "https://www.reddit.com/comments/p9x09/"),
       "reddit: a post without permalink or name: the URL from its id, no warning (%s)", p.n ? p.items[0].url : "-");
    ok(p.n == 1 && p.items[0].metrics[ES_METRIC_LIKES] == 12 && p.items[0].metrics[ES_METRIC_REPLIES] == 4 &&
           p.items[0].metrics_given == (1u << ES_METRIC_LIKES | 1u << ES_METRIC_REPLIES),
       "reddit: a post's score and num_comments");
    es_forum_page_free(&p);
    free(body);

    body = slurp("reddit/new.json", &len);
    rc = es_reddit_parse(body, len, "reddit", &p, collect, &w, err, sizeof err);
    it = find(&p, "t3_p9x05");
    ok(rc == 0 && p.n == 3 && it && it->text && !strcmp(it->text, "Acme widget v2 review") &&
           it->created_at == 1772000100 && !it->in_reply_to,
       "reddit: a link post's text is its title, fractional created_utc truncated");
    es_forum_page_free(&p);
    free(body);

    body = slurp("reddit/messy.json", &len);
    memset(&w, 0, sizeof w);
    rc = es_reddit_parse(body, len, "reddit", &p, collect, &w, err, sizeof err);
    is_int(rc, 0, "reddit messy: parses");
    is_int(p.n, 2, "reddit messy: 2 of 5 children kept");
    is_int(w.n, 4, "reddit messy: 4 problems reported");
    like(w.all, "child #2: kind more is neither", "reddit messy: 'more' stub named");
    like(w.all, "child #3: no usable name/id", "reddit messy: nameless child named");
    like(w.all, "t1_m0002: unreadable created_utc", "reddit messy: bad date named");
    like(w.all, "child #5: no kind/data", "reddit messy: non-object named");
    es_forum_page_free(&p);
    free(body);

    rc = es_reddit_parse("{\"kind\":\"Listing\",\"data\":{\"after\":\"t1_zz\",\"children\":[]}}", 57,
                         "reddit", &p, collect, &w, err, sizeof err);
    ok(rc == 0 && p.next && !strcmp(p.next, "t1_zz"), "reddit: data.after is the next cursor");
    es_forum_page_free(&p);
    rc = es_reddit_parse("{\"kind\":\"Listing\",\"data\":{\"after\":\"a&b=c\",\"children\":[]}}", 57,
                         "reddit", &p, collect, &w, err, sizeof err);
    ok(rc == 0 && !p.next, "reddit: an after that is not a fullname is not followed");
    es_forum_page_free(&p);
    rc = es_reddit_parse("[1,2]", 5, "reddit", &p, collect, &w, err, sizeof err);
    ok(rc == ES_EPARSE && strstr(err, "not a Reddit listing"), "reddit: non-listing refused");

    is_int(es_reddit_order("t1_10"), 36, "reddit: base-36 order");
    is_int(es_reddit_order("t3_zz"), 36 * 36 - 1, "reddit: base-36 order, letters");
    ok(!es_reddit_order("t1_") && !es_reddit_order("x") && !es_reddit_order("t1_AB") &&
           !es_reddit_order("t1_1234567890abc"),
       "reddit: non-fullnames have no order");
    char *u = es_reddit_page_url("http://h/r/a/new.json?limit=100&raw_json=1", "t3_abc");
    is_str(u, "http://h/r/a/new.json?limit=100&raw_json=1&after=t3_abc", "reddit: next page URL");
    free(u);
}

static void test_handles(void)
{
    es_forum_item_t it = {0};
    es_forum_collect_handles(&it, "menu/x and xu/abc, not u/ab but U/Long_Name-1 and u/long_name-1 "
                                  "r/u/no? see /u/third.");
    is_int(it.n_addressed, 2, "handles: only real u/ handles, once each");
    if (it.n_addressed == 2) {
        is_str(it.addressed[0], "Long_Name-1", "handles: case-insensitive duplicates once");
        is_str(it.addressed[1], "third", "handles: /u/ form");
    }
    es_forum_item_free(&it);
}

int main(void)
{
    const char *top = getenv("top_srcdir");
    snprintf(datadir, sizeof datadir, "%s/tests/data/forum", top ? top : ".");
    test_discourse();
    test_reddit();
    test_handles();
    return done_testing();
}
