/*
 * The twitter plugin's scanner (element boundaries, resumable across chunk
 * boundaries) and its tweet mapping (archive, v1.1, v2 raw and flattened).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "tap.h"
#include "notes.h"
#include "tweet.h"

/* ---- scanner ------------------------------------------------------------ */

/* Feeds `in` to the scanner `chunk` bytes at a time the way the plugin does
 * (buffer grows at the end, droppable bytes leave the front) and writes the
 * elements found, separated by '|', into out. Returns the number found. */
static int scan_all(const char *in, tw_format_t fmt, size_t chunk, size_t max_elem, char *out,
                    size_t cap, int *errors, int *truncated)
{
    tw_scan_t sc;
    tw_scan_init(&sc, fmt, max_elem, 0);
    size_t n = strlen(in), fed = 0, len = 0;
    char *buf = malloc(n + 1);
    int found = 0;
    out[0] = '\0';
    *errors = 0;
    for (;;) {
        size_t k = n - fed < chunk ? n - fed : chunk;
        memcpy(buf + len, in + fed, k);
        len += k;
        fed += k;
        int eof = k == 0;
        size_t a, b;
        tw_scan_rc_t rc;
        while ((rc = tw_scan_next(&sc, buf, len, eof, &a, &b)) != TW_SCAN_MORE) {
            if (rc == TW_SCAN_ERROR)
                (*errors)++;
            if (rc == TW_SCAN_SKIPPED)
                strncat(out, "<skipped>|", cap - strlen(out) - 1);
            if (rc == TW_SCAN_BROKEN)
                strncat(out, "<broken>|", cap - strlen(out) - 1);
            if (rc != TW_SCAN_ELEM)
                continue;
            found++;
            strncat(out, buf + a, b - a < cap - strlen(out) - 2 ? b - a : 0);
            strncat(out, "|", cap - strlen(out) - 1);
        }
        size_t d = tw_scan_droppable(&sc);
        memmove(buf, buf + d, len - d);
        len -= d;
        tw_scan_shift(&sc, d);
        if (eof)
            break;
    }
    *truncated = tw_scan_truncated(&sc);
    free(buf);
    return found;
}

static void test_sniff(void)
{
    char name[64];
    is_int(tw_sniff("window.YTD.tweets.part0 = [", 27, name, sizeof name), TW_FMT_ARRAY, "YTD file is an array");
    is_str(name, "tweets", "YTD variable name");
    tw_sniff("window.YTD.account.part0 = [ {", 30, name, sizeof name);
    is_str(name, "account", "account.js recognised by its variable");
    is_int(tw_sniff("Grailbird.data.tweets_2015_01 =\n [ {", 37, name, sizeof name), TW_FMT_ARRAY,
           "old Grailbird archive month file");
    is_str(name, "tweets", "Grailbird files hold tweets");
    is_int(tw_sniff("\xEF\xBB\xBF  [ {", 7, name, sizeof name), TW_FMT_ARRAY, "BOM then bare array");
    is_int(tw_sniff("\n{\"id\":1}\n", 10, name, sizeof name), TW_FMT_LINES, "JSON lines");
    is_int(tw_sniff("PK\003\004rest", 8, name, sizeof name), TW_FMT_ZIP, "zip by magic");
    is_int(tw_sniff("id,text\n1,hi\n", 13, name, sizeof name), TW_FMT_UNKNOWN, "CSV is not a format we read");
    is_int(tw_sniff("   ", 3, name, sizeof name), TW_FMT_UNKNOWN, "blank file unknown");
}

