/*
 * forum source: reads Discourse's latest posts or Reddit listings through
 * the core HTTP service and emits each post once. Every listing (Discourse's
 * /posts.json; one per subreddit and kind, one for a search) is a stream
 * with its own checkpoint: the newest post id already emitted. A poll walks
 * the streams one after the other and, in each, pages back from the newest
 * post until it reaches that id; only then does it emit what it found,
 * oldest first, and move the checkpoint. A page that fails is retried; if
 * it keeps failing the stream's poll is abandoned whole and the next poll
 * starts again from the top, so a failure never leaves a hole.
 *
 * One request at a time per instance, which makes honouring rate limits
 * (Retry-After, x-ratelimit-*) a matter of one "not before" time.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "discourse.h"
#include "item.h"
#include "plugin.h"
#include "reddit.h"

/* Attempts per page within one poll; then the poll of that stream is
 * abandoned (not its posts: the next poll reads them). */
#define ES_FORUM_ATTEMPTS 3
/* A server's Retry-After longer than this ends the poll rather than holding
 * it; the next poll waits for it instead. */
#define ES_FORUM_MAX_INLINE_WAIT_MS (60ULL * 1000)
#define ES_FORUM_MAX_RETRY_AFTER_MS (6ULL * 3600 * 1000)
/* x-ratelimit-reset is honoured up to this (Reddit's window is 10 min). */
#define ES_FORUM_MAX_RESET_MS (15ULL * 60 * 1000)

typedef enum { FORUM_DISCOURSE = 1, FORUM_REDDIT = 2 } es_forum_type_t;

typedef struct es_forum es_forum_t;

typedef struct es_forum_stream {
    char *first_url; /* page 1; also names the stream in logs */
    char *ckpt_key;  /* "last " + first_url */
} es_forum_stream_t;

struct es_forum {
    es_ctx_t *ctx;
    es_forum_type_t type;
    const char *network, *base;
    char *base_trimmed;   /* base without trailing '/' */
    uint64_t interval_ms, timeout_ms;
    size_t max_pages, backfill_pages, max_size;
    int64_t *categories;  /* Discourse category filter */
    size_t n_categories;
    const char *headers[5]; /* Accept, User-Agent, auth... NULL-terminated */
    char *hdr_storage[4];
    int once;

    es_forum_stream_t *streams;
    size_t n_streams;

    /* The poll in progress (one stream at a time). */
    size_t cur;           /* stream index */
    size_t page_no;       /* pages read in this stream's poll */
    char *cursor;         /* next page's cursor; NULL: first page */
    char *page_url;       /* URL being fetched */
    unsigned attempt;
    int have_last;
    uint64_t last;        /* checkpointed newest id */
    es_forum_item_t *buf; /* new posts found so far in this poll */
    size_t n_buf, cap_buf;
    uint64_t poll_max_ret; /* Retry-After that ended a poll */
    size_t n_warnings;    /* problems reported for the current page */

    uv_timer_t timer;
    int timer_open;
    es_http_req_t *req;
    int in_flight, waiting, stopping;
    uint64_t not_before;  /* loop time (ms) before which no request goes out */
    unsigned rng;
};

