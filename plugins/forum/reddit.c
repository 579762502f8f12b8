#include "reddit.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>
#include <earshot/date.h>

/* Permalinks are paths; the public site is where people read them, whatever
 * host the API calls went to (oauth.reddit.com, a test server). */
#define REDDIT_WEB "https://www.reddit.com"

char *es_reddit_page_url(const char *first_url, const char *cursor)
{
    size_t n = strlen(first_url) + sizeof "&after=" + (cursor ? strlen(cursor) : 0);
    char *url = malloc(n);
    if (url)
        snprintf(url, n, "%s%s%s", first_url, cursor ? "&after=" : "", cursor ? cursor : "");
    return url;
}

uint64_t es_reddit_order(const char *fullname)
{
    if (!fullname || fullname[0] != 't' || !isdigit((unsigned char)fullname[1]) ||
        fullname[2] != '_' || !fullname[3])
        return 0;
    uint64_t v = 0;
    const char *p = fullname + 3;
    if (strlen(p) > 12) /* 36^12 < 2^64 */
        return 0;
    for (; *p; p++) {
        int d;
        if (isdigit((unsigned char)*p))
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'z')
            d = *p - 'a' + 10;
        else
            return 0;
        v = v * 36 + (uint64_t)d;
    }
    return v;
}

/* "[deleted]" is what Reddit shows for a removed account: no one to name. */
static char *author_str(const json_t *d, const char *key, int *oom)
{
    char *s = es_forum_json_str(d, key, oom);
    if (s && !strcmp(s, "[deleted]")) {
        free(s);
        s = NULL;
    }
    return s;
}

/* Older listings (and some API mirrors) lack `permalink`; the short links
 * Reddit itself serves reach the same page: /comments/<post id> for a
 * post, /comments/<post id>/_/<comment id> for a comment (the slug may be
 * anything). NULL when the ids are missing. */
static char *built_permalink(const json_t *d, int is_comment, const char *name, int *oom)
{
    const char *post = NULL, *comment = NULL;
    const json_t *link = json_object_get(d, "link_id");
    if (is_comment) {
        if (json_is_string(link) && !strncmp(json_string_value(link), "t3_", 3) && json_string_value(link)[3])
            post = json_string_value(link) + 3;
        comment = name + 3;
    } else {
        post = name + 3;
    }
    if (!post)
        return NULL;
    char *url = NULL;
    if (asprintf(&url, "%s/comments/%s/%s%s%s", REDDIT_WEB, post, comment ? "_/" : "", comment ? comment : "",
                 comment ? "/" : "") < 0) {
        *oom = 1;
        return NULL;
    }
    return url;
}