static void test_scan(void)
{
    const char *ytd =
        "window.YTD.tweets.part0 = [ {\n  \"tweet\" : {\"t\":\"a ] } [ { , \\\" \\\\\"}\n}, "
        "{\"tweet\":{\"t\":\"b\"}} ,{\"x\":[1,[2]]}\n]";
    char out[1024], ref[1024];
    int err, trunc;
    int n = scan_all(ytd, TW_FMT_ARRAY, 1 << 20, 1 << 20, ref, sizeof ref, &err, &trunc);
    is_int(n, 3, "three elements in one buffer");
    is_str(ref, "{\n  \"tweet\" : {\"t\":\"a ] } [ { , \\\" \\\\\"}\n}|{\"tweet\":{\"t\":\"b\"}}|{\"x\":[1,[2]]}|",
           "elements cut at their bounds; brackets in strings and escapes ignored");
    ok(!err && !trunc, "no error, array closed");
    int same = 1;
    for (size_t c = 1; c <= 9; c++) {
        scan_all(ytd, TW_FMT_ARRAY, c, 1 << 20, out, sizeof out, &err, &trunc);
        same &= strcmp(out, ref) == 0 && !err && !trunc;
    }
    ok(same, "same elements with 1..9-byte chunks (resumable scanner)");

    n = scan_all("window.YTD.tweets.part0 = [ {\"a\":1}, {\"b\":\"cut he", TW_FMT_ARRAY, 7, 1 << 20, out,
                 sizeof out, &err, &trunc);
    ok(n == 1 && trunc, "truncated file: one element, then truncation reported");

    char big[4096] = "[{\"a\":\"";
    memset(big + 7, 'x', 3000);
    strcpy(big + 3007, "\"},{\"b\":2}]");
    n = scan_all(big, TW_FMT_ARRAY, 100, 1024, out, sizeof out, &err, &trunc);
    is_str(out, "<skipped>|{\"b\":2}|", "overlong element skipped, the next one kept");
    ok(n == 1 && err == 1 && !trunc, "overlong element reported once");

    /* A lost closing brace: only that element is lost. */
    const char *lost = "window.YTD.tweets.part0 = [ {\n  \"tweet\" : {\"a\":1}\n}, {\n  \"tweet\" : {\"b\":{\"c\":2}\n}, "
                       "{\n  \"tweet\" : {\"d\":\"{\\\"tweet\\\": in a string\"}\n} ]";
    same = 1;
    for (size_t c = 1; c <= 64; c *= 2) {
        n = scan_all(lost, TW_FMT_ARRAY, c < 64 ? c : 1 << 20, 1 << 20, out, sizeof out, &err, &trunc);
        same &= n == 2 && !trunc &&
                strcmp(out, "{\n  \"tweet\" : {\"a\":1}\n}|<broken>|{\n  \"tweet\" : {\"d\":\"{\\\"tweet\\\": in a "
                            "string\"}\n}|") == 0;
    }
    ok(same, "an element missing its closing brace is cut at the next {\"tweet\" (any chunking)");
    if (!same)
        diag("got %s", out);
    n = scan_all("[1, \"s,]\", true]", TW_FMT_ARRAY, 3, 1 << 20, out, sizeof out, &err, &trunc);
    is_str(out, "1|\"s,]\"|true|", "bare values as elements");

    n = scan_all("{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}", TW_FMT_LINES, 4, 1 << 20, out, sizeof out, &err, &trunc);
    is_str(out, "{\"a\":1}||{\"b\":2}\r|{\"c\":3}|", "lines, blank line kept for numbering, last line without newline");

    n = scan_all("[{\"a\":1}}, 2}]", TW_FMT_ARRAY, 3, 1 << 20, out, sizeof out, &err, &trunc);
    ok(n == 2 && err == 2 && strcmp(out, "{\"a\":1}|2|") == 0, "stray '}' between elements reported, scanning goes on");
    n = scan_all("[{}] ;\n", TW_FMT_ARRAY, 2, 1 << 20, out, sizeof out, &err, &trunc);
    ok(n == 1 && !err && !trunc, "trailing ';' after the array accepted");
    n = scan_all("[{}] garbage", TW_FMT_ARRAY, 2, 1 << 20, out, sizeof out, &err, &trunc);
    ok(n == 1 && err == 1, "garbage after the array reported once");
}

/* ---- mapping ------------------------------------------------------------ */

typedef struct got {
    int n;
    char id[64], author[64], author_name[64], text[512], url[160], lang[16], reply[64], reply_to[64];
    char addressed[256];
    char reach[160]; /* "likes=1,reposts=2,...,followers=3," of what was given */
    long long created;
    char problems[1024];
    int repeats;
    int dropped;
} got_t;

static void cp(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "(null)");
}

static void emit(void *arg, const es_mention_t *m)
{
    got_t *g = arg;
    g->n++;
    cp(g->id, sizeof g->id, m->id);
    cp(g->author, sizeof g->author, m->author);
    cp(g->author_name, sizeof g->author_name, m->author_name);
    cp(g->text, sizeof g->text, m->text);
    cp(g->url, sizeof g->url, m->url);
    cp(g->lang, sizeof g->lang, m->lang);
    cp(g->reply, sizeof g->reply, m->in_reply_to);
    cp(g->reply_to, sizeof g->reply_to, m->reply_to_author);
    g->created = m->created_at;
    g->reach[0] = '\0';
    for (int i = 0; i < ES_METRIC_COUNT; i++)
        if (m->metrics_given & (1u << i))
            snprintf(g->reach + strlen(g->reach), sizeof g->reach - strlen(g->reach), "%s=%lld,",
                     i == 0 ? "likes" : i == 1 ? "reposts" : i == 2 ? "replies" : i == 3 ? "quotes" : "views",
                     (long long)m->metrics[i]);
    if (m->followers_given)
        snprintf(g->reach + strlen(g->reach), sizeof g->reach - strlen(g->reach), "followers=%lld,",
                 (long long)m->followers);
    g->addressed[0] = '\0';
    for (size_t i = 0; i < m->n_addressed; i++) {
        strcat(g->addressed, m->addressed[i]);
        strcat(g->addressed, ",");
    }
}

static void problem(void *arg, const char *what, int dropped)
{
    got_t *g = arg;
    g->dropped += dropped;
    if (!what) { /* a once-per-file warning already given */
        g->repeats++;
        return;
    }
    strncat(g->problems, what, sizeof g->problems - strlen(g->problems) - 2);
    strcat(g->problems, ";");
}

static int map(const char *json, int retweets, const char *account, got_t *g, tw_out_t *out)
{
    memset(g, 0, sizeof *g);
    memset(out, 0, sizeof *out);
    out->emit = emit;
    out->problem = problem;
    out->arg = g;
    tw_opts_t o = {.network = "twitter", .account = account, .account_name = NULL, .retweets = retweets};
    tj_doc_t doc = {0};
    tj_t *v = tj_parse(&doc, json, strlen(json));
    if (!v) {
        diag("fixture JSON: %s at %zu", doc.err, doc.err_at);
        tj_free(&doc);
        return -100;
    }
    int rc = tw_map(v, &o, out);
    tj_free(&doc);
    return rc;
}