static const es_config_key_t forum_keys[] = {
    {"type", ES_KEY_STRING, NULL, 1, "discourse or reddit"},
    {"url", ES_KEY_STRING, NULL, 0,
     "Discourse: the forum's base URL (required); Reddit: API base (default https://www.reddit.com)"},
    {"categories", ES_KEY_LIST, NULL, 0, "Discourse: only posts in these category ids"},
    {"api_key", ES_KEY_SECRET, NULL, 0, "Discourse: API key, sent as the Api-Key header"},
    {"api_username", ES_KEY_STRING, NULL, 0, "Discourse: sent as the Api-Username header"},
    {"subreddits", ES_KEY_LIST, NULL, 0, "Reddit: subreddit names (without r/)"},
    {"search", ES_KEY_STRING, NULL, 0, "Reddit: a search query read through /search.json"},
    {"token", ES_KEY_SECRET, NULL, 0, "Reddit: OAuth bearer token (then url = https://oauth.reddit.com)"},
    {"user_agent", ES_KEY_STRING, NULL, 0, "User-Agent header (Reddit asks for a descriptive one)"},
    {"network", ES_KEY_STRING, NULL, 0, "network label, first part of mention ids (default: the type)"},
    {"interval", ES_KEY_DURATION, "5m", 0, "time between polls, +-10% jitter"},
    {"timeout", ES_KEY_DURATION, "30s", 0, "limit for one page fetch"},
    {"max_pages", ES_KEY_INT, "10", 0, "pages read back per listing and poll to reach the last seen post"},
    {"backfill_pages", ES_KEY_INT, "1", 0, "pages read per listing on the very first poll"},
    {"page_size", ES_KEY_INT, "100", 0, "Reddit: items per page (limit=, at most 100)"},
    {"max_size", ES_KEY_SIZE, "16M", 0, "largest page body accepted"},
    {NULL, 0, NULL, 0, NULL},
};

static void poll_page(es_forum_t *f);
static void stream_begin(es_forum_t *f);

/* ---- setup ------------------------------------------------------------- */

static void buf_clear(es_forum_t *f)
{
    for (size_t i = 0; i < f->n_buf; i++)
        es_forum_item_free(&f->buf[i]);
    f->n_buf = 0;
}

static void forum_free(es_forum_t *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_streams; i++) {
        free(f->streams[i].first_url);
        free(f->streams[i].ckpt_key);
    }
    free(f->streams);
    buf_clear(f);
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
    if (page_size < 1 || page_size > 100) {
        es_log(ctx, ES_LOG_ERROR, "page_size must be between 1 and 100");
        return ES_ECONFIG;
    }
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

static int forum_init(es_ctx_t *ctx, void **state)
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
    if (f->interval_ms < 1000) {
        es_log(ctx, ES_LOG_ERROR, "interval must be at least 1s");
        goto fail;
    }
    if (mp < 1 || bp < 1 || mp > 1000 || bp > 1000) {
        es_log(ctx, ES_LOG_ERROR, "max_pages and backfill_pages must be between 1 and 1000");
        goto fail;
    }
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
    *state = f;
    return 0;
fail:
    forum_free(f);
    return rc;
}

/* ---- scheduling ------------------------------------------------------- */

static uint64_t jittered(es_forum_t *f, uint64_t ms)
{
    double r = (double)rand_r(&f->rng) / RAND_MAX;
    return (uint64_t)((double)ms * (0.9 + 0.2 * r));
}

static void on_cycle_timer(uv_timer_t *t)
{
    es_forum_t *f = t->data;
    f->cur = 0;
    stream_begin(f);
}

static void cycle_done(es_forum_t *f)
{
    if (f->stopping)
        return;
    if (f->once) {
        es_source_done(f->ctx);
        return;
    }
    uint64_t delay = jittered(f, f->interval_ms);
    if (f->poll_max_ret > delay)
        delay = f->poll_max_ret;
    f->poll_max_ret = 0;
    uv_timer_start(&f->timer, on_cycle_timer, delay, 0);
}

static void stream_done(es_forum_t *f)
{
    buf_clear(f);
    free(f->cursor);
    f->cursor = NULL;
    free(f->page_url);
    f->page_url = NULL;
    if (f->stopping)
        return;
    if (++f->cur < f->n_streams)
        stream_begin(f);
    else
        cycle_done(f);
}

static int forum_start(void *state)
{
    es_forum_t *f = state;
    uv_timer_init(es_ctx_loop(f->ctx), &f->timer);
    f->timer.data = f;
    f->timer_open = 1;
    /* A restart of many instances should not hit their servers at once. */
    uint64_t spread = f->interval_ms / 10 < 10000 ? f->interval_ms / 10 : 10000;
    uint64_t delay = f->once ? 0 : (uint64_t)rand_r(&f->rng) % (spread + 1);
    uv_timer_start(&f->timer, on_cycle_timer, delay, 0);
    es_log(f->ctx, ES_LOG_DEBUG, "%s: %zu listing%s every %llu ms",
           f->type == FORUM_DISCOURSE ? "discourse" : "reddit", f->n_streams,
           f->n_streams == 1 ? "" : "s", (unsigned long long)f->interval_ms);
    return 0;
}

