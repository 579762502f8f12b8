#include "payload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <earshot/numfmt.h>
#include <earshot/strbuf.h>

/* ---- small text helpers ------------------------------------------------ */

typedef es_strbuf_t sb_t;

static void sb_put(sb_t *b, const char *s, size_t n) { es_strbuf_put(b, s, n); }

static void sb_str(sb_t *b, const char *s) { sb_put(b, s, strlen(s)); }

static void sb_fmt(sb_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(sb_t *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Slack's mrkdwn: &, < and > are the only characters to escape; escaping
 * them also defuses <!channel> and <@U123> pings in mention text. Control
 * characters and newlines become spaces so a quoted snippet stays one line.
 * At most `max` code points, "…" when cut (never inside a UTF-8 sequence). */
static void sb_mrkdwn(sb_t *b, const char *s, size_t max)
{
    size_t cps = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80 && cps++ == max) {
            sb_str(b, "…");
            return;
        }
        switch (*p) {
        case '&': sb_str(b, "&amp;"); break;
        case '<': sb_str(b, "&lt;"); break;
        case '>': sb_str(b, "&gt;"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                sb_put(b, " ", 1);
            else
                sb_put(b, (const char *)p, 1);
        }
    }
}

/* A URL Slack can link: http(s), no characters that end its <url|label>. */
static int linkable(const char *u)
{
    if (!u || (strncasecmp(u, "http://", 7) && strncasecmp(u, "https://", 8)))
        return 0;
    for (const unsigned char *p = (const unsigned char *)u; *p; p++)
        if (*p <= 0x20 || *p == '<' || *p == '>' || *p == '|' || *p == 0x7f)
            return 0;
    return 1;
}

static void sb_link(sb_t *b, const char *url, const char *label)
{
    if (linkable(url)) {
        sb_str(b, "<");
        sb_str(b, url);
        sb_str(b, "|");
        sb_mrkdwn(b, label, 80);
        sb_str(b, ">");
    } else if (url) {
        sb_mrkdwn(b, url, 200);
    }
}

static const char *jstr(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

/* The first of several possible names for one alert field. */
static const json_t *jany(const json_t *o, const char *const *names)
{
    for (; *names; names++) {
        const json_t *v = json_object_get(o, *names);
        if (v && !json_is_null(v))
            return v;
    }
    return NULL;
}

static void sb_json_scalar(sb_t *b, const json_t *v)
{
    if (json_is_string(v))
        sb_mrkdwn(b, json_string_value(v), 200);
    else if (json_is_integer(v))
        sb_fmt(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        sb_fmt(b, "%.4g", json_real_value(v));
    else if (json_is_boolean(v))
        sb_str(b, json_is_true(v) ? "yes" : "no");
}

/* A number for people (core/include/earshot/numfmt.h): "66.7%", "p < 0.001", "3.2". */
static void sb_number(sb_t *b, const json_t *v, char how)
{
    if (!json_is_number(v)) {
        sb_json_scalar(b, v);
        return;
    }
    char s[64];
    double x = json_number_value(v);
    int l = how == '%' ? es_numfmt_percent(x, s, sizeof s)
            : how == 'p' ? es_numfmt_p(x, s, sizeof s)
                         : es_numfmt_number(x, s, sizeof s);
    if (l > 0)
        sb_str(b, s);
}

static void sb_time(sb_t *b, const json_t *v)
{
    if (!json_is_integer(v)) {
        sb_json_scalar(b, v);
        return;
    }
    time_t t = (time_t)json_integer_value(v);
    struct tm tm;
    char s[32];
    if (gmtime_r(&t, &tm) && strftime(s, sizeof s, "%Y-%m-%d %H:%M UTC", &tm))
        sb_str(b, s);
}

/* ---- Slack blocks ------------------------------------------------------ */

static json_t *mrkdwn(sb_t *b)
{
    json_t *t = json_pack("{s:s,s:s}", "type", "mrkdwn", "text", b->oom || !b->s ? "" : b->s);
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
    return t;
}

static void add_field(json_t *fields, sb_t *b, const char *title)
{
    /* Slack allows 10 fields per section. */
    if (json_array_size(fields) >= 10)
        return;
    sb_t f = {0};
    sb_fmt(&f, "*%s*\n", title);
    sb_put(&f, b->s ? b->s : "", b->len);
    json_array_append_new(fields, mrkdwn(&f));
    free(f.s);
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

/* "12 likes · 3 reposts · 1540 views · 12034 followers": the counts the
 * source gave, in the record's order; nothing when it gave none. */
static void reach_line(const json_t *r, sb_t *b)
{
    const json_t *mx = json_object_get(r, "metrics");
    const char *k;
    const json_t *v;
    int n = 0;
    json_object_foreach((json_t *)mx, k, v) {
        if (!json_is_integer(v))
            continue;
        sb_fmt(b, "%s%" JSON_INTEGER_FORMAT " ", n++ ? " · " : "", json_integer_value(v));
        sb_mrkdwn(b, k, 20);
    }
    const json_t *fo = json_object_get(r, "followers");
    if (json_is_integer(fo))
        sb_fmt(b, "%s%" JSON_INTEGER_FORMAT " followers", n++ ? " · " : "", json_integer_value(fo));
}

static void mention_blocks(const json_t *r, json_t *blocks, sb_t *text)
{
    const char *brand = jstr(r, "brand"), *title = jstr(r, "title"), *body = jstr(r, "text");
    const char *author = jstr(r, "author"), *author_name = jstr(r, "author_name");
    const char *url = jstr(r, "url"), *network = jstr(r, "network");
    const json_t *se = json_object_get(r, "sentiment");
    const char *label = jstr(se, "label");
    sb_t b = {0};

    /* The notification line (also what clients without blocks show). */
    sb_fmt(text, "%s%s%smention", brand ? "[" : "", brand ? brand : "", brand ? "] " : "");
    if (label) {
        sb_str(text, " (");
        sb_str(text, label);
        sb_str(text, ")");
    }
    if (author) {
        sb_str(text, " by @");
        sb_mrkdwn(text, author, 60);
    }
    sb_str(text, ": ");
    sb_mrkdwn(text, title ? title : body ? body : "", 150);

    if (title) {
        sb_str(&b, "*");
        sb_mrkdwn(&b, title, 150);
        sb_str(&b, "*\n");
    }
    sb_mrkdwn(&b, body ? body : "", 600);
    json_t *section = json_pack("{s:s,s:o}", "type", "section", "text", mrkdwn(&b));
    json_t *fields = json_array();
    /* Every brand the mention is about (brand is the first), owned ones
     * marked, and its topics with their teams. */
    const json_t *brands = json_object_get(r, "brands"), *owned = json_object_get(r, "owned");
    size_t nb = json_array_size(brands), i;
    const json_t *v;
    json_array_foreach(brands, i, v) {
        if (i)
            sb_str(&b, ", ");
        sb_mrkdwn(&b, json_string_value(v) ? json_string_value(v) : "", 80);
        for (size_t k = 0; k < json_array_size(owned); k++)
            if (json_equal(json_array_get(owned, k), v))
                sb_str(&b, " (own post)");
    }
    if (!nb)
        sb_mrkdwn(&b, brand ? brand : "(none)", 80);
    add_field(fields, &b, nb > 1 ? "Brands" : "Brand");
    const json_t *topics = json_object_get(r, "topics"), *towners = json_object_get(r, "topic_owners");
    json_array_foreach(topics, i, v) {
        const char *t = json_string_value(v), *team = t ? jstr(towners, t) : NULL;
        if (i)
            sb_str(&b, ", ");
        sb_mrkdwn(&b, t ? t : "", 60);
        if (team) {
            sb_str(&b, " (");
            sb_mrkdwn(&b, team, 40);
            sb_str(&b, ")");
        }
    }
    if (json_array_size(topics))
        add_field(fields, &b, "Topics");
    if (label) {
        sb_mrkdwn(&b, label, 20);
        sb_fmt(&b, " (%+.2f)", json_number_value(json_object_get(se, "compound")));
    } else {
        sb_str(&b, "not scored");
    }
    add_field(fields, &b, "Sentiment");
    if (author_name) {
        sb_mrkdwn(&b, author_name, 80);
        if (author) {
            sb_str(&b, " (@");
            sb_mrkdwn(&b, author, 60);
            sb_str(&b, ")");
        }
    } else if (author) {
        sb_str(&b, "@");
        sb_mrkdwn(&b, author, 60);
    } else {
        sb_str(&b, "unknown");
    }
    const char *kind = jstr(r, "author_kind");
    if (kind && strcmp(kind, "public") != 0) {
        sb_str(&b, " · ");
        sb_mrkdwn(&b, kind, 20);
    }
    add_field(fields, &b, "Author");
    sb_mrkdwn(&b, network ? network : "", 40);
    const char *owner = jstr(r, "owner");
    if (owner) {
        sb_str(&b, " · team ");
        sb_mrkdwn(&b, owner, 60);
    }
    add_field(fields, &b, "Network");
    reach_line(r, &b);
    if (b.len)
        add_field(fields, &b, "Reach");
    json_object_set_new(section, "fields", fields);
    json_array_append_new(blocks, section);

    if (url) {
        sb_link(&b, url, "Open the mention");
        json_array_append_new(blocks, json_pack("{s:s,s:[o]}", "type", "context", "elements",
                                                mrkdwn(&b)));
    }
    free(b.s);
}

static void alert_blocks(const json_t *r, json_t *blocks, sb_t *text)
{
    static const char *const k_state[] = {"state", "event", "status", "phase", NULL};
    static const char *const k_count[] = {"count", "negative", "neg_count", "observed", NULL};
    static const char *const k_expected[] = {"expected", "expected_count", "baseline", NULL};
    static const char *const k_p[] = {"p_value", "p", "pvalue", NULL};
    static const char *const k_share[] = {"share", "negative_share", NULL};
    static const char *const k_start[] = {"bucket_start", "start", "since", NULL};
    static const char *const k_end[] = {"bucket_end", "end", "until", NULL};
    static const char *const k_terms[] = {"top_terms", "terms", NULL};
    static const char *const k_examples[] = {"examples", "example_urls", "urls", NULL};
    static const char *const k_series[] = {"series", NULL};
    const char *brand = jstr(r, "brand");
    const json_t *state = jany(r, k_state);
    int ended = json_is_string(state) && strstr(json_string_value(state), "end");
    sb_t b = {0};

    sb_fmt(text, "%s for %s", ended ? "Negative spike ended" : "Negative spike",
           brand ? "" : "all brands");
    if (brand)
        sb_mrkdwn(text, brand, 80);
    const json_t *count = jany(r, k_count), *expected = jany(r, k_expected);
    if (count) {
        sb_str(text, ": ");
        sb_number(text, count, 'n');
        sb_str(text, " negative mentions");
        if (expected) {
            sb_str(text, " (");
            sb_number(text, expected, 'n');
            sb_str(text, " expected)");
        }
    }

    /* A header block sets alerts apart from mention messages at a glance. */
    sb_fmt(&b, "%s ", ended ? "✅ Spike ended:" : "🚨 Negative spike:");
    sb_str(&b, brand ? brand : "all brands");
    if (b.s && strlen(b.s) > 140)
        b.s[140] = '\0'; /* header text limit is 150 */
    json_array_append_new(blocks, json_pack("{s:s,s:{s:s,s:s,s:b}}", "type", "header", "text",
                                            "type", "plain_text", "text", b.s ? b.s : "",
                                            "emoji", 1));
    b.len = 0;

    json_t *fields = json_array();
    struct {
        const char *title;
        const char *const *keys;
        char how; /* 't' time, 'n' number, '%' share, 'p' p-value */
    } known[] = {
        {"Negative mentions", k_count, 'n'}, {"Expected", k_expected, 'n'}, {"p-value", k_p, 'p'},
        {"Negative share", k_share, '%'},    {"From", k_start, 't'},        {"To", k_end, 't'},
        {"Series", k_series, 's'},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        const json_t *v = jany(r, known[i].keys);
        if (!v || json_is_array(v) || json_is_object(v))
            continue;
        if (known[i].how == 't')
            sb_time(&b, v);
        else if (known[i].how == 's')
            sb_json_scalar(&b, v);
        else
            sb_number(&b, v, known[i].how);
        add_field(fields, &b, known[i].title);
    }
    if (json_array_size(fields))
        json_array_append_new(blocks, json_pack("{s:s,s:o}", "type", "section", "fields", fields));
    else
        json_decref(fields);

    const json_t *terms = jany(r, k_terms);
    if (json_is_array(terms) && json_array_size(terms)) {
        sb_str(&b, "*Top terms:* ");
        size_t i;
        json_t *t;
        json_array_foreach(terms, i, t)
        {
            if (i >= 10)
                break;
            if (i)
                sb_str(&b, ", ");
            sb_json_scalar(&b, json_is_object(t) ? json_object_get(t, "term") : t);
        }
        json_array_append_new(blocks, json_pack("{s:s,s:o}", "type", "section", "text", mrkdwn(&b)));
    }
    const json_t *ex = jany(r, k_examples);
    if (json_is_array(ex) && json_array_size(ex)) {
        size_t i;
        json_t *u;
        json_array_foreach(ex, i, u)
        {
            if (i >= 5)
                break;
            if (i)
                sb_str(&b, " · ");
            char label[32];
            snprintf(label, sizeof label, "example %zu", i + 1);
            sb_link(&b, json_string_value(u), label);
        }
        json_array_append_new(blocks, json_pack("{s:s,s:[o]}", "type", "context", "elements",
                                                mrkdwn(&b)));
    }
    free(b.s);
}

static void account_blocks(const json_t *r, json_t *blocks, sb_t *text)
{
    const char *event = jstr(r, "event"), *handle = jstr(r, "handle");
    const char *network = jstr(r, "network"), *brand = jstr(r, "brand");
    const char *reason = jstr(r, "reason"), *url = jstr(r, "example_url");
    sb_t b = {0};
    sb_str(text, "Account finding: ");
    sb_mrkdwn(text, event ? event : "inventory", 60);
    if (handle) {
        sb_str(text, " @");
        sb_mrkdwn(text, handle, 60);
    }
    sb_str(&b, "*Account finding:* ");
    sb_mrkdwn(&b, event ? event : "inventory", 60);
    if (handle) {
        sb_str(&b, " — @");
        sb_mrkdwn(&b, handle, 60);
        if (network) {
            sb_str(&b, " on ");
            sb_mrkdwn(&b, network, 40);
        }
    }
    if (brand) {
        sb_str(&b, " (brand ");
        sb_mrkdwn(&b, brand, 60);
        sb_str(&b, ")");
    }
    if (reason) {
        sb_str(&b, "\n");
        sb_mrkdwn(&b, reason, 300);
    }
    json_array_append_new(blocks, json_pack("{s:s,s:o}", "type", "section", "text", mrkdwn(&b)));
    if (url) {
        sb_link(&b, url, "example");
        json_array_append_new(blocks, json_pack("{s:s,s:[o]}", "type", "context", "elements",
                                                mrkdwn(&b)));
    }
    free(b.s);
}

json_t *es_wh_slack_message(json_t *const *records, size_t n)
{
    json_t *blocks = json_array();
    sb_t text = {0};
    for (size_t i = 0; i < n && blocks; i++) {
        const json_t *r = records[i];
        const char *kind = jstr(r, "kind");
        if (i) {
            json_array_append_new(blocks, json_pack("{s:s}", "type", "divider"));
            sb_str(&text, "\n");
        }
        if (kind && !strcmp(kind, "alert"))
            alert_blocks(r, blocks, &text);
        else if (kind && !strcmp(kind, "account"))
            account_blocks(r, blocks, &text);
        else
            mention_blocks(r, blocks, &text);
    }
    json_t *msg = NULL;
    if (blocks && !text.oom)
        msg = json_pack("{s:s,s:O}", "text", text.s ? text.s : "", "blocks", blocks);
    json_decref(blocks);
    free(text.s);
    return msg;
}

/* ---- bodies ------------------------------------------------------------ */

static json_t *record_object(const es_record_t *rec)
{
    size_t len;
    const char *j = es_record_json(rec, &len);
    return j ? json_loadb(j, len, 0, NULL) : NULL;
}

char *es_wh_payload(es_wh_format_t fmt, const es_wh_template_t *tpl,
                    const es_record_t *const *recs, size_t n, int single, size_t *len)
{
    if (fmt == ES_WH_JSON) {
        /* The core's cached serialisation, joined as text: no re-encoding. */
        sb_t b = {0};
        if (!single)
            sb_str(&b, "[");
        for (size_t i = 0; i < n; i++) {
            size_t l;
            const char *j = es_record_json(recs[i], &l);
            if (!j) {
                free(b.s);
                return NULL;
            }
            if (i)
                sb_str(&b, ",");
            sb_put(&b, j, l);
        }
        if (!single)
            sb_str(&b, "]");
        if (b.oom) {
            free(b.s);
            return NULL;
        }
        *len = b.len;
        return b.s;
    }
    json_t **objs = calloc(n ? n : 1, sizeof *objs);
    json_t *doc = NULL;
    char *out = NULL;
    if (!objs)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(objs[i] = record_object(recs[i])))
            goto done;
    if (fmt == ES_WH_SLACK) {
        doc = es_wh_slack_message(objs, n);
    } else if (single && n == 1) {
        doc = es_wh_template_render(tpl, objs[0]);
    } else {
        doc = json_array();
        for (size_t i = 0; i < n && doc; i++)
            if (json_array_append_new(doc, es_wh_template_render(tpl, objs[i]))) {
                json_decref(doc);
                doc = NULL;
            }
    }
    if (doc)
        out = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
    if (out)
        *len = strlen(out);
done:
    json_decref(doc);
    for (size_t i = 0; i < n; i++)
        json_decref(objs[i]);
    free(objs);
    return out;
}