/* A v2 page of one tweet by author_id and 21 users, u19 down to u0 then a
 * second "u5" named "dup". */
static void many_users_page(char *buf, size_t cap, const char *author_id)
{
    size_t n = (size_t)snprintf(buf, cap,
                                "{\"data\":{\"id\":\"400\",\"text\":\"hi\",\"author_id\":\"%s\","
                                "\"in_reply_to_user_id\":\"u5\",\"created_at\":\"2023-01-01T00:00:00Z\"},"
                                "\"includes\":{\"users\":[",
                                author_id);
    for (int i = 19; i >= 0; i--)
        n += (size_t)snprintf(buf + n, cap - n, "{\"id\":\"u%d\",\"username\":\"n%d\"},", i, i);
    snprintf(buf + n, cap - n, "{\"id\":\"u5\",\"username\":\"dup\"}]}}");
}

static void test_map(void)
{
    got_t g;
    tw_out_t out;
    int rc = map("{\"tweet\":{\"id_str\":\"1050118621198921728\",\"id\":\"1050118621198921728\","
                 "\"created_at\":\"Wed Oct 10 20:19:24 +0000 2018\",\"full_text\":"
                 "\"@AcmeHelp order &amp; refund &lt;3 https://t.co/AbC12 @Bob\",\"lang\":\"en\","
                 "\"in_reply_to_status_id_str\":\"1050000000000000000\",\"in_reply_to_screen_name\":\"AcmeHelp\","
                 "\"entities\":{\"user_mentions\":[{\"screen_name\":\"AcmeHelp\",\"name\":\"Acme\"},"
                 "{\"screen_name\":\"Bob\"}],\"urls\":[{\"url\":\"https://t.co/AbC12\","
                 "\"expanded_url\":\"https://acme.example/orders?a=1&b=2\",\"display_url\":\"acme.example/orders\"}]}}}",
                 1, "alice", &g, &out);
    is_int(rc, 1, "archive element: one mention");
    is_str(g.id, "twitter:1050118621198921728", "archive: id_str, with its network prefix");
    is_str(g.author, "alice", "archive: author is the archive owner");
    is_str(g.text, "@AcmeHelp order & refund <3 https://acme.example/orders?a=1&b=2 @Bob",
           "archive: entities decoded, t.co expanded");
    ok(g.created == 1539202764, "archive: Twitter date to epoch (got %lld)", g.created);
    is_str(g.url, "https://twitter.com/alice/status/1050118621198921728", "archive: status URL");
    is_str(g.reply, "twitter:1050000000000000000", "archive: in_reply_to is a mention id");
    is_str(g.reply_to, "AcmeHelp", "archive: reply_to_author");
    is_str(g.addressed, "AcmeHelp,Bob,", "archive: addressed from user_mentions, no duplicate");
    is_str(g.lang, "en", "archive: lang");

    rc = map("{\"id_str\":\"6\",\"full_text\":\"no wrapper\",\"created_at\":\"Sat Jan 31 22:41:32 +0000 2015\"}", 1,
             "owner", &g, &out);
    ok(rc == 1 && strcmp(g.author, "owner") == 0 && g.created == 1422744092,
       "2019 archive element without the tweet wrapper");
    rc = map("{\"id_str\":\"5\",\"text\":\"grailbird\",\"created_at\":\"2015-01-31 22:41:32 +0000\","
             "\"user\":{\"screen_name\":\"old\"}}", 1, NULL, &g, &out);
    ok(rc == 1 && strcmp(g.author, "old") == 0 && g.created == 1422744092, "Grailbird status: user and date");
    rc = map("{\"tweet\":{\"id_str\":\"7\",\"full_text\":\"hi\"}}", 1, NULL, &g, &out);
    is_str(g.url, "https://twitter.com/i/web/status/7", "unknown author: i/web URL");
    is_str(g.author, "(null)", "unknown author stays NULL");

    const char *v11 =
        "{\"id\":99,\"id_str\":\"99\",\"created_at\":\"Thu Jan 02 03:04:05 +0000 2020\",\"text\":\"short…\","
        "\"truncated\":true,\"lang\":\"und\",\"user\":{\"screen_name\":\"carol\",\"name\":\"Carol C\"},"
        "\"extended_tweet\":{\"full_text\":\"the long text mentioning @acme https://t.co/x\","
        "\"entities\":{\"user_mentions\":[{\"screen_name\":\"acme\"}],\"urls\":[{\"url\":\"https://t.co/x\","
        "\"expanded_url\":\"https://x.example/\"}]}}}";
    rc = map(v11, 1, "ignored", &g, &out);
    is_int(rc, 1, "v1.1 status mapped");
    is_str(g.text, "the long text mentioning @acme https://x.example/", "v1.1: extended_tweet.full_text wins");
    is_str(g.author, "carol", "v1.1: user.screen_name");
    is_str(g.author_name, "Carol C", "v1.1: user.name");
    is_str(g.lang, "(null)", "lang und becomes unknown");
    is_str(g.addressed, "acme,", "v1.1: mentions from extended entities");
    ok(g.created == 1577934245, "v1.1 date");

    const char *rt =
        "{\"id_str\":\"100\",\"created_at\":\"Thu Jan 02 03:04:05 +0000 2020\",\"text\":\"RT @dave: cut…\","
        "\"user\":{\"screen_name\":\"erin\"},\"retweeted_status\":{\"id_str\":\"98\",\"full_text\":"
        "\"dave's full words &gt; all\",\"user\":{\"screen_name\":\"dave\"}}}";
    rc = map(rt, 1, NULL, &g, &out);
    is_str(g.text, "RT @dave: dave's full words > all", "v1.1 retweet: marked, original full text");
    is_str(g.addressed, "dave,", "v1.1 retweet addresses the original author");
    rc = map(rt, 0, NULL, &g, &out);
    ok(rc == 0 && g.n == 0 && out.retweets_skipped == 1, "retweets = false: skipped and counted");
    rc = map("{\"tweet\":{\"id_str\":\"8\",\"full_text\":\"RT @x: archived retweet\"}}", 0, NULL, &g, &out);
    ok(g.n == 0 && out.retweets_skipped == 1, "archive retweet recognised by its RT mark");

    const char *v2 =
        "{\"data\":[{\"id\":\"200\",\"text\":\"@acme where is it &amp; why https://t.co/q\",\"author_id\":\"11\","
        "\"created_at\":\"2023-05-06T07:08:09.000Z\",\"lang\":\"fr\",\"in_reply_to_user_id\":\"12\","
        "\"referenced_tweets\":[{\"type\":\"replied_to\",\"id\":\"150\"}],\"entities\":{\"mentions\":"
        "[{\"username\":\"acme\",\"start\":0,\"end\":5}],\"urls\":[{\"url\":\"https://t.co/q\",\"expanded_url\":"
        "\"https://q.example/\"}]}},{\"id\":\"201\",\"text\":\"short\",\"note_tweet\":{\"text\":\"long note text\"},"
        "\"author_id\":\"12\",\"created_at\":\"2023-05-06T07:08:10Z\"},{\"text\":\"no id\"}],"
        "\"includes\":{\"users\":[{\"id\":\"11\",\"username\":\"frank\",\"name\":\"Frank\"},"
        "{\"id\":\"12\",\"username\":\"acme\",\"name\":\"Acme\"}]}}";
    rc = map(v2, 1, NULL, &g, &out);
    is_int(rc, 2, "v2 response: two tweets, one bad");
    is_int(g.dropped, 1, "v2 response: tweet without id reported and dropped");
    is_str(g.id, "twitter:201", "v2: last tweet id");
    is_str(g.text, "long note text", "v2: note_tweet text wins");
    is_str(g.author, "acme", "v2: author from includes.users");
    ok(g.created == 1683356890, "v2: RFC 3339 date");
    map("{\"data\":{\"id\":\"200\",\"text\":\"@acme where is it &amp; why https://t.co/q\",\"author_id\":\"11\","
        "\"created_at\":\"2023-05-06T07:08:09.000Z\",\"lang\":\"fr\",\"in_reply_to_user_id\":\"12\","
        "\"referenced_tweets\":[{\"type\":\"replied_to\",\"id\":\"150\"}],\"entities\":{\"mentions\":"
        "[{\"username\":\"acme\"}],\"urls\":[{\"url\":\"https://t.co/q\",\"expanded_url\":"
        "\"https://q.example/\"}]}},\"includes\":{\"users\":[{\"id\":\"11\",\"username\":\"frank\"},"
        "{\"id\":\"12\",\"username\":\"acme\"}]}}",
        1, NULL, &g, &out);
    is_str(g.text, "@acme where is it & why https://q.example/", "v2: text decoded and expanded");
    is_str(g.author, "frank", "v2 single-object data: author");
    is_str(g.reply, "twitter:150", "v2: replied_to id");
    is_str(g.reply_to, "acme", "v2: in_reply_to_user_id resolved");
    is_str(g.addressed, "acme,", "v2: mentions");
    is_str(g.lang, "fr", "v2: lang");

    /* A page with many users is indexed (sorted once, searched by id):
     * the same answers as a linear search, the first of a repeated id. */
    char big[4096];
    many_users_page(big, sizeof big, "u17");
    rc = map(big, 1, NULL, &g, &out);
    ok(rc == 1 && strcmp(g.author, "n17") == 0, "21 users: author found by id (%s)", g.author);
    is_str(g.reply_to, "n5", "21 users: the first of a repeated id answers");
    many_users_page(big, sizeof big, "nobody");
    rc = map(big, 1, NULL, &g, &out);
    ok(rc == 1 && strcmp(g.author, "(null)") == 0 && strstr(g.url, "/i/web/status/400"),
       "21 users: an unknown author_id gives no author");

    rc = map("{\"id\":\"300\",\"text\":\"flat\",\"author_id\":\"5\",\"author\":{\"id\":\"5\",\"username\":\"gina\","
             "\"name\":\"Gina\"},\"in_reply_to_user\":{\"username\":\"acme\"},\"created_at\":\"2023-01-01T00:00:00Z\","
             "\"__twarc\":{\"url\":\"x\"}}",
             1, NULL, &g, &out);
    ok(rc == 1 && strcmp(g.author, "gina") == 0 && strcmp(g.reply_to, "acme") == 0,
       "flattened v2: author and reply-to user expanded");
    is_str(g.url, "https://twitter.com/gina/status/300", "flattened v2: URL");

    rc = map("{\"tweet\":{\"id_str\":\"9\",\"full_text\":\"x\",\"created_at\":\"not a date\"}}", 1, NULL, &g, &out);
    ok(rc == 1 && g.created == 0 && g.dropped == 0 && strstr(g.problems, "created_at \"not a date\""),
       "bad date: reported, tweet kept without a date");
    rc = map("{\"tweet\":{\"full_text\":\"x\"}}", 1, NULL, &g, &out);
    ok(rc == 0 && g.dropped == 1 && strstr(g.problems, "without \"id_str\""), "missing id: reported and dropped");
    rc = map("{\"hello\":1}", 1, NULL, &g, &out);
    ok(rc < 0 && g.dropped == 1 && strstr(g.problems, "not a tweet"), "an object that is no tweet");
    rc = map("[1]", 1, NULL, &g, &out);
    ok(rc < 0 && g.dropped == 1, "a non-object");

    tj_doc_t doc = {0};
    const char *uj = "[{\"url\":\"https://t.co/a\",\"expanded_url\":\"https://A/\"},"
                     "{\"url\":\"https://t.co/ab\",\"expanded_url\":\"https://AB/\"}]";
    tj_t *urls = tj_parse(&doc, uj, strlen(uj));
    char *t = tw_text_expand("x https://t.co/ab y https://t.co/a &amp;amp; h", &urls, 1);
    is_str(t, "x https://AB/ y https://A/ &amp; h", "longest link wins; entities decoded once");
    free(t);
    tj_free(&doc);
}

