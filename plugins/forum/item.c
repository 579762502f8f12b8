#include "item.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <earshot/plugin.h>
#include <earshot/json.h>

void es_forum_warnf(es_forum_warn_fn warn, void *arg, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    warn(arg, msg);
}

int es_forum_json_load(const char *body, size_t len, json_t **root, char *err, size_t errlen)
{
    json_error_t je;
    int rc;
    *root = es_json_load_repaired(body, len, 0, &je, &rc);
    if (!*root) {
        if (rc == ES_ENOMEM)
            snprintf(err, errlen, "out of memory");
        else
            snprintf(err, errlen, "malformed JSON at line %d column %d: %s", je.line, je.column, je.text);
        return rc;
    }
    return 0;
}

char *es_forum_json_str(const json_t *obj, const char *key, int *oom)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_string(v) || json_string_length(v) == 0)
        return NULL;
    char *s = strdup(json_string_value(v));
    if (!s)
        *oom = 1;
    return s;
}

es_forum_item_t *es_forum_page_add(es_forum_page_t *page)
{
    /* Pages are small (Discourse sends 50, Reddit at most 100): growing by
     * one keeps this simple and costs nothing that matters. */
    es_forum_item_t *items = realloc(page->items, (page->n + 1) * sizeof *items);
    if (!items)
        return NULL;
    page->items = items;
    es_forum_item_t *it = &items[page->n++];
    memset(it, 0, sizeof *it);
    it->category = -1;
    return it;
}

void es_forum_item_move(es_forum_item_t *dst, es_forum_item_t *src)
{
    *dst = *src;
    memset(src, 0, sizeof *src);
}

void es_forum_item_free(es_forum_item_t *it)
{
    free(it->cursor);
    free(it->id);
    free(it->author);
    free(it->author_name);
    free(it->url);
    free(it->title);
    free(it->text);
    free(it->in_reply_to);
    free(it->reply_to_author);
    free(it->parent);
    for (size_t i = 0; i < it->n_addressed; i++)
        free(it->addressed[i]);
    memset(it, 0, sizeof *it);
}

void es_forum_page_free(es_forum_page_t *page)
{
    for (size_t i = 0; i < page->n; i++)
        es_forum_item_free(&page->items[i]);
    free(page->items);
    free(page->next);
    memset(page, 0, sizeof *page);
}

char *es_forum_mention_id(const char *network, const char *native)
{
    size_t n = strlen(network) + 1 + strlen(native) + 1;
    char *id = malloc(n);
    if (id)
        snprintf(id, n, "%s:%s", network, native);
    return id;
}

static int handle_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '-';
}

int es_forum_collect_handles(es_forum_item_t *it, const char *text)
{
    if (!text)
        return 0;
    for (const char *p = text; *p && it->n_addressed < ES_FORUM_MAX_ADDRESSED; p++) {
        if ((p[0] != 'u' && p[0] != 'U') || p[1] != '/')
            continue;
        /* "u/" starts a handle only at a word boundary or after "/". */
        if (p > text && (handle_char((unsigned char)p[-1]) || p[-1] == '.'))
            continue;
        const char *h = p + 2;
        size_t n = 0;
        while (handle_char((unsigned char)h[n]))
            n++;
        if (n < 3 || n > 20) /* Reddit's user name limits */
            continue;
        int dup = 0;
        for (size_t i = 0; i < it->n_addressed; i++)
            dup |= strlen(it->addressed[i]) == n && !strncasecmp(it->addressed[i], h, n);
        if (!dup) {
            char *s = strndup(h, n);
            if (!s)
                return ES_ENOMEM;
            it->addressed[it->n_addressed++] = s;
        }
        p = h + n - 1;
    }
    return 0;
}

void es_forum_item_metric(es_forum_item_t *it, int metric, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || metric < 0 || metric >= ES_METRIC_COUNT)
        return;
    it->metrics[metric] = json_integer_value(v);
    it->metrics_given |= 1u << metric;
}