static void forum_resume(void *state)
{
    es_forum_t *f = state;
    if (f->waiting && !f->stopping) {
        f->waiting = 0;
        poll_page(f);
    }
}

static void on_timer_closed(uv_handle_t *h)
{
    es_forum_t *f = h->data;
    f->timer_open = 0;
    es_stopped(f->ctx);
}

static void forum_stop(void *state)
{
    es_forum_t *f = state;
    f->stopping = 1;
    if (f->in_flight && f->req) {
        es_http_req_t *h = f->req;
        f->req = NULL;
        es_http_cancel(h);
    }
    if (!f->timer_open) {
        es_stopped(f->ctx);
        return;
    }
    uv_close((uv_handle_t *)&f->timer, on_timer_closed);
}

static void forum_destroy(void *state)
{
    forum_free(state);
}

/* ---- one stream's poll ------------------------------------------------- */

static const char *cur_url(es_forum_t *f)
{
    return f->page_url ? f->page_url : f->streams[f->cur].first_url;
}

static void stream_begin(es_forum_t *f)
{
    es_forum_stream_t *s = &f->streams[f->cur];
    char *v = NULL;
    f->have_last = 0;
    f->last = 0;
    f->page_no = 0;
    f->attempt = 0;
    int rc = es_checkpoint_get(f->ctx, s->ckpt_key, &v);
    if (rc == 0) {
        uint64_t last = 0;
        if (f->type == FORUM_DISCOURSE) {
            char *end;
            unsigned long long x = strtoull(v, &end, 10);
            if (!*end && end != v)
                last = x;
        } else {
            last = es_reddit_order(v);
        }
        if (last) {
            f->have_last = 1;
            f->last = last;
        } else {
            es_log(f->ctx, ES_LOG_WARN, "%s: stored last id \"%.40s\" unreadable; reading as on a first poll",
                   s->first_url, v);
        }
    } else if (rc != ES_ENOENT) {
        es_log(f->ctx, ES_LOG_WARN, "%s: cannot read the last seen id (%s); reading as on a first poll",
               s->first_url, es_strerror(rc));
    }
    free(v);
    poll_page(f);
}

static void on_wait_timer(uv_timer_t *t)
{
    poll_page(t->data);
}

