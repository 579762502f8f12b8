#include "discourse.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <earshot/plugin.h>
#include <earshot/text.h>
#include <earshot/date.h>

char *es_discourse_page_url(const char *base, const char *cursor)
{
    size_t n = strlen(base) + sizeof "/posts.json?before=" + (cursor ? strlen(cursor) : 0);
    char *url = malloc(n);
    if (url)
        snprintf(url, n, "%s/posts.json%s%s", base, cursor ? "?before=" : "", cursor ? cursor : "");
    return url;
}

/* A positive integer member (Discourse sends ids as JSON numbers). */
static int json_pos_int(const json_t *obj, const char *key, int64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) <= 0)
        return 0;
    *out = json_integer_value(v);
    return 1;
}

/* "forum.example.com/sub" from "https://forum.example.com/sub": the native
 * ids carry the site, so two forums' post 12 stay apart. */
static const char *site_of(const char *base)
{
    const char *p = strstr(base, "://");
    return p ? p + 3 : base;
}

/* Discourse renders a quote of another post as <aside class="quote">:
 * those are someone else's words, and left in they would lend this post
 * the quoted post's brand and sentiment. Asides nest (a quote of a quote),
 * so depth is counted. Returns a malloc'd copy, NULL on ENOMEM. */
static char *strip_quotes(const char *html, size_t len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    size_t o = 0, depth = 0;
    for (size_t i = 0; i < len;) {
        if (html[i] == '<' && !strncasecmp(html + i, "<aside", 6) &&
            (html[i + 6] == ' ' || html[i + 6] == '>' || html[i + 6] == '\t' || html[i + 6] == '\n')) {
            const char *end = memchr(html + i, '>', len - i);
            size_t tag_len = end ? (size_t)(end - (html + i)) + 1 : len - i;
            int is_quote = depth > 0;
            if (!is_quote) {
                /* class="quote" or class='quote ...' */
                const char *c = html + i;
                for (size_t k = 0; k + 5 <= tag_len && !is_quote; k++)
                    is_quote = !strncasecmp(c + k, "quote", 5) && k >= 7 &&
                               (c[k - 1] == '"' || c[k - 1] == '\'' || c[k - 1] == ' ');
            }
            if (is_quote)
                depth++;
            else
                memcpy(out + o, html + i, tag_len), o += tag_len;
            i += tag_len;
            continue;
        }
        if (depth && html[i] == '<' && !strncasecmp(html + i, "</aside", 7)) {
            const char *end = memchr(html + i, '>', len - i);
            i += end ? (size_t)(end - (html + i)) + 1 : len - i;
            depth--;
            out[o++] = '\n'; /* keep the text around it apart */
            continue;
        }
        if (!depth)
            out[o++] = html[i];
        i++;
    }
    out[o] = '\0';
    return out;
}

static char *topic_post_id(const char *network, const char *site, int64_t topic, int64_t number)
{
    char native[1024];
    snprintf(native, sizeof native, "%s/t/%" PRId64 "/%" PRId64, site, topic, number);
    return es_forum_mention_id(network, native);
}

