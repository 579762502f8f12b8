/*
 * forum source: configuration. Turns the instance's keys into the listings
 * to poll (one per Discourse site, per subreddit and kind, per search) and
 * the request headers, refusing what cannot work with a message naming the
 * key (never a secret's value).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "discourse.h"
#include "forum.h"

const es_config_key_t es_forum_keys[] = {
    {"type", ES_KEY_STRING, NULL, 1, "discourse or reddit", NULL, NULL, "discourse|reddit"},
    {"url", ES_KEY_URL, NULL, 0,
     "Discourse: the forum's base URL (required); Reddit: API base (default https://www.reddit.com)", NULL, NULL, NULL},
    {"categories", ES_KEY_LIST, NULL, 0, "Discourse: only posts in these category ids", NULL, NULL, NULL},
    {"api_key", ES_KEY_SECRET, NULL, 0, "Discourse: API key, sent as the Api-Key header", NULL, NULL, NULL},
    {"api_username", ES_KEY_STRING, NULL, 0, "Discourse: sent as the Api-Username header", NULL, NULL, NULL},
    {"subreddits", ES_KEY_LIST, NULL, 0, "Reddit: subreddit names (without r/)", NULL, NULL, NULL},
    {"search", ES_KEY_STRING, NULL, 0, "Reddit: a search query read through /search.json", NULL, NULL, NULL},
    {"token", ES_KEY_SECRET, NULL, 0, "Reddit: OAuth bearer token (then url = https://oauth.reddit.com)", NULL, NULL, NULL},
    {"user_agent", ES_KEY_STRING, NULL, 0, "User-Agent header (Reddit asks for a descriptive one)", NULL, NULL, NULL},
    {"network", ES_KEY_STRING, NULL, 0, "network label, first part of mention ids (default: the type)", NULL, NULL, NULL},
    {"interval", ES_KEY_DURATION, "5m", 0, "time between polls, +-10% jitter", "1s", NULL, NULL},
    {"timeout", ES_KEY_DURATION, "30s", 0, "limit for one page fetch", NULL, NULL, NULL},
    {"max_pages", ES_KEY_INT, "10", 0, "pages read back per listing and poll to reach the last seen post", "1", "1000", NULL},
    {"backfill_pages", ES_KEY_INT, "1", 0, "pages read per listing on the very first poll", "1", "1000", NULL},
    {"page_size", ES_KEY_INT, "100", 0, "Reddit: items per page (limit=, at most 100)", "1", "100", NULL},
    {"max_size", ES_KEY_SIZE, "16M", 0, "largest page body accepted", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

void es_forum_buf_clear(es_forum_t *f)
{
    for (size_t i = 0; i < f->n_buf; i++)
        es_forum_item_free(&f->buf[i]);
    f->n_buf = 0;
}

void es_forum_free(es_forum_t *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_streams; i++) {
        free(f->streams[i].first_url);
        free(f->streams[i].ckpt_key);
    }
    free(f->streams);
    es_forum_buf_clear(f);
    free(f->buf);
    free(f->cursor);
    free(f->page_url);
    free(f->categories);
    free(f->base_trimmed);
    for (size_t i = 0; i < 4; i++) {
        if (f->hdr_storage[i]) /* may hold a secret: wipe before freeing */
            memset(f->hdr_storage[i], 0, strlen(f->hdr_storage[i]));
        free(f->hdr_storage[i]);
    }
    free(f);
}

/* The checkpoint key names what is read, not how: page_size (limit=) may
 * change without the listing being read afresh. */
static int add_stream(es_forum_t *f, const char *url, const char *what)
{
    es_forum_stream_t *s = realloc(f->streams, (f->n_streams + 1) * sizeof *s);
    if (!s)
        return ES_ENOMEM;
    f->streams = s;
    s = &s[f->n_streams];
    memset(s, 0, sizeof *s); /* complete, etag... start unset (valgrind found it read) */
    s->first_url = strdup(url);
    size_t n = strlen(what) + 6;
    s->ckpt_key = malloc(n);
    if (!s->first_url || !s->ckpt_key) {
        free(s->first_url);
        free(s->ckpt_key);
        return ES_ENOMEM;
    }
    snprintf(s->ckpt_key, n, "last %s", what);
    f->n_streams++;
    return 0;
}