static int cmp_order(const void *a, const void *b)
{
    const es_forum_item_t *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int category_wanted(const es_forum_t *f, const es_forum_item_t *it)
{
    if (!f->n_categories)
        return 1;
    for (size_t i = 0; i < f->n_categories; i++)
        if (f->categories[i] == it->category)
            return 1;
    return 0;
}

/* A reply's parent author, when the parent was read in the same poll. */
static const char *author_of(const es_forum_t *f, const char *mention_id)
{
    for (size_t i = 0; i < f->n_buf; i++)
        if (f->buf[i].id && !strcmp(f->buf[i].id, mention_id))
            return f->buf[i].author;
    return NULL;
}

/* Emits the poll's posts oldest first and moves the checkpoint to the
 * newest one accepted. A post the pipeline refuses stops the run there, so
 * the checkpoint never passes a post that was not taken. */
static void stream_emit(es_forum_t *f)
{
    es_forum_stream_t *s = &f->streams[f->cur];
    if (f->n_buf) /* qsort(NULL, 0) is undefined */
        qsort(f->buf, f->n_buf, sizeof *f->buf, cmp_order);
    size_t n_new = 0, n_filtered = 0;
    const char *ckpt = NULL;
    for (size_t i = 0; i < f->n_buf; i++) {
        es_forum_item_t *it = &f->buf[i];
        if (!category_wanted(f, it)) {
            n_filtered++;
            ckpt = it->cursor;
            continue;
        }
        const char *rta = it->reply_to_author;
        if (!rta && it->in_reply_to)
            rta = author_of(f, it->in_reply_to);
        es_mention_t m = {
            .id = it->id,
            .network = f->network,
            .author = it->author,
            .author_name = it->author_name,
            .url = it->url,
            .title = it->title,
            .text = it->text ? it->text : "",
            .created_at = it->created_at,
            .in_reply_to = it->in_reply_to,
            .reply_to_author = rta,
            .addressed = (const char *const *)it->addressed,
            .n_addressed = it->n_addressed,
        };
        int rc = es_emit(f->ctx, &m);
        if (rc) {
            es_log(f->ctx, ES_LOG_WARN, "%s: %s not accepted (%s); it and newer posts are read again next poll",
                   s->first_url, it->id, es_strerror(rc));
            break;
        }
        n_new++;
        ckpt = it->cursor;
    }
    if (ckpt) {
        int rc = es_checkpoint_set(f->ctx, s->ckpt_key, ckpt);
        if (rc)
            es_log(f->ctx, ES_LOG_WARN, "%s: cannot save the last seen id: %s", s->first_url,
                   es_strerror(rc));
    }
    es_log(f->ctx, ES_LOG_DEBUG, "%s: %zu page%s, %zu new post%s, %zu outside the categories",
           s->first_url, f->page_no, f->page_no == 1 ? "" : "s", n_new, n_new == 1 ? "" : "s",
           n_filtered);
}

/* A page of garbage could otherwise flood the log with a line per post. */
#define ES_FORUM_MAX_WARNINGS 20

static void page_warn(void *arg, const char *msg)
{
    es_forum_t *f = arg;
    if (f->n_warnings++ < ES_FORUM_MAX_WARNINGS)
        es_log(f->ctx, ES_LOG_WARN, "%s: %s", cur_url(f), msg);
}

static int buf_push(es_forum_t *f, es_forum_item_t *it)
{
    if (f->n_buf == f->cap_buf) {
        size_t cap = f->cap_buf ? f->cap_buf * 2 : 64;
        es_forum_item_t *b = realloc(f->buf, cap * sizeof *b);
        if (!b)
            return ES_ENOMEM;
        f->buf = b;
        f->cap_buf = cap;
    }
    es_forum_item_move(&f->buf[f->n_buf++], it);
    return 0;
}

static int buf_has(const es_forum_t *f, uint64_t order)
{
    for (size_t i = 0; i < f->n_buf; i++)
        if (f->buf[i].order == order)
            return 1;
    return 0;
}

/* A page arrived whole and parsed: keep what is newer than the checkpoint
 * and decide whether to page further back. */
static void page_ok(es_forum_t *f, es_forum_page_t *page)
{
    es_forum_stream_t *s = &f->streams[f->cur];
    int reached = 0;
    for (size_t i = 0; i < page->n; i++) {
        es_forum_item_t *it = &page->items[i];
        if (f->have_last && it->order <= f->last) {
            reached = 1;
            continue;
        }
        /* Listings shift while we page: a post already taken from a newer
         * page is not taken twice. */
        if (buf_has(f, it->order))
            continue;
        if (buf_push(f, it)) {
            es_log(f->ctx, ES_LOG_ERROR, "%s: out of memory; poll abandoned", cur_url(f));
            stream_done(f);
            return;
        }
    }
    f->page_no++;
    size_t limit = f->have_last ? f->max_pages : f->backfill_pages;
    int more = page->next && page->n > 0 && !reached;
    if (more && f->cursor && !strcmp(f->cursor, page->next))
        more = 0; /* a server that hands back the same cursor would loop us */
    if (more && f->page_no >= limit) {
        if (f->have_last)
            es_log(f->ctx, ES_LOG_WARN,
                   "%s: %zu pages read without reaching the last seen post; older new posts "
                   "skipped (raise max_pages or shorten interval)",
                   s->first_url, f->page_no);
        more = 0;
    }
    if (more) {
        free(f->cursor);
        f->cursor = page->next;
        page->next = NULL;
        f->attempt = 0;
        poll_page(f);
        return;
    }
    stream_emit(f);
    stream_done(f);
}

/* A page failed: try it again soon, or give up on this stream's poll
 * without emitting anything, so the next poll reads it all again. */
static void page_failed(es_forum_t *f, uint64_t retry_after_ms, int retryable)
{
    if (retry_after_ms > ES_FORUM_MAX_RETRY_AFTER_MS)
        retry_after_ms = ES_FORUM_MAX_RETRY_AFTER_MS;
    ++f->attempt;
    if (retryable && f->attempt < ES_FORUM_ATTEMPTS && retry_after_ms <= ES_FORUM_MAX_INLINE_WAIT_MS) {
        uint64_t delay = retry_after_ms ? retry_after_ms : 1000ULL << (f->attempt - 1);
        es_log(f->ctx, ES_LOG_INFO, "%s: retrying in %llu ms (attempt %u of %d)", cur_url(f),
               (unsigned long long)delay, f->attempt + 1, ES_FORUM_ATTEMPTS);
        uint64_t nb = uv_now(es_ctx_loop(f->ctx)) + delay;
        if (nb > f->not_before)
            f->not_before = nb;
        poll_page(f);
        return;
    }
    es_log(f->ctx, ES_LOG_WARN,
           "%s: giving up on this poll after %u attempt%s; nothing from %s emitted, it is read "
           "again next poll",
           cur_url(f), f->attempt, f->attempt == 1 ? "" : "s", f->streams[f->cur].first_url);
    if (retry_after_ms > f->poll_max_ret)
        f->poll_max_ret = retry_after_ms;
    stream_done(f);
}

/* x-ratelimit-remaining / -reset (Reddit; harmless elsewhere): when the
 * allowance is spent, the next request waits for the window to reset. */
static void note_rate_limit(es_forum_t *f, const es_http_response_t *resp)
{
    const char *rem = es_http_header(resp, "x-ratelimit-remaining");
    const char *rst = es_http_header(resp, "x-ratelimit-reset");
    if (!rem || !rst)
        return;
    char *e1, *e2;
    double remaining = strtod(rem, &e1), reset = strtod(rst, &e2);
    if (e1 == rem || e2 == rst || !(reset >= 0) || remaining >= 1)
        return;
    uint64_t ms = reset * 1000 > (double)ES_FORUM_MAX_RESET_MS ? ES_FORUM_MAX_RESET_MS
                                                              : (uint64_t)(reset * 1000);
    es_log(f->ctx, ES_LOG_INFO, "%s: rate limit spent; next request in %llu ms", cur_url(f),
           (unsigned long long)ms);
    uint64_t nb = uv_now(es_ctx_loop(f->ctx)) + ms;
    if (nb > f->not_before)
        f->not_before = nb;
}

static void on_response(es_ctx_t *ctx, const es_http_response_t *resp, void *arg)
{
    es_forum_t *f = arg;
    f->in_flight = 0;
    f->req = NULL;
    if (resp->error == ES_ECANCELED || f->stopping)
        return;
    note_rate_limit(f, resp);
    const char *url = cur_url(f);
    if (resp->error == ES_ETIMEDOUT) {
        es_log(ctx, ES_LOG_WARN, "%s: timed out after %llu ms", url, (unsigned long long)f->timeout_ms);
        page_failed(f, 0, 1);
        return;
    }
    if (resp->error == ES_ETOOBIG) {
        es_log(ctx, ES_LOG_WARN, "%s: body larger than max_size (%zu bytes)", url, f->max_size);
        page_failed(f, 0, 1);
        return;
    }
    if (resp->error) {
        es_log(ctx, ES_LOG_WARN, "%s: fetch failed: %s", url,
               resp->error_text && *resp->error_text ? resp->error_text : es_strerror(resp->error));
        page_failed(f, 0, 1);
        return;
    }
    if (resp->status == 429 || resp->status == 503) {
        if (resp->retry_after_ms)
            es_log(ctx, ES_LOG_WARN, "%s: HTTP %ld, server asks to retry after %llu s", url,
                   resp->status, (unsigned long long)(resp->retry_after_ms + 999) / 1000);
        else
            es_log(ctx, ES_LOG_WARN, "%s: HTTP %ld", url, resp->status);
        page_failed(f, resp->retry_after_ms, 1);
        return;
    }
    if (resp->status < 200 || resp->status > 299) {
        es_log(ctx, ES_LOG_WARN, "%s: HTTP %ld%s", url, resp->status,
               resp->status == 401 || resp->status == 403 ? " (check api_key/api_username or token)" : "");
        /* A refusal or a missing page will answer the same in a second;
         * server errors and timeouts may not. */
        page_failed(f, 0, resp->status >= 500 || resp->status == 408);
        return;
    }
    es_forum_page_t page;
    char err[256] = "";
    f->n_warnings = 0;
    int rc = f->type == FORUM_DISCOURSE
                 ? es_discourse_parse(resp->body, resp->body_len, f->base_trimmed, f->network, &page,
                                      page_warn, f, err, sizeof err)
                 : es_reddit_parse(resp->body, resp->body_len, f->network, &page, page_warn, f, err,
                                   sizeof err);
    if (f->n_warnings > ES_FORUM_MAX_WARNINGS)
        es_log(ctx, ES_LOG_WARN, "%s: %zu more problems not shown", url,
               f->n_warnings - ES_FORUM_MAX_WARNINGS);
    if (rc) {
        const char *ct = es_http_header(resp, "Content-Type");
        es_log(ctx, ES_LOG_WARN, "%s: %s (Content-Type %s, %zu bytes)", url, err, ct ? ct : "none",
               resp->body_len);
        page_failed(f, 0, 1);
        return;
    }
    page_ok(f, &page);
    es_forum_page_free(&page);
}

/* Fetches the current page of the current stream, once the rate limit and
 * the pipeline allow. */
static void poll_page(es_forum_t *f)
{
    if (f->stopping || f->in_flight)
        return;
    uv_loop_t *loop = es_ctx_loop(f->ctx);
    uint64_t now = uv_now(loop);
    if (f->not_before > now) {
        uv_timer_start(&f->timer, on_wait_timer, f->not_before - now, 0);
        return;
    }
    if (es_backpressure(f->ctx)) {
        f->waiting = 1; /* resume() continues */
        es_log(f->ctx, ES_LOG_DEBUG, "pipeline full; %s waits", f->streams[f->cur].first_url);
        return;
    }
    free(f->page_url);
    f->page_url = f->type == FORUM_DISCOURSE ? es_discourse_page_url(f->base_trimmed, f->cursor)
                                             : es_reddit_page_url(f->streams[f->cur].first_url, f->cursor);
    if (!f->page_url) {
        es_log(f->ctx, ES_LOG_ERROR, "out of memory");
        stream_done(f);
        return;
    }
    es_http_request_t req = {
        .method = "GET",
        .url = f->page_url,
        .headers = f->headers,
        .timeout_ms = f->timeout_ms,
        .max_body = f->max_size,
    };
    es_http_req_t *h = NULL;
    f->in_flight = 1;
    int rc = es_http_request(f->ctx, &req, on_response, f, &h);
    if (rc) {
        f->in_flight = 0;
        if (rc == ES_ESTATE)
            return;
        es_log(f->ctx, ES_LOG_WARN, "%s: cannot start fetch: %s", f->page_url, es_strerror(rc));
        stream_done(f);
        return;
    }
    if (f->in_flight)
        f->req = h;
}

const es_plugin_t earshot_source = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SOURCE,
    .name = "forum",
    .description = "Discourse latest posts and Reddit listings (JSON)",
    .keys = forum_keys,
    .init = forum_init,
    .start = forum_start,
    .resume = forum_resume,
    .stop = forum_stop,
    .destroy = forum_destroy,
};