static int map_post(const json_t *p, size_t index, const char *base, const char *network,
                    es_forum_page_t *page, es_forum_warn_fn warn, void *warn_arg)
{
    if (!json_is_object(p)) {
        es_forum_warnf(warn, warn_arg, "post #%zu: not a JSON object; skipped", index + 1);
        return 0;
    }
    int64_t id;
    if (!json_pos_int(p, "id", &id)) {
        es_forum_warnf(warn, warn_arg, "post #%zu: no numeric id; skipped", index + 1);
        return 0;
    }
    es_forum_item_t *it = es_forum_page_add(page);
    if (!it)
        return ES_ENOMEM;
    int oom = 0;
    char buf[64];
    snprintf(buf, sizeof buf, "%" PRId64, id);
    it->order = (uint64_t)id;
    it->cursor = strdup(buf);
    oom |= !it->cursor;

    const char *site = site_of(base);
    int64_t topic = 0, number = 0;
    int have_tp = json_pos_int(p, "topic_id", &topic) && json_pos_int(p, "post_number", &number);
    if (have_tp) {
        it->id = topic_post_id(network, site, topic, number);
    } else {
        es_forum_warnf(warn, warn_arg, "post %" PRId64 ": no topic_id/post_number; id and URL from the post id",
              id);
        char native[1024];
        snprintf(native, sizeof native, "%s/p/%" PRId64, site, id);
        it->id = es_forum_mention_id(network, native);
    }
    oom |= !it->id;

    it->author = es_forum_json_str(p, "username", &oom);
    if (!it->author)
        es_forum_warnf(warn, warn_arg, "post %" PRId64 ": no username", id);
    it->author_name = es_forum_json_str(p, "name", &oom);
    it->title = es_forum_json_str(p, "topic_title", &oom);

    const json_t *cooked = json_object_get(p, "cooked");
    const json_t *raw = json_object_get(p, "raw");
    if (json_is_string(cooked) && json_string_length(cooked) > 0) {
        char *own = strip_quotes(json_string_value(cooked), json_string_length(cooked));
        it->text = own ? es_html_to_text(own, strlen(own), NULL) : NULL;
        free(own);
        oom |= !it->text;
    } else if (json_is_string(raw)) {
        it->text = strdup(json_string_value(raw));
        oom |= !it->text;
    } else {
        es_forum_warnf(warn, warn_arg, "post %" PRId64 ": neither cooked nor raw; empty text", id);
    }

    const json_t *ca = json_object_get(p, "created_at");
    if (!json_is_string(ca))
        es_forum_warnf(warn, warn_arg, "post %" PRId64 ": no created_at", id);
    else if (es_time_parse(json_string_value(ca), &it->created_at) != 0)
        es_forum_warnf(warn, warn_arg, "post %" PRId64 ": unreadable created_at \"%.64s\"", id,
              json_string_value(ca));

    /* A post answers the post it names, or else (as Discourse shows it)
     * the topic, whose first post is number 1. */
    int64_t rnum = 0;
    if (have_tp && json_pos_int(p, "reply_to_post_number", &rnum))
        it->in_reply_to = topic_post_id(network, site, topic, rnum);
    else if (have_tp && number > 1)
        it->in_reply_to = topic_post_id(network, site, topic, 1);
    if (have_tp && (rnum || number > 1))
        oom |= !it->in_reply_to;
    const json_t *rtu = json_object_get(p, "reply_to_user");
    if (json_is_object(rtu))
        it->reply_to_author = es_forum_json_str(rtu, "username", &oom);

    const json_t *pu = json_object_get(p, "post_url");
    char *url = NULL;
    if (json_is_string(pu) && json_string_value(pu)[0] == '/') {
        size_t n = strlen(base) + json_string_length(pu) + 1;
        if ((url = malloc(n)))
            snprintf(url, n, "%s%s", base, json_string_value(pu));
    } else {
        const json_t *slug = json_object_get(p, "topic_slug");
        size_t n = strlen(base) + (json_is_string(slug) ? json_string_length(slug) : 0) + 64;
        if ((url = malloc(n))) {
            if (have_tp && json_is_string(slug) && json_string_length(slug))
                snprintf(url, n, "%s/t/%s/%" PRId64 "/%" PRId64, base, json_string_value(slug),
                         topic, number);
            else if (have_tp)
                snprintf(url, n, "%s/t/%" PRId64 "/%" PRId64, base, topic, number);
            else
                snprintf(url, n, "%s/p/%" PRId64, base, id);
        }
    }
    it->url = url;
    es_forum_item_metric(it, ES_METRIC_LIKES, p, "like_count");
    if (!(it->metrics_given & (1u << ES_METRIC_LIKES))) {
        /* Posts give likes as the count of action type 2 otherwise. */
        size_t ai;
        const json_t *a;
        json_array_foreach(json_object_get(p, "actions_summary"), ai, a) {
            const json_t *aid = json_object_get(a, "id");
            if (json_is_integer(aid) && json_integer_value(aid) == 2)
                es_forum_item_metric(it, ES_METRIC_LIKES, a, "count");
        }
    }
    es_forum_item_metric(it, ES_METRIC_REPLIES, p, "reply_count");
    es_forum_item_metric(it, ES_METRIC_QUOTES, p, "quote_count");
    es_forum_item_metric(it, ES_METRIC_VIEWS, p, "reads");
    oom |= !url;

    const json_t *cat = json_object_get(p, "category_id");
    if (json_is_integer(cat))
        it->category = json_integer_value(cat);
    return oom ? ES_ENOMEM : 0;
}

int es_discourse_parse(const char *body, size_t len, const char *base, const char *network,
                       es_forum_page_t *page, es_forum_warn_fn warn, void *warn_arg, char *err,
                       size_t errlen)
{
    memset(page, 0, sizeof *page);
    json_t *root;
    int rc = es_forum_json_load(body, len, &root, err, errlen);
    if (rc)
        return rc;
    const json_t *posts = json_object_get(root, "latest_posts");
    if (!json_is_array(posts)) {
        snprintf(err, errlen, "no \"latest_posts\" array: not a Discourse /posts.json answer");
        json_decref(root);
        return ES_EPARSE;
    }
    uint64_t min = UINT64_MAX;
    for (size_t i = 0; i < json_array_size(posts) && rc == 0; i++)
        rc = map_post(json_array_get(posts, i), i, base, network, page, warn, warn_arg);
    json_decref(root);
    if (rc) {
        es_forum_page_free(page);
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    for (size_t i = 0; i < page->n; i++)
        if (page->items[i].order < min)
            min = page->items[i].order;
    if (page->n) {
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRIu64, min);
        if (!(page->next = strdup(buf))) {
            es_forum_page_free(page);
            snprintf(err, errlen, "out of memory");
            return ES_ENOMEM;
        }
    }
    return 0;
}
