#include "compose.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mime.h"
#include <earshot/numfmt.h>

void es_mail_text_free(es_mail_text_t *t)
{
    free(t->subject);
    free(t->text);
    free(t->html);
    t->subject = t->text = t->html = NULL;
}

static const char *jstr(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

static const char *label_of(const json_t *r)
{
    const char *l = jstr(json_object_get(r, "sentiment"), "label");
    return l ? l : "unscored";
}

/* At most `max` code points of s on one line (controls become spaces),
 * "…" when cut. */
static void put_snippet(es_mail_buf_t *b, const char *s, size_t max)
{
    size_t cps = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80 && cps++ == max) {
            es_mail_puts(b, "…");
            return;
        }
        es_mail_put(b, *p < 0x20 || *p == 0x7f ? " " : (const char *)p, 1);
    }
}

static void put_html(es_mail_buf_t *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': es_mail_puts(b, "&amp;"); break;
        case '<': es_mail_puts(b, "&lt;"); break;
        case '>': es_mail_puts(b, "&gt;"); break;
        case '"': es_mail_puts(b, "&quot;"); break;
        case '\'': es_mail_puts(b, "&#39;"); break;
        case '\n': es_mail_puts(b, "<br>\n"); break;
        default: es_mail_put(b, s, 1);
        }
    }
}

static int web_url(const char *u)
{
    return u && (!strncasecmp(u, "http://", 7) || !strncasecmp(u, "https://", 8)) &&
           !strpbrk(u, " \t\r\n\"'<>");
}

static void put_link(es_mail_buf_t *b, const char *url, const char *label)
{
    if (web_url(url)) {
        es_mail_puts(b, "<a href=\"");
        put_html(b, url);
        es_mail_puts(b, "\">");
        put_html(b, label ? label : url);
        es_mail_puts(b, "</a>");
    } else {
        put_html(b, url);
    }
}

static void put_time(es_mail_buf_t *b, json_int_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char s[40];
    if (t > 0 && gmtime_r(&tt, &tm) && strftime(s, sizeof s, "%Y-%m-%d %H:%M UTC", &tm))
        es_mail_puts(b, s);
    else
        es_mail_puts(b, "unknown");
}

static char *take(es_mail_buf_t *b)
{
    if (b->oom) {
        free(b->s);
        return NULL;
    }
    return b->s ? b->s : strdup("");
}

/* A scalar as text ("" for objects and arrays of objects). */
static void put_scalar(es_mail_buf_t *b, const json_t *v)
{
    if (json_is_string(v))
        es_mail_puts(b, json_string_value(v));
    else if (json_is_integer(v))
        es_mail_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        es_mail_printf(b, "%.4g", json_real_value(v));
    else if (json_is_boolean(v))
        es_mail_puts(b, json_is_true(v) ? "yes" : "no");
    else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x)
        {
            if (i)
                es_mail_puts(b, ", ");
            put_scalar(b, json_is_object(x) && json_object_get(x, "term") ? json_object_get(x, "term") : x);
        }
    }
}

/* An alert figure for people (core/include/earshot/numfmt.h): a share as "66.7%", a
 * p-value as "p < 0.001", other reals with at most one decimal. */
static void put_number(es_mail_buf_t *b, const char *key, const json_t *v)
{
    char s[64];
    double x = json_number_value(v);
    int l;
    if (strstr(key, "share") || !strcmp(key, "rate"))
        l = es_numfmt_percent(x, s, sizeof s);
    else if (!strcmp(key, "p_value") || !strcmp(key, "p") || !strcmp(key, "pvalue"))
        l = es_numfmt_p(x, s, sizeof s);
    else if (json_is_integer(v))
        l = es_numfmt_int((long long)json_integer_value(v), s, sizeof s);
    else
        l = es_numfmt_number(x, s, sizeof s);
    if (l > 0)
        es_mail_puts(b, s);
}

/* ---- one record -------------------------------------------------------- */

/* "12 likes, 3 reposts, 1540 views, 12034 followers": the counts the
 * source gave; nothing when it gave none. */
static void put_reach(es_mail_buf_t *b, const json_t *r)
{
    const json_t *mx = json_object_get(r, "metrics");
    const char *k;
    const json_t *v;
    int n = 0;
    json_object_foreach((json_t *)mx, k, v) {
        if (json_is_integer(v))
            es_mail_printf(b, "%s%" JSON_INTEGER_FORMAT " %s", n++ ? ", " : "", json_integer_value(v), k);
    }
    const json_t *fo = json_object_get(r, "followers");
    if (json_is_integer(fo))
        es_mail_printf(b, "%s%" JSON_INTEGER_FORMAT " followers", n++ ? ", " : "", json_integer_value(fo));
}