static int map_child(const json_t *c, size_t index, const char *network, es_forum_page_t *page,
                     es_forum_warn_fn warn, void *warn_arg)
{
    const json_t *kind = json_object_get(c, "kind");
    const json_t *d = json_object_get(c, "data");
    if (!json_is_string(kind) || !json_is_object(d)) {
        es_forum_warnf(warn, warn_arg, "child #%zu: no kind/data; skipped", index + 1);
        return 0;
    }
    const char *k = json_string_value(kind);
    int is_comment = !strcmp(k, "t1");
    if (!is_comment && strcmp(k, "t3")) {
        es_forum_warnf(warn, warn_arg, "child #%zu: kind %.16s is neither a comment (t1) nor a post (t3); skipped",
              index + 1, k);
        return 0;
    }
    char name[64];
    const json_t *nm = json_object_get(d, "name");
    const json_t *id = json_object_get(d, "id");
    if (json_is_string(nm) && json_string_length(nm) < sizeof name)
        snprintf(name, sizeof name, "%s", json_string_value(nm));
    else if (json_is_string(id) && json_string_length(id) < sizeof name - 4)
        snprintf(name, sizeof name, "%s_%s", k, json_string_value(id));
    else
        name[0] = '\0';
    uint64_t order = es_reddit_order(name);
    if (!order || strncmp(name, k, 2)) {
        es_forum_warnf(warn, warn_arg, "child #%zu: no usable name/id (\"%.32s\"); skipped", index + 1, name);
        return 0;
    }

    es_forum_item_t *it = es_forum_page_add(page);
    if (!it)
        return ES_ENOMEM;
    int oom = 0;
    it->order = order;
    oom |= !(it->cursor = strdup(name));
    oom |= !(it->id = es_forum_mention_id(network, name));
    it->author = author_str(d, "author", &oom);
    if (is_comment) {
        it->title = es_forum_json_str(d, "link_title", &oom);
        it->text = es_forum_json_str(d, "body", &oom);
        if (!json_is_string(json_object_get(d, "body")))
            es_forum_warnf(warn, warn_arg, "%s: no body; empty text", name);
    } else {
        it->title = es_forum_json_str(d, "title", &oom);
        it->text = es_forum_json_str(d, "selftext", &oom);
        if (!it->text && it->title) /* a link post says what its title says */
            oom |= !(it->text = strdup(it->title));
        if (!it->title)
            es_forum_warnf(warn, warn_arg, "%s: no title", name);
    }
    if (it->text)
        oom |= es_forum_collect_handles(it, it->text) != 0;

    const json_t *cu = json_object_get(d, "created_utc");
    double secs;
    if (json_is_number(cu) && isfinite(secs = json_number_value(cu)) && secs > 0 && secs < 1e11)
        it->created_at = (int64_t)secs;
    else if (json_is_string(cu) && es_time_parse(json_string_value(cu), &it->created_at) == 0)
        ;
    else if (!cu)
        es_forum_warnf(warn, warn_arg, "%s: no created_utc", name);
    else
        es_forum_warnf(warn, warn_arg, "%s: unreadable created_utc", name);

    const json_t *pl = json_object_get(d, "permalink");
    if (json_is_string(pl) && json_string_value(pl)[0] == '/') {
        size_t n = sizeof REDDIT_WEB + json_string_length(pl);
        if ((it->url = malloc(n)))
            snprintf(it->url, n, "%s%s", REDDIT_WEB, json_string_value(pl));
        oom |= !it->url;
    } else if (!(it->url = built_permalink(d, is_comment, name, &oom)) && !oom) {
        es_forum_warnf(warn, warn_arg, "%s: no permalink", name);
    }
    /* The score is upvotes less downvotes, so it may be below zero. */
    es_forum_item_metric(it, ES_METRIC_LIKES, d, "score");
    if (!is_comment)
        es_forum_item_metric(it, ES_METRIC_REPLIES, d, "num_comments");

    if (is_comment) {
        it->parent = es_forum_json_str(d, "parent_id", &oom);
        if (it->parent) {
            oom |= !(it->in_reply_to = es_forum_mention_id(network, it->parent));
            /* A top-level comment answers the submission, whose author the
             * comments listing names; a reply's parent author is looked up
             * among the posts of the same poll (plugin.c). */
            if (!strncmp(it->parent, "t3_", 3))
                it->reply_to_author = author_str(d, "link_author", &oom);
        }
    }
    return oom ? ES_ENOMEM : 0;
}

int es_reddit_parse(const char *body, size_t len, const char *network, es_forum_page_t *page,
                    es_forum_warn_fn warn, void *warn_arg, char *err, size_t errlen)
{
    memset(page, 0, sizeof *page);
    json_t *root;
    int rc = es_forum_json_load(body, len, &root, err, errlen);
    if (rc)
        return rc;
    const json_t *data = json_object_get(root, "data");
    const json_t *children = json_object_get(data, "children");
    if (!json_is_array(children)) {
        snprintf(err, errlen, "no data.children array: not a Reddit listing");
        json_decref(root);
        return ES_EPARSE;
    }
    for (size_t i = 0; i < json_array_size(children) && rc == 0; i++)
        rc = map_child(json_array_get(children, i), i, network, page, warn, warn_arg);
    const json_t *after = json_object_get(data, "after");
    if (rc == 0 && json_is_string(after) && json_string_length(after) &&
        es_reddit_order(json_string_value(after)))
        rc = (page->next = strdup(json_string_value(after))) ? 0 : ES_ENOMEM;
    json_decref(root);
    if (rc) {
        es_forum_page_free(page);
        snprintf(err, errlen, "out of memory");
    }
    return rc;
}