/* A header "Name: value" built from config; values with CR/LF would let a
 * config smuggle headers, so they are refused (without echoing the value,
 * which may be a secret). */
static int add_header(es_forum_t *f, size_t *nh, const char *name, const char *prefix,
                      const char *value, const char *key)
{
    if (strpbrk(value, "\r\n")) {
        es_log(f->ctx, ES_LOG_ERROR, "%s: line breaks are not allowed", key);
        return ES_ECONFIG;
    }
    size_t n = strlen(name) + 2 + strlen(prefix) + strlen(value) + 1;
    char *h = malloc(n);
    if (!h)
        return ES_ENOMEM;
    snprintf(h, n, "%s: %s%s", name, prefix, value);
    f->hdr_storage[*nh - 1] = h;
    f->headers[(*nh)++] = h;
    return 0;
}

static int valid_subreddit(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && s[n] != '_')
            return 0;
    return n > 0 && n <= 64;
}

/* Query strings from config: unreserved characters kept, the rest %XX. */
static char *url_escape(const char *s)
{
    char *out = malloc(strlen(s) * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || strchr("-_.~", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = '\0';
    return out;
}

static int init_discourse(es_forum_t *f, size_t *nh)
{
    es_ctx_t *ctx = f->ctx;
    const char *const *cats;
    size_t nc = es_config_list(ctx, "categories", &cats);
    if (nc) {
        f->categories = calloc(nc, sizeof *f->categories);
        if (!f->categories)
            return ES_ENOMEM;
        for (size_t i = 0; i < nc; i++) {
            char *end;
            long long v = strtoll(cats[i], &end, 10);
            if (*end || end == cats[i] || v < 0) {
                es_log(ctx, ES_LOG_ERROR, "categories: %s is not a category id (a number)", cats[i]);
                return ES_ECONFIG;
            }
            f->categories[f->n_categories++] = v;
        }
    }
    const char *key = es_config_str(ctx, "api_key");
    const char *user = es_config_str(ctx, "api_username");
    if ((key && *key) != (user && *user)) {
        es_log(ctx, ES_LOG_ERROR, "api_key and api_username go together");
        return ES_ECONFIG;
    }
    int rc;
    if (key && *key && ((rc = add_header(f, nh, "Api-Key", "", key, "api_key")) ||
                        (rc = add_header(f, nh, "Api-Username", "", user, "api_username"))))
        return rc;
    const char *const *subs;
    if (es_config_list(ctx, "subreddits", &subs))
        es_log(ctx, ES_LOG_WARN, "subreddits applies to type = reddit only; ignored");
    static const char *const reddit_only[] = {"search", "token"};
    for (size_t i = 0; i < sizeof reddit_only / sizeof *reddit_only; i++) {
        const char *v = es_config_str(ctx, reddit_only[i]);
        if (v && *v)
            es_log(ctx, ES_LOG_WARN, "%s applies to type = reddit only; ignored", reddit_only[i]);
    }
    char *url = es_discourse_page_url(f->base_trimmed, NULL);
    if (!url)
        return ES_ENOMEM;
    rc = add_stream(f, url, url);
    free(url);
    return rc;
}

static int init_reddit(es_forum_t *f, size_t *nh, int64_t page_size)
{
    es_ctx_t *ctx = f->ctx;
    const char *token = es_config_str(ctx, "token");
    int rc;
    if (token && *token && (rc = add_header(f, nh, "Authorization", "bearer ", token, "token")))
        return rc;
    if (es_config_str(ctx, "api_key") && *es_config_str(ctx, "api_key"))
        es_log(ctx, ES_LOG_WARN, "api_key applies to type = discourse only; ignored");
    const char *const *subs;
    size_t ns = es_config_list(ctx, "subreddits", &subs);
    const char *search = es_config_str(ctx, "search");
    if (!ns && !(search && *search)) {
        es_log(ctx, ES_LOG_ERROR, "type = reddit needs subreddits, search, or both");
        return ES_ECONFIG;
    }
    char url[2048], what[2048];
    static const char *const kinds[] = {"comments", "new"};
    for (size_t i = 0; i < ns; i++) {
        const char *s = subs[i];
        if (!strncasecmp(s, "r/", 2))
            s += 2;
        if (!valid_subreddit(s)) {
            es_log(ctx, ES_LOG_ERROR, "subreddits: \"%s\" is not a subreddit name", subs[i]);
            return ES_ECONFIG;
        }
        for (size_t k = 0; k < 2; k++) {
            snprintf(url, sizeof url, "%s/r/%s/%s.json?limit=%" PRId64 "&raw_json=1",
                     f->base_trimmed, s, kinds[k], page_size);
            snprintf(what, sizeof what, "%s/r/%s/%s.json", f->base_trimmed, s, kinds[k]);
            if ((rc = add_stream(f, url, what)))
                return rc;
        }
    }
    if (search && *search) {
        char *q = url_escape(search);
        if (!q)
            return ES_ENOMEM;
        if (strlen(q) > 1024) {
            free(q);
            es_log(ctx, ES_LOG_ERROR, "search: query too long");
            return ES_ECONFIG;
        }
        snprintf(url, sizeof url, "%s/search.json?q=%s&sort=new&limit=%" PRId64 "&raw_json=1",
                 f->base_trimmed, q, page_size);
        snprintf(what, sizeof what, "%s/search.json?q=%s", f->base_trimmed, q);
        free(q);
        if ((rc = add_stream(f, url, what)))
            return rc;
    }
    return 0;
}

int es_forum_new(es_ctx_t *ctx, es_forum_t **out)
{
    es_forum_t *f = calloc(1, sizeof *f);
    if (!f)
        return ES_ENOMEM;
    f->ctx = ctx;
    f->once = es_ctx_once(ctx);
    f->rng = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)f;
    f->interval_ms = es_config_duration_ms(ctx, "interval");
    f->timeout_ms = es_config_duration_ms(ctx, "timeout");
    f->max_size = es_config_size(ctx, "max_size");
    int64_t mp = es_config_int(ctx, "max_pages"), bp = es_config_int(ctx, "backfill_pages");
    int rc = ES_ECONFIG;

    const char *type = es_config_str(ctx, "type");
    if (type && !strcasecmp(type, "discourse"))
        f->type = FORUM_DISCOURSE;
    else if (type && !strcasecmp(type, "reddit"))
        f->type = FORUM_REDDIT;
    else {
        es_log(ctx, ES_LOG_ERROR, "type must be discourse or reddit, not \"%s\"", type ? type : "");
        goto fail;
    }
    f->network = es_config_str(ctx, "network");
    if (!f->network || !*f->network)
        f->network = f->type == FORUM_DISCOURSE ? "discourse" : "reddit";
    if (strpbrk(f->network, ": \t")) {
        es_log(ctx, ES_LOG_ERROR, "network must be a label without ':' or spaces");
        goto fail;
    }
    f->base = es_config_str(ctx, "url");
    if (!f->base || !*f->base) {
        if (f->type == FORUM_DISCOURSE) {
            es_log(ctx, ES_LOG_ERROR, "url: the Discourse forum's base URL is required");
            goto fail;
        }
        f->base = "https://www.reddit.com";
    }
    if ((strncasecmp(f->base, "http://", 7) && strncasecmp(f->base, "https://", 8)) ||
        strpbrk(f->base, "?# \t\r\n")) {
        es_log(ctx, ES_LOG_ERROR, "url: %s is not an http:// or https:// base URL (no query)", f->base);
        goto fail;
    }
    /* interval, max_pages, backfill_pages, page_size: bounds in the key table. */
    f->max_pages = (size_t)mp;
    f->backfill_pages = (size_t)bp;
    if (!(f->base_trimmed = strdup(f->base))) {
        rc = ES_ENOMEM;
        goto fail;
    }
    for (size_t n = strlen(f->base_trimmed); n > 0 && f->base_trimmed[n - 1] == '/'; n--)
        f->base_trimmed[n - 1] = '\0';

    size_t nh = 0;
    f->headers[nh++] = "Accept: application/json";
    const char *ua = es_config_str(ctx, "user_agent");
    if (ua && *ua && (rc = add_header(f, &nh, "User-Agent", "", ua, "user_agent")))
        goto fail;
    rc = f->type == FORUM_DISCOURSE ? init_discourse(f, &nh)
                                    : init_reddit(f, &nh, es_config_int(ctx, "page_size"));
    if (rc)
        goto fail;
    if (f->type == FORUM_REDDIT && f->n_categories)
        es_log(ctx, ES_LOG_WARN, "categories applies to type = discourse only; ignored");
    *out = f;
    return 0;
fail:
    es_forum_free(f);
    return rc;
}