static int compose_mention(const json_t *r, const char *prefix, es_mail_text_t *out)
{
    const char *brand = jstr(r, "brand"), *title = jstr(r, "title"), *text = jstr(r, "text");
    const char *author = jstr(r, "author"), *name = jstr(r, "author_name");
    const char *url = jstr(r, "url"), *net = jstr(r, "network"), *owner = jstr(r, "owner");
    const char *akind = jstr(r, "author_kind"), *label = label_of(r);
    const json_t *se = json_object_get(r, "sentiment");
    es_mail_buf_t s = {0}, t = {0}, h = {0};

    es_mail_printf(&s, "%s%s%s%s%s mention", prefix, *prefix ? " " : "", brand ? brand : "",
                   brand ? ": " : "", label);
    if (author) {
        es_mail_puts(&s, " by @");
        put_snippet(&s, author, 40);
    }
    es_mail_puts(&s, ": ");
    put_snippet(&s, title ? title : text ? text : "", 80);

    /* One line each: a name or title with line breaks must not look like
     * more fields (or headers) in the body. */
    es_mail_buf_t who = {0};
    if (name)
        put_snippet(&who, name, 200);
    if (author) {
        es_mail_puts(&who, name ? " (@" : "@");
        put_snippet(&who, author, 100);
        es_mail_puts(&who, name ? ")" : "");
    }
    if (!name && !author)
        es_mail_puts(&who, "unknown");
    if (akind && strcmp(akind, "public"))
        es_mail_printf(&who, " [%s]", akind);
    es_mail_buf_t reach = {0};
    put_reach(&reach, r);

    /* Every brand (owned ones marked) and topic, on one line each. */
    es_mail_buf_t brands = {0}, topics = {0};
    const json_t *jb = json_object_get(r, "brands"), *jo = json_object_get(r, "owned");
    const json_t *jt = json_object_get(r, "topics"), *jto = json_object_get(r, "topic_owners"), *v;
    size_t i;
    json_array_foreach(jb, i, v) {
        if (i)
            es_mail_puts(&brands, ", ");
        put_snippet(&brands, json_string_value(v) ? json_string_value(v) : "", 100);
        for (size_t k = 0; k < json_array_size(jo); k++)
            if (json_equal(json_array_get(jo, k), v))
                es_mail_puts(&brands, " (own post)");
    }
    if (!json_array_size(jb))
        es_mail_puts(&brands, brand ? brand : "(none)");
    json_array_foreach(jt, i, v) {
        const char *tn = json_string_value(v), *team = tn ? jstr(jto, tn) : NULL;
        if (i)
            es_mail_puts(&topics, ", ");
        put_snippet(&topics, tn ? tn : "", 100);
        if (team) {
            es_mail_puts(&topics, " (");
            put_snippet(&topics, team, 60);
            es_mail_puts(&topics, ")");
        }
    }
    es_mail_printf(&t, "Brand:     %s\n", brands.s ? brands.s : "(none)");
    if (topics.s)
        es_mail_printf(&t, "Topics:    %s\n", topics.s);
    if (json_is_object(se))
        es_mail_printf(&t, "Sentiment: %s (%+.2f)\n", label,
                       json_number_value(json_object_get(se, "compound")));
    else
        es_mail_puts(&t, "Sentiment: not scored\n");
    es_mail_printf(&t, "Network:   %s\n", net ? net : "");
    es_mail_printf(&t, "Author:    %s\n", who.s ? who.s : "");
    if (owner)
        es_mail_printf(&t, "Team:      %s\n", owner);
    if (reach.s)
        es_mail_printf(&t, "Reach:     %s\n", reach.s);
    es_mail_puts(&t, "Date:      ");
    put_time(&t, json_integer_value(json_object_get(r, "created_at")));
    es_mail_puts(&t, "\n");
    if (url)
        es_mail_printf(&t, "Link:      %s\n", url);
    es_mail_puts(&t, "\n");
    if (title) {
        put_snippet(&t, title, 1000);
        es_mail_puts(&t, "\n\n");
    }
    es_mail_printf(&t, "%s\n", text ? text : "");

    es_mail_puts(&h, "<!DOCTYPE html>\n<html><body>\n<table>\n");
    es_mail_puts(&h, "<tr><th align=\"left\">Brand</th><td>");
    put_html(&h, brands.s ? brands.s : "(none)");
    if (topics.s) {
        es_mail_puts(&h, "</td></tr>\n<tr><th align=\"left\">Topics</th><td>");
        put_html(&h, topics.s);
    }
    es_mail_puts(&h, "</td></tr>\n<tr><th align=\"left\">Sentiment</th><td>");
    put_html(&h, label);
    es_mail_puts(&h, "</td></tr>\n<tr><th align=\"left\">Network</th><td>");
    put_html(&h, net);
    es_mail_puts(&h, "</td></tr>\n<tr><th align=\"left\">Author</th><td>");
    put_html(&h, who.s);
    es_mail_puts(&h, "</td></tr>\n");
    if (reach.s) {
        es_mail_puts(&h, "<tr><th align=\"left\">Reach</th><td>");
        put_html(&h, reach.s);
        es_mail_puts(&h, "</td></tr>\n");
    }
    if (url) {
        es_mail_puts(&h, "<tr><th align=\"left\">Link</th><td>");
        put_link(&h, url, NULL);
        es_mail_puts(&h, "</td></tr>\n");
    }
    es_mail_puts(&h, "</table>\n");
    if (title) {
        es_mail_buf_t one = {0};
        put_snippet(&one, title, 1000);
        es_mail_puts(&h, "<h3>");
        put_html(&h, one.s);
        free(one.s);
        es_mail_puts(&h, "</h3>\n");
    }
    es_mail_puts(&h, "<p>");
    put_html(&h, text);
    es_mail_puts(&h, "</p>\n</body></html>\n");
    free(who.s);
    free(brands.s);
    free(topics.s);
    free(reach.s);
    out->subject = take(&s);
    out->text = take(&t);
    out->html = take(&h);
    return out->subject && out->text && out->html ? 0 : -1;
}