/* ---- the JSON reader ---------------------------------------------------- */

/* Parses j; returns the error text or "ok:<string value of key k>". */
static void tj_once(const char *j, char *mut, const char *k, char *res, size_t cap)
{
    tj_doc_t d = {0};
    tj_t *v = mut ? tj_parse_insitu(&d, mut, strlen(j)) : tj_parse(&d, j, strlen(j));
    if (!v)
        snprintf(res, cap, "error@%zu: %s", d.err_at, d.err);
    else if (k)
        snprintf(res, cap, "ok:%s", tj_str(tj_get(v, k)) ? tj_str(tj_get(v, k)) : "(none)");
    else
        snprintf(res, cap, "ok");
    tj_free(&d);
}

/* ... both ways, copying and in place, which must agree. */
static const char *tj(const char *j, const char *k)
{
    static char res[600];
    char in_place[256];
    char *mut = strdup(j);
    tj_once(j, NULL, k, res, sizeof res);
    tj_once(j, mut, k, in_place, sizeof in_place);
    free(mut);
    if (strcmp(res, in_place) != 0) {
        size_t n = strlen(res);
        snprintf(res + n, sizeof res - n, " (in place: %s)", in_place);
    }
    return res;
}

static void test_tjson(void)
{
    is_str(tj("{\"a\":\"x\\n\\\"y\\u00e9\\ud83d\\ude00\\/\"}", "a"), "ok:x\n\"yé😀/", "escapes, surrogate pair");
    is_str(tj("{\"long key, plain\":\"0123456789abcdefghij\",\"k\\u00e9y\":\"0123456789\\t0123456789\\\"x\"}",
              "k\xc3\xa9y"), "ok:0123456789\t0123456789\"x", "escaped keys, escapes past the first 8 bytes");
    is_str(tj("{\"a\":\"0123456789abcdef\x01gh\"}", NULL), "error@22: control character in a string",
           "a control character past the first 16 bytes");
    is_str(tj("{\"a\":\"\\u0000 \\ud800 \\udc00x\"}", "a"), "ok:\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBDx",
           "NUL and lone surrogates become U+FFFD");
    is_str(tj(" { \"a\" : [ 1 , -2.5e+3 , true , false , null , { } , [ ] ] , \"b\" : \"c\" } ", "b"), "ok:c",
           "every value kind, white space anywhere");
    is_str(tj("{\"a\":1,\"b\":\"first\",\"b\":\"second\"}", "b"), "ok:first", "duplicate keys: the first");
    is_str(tj("{\"a\":01}", NULL), "error@6: ',' or '}' expected", "leading zero refused");
    is_str(tj("{\"a\":1.}", NULL), "error@5: invalid number", "bare fraction refused");
    is_str(tj("{\"a\":\"x\ty\"}", NULL), "error@7: control character in a string", "raw tab in a string refused");
    is_str(tj("{\"a\":\"\\x\"}", NULL), "error@7: invalid escape", "unknown escape refused");
    is_str(tj("{\"a\":\"\\u12G4\"}", NULL), "error@8: invalid \\u escape", "bad \\u escape refused");
    is_str(tj("{\"a\":1} x", NULL), "error@8: end of data expected", "trailing garbage refused");
    is_str(tj("{\"a\":1,}", NULL), "error@7: string or '}' expected", "trailing comma refused");
    is_str(tj("{\"a\" 1}", NULL), "error@5: ':' expected", "missing colon refused");
    is_str(tj("[tru]", NULL), "error@1: invalid token", "bad literal refused");
    is_str(tj("{\"a\":\"unterminated", NULL), "error@18: premature end of input in a string", "unterminated string");
    is_str(tj("", NULL), "error@0: premature end of input", "empty input");
    char deep[600];
    memset(deep, '[', 300);
    memset(deep + 300, ']', 300);
    deep[600 - 1] = '\0';
    deep[599] = '\0';
    ok(strstr(tj(deep, NULL), "nesting too deep") != NULL, "nesting deeper than %d refused", TJ_MAX_DEPTH);
    /* A long element with many escaped strings stays within a few times its
     * size (each string allocates its own length, not the rest). */
    size_t n = 200000;
    char *big = malloc(n * 8 + 16), *q = big;
    *q++ = '[';
    for (size_t i = 0; i < n; i++)
        q += sprintf(q, "%s\"\\n\"", i ? "," : "");
    strcpy(q, "]");
    tj_doc_t d = {0};
    tj_t *v = tj_parse(&d, big, strlen(big));
    ok(v && v->type == TJ_ARR && v->len == n, "200,000-member array parsed");
    free(big);
    tj_free(&d);
    /* The arena is reused across elements. */
    tj_doc_t r = {0};
    int same = 1;
    for (int i = 0; i < 1000; i++) {
        tj_reset(&r);
        const char *j = "{\"tweet\":{\"id_str\":\"1\"}}";
        tj_t *x = tj_parse(&r, j, strlen(j));
        same &= x && strcmp(tj_str(tj_get(tj_get(x, "tweet"), "id_str")), "1") == 0;
    }
    ok(same, "a reset arena parses again and again");
    tj_free(&r);
}

/* Random damage, random chunking: the scanner always terminates, its
 * bounds stay inside the buffer, and whatever it cuts out can be parsed and
 * mapped without harm (ASan/UBSan builds check the memory side). */
static void test_fuzz(void)
{
    const char *base =
        "window.YTD.tweets.part0 = [ {\n  \"tweet\" : {\n    \"id_str\" : \"1\",\n    \"full_text\" : "
        "\"a \\\"q\\\" &amp; https://t.co/x\",\n    \"entities\" : {\"urls\" : [ {\"url\" : \"https://t.co/x\", "
        "\"expanded_url\" : \"https://e/\"} ], \"user_mentions\" : [ {\"screen_name\" : \"m\"} ]},\n    "
        "\"created_at\" : \"Wed Oct 10 20:19:24 +0000 2018\"\n  }\n}, {\"data\":[{\"id\":\"2\",\"text\":\"t\","
        "\"author_id\":\"9\"}],\"includes\":{\"users\":[{\"id\":\"9\",\"username\":\"u\"}]}} ]\n";
    const char pool[] = "{}[]\",:\\ \nu0e-";
    size_t n = strlen(base);
    unsigned seed = 12345;
    int sane = 1;
    long elems = 0;
    tj_doc_t doc = {0};
    got_t g;
    tw_out_t out = {.emit = emit, .problem = problem, .arg = &g};
    tw_opts_t o = {.network = "twitter", .retweets = 1};
    char *m = malloc(n + 1), *buf = malloc(n + 1);
    for (int it = 0; it < 3000 && sane; it++) {
        memcpy(m, base, n);
        int k = (int)(rand_r(&seed) % 5);
        for (int j = 0; j < k; j++)
            m[rand_r(&seed) % n] = rand_r(&seed) % 2 ? pool[rand_r(&seed) % (sizeof pool - 1)]
                                                      : (char)(rand_r(&seed) % 128);
        size_t mlen = rand_r(&seed) % 4 == 0 ? rand_r(&seed) % n : n;
        tw_scan_t sc;
        tw_scan_init(&sc, rand_r(&seed) % 3 ? TW_FMT_ARRAY : TW_FMT_LINES, 64 + rand_r(&seed) % 512,
                     rand_r(&seed) % 2);
        size_t len = 0, fed = 0, calls = 0;
        for (;;) {
            size_t c = 1 + rand_r(&seed) % 97;
            if (c > mlen - fed)
                c = mlen - fed;
            memcpy(buf + len, m + fed, c);
            len += c;
            fed += c;
            int eof = c == 0;
            size_t a, b;
            tw_scan_rc_t rc;
            while ((rc = tw_scan_next(&sc, buf, len, eof, &a, &b)) != TW_SCAN_MORE) {
                if (++calls > 10 * n + 100) {
                    sane = 0;
                    break;
                }
                if (rc != TW_SCAN_ELEM)
                    continue;
                if (a > b || b > len) {
                    sane = 0;
                    break;
                }
                elems++;
                tj_reset(&doc);
                tj_t *v = tj_parse(&doc, buf + a, b - a);
                if (v) {
                    memset(&g, 0, sizeof g);
                    tw_map(v, &o, &out);
                }
            }
            size_t d = tw_scan_droppable(&sc);
            if (!sane || d > len) {
                sane = 0;
                break;
            }
            memmove(buf, buf + d, len - d);
            len -= d;
            tw_scan_shift(&sc, d);
            if (eof)
                break;
        }
    }
    ok(sane && elems > 3000, "3,000 damaged inputs, random chunks: scanner terminates, stays in bounds (%ld elements mapped)",
       elems);
    free(m);
    free(buf);
    tj_free(&doc);
}