/* Alerts and account findings: a subject from the known fields, then every
 * field as "key: value". */
static int compose_fields(const json_t *r, const char *kind, const char *prefix, es_mail_text_t *out)
{
    es_mail_buf_t s = {0}, t = {0}, h = {0};
    const char *brand = jstr(r, "brand");
    if (!strcmp(kind, "alert")) {
        const char *state = jstr(r, "state") ? jstr(r, "state") : jstr(r, "event");
        int ended = state && strstr(state, "end");
        es_mail_printf(&s, "%s%s%s %s", prefix, *prefix ? " " : "",
                       ended ? "Spike ended:" : "ALERT: negative spike:", brand ? brand : "all brands");
        const json_t *c = json_object_get(r, "count"), *e = json_object_get(r, "expected");
        if (c) {
            es_mail_puts(&s, " (");
            put_scalar(&s, c);
            es_mail_puts(&s, " negative");
            if (e) {
                es_mail_puts(&s, ", ");
                json_is_number(e) ? put_number(&s, "expected", e) : put_scalar(&s, e);
                es_mail_puts(&s, " expected");
            }
            es_mail_puts(&s, ")");
        }
    } else {
        const char *ev = jstr(r, "event"), *handle = jstr(r, "handle");
        es_mail_printf(&s, "%s%sAccount finding: %s", prefix, *prefix ? " " : "", ev ? ev : "inventory");
        if (handle)
            es_mail_printf(&s, " @%s", handle);
        if (brand)
            es_mail_printf(&s, " (%s)", brand);
    }
    es_mail_puts(&h, "<!DOCTYPE html>\n<html><body>\n<table>\n");
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)r, k, v)
    {
        if (!strcmp(k, "kind") || json_is_null(v))
            continue;
        es_mail_printf(&t, "%-14s ", k);
        es_mail_buf_t val = {0};
        if (json_is_integer(v) && (strstr(k, "start") || strstr(k, "end") || strstr(k, "_at") ||
                                   strstr(k, "first_seen") || strstr(k, "since")))
            put_time(&val, json_integer_value(v));
        else if (json_is_number(v))
            put_number(&val, k, v);
        else
            put_scalar(&val, v);
        es_mail_printf(&t, "%s\n", val.s ? val.s : "");
        es_mail_puts(&h, "<tr><th align=\"left\">");
        put_html(&h, k);
        es_mail_puts(&h, "</th><td>");
        if (json_is_string(v) && web_url(json_string_value(v))) {
            put_link(&h, json_string_value(v), NULL);
        } else if (json_is_array(v) && json_is_string(json_array_get(v, 0)) &&
                   web_url(json_string_value(json_array_get(v, 0)))) {
            size_t i;
            json_t *u;
            json_array_foreach(v, i, u)
            {
                if (i)
                    es_mail_puts(&h, "<br>\n");
                put_link(&h, json_string_value(u), NULL);
            }
        } else
            put_html(&h, val.s);
        es_mail_puts(&h, "</td></tr>\n");
        free(val.s);
    }
    es_mail_puts(&h, "</table>\n</body></html>\n");
    out->subject = take(&s);
    out->text = take(&t);
    out->html = take(&h);
    return out->subject && out->text && out->html ? 0 : -1;
}