/* What issue 17 found in real exports: retweet text, reach, editions,
 * responses without expansions, non-tweet v2 data. */
static void test_real_shapes(void)
{
    got_t g;
    tw_out_t out;
    /* A v2 retweet: its own text cut at ~140 characters, the original in
     * includes.tweets with a t.co link, its author in includes.users. */
    int rc = map("{\"data\":[{\"id\":\"1700000000000000100\",\"text\":\"RT @acme: Our spring sale starts now and it is the "
                 "biggest one we ever had, with every product discounted, free shipping over 20 eur…\",\"author_id\":\"7\","
                 "\"created_at\":\"2023-09-14T13:00:00.000Z\",\"referenced_tweets\":[{\"type\":\"retweeted\",\"id\":\"1700000000000000050\"}],"
                 "\"public_metrics\":{\"retweet_count\":31,\"reply_count\":0,\"like_count\":0,\"quote_count\":0,"
                 "\"impression_count\":0}}],\"includes\":{\"users\":[{\"id\":\"7\",\"username\":\"fan\",\"public_metrics\":"
                 "{\"followers_count\":210,\"following_count\":3}},{\"id\":\"8\",\"username\":\"acme\"}],\"tweets\":[{\"id\":"
                 "\"1700000000000000050\",\"author_id\":\"8\",\"text\":\"Our spring sale starts now and it is the biggest one we "
                 "ever had, with every product discounted, free shipping over 20 euros &amp; gifts https://t.co/SALE\","
                 "\"entities\":{\"urls\":[{\"url\":\"https://t.co/SALE\",\"expanded_url\":\"https://acme.example/sale\"}]}}]}}",
                 1, NULL, &g, &out);
    ok(rc == 1, "v2 retweet mapped");
    is_str(g.text, "RT @acme: Our spring sale starts now and it is the biggest one we ever had, with every product "
                   "discounted, free shipping over 20 euros & gifts https://acme.example/sale",
           "v2 retweet: RT @orig: + the original's full text from includes.tweets, expanded");
    is_str(g.addressed, "acme,", "v2 retweet: the original's author addressed");
    is_str(g.reach, "likes=0,reposts=31,replies=0,quotes=0,views=0,followers=210,",
           "v2: public_metrics and the author's followers_count");
    /* The same without includes.tweets: kept as it is, said once. */
    rc = map("{\"data\":[{\"id\":\"1700000000000000101\",\"text\":\"RT @acme: cut…\",\"author_id\":\"7\","
             "\"referenced_tweets\":[{\"type\":\"retweeted\",\"id\":\"1\"}]},{\"id\":\"1700000000000000102\",\"text\":"
             "\"RT @acme: cut…\",\"referenced_tweets\":[{\"type\":\"retweeted\",\"id\":\"1\"}]}]}",
             1, NULL, &g, &out);
    ok(rc == 2 && strcmp(g.text, "RT @acme: cut…") == 0 && strstr(g.problems, "includes.tweets") &&
           strstr(g.problems, "expansions=author_id") && strstr(g.problems, "created_at") && g.repeats == 0 &&
           !strstr(strstr(g.problems, "expansions=author_id") + 1, "expansions=author_id"),
       "v2 without expansions: kept, each lack warned once for both tweets (%s; %d repeats)", g.problems, g.repeats);
    ok(g.created == 1694146559, "no created_at: the time from the snowflake id (%lld)", g.created);
    is_int(tw_snowflake_time("1700000000000000102"), 1694146559, "snowflake 1700000000000000102 is 2023-09-08T04:15:59Z");
    ok(tw_snowflake_time("20") == 0 && tw_snowflake_time("29700859247") == 0 && tw_snowflake_time("12a") == 0 &&
           tw_snowflake_time("") == 0 && tw_snowflake_time("99999999999999999999") == 0,
       "pre-snowflake, malformed and overlong ids carry no time");
    /* Users and counts in the v2 envelope: one warning, every entry counted. */
    rc = map("{\"data\":[{\"id\":\"1\",\"name\":\"A\",\"username\":\"a\"},{\"id\":\"2\",\"name\":\"B\",\"username\":\"b\"},"
             "{\"end\":\"2023-01-02T00:00:00.000Z\",\"start\":\"2023-01-01T00:00:00.000Z\",\"tweet_count\":5}]}",
             1, NULL, &g, &out);
    ok(rc == 0 && g.dropped == 3 && g.repeats == 2 && strstr(g.problems, "not tweets"),
       "non-tweet v2 data: one warning, three entries skipped (%s)", g.problems);
    /* v1.1 counts and followers; a quote keeps its link. */
    rc = map("{\"id_str\":\"1050300000000000009\",\"full_text\":\"so true https://t.co/Q\",\"user\":{\"screen_name\":\"q\","
             "\"followers_count\":1500},\"favorite_count\":4,\"retweet_count\":2,\"quote_count\":1,\"reply_count\":3,"
             "\"is_quote_status\":true,\"entities\":{\"urls\":[{\"url\":\"https://t.co/Q\",\"expanded_url\":"
             "\"https://twitter.com/acme/status/1050000000000000001\"}]}}",
             1, NULL, &g, &out);
    is_str(g.reach, "likes=4,reposts=2,replies=3,quotes=1,followers=1500,", "v1.1: favorite/retweet/reply/quote counts, followers");
    is_str(g.text, "so true https://twitter.com/acme/status/1050000000000000001", "v1.1 quote: the quoted tweet's link kept");
    /* A v2 quote posted as an attachment, without the link in its text. */
    rc = map("{\"data\":{\"id\":\"1700000000000000200\",\"text\":\"look at this\",\"author_id\":\"7\","
             "\"referenced_tweets\":[{\"type\":\"quoted\",\"id\":\"1700000000000000050\"}]},\"includes\":{\"users\":"
             "[{\"id\":\"7\",\"username\":\"fan\"},{\"id\":\"8\",\"username\":\"acme\"}],\"tweets\":[{\"id\":"
             "\"1700000000000000050\",\"author_id\":\"8\",\"text\":\"sale\"}]}}",
             1, NULL, &g, &out);
    is_str(g.text, "look at this https://twitter.com/acme/status/1700000000000000050", "v2 quote: the quoted tweet's link added");
    /* Archive counts are strings; an edited tweet's earlier version is left out. */
    rc = map("{\"tweet\":{\"id_str\":\"11\",\"full_text\":\"first\",\"favorite_count\":\"7\",\"retweet_count\":\"1\","
             "\"edit_info\":{\"initial\":{\"editTweetIds\":[\"11\",\"12\"],\"editsRemaining\":\"4\"}}}}",
             1, "me", &g, &out);
    ok(rc == 0 && g.n == 0 && out.edits_skipped == 1, "archive: an edited tweet's first version is not a mention");
    rc = map("{\"tweet\":{\"id_str\":\"12\",\"full_text\":\"first, fixed\",\"favorite_count\":\"7\",\"retweet_count\":\"x\","
             "\"edit_info\":{\"edit\":{\"initialTweetId\":\"11\",\"editControlInitial\":{\"editTweetIds\":[\"11\",\"12\"]}}}}}",
             1, "me", &g, &out);
    ok(rc == 1 && strcmp(g.text, "first, fixed") == 0, "archive: the latest version is");
    is_str(g.reach, "likes=7,", "archive: counts given as strings; a non-number left out");
    rc = map("{\"data\":[{\"id\":\"21\",\"text\":\"v1\",\"edit_history_tweet_ids\":[\"21\",\"22\"]},"
             "{\"id\":\"22\",\"text\":\"v2\",\"edit_history_tweet_ids\":[\"21\",\"22\"]}]}",
             1, NULL, &g, &out);
    ok(rc == 1 && strcmp(g.text, "v2") == 0 && out.edits_skipped == 1, "v2 edit history: the latest version once");

    /* note-tweet.js: found by time and start of text. */
    static const char notes_js[] =
        "window.YTD.note_tweet.part0 = [ {\"noteTweet\":{\"createdAt\":\"2024-01-26T09:00:00.000Z\",\"core\":"
        "{\"text\":\"Fish &amp; chips at Acme, all of it https://t.co/X and more\",\"urls\":[{\"shortUrl\":"
        "\"https://t.co/X\",\"expandedUrl\":\"https://acme.example/f\"}]}}}, {\"noteTweet\":{\"createdAt\":"
        "\"2024-01-26T09:00:00.000Z\",\"core\":{\"text\":\"Another post of that second\"}}}, {\"noteTweet\":"
        "{\"core\":{\"text\":\"no date\"}}} ];";
    tw_notes_t notes;
    ok(tw_notes_parse(notes_js, sizeof notes_js - 1, &notes) == 0 && notes.n == 2 && notes.bad == 1,
       "note-tweet.js: two notes, one without a date counted as bad");
    const tw_note_t *nt = tw_notes_find(&notes, 1706259600, "Fish &amp; chips at Acme, all of…");
    ok(nt && !strcmp(nt->text, "Fish & chips at Acme, all of it https://acme.example/f and more"),
       "note found by second and start; entities decoded, links expanded");
    nt = tw_notes_find(&notes, 1706259601, "Another post of that second, cut…");
    ok(nt && !strcmp(nt->text, "Another post of that second"), "the other note of that second, by its start");
    ok(!tw_notes_find(&notes, 1706259600, "Something else entirely") && !tw_notes_find(&notes, 1706259700, "Fish"),
       "no note for another text or another time");
    tw_opts_t o = {.network = "twitter", .account = "me", .retweets = 1, .notes = &notes};
    memset(&g, 0, sizeof g);
    memset(&out, 0, sizeof out);
    out.emit = emit;
    out.problem = problem;
    out.arg = &g;
    tj_doc_t doc = {0};
    const char *cut = "{\"tweet\":{\"id_str\":\"31\",\"full_text\":\"Fish &amp; chips at Acme, all of…\","
                      "\"created_at\":\"Fri Jan 26 09:00:00 +0000 2024\"}}";
    tj_t *v = tj_parse(&doc, cut, strlen(cut));
    ok(v && tw_map(v, &o, &out) == 1 && strstr(g.text, "and more"), "an archive tweet cut in tweets.js gets the note's full text");
    tj_free(&doc);
    tw_notes_free(&notes);
}

int main(void)
{
    test_tjson();
    test_sniff();
    test_scan();
    test_map();
    test_real_shapes();
    test_fuzz();
    return done_testing();
}