int es_mail_compose_one(const json_t *rec, const char *prefix, es_mail_text_t *out)
{
    memset(out, 0, sizeof *out);
    const char *kind = jstr(rec, "kind");
    int rc = kind && strcmp(kind, "mention") ? compose_fields(rec, kind, prefix, out)
                                             : compose_mention(rec, prefix, out);
    if (rc)
        es_mail_text_free(out);
    return rc;
}

/* ---- digest ------------------------------------------------------------ */

typedef struct {
    const json_t *rec;
    const char *kind, *brand, *label;
    size_t index;
} item_t;

static int label_rank(const char *l)
{
    if (!strcmp(l, "negative"))
        return 0;
    if (!strcmp(l, "neutral"))
        return 1;
    if (!strcmp(l, "positive"))
        return 2;
    return 3;
}

static int kind_rank(const char *k)
{
    return !strcmp(k, "alert") ? 0 : !strcmp(k, "account") ? 1 : 2;
}

/* Alerts, then account findings, then mentions by brand (no brand last)
 * and label (negative first); arrival order within a group. */
static int cmp_item(const void *a, const void *b)
{
    const item_t *x = a, *y = b;
    int c = kind_rank(x->kind) - kind_rank(y->kind);
    if (c)
        return c;
    if (!x->brand != !y->brand)
        return x->brand ? -1 : 1;
    if (x->brand && (c = strcmp(x->brand, y->brand)))
        return c;
    if ((c = label_rank(x->label) - label_rank(y->label)))
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int same_group(const item_t *a, const item_t *b)
{
    if (strcmp(a->kind, b->kind))
        return 0;
    if (strcmp(a->kind, "mention"))
        return 1;
    if (!a->brand != !b->brand || (a->brand && strcmp(a->brand, b->brand)))
        return 0;
    return !strcmp(a->label, b->label);
}

static void digest_line(es_mail_buf_t *t, es_mail_buf_t *h, const item_t *it)
{
    const json_t *r = it->rec;
    es_mail_text_t one = {0};
    if (strcmp(it->kind, "mention")) {
        /* Alerts and findings: their one-line subject says it all. */
        if (es_mail_compose_one(r, "", &one) == 0) {
            es_mail_printf(t, "- %s\n", one.subject);
            es_mail_puts(h, "<li>");
            put_html(h, one.subject);
            es_mail_puts(h, "</li>\n");
        }
        es_mail_text_free(&one);
        return;
    }
    const char *net = jstr(r, "network"), *author = jstr(r, "author");
    const char *title = jstr(r, "title"), *text = jstr(r, "text"), *url = jstr(r, "url");
    es_mail_buf_t line = {0};
    es_mail_printf(&line, "[%s] ", net ? net : "?");
    if (author)
        es_mail_printf(&line, "@%s: ", author);
    put_snippet(&line, title ? title : text ? text : "", 120);
    es_mail_printf(t, "- %s\n", line.s ? line.s : "");
    if (url)
        es_mail_printf(t, "  %s\n", url);
    es_mail_puts(h, "<li>");
    put_html(h, line.s);
    if (url) {
        es_mail_puts(h, " ");
        put_link(h, url, "link");
    }
    es_mail_puts(h, "</li>\n");
    free(line.s);
}

int es_mail_compose_digest(json_t *const *recs, size_t n, size_t max, const char *prefix,
                           const char *sink_name, time_t from, time_t to, es_mail_text_t *out)
{
    memset(out, 0, sizeof *out);
    item_t *items = calloc(n ? n : 1, sizeof *items);
    if (!items)
        return -1;
    size_t n_mention = 0, n_alert = 0, n_account = 0;
    for (size_t i = 0; i < n; i++) {
        const char *k = jstr(recs[i], "kind");
        items[i] = (item_t){recs[i], k ? k : "mention", jstr(recs[i], "brand"), label_of(recs[i]), i};
        if (strcmp(items[i].kind, "mention"))
            items[i].brand = NULL;
        n_mention += !strcmp(items[i].kind, "mention");
        n_alert += !strcmp(items[i].kind, "alert");
        n_account += !strcmp(items[i].kind, "account");
    }
    qsort(items, n, sizeof *items, cmp_item);

    es_mail_buf_t s = {0}, t = {0}, h = {0};
    /* Subject: total and the three busiest brands. */
    es_mail_printf(&s, "%s%sdigest: %zu record%s", prefix, *prefix ? " " : "", n, n == 1 ? "" : "s");
    if (n_alert)
        es_mail_printf(&s, ", %zu alert%s", n_alert, n_alert == 1 ? "" : "s");

    es_mail_puts(&h, "<!DOCTYPE html>\n<html><body>\n");
    es_mail_printf(&t, "earshot digest%s%s\n", sink_name ? " from sink " : "", sink_name ? sink_name : "");
    if (from && to) {
        es_mail_puts(&t, "Period: ");
        put_time(&t, from);
        es_mail_puts(&t, " to ");
        put_time(&t, to);
        es_mail_puts(&t, "\n");
    }
    es_mail_printf(&t, "\n%zu records: %zu mention%s, %zu alert%s, %zu account finding%s\n", n,
                   n_mention, n_mention == 1 ? "" : "s", n_alert, n_alert == 1 ? "" : "s",
                   n_account, n_account == 1 ? "" : "s");
    es_mail_puts(&h, "<h2>earshot digest</h2>\n<p>");
    es_mail_printf(&h, "%zu records: %zu mentions, %zu alerts, %zu account findings", n, n_mention,
                   n_alert, n_account);
    es_mail_puts(&h, "</p>\n<table>\n<tr><th align=\"left\">Brand</th><th>All</th><th>negative</th>"
                     "<th>neutral</th><th>positive</th><th>unscored</th></tr>\n");

    /* Counts per brand and label. Items are sorted, so each brand's
     * mentions are contiguous. */
    es_mail_puts(&t, "\n");
    size_t brands_in_subject = 0;
    for (size_t i = 0; i < n;) {
        if (strcmp(items[i].kind, "mention")) {
            i++;
            continue;
        }
        size_t j = i, c[4] = {0};
        while (j < n && !strcmp(items[j].kind, "mention") && !items[j].brand == !items[i].brand &&
               (!items[i].brand || !strcmp(items[j].brand, items[i].brand))) {
            c[label_rank(items[j].label)]++;
            j++;
        }
        const char *b = items[i].brand ? items[i].brand : "(no brand)";
        es_mail_printf(&t, "  %-20s %5zu  (negative %zu, neutral %zu, positive %zu", b, j - i, c[0],
                       c[1], c[2]);
        if (c[3])
            es_mail_printf(&t, ", unscored %zu", c[3]);
        es_mail_puts(&t, ")\n");
        es_mail_puts(&h, "<tr><td>");
        put_html(&h, b);
        es_mail_printf(&h, "</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td></tr>\n",
                       j - i, c[0], c[1], c[2], c[3]);
        if (brands_in_subject < 3) {
            es_mail_printf(&s, "%s%s %zu", brands_in_subject ? ", " : " (", b, j - i);
            brands_in_subject++;
        }
        i = j;
    }
    if (brands_in_subject)
        es_mail_puts(&s, ")");
    es_mail_puts(&h, "</table>\n");

    /* The listing, capped at max records. */
    size_t listed = 0;
    for (size_t i = 0; i < n && listed < max; i++) {
        if (i == 0 || !same_group(&items[i - 1], &items[i])) {
            size_t j = i;
            while (j < n && same_group(&items[i], &items[j]))
                j++;
            es_mail_buf_t head = {0};
            if (!strcmp(items[i].kind, "alert"))
                es_mail_printf(&head, "Alerts (%zu)", j - i);
            else if (!strcmp(items[i].kind, "account"))
                es_mail_printf(&head, "Account findings (%zu)", j - i);
            else
                es_mail_printf(&head, "%s / %s (%zu)", items[i].brand ? items[i].brand : "(no brand)",
                               items[i].label, j - i);
            es_mail_printf(&t, "\n== %s ==\n", head.s ? head.s : "");
            es_mail_puts(&h, i ? "</ul>\n<h3>" : "<h3>");
            put_html(&h, head.s);
            es_mail_puts(&h, "</h3>\n<ul>\n");
            free(head.s);
        }
        digest_line(&t, &h, &items[i]);
        listed++;
    }
    if (listed)
        es_mail_puts(&h, "</ul>\n");
    if (listed < n) {
        es_mail_printf(&t, "\n... and %zu more\n", n - listed);
        es_mail_printf(&h, "<p>... and %zu more</p>\n", n - listed);
    }
    es_mail_puts(&h, "</body></html>\n");
    free(items);
    out->subject = take(&s);
    out->text = take(&t);
    out->html = take(&h);
    if (!out->subject || !out->text || !out->html) {
        es_mail_text_free(out);
        return -1;
    }
    return 0;
}
