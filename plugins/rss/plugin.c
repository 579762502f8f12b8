/*
 * rss source: polls RSS/RDF/Atom feeds through the core HTTP service and
 * emits each item once. Scheduling, fetch callbacks and emission live here;
 * parsing is in parse.c, the per-feed memory of emitted ids in seen.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include <earshot/plugin.h>
#include "seen.h"

/* A server's Retry-After is honoured up to this; beyond it the server is
 * more likely confused than serious, and the feed would look dead. */
#define ES_RSS_MAX_RETRY_AFTER_MS (6ULL * 3600 * 1000)

typedef struct es_rss es_rss_t;

typedef struct es_rss_feed {
    es_rss_t *rss;
    const char *url;   /* core-owned (config) */
    char *ckpt_key;    /* "seen " + url */
    uv_timer_t timer;
    es_http_req_t *req; /* while a fetch is in flight */
    int in_flight;
    int waiting;       /* due, but held back by backpressure */
    int warned_entities; /* said once that its entities are left out */
} es_rss_feed_t;

struct es_rss {
    es_ctx_t *ctx;
    const char *network;
    uint64_t interval_ms, timeout_ms;
    size_t max_items, max_size, seen_max;
    int once;
    es_rss_feed_t *feeds;
    size_t n_feeds;
    size_t n_done;       /* once mode: feeds that finished their poll */
    size_t open_handles; /* timers not yet closed */
    int started, stopping;
    unsigned rng;        /* rand_r state, for jitter */
};

static const es_config_key_t rss_keys[] = {
    {"url", ES_KEY_URL_LIST, NULL, 1, "feed URL or comma-separated URLs (http:// or https://)", NULL, NULL, NULL},
    {"interval", ES_KEY_DURATION, "5m", 0, "time between polls of each feed, +-10% jitter", "1s", NULL, NULL},
    {"network", ES_KEY_STRING, "rss", 0, "network label, the first part of mention ids", NULL, NULL, NULL},
    {"timeout", ES_KEY_DURATION, "30s", 0, "limit for one whole fetch", NULL, NULL, NULL},
    {"max_items", ES_KEY_INT, "100", 0, "items read per fetch, first in the document (0 = all)", NULL, NULL, NULL},
    {"max_size", ES_KEY_SIZE, "16M", 0, "largest feed body accepted", NULL, NULL, NULL},
    {"seen_max", ES_KEY_INT, "1000", 0, "item ids remembered per feed to avoid re-emitting", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

static const char *const accept_header =
    "Accept: application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5";

static void feed_fetch(es_rss_feed_t *f);

/* ---- lifecycle --------------------------------------------------------- */

static void rss_free(es_rss_t *rss)
{
    if (!rss)
        return;
    for (size_t i = 0; i < rss->n_feeds; i++)
        free(rss->feeds[i].ckpt_key);
    free(rss->feeds);
    free(rss);
}

static int rss_init(es_ctx_t *ctx, void **state)
{
    es_rss_t *rss = calloc(1, sizeof *rss);
    if (!rss)
        return ES_ENOMEM;
    rss->ctx = ctx;
    rss->network = es_config_str(ctx, "network");
    rss->interval_ms = es_config_duration_ms(ctx, "interval");
    rss->timeout_ms = es_config_duration_ms(ctx, "timeout");
    int64_t mi = es_config_int(ctx, "max_items");
    int64_t sm = es_config_int(ctx, "seen_max");
    rss->max_size = es_config_size(ctx, "max_size");
    rss->once = es_ctx_once(ctx);
    rss->rng = (unsigned)time(NULL) ^ (unsigned)getpid() ^ (unsigned)(uintptr_t)rss;

    int rc = ES_ECONFIG;
    if (!rss->network || !*rss->network || strpbrk(rss->network, ": \t")) {
        es_log(ctx, ES_LOG_ERROR, "network must be a non-empty label without ':' or spaces");
        goto fail;
    }
    if (mi < 0 || sm < 0) {
        es_log(ctx, ES_LOG_ERROR, "max_items and seen_max must not be negative");
        goto fail;
    }
    rss->max_items = (size_t)mi;
    rss->seen_max = (size_t)sm;

    const char *const *urls;
    size_t n = es_config_list(ctx, "url", &urls);
    if (n == 0) {
        es_log(ctx, ES_LOG_ERROR, "url: at least one feed URL is required");
        goto fail;
    }
    rss->feeds = calloc(n, sizeof *rss->feeds);
    if (!rss->feeds) {
        rc = ES_ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        if (strncasecmp(urls[i], "http://", 7) && strncasecmp(urls[i], "https://", 8)) {
            es_log(ctx, ES_LOG_ERROR, "url: %s is not an http:// or https:// URL", urls[i]);
            goto fail;
        }
        int dup = 0;
        for (size_t j = 0; j < rss->n_feeds; j++)
            dup |= !strcmp(rss->feeds[j].url, urls[i]);
        if (dup) {
            es_log(ctx, ES_LOG_WARN, "url: %s listed twice; polling it once", urls[i]);
            continue;
        }
        es_rss_feed_t *f = &rss->feeds[rss->n_feeds];
        f->rss = rss;
        f->url = urls[i];
        size_t kl = strlen(urls[i]) + 6;
        f->ckpt_key = malloc(kl);
        if (!f->ckpt_key) {
            rc = ES_ENOMEM;
            goto fail;
        }
        snprintf(f->ckpt_key, kl, "seen %s", urls[i]);
        rss->n_feeds++;
    }
    *state = rss;
    return 0;
fail:
    rss_free(rss);
    return rc;
}

/* interval +-10%, so feeds configured together drift apart instead of
 * hitting their servers in lockstep forever. */
static uint64_t jittered(es_rss_t *rss, uint64_t ms)
{
    double r = (double)rand_r(&rss->rng) / RAND_MAX; /* [0, 1] */
    return (uint64_t)((double)ms * (0.9 + 0.2 * r));
}

static void on_timer(uv_timer_t *t)
{
    feed_fetch(t->data);
}

static int rss_start(void *state)
{
    es_rss_t *rss = state;
    uv_loop_t *loop = es_ctx_loop(rss->ctx);
    for (size_t i = 0; i < rss->n_feeds; i++) {
        es_rss_feed_t *f = &rss->feeds[i];
        uv_timer_init(loop, &f->timer);
        f->timer.data = f;
        rss->open_handles++;
        /* First polls spread over up to a tenth of the interval (10 s at
         * most) so a restart does not fire every feed at once. */
        uint64_t spread = rss->interval_ms / 10 < 10000 ? rss->interval_ms / 10 : 10000;
        uint64_t delay = rss->once ? 0 : (uint64_t)rand_r(&rss->rng) % (spread + 1);
        uv_timer_start(&f->timer, on_timer, delay, 0);
    }
    rss->started = 1;
    es_log(rss->ctx, ES_LOG_DEBUG, "polling %zu feed%s every %llu ms", rss->n_feeds,
           rss->n_feeds == 1 ? "" : "s", (unsigned long long)rss->interval_ms);
    return 0;
}

static void feed_finished(es_rss_feed_t *f, uint64_t retry_after_ms)
{
    es_rss_t *rss = f->rss;
    if (rss->stopping)
        return;
    if (rss->once) {
        if (++rss->n_done == rss->n_feeds)
            es_source_done(rss->ctx);
        return;
    }
    uint64_t delay = jittered(rss, rss->interval_ms);
    if (retry_after_ms > ES_RSS_MAX_RETRY_AFTER_MS)
        retry_after_ms = ES_RSS_MAX_RETRY_AFTER_MS;
    if (retry_after_ms > delay)
        delay = retry_after_ms;
    uv_timer_start(&f->timer, on_timer, delay, 0);
}

static void rss_resume(void *state)
{
    es_rss_t *rss = state;
    for (size_t i = 0; i < rss->n_feeds && !rss->stopping; i++) {
        es_rss_feed_t *f = &rss->feeds[i];
        if (f->waiting) {
            f->waiting = 0;
            feed_fetch(f);
        }
    }
}

static void on_timer_closed(uv_handle_t *h)
{
    es_rss_feed_t *f = h->data;
    es_rss_t *rss = f->rss;
    if (--rss->open_handles == 0)
        es_stopped(rss->ctx);
}

static void rss_stop(void *state)
{
    es_rss_t *rss = state;
    rss->stopping = 1;
    for (size_t i = 0; i < rss->n_feeds; i++) {
        es_rss_feed_t *f = &rss->feeds[i];
        if (f->in_flight && f->req) {
            es_http_req_t *h = f->req;
            f->req = NULL;
            es_http_cancel(h); /* runs on_response with ES_ECANCELED now */
        }
    }
    if (!rss->started || rss->open_handles == 0) {
        es_stopped(rss->ctx);
        return;
    }
    for (size_t i = 0; i < rss->n_feeds; i++)
        uv_close((uv_handle_t *)&rss->feeds[i].timer, on_timer_closed);
}

static void rss_destroy(void *state)
{
    rss_free(state);
}

/* ---- fetch and emit ---------------------------------------------------- */

static void log_problems(es_rss_feed_t *f, const es_feed_t *feed)
{
    for (size_t i = 0; i < feed->n_problems; i++) {
        if (feed->problems[i].line > 0)
            es_log(f->rss->ctx, ES_LOG_WARN, "%s:%ld: %s", f->url, feed->problems[i].line,
                   feed->problems[i].message);
        else
            es_log(f->rss->ctx, ES_LOG_WARN, "%s: %s", f->url, feed->problems[i].message);
    }
    if (feed->n_problems_dropped)
        es_log(f->rss->ctx, ES_LOG_WARN, "%s: %zu more problems not shown", f->url,
               feed->n_problems_dropped);
}

/* "<network>:<native id>"; ids that are only unique within their feed get
 * the feed URL in front so two feeds' "post-1" stay apart. */
static char *mention_id(es_rss_feed_t *f, const char *native)
{
    const char *net = f->rss->network;
    int global = es_feed_id_is_global(native);
    size_t n = strlen(net) + 1 + (global ? 0 : strlen(f->url) + 1) + strlen(native) + 1;
    char *id = malloc(n);
    if (!id)
        return NULL;
    if (global)
        snprintf(id, n, "%s:%s", net, native);
    else
        snprintf(id, n, "%s:%s#%s", net, f->url, native);
    return id;
}

typedef struct {
    const es_seen_hash_t *h;
    size_t index;
} es_rss_pos_t;

static int cmp_pos(const void *a, const void *b)
{
    const es_rss_pos_t *x = a, *y = b;
    int c = memcmp(x->h->hex, y->h->hex, ES_SEEN_HASH_LEN);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Marks every occurrence of an id but the last in document order (the
 * first emitted, since emission runs oldest first): a page that lists an
 * item twice yields it once. O(n log n) for feeds with max_items = 0. */
static int mark_repeats(const es_seen_hash_t *cur, size_t n, unsigned char *repeated)
{
    es_rss_pos_t *pos = malloc((n ? n : 1) * sizeof *pos);
    if (!pos)
        return ES_ENOMEM;
    for (size_t i = 0; i < n; i++)
        pos[i] = (es_rss_pos_t){&cur[i], i};
    qsort(pos, n, sizeof *pos, cmp_pos);
    for (size_t i = 0; i + 1 < n; i++)
        if (!memcmp(pos[i].h->hex, pos[i + 1].h->hex, ES_SEEN_HASH_LEN))
            repeated[pos[i].index] = 1;
    free(pos);
    return 0;
}

static void emit_feed(es_rss_feed_t *f, const es_feed_t *feed)
{
    es_rss_t *rss = f->rss;
    es_ctx_t *ctx = rss->ctx;
    char *stored = NULL;
    int rc = es_checkpoint_get(ctx, f->ckpt_key, &stored);
    if (rc && rc != ES_ENOENT)
        es_log(ctx, ES_LOG_WARN, "%s: cannot read seen ids (%s); treating all items as new",
               f->url, es_strerror(rc));
    es_seen_t seen;
    rc = es_seen_load(&seen, stored);
    if (rc == ES_EPARSE)
        es_log(ctx, ES_LOG_WARN, "%s: stored seen ids unreadable; starting afresh", f->url);
    else if (rc) {
        free(stored);
        es_log(ctx, ES_LOG_ERROR, "%s: %s", f->url, es_strerror(rc));
        return;
    }

    es_seen_hash_t *cur = calloc(feed->n_items ? feed->n_items : 1, sizeof *cur);
    char **ids = calloc(feed->n_items ? feed->n_items : 1, sizeof *ids);
    unsigned char *repeated = calloc(feed->n_items ? feed->n_items : 1, 1);
    size_t n_cur = 0, n_new = 0, n_failed = 0;
    if (!cur || !ids || !repeated)
        goto out;
    for (size_t i = 0; i < feed->n_items; i++) {
        ids[i] = mention_id(f, feed->items[i].id);
        if (!ids[i] || es_seen_hash(ids[i], &cur[i]))
            goto out;
    }
    if (mark_repeats(cur, feed->n_items, repeated))
        goto out;
    /* Oldest first (feeds list newest first), so downstream sees them in
     * the order they were written. */
    for (size_t k = feed->n_items; k-- > 0;) {
        const es_feed_item_t *it = &feed->items[k];
        if (!es_seen_has(&seen, &cur[k]) && !repeated[k]) {
            es_mention_t m = {
                .id = ids[k],
                .network = rss->network,
                .author = it->author,
                .author_name = it->author_name,
                .url = it->link,
                .title = it->title,
                .text = it->text,
                .created_at = it->published ? it->published : it->updated,
            };
            rc = es_emit(ctx, &m);
            if (rc) {
                /* Not remembered, so the next poll offers it again. */
                n_failed++;
                cur[k].hex[0] = '\0';
                continue;
            }
            n_new++;
        }
    }
    /* Keep document order (newest first) for what is remembered. */
    for (size_t i = 0; i < feed->n_items; i++)
        if (cur[i].hex[0])
            cur[n_cur++] = cur[i];
    char *value = es_seen_dump(&seen, cur, n_cur, rss->seen_max);
    if (!value) {
        es_log(ctx, ES_LOG_ERROR, "%s: out of memory saving seen ids", f->url);
    } else if (!stored || strcmp(stored, value) != 0) {
        rc = es_checkpoint_set(ctx, f->ckpt_key, value);
        if (rc)
            es_log(ctx, ES_LOG_WARN, "%s: cannot save seen ids: %s", f->url, es_strerror(rc));
    }
    free(value);
out:
    if (ids)
        for (size_t i = 0; i < feed->n_items; i++)
            free(ids[i]);
    free(ids);
    free(cur);
    free(repeated);
    es_seen_free(&seen);
    free(stored);
    es_log(ctx, n_failed ? ES_LOG_WARN : ES_LOG_DEBUG,
           "%s: %s feed, %zu items, %zu new%s%s", f->url, es_feed_format_name(feed->format),
           feed->n_items, n_new, n_failed ? ", not accepted: " : "",
           n_failed ? "see above" : "");
}

static int is_feed_type(const char *ct)
{
    if (!ct)
        return 1;
    return strstr(ct, "xml") || strstr(ct, "rss") || strstr(ct, "atom") || strstr(ct, "rdf");
}

static void on_response(es_ctx_t *ctx, const es_http_response_t *resp, void *arg)
{
    es_rss_feed_t *f = arg;
    es_rss_t *rss = f->rss;
    f->in_flight = 0;
    f->req = NULL;
    if (resp->error == ES_ECANCELED || rss->stopping)
        return;

    uint64_t retry_after = 0;
    if (resp->error == ES_ETIMEDOUT) {
        es_log(ctx, ES_LOG_WARN, "%s: timed out after %llu ms", f->url,
               (unsigned long long)rss->timeout_ms);
    } else if (resp->error == ES_ETOOBIG) {
        es_log(ctx, ES_LOG_WARN, "%s: body larger than max_size (%zu bytes)", f->url, rss->max_size);
    } else if (resp->error) {
        es_log(ctx, ES_LOG_WARN, "%s: fetch failed: %s", f->url,
               resp->error_text && *resp->error_text ? resp->error_text : es_strerror(resp->error));
    } else if (resp->not_modified) {
        es_log(ctx, ES_LOG_DEBUG, "%s: not modified", f->url);
    } else if (resp->status == 429 || resp->status == 503) {
        retry_after = resp->retry_after_ms;
        if (retry_after)
            es_log(ctx, ES_LOG_WARN, "%s: HTTP %ld, server asks to retry after %llu s", f->url,
                   resp->status, (unsigned long long)(retry_after + 999) / 1000);
        else
            es_log(ctx, ES_LOG_WARN, "%s: HTTP %ld", f->url, resp->status);
    } else if (resp->status < 200 || resp->status > 299) {
        es_log(ctx, ES_LOG_WARN, "%s: HTTP %ld", f->url, resp->status);
    } else {
        const char *ct = es_http_header(resp, "Content-Type");
        if (!is_feed_type(ct))
            es_log(ctx, ES_LOG_DEBUG, "%s: Content-Type %s is not a feed type; parsing anyway",
                   f->url, ct);
        /* Relative links resolve against where the body really came from. */
        const char *base = resp->effective_url && *resp->effective_url ? resp->effective_url : f->url;
        es_feed_t feed;
        int rc = es_feed_parse(resp->body ? resp->body : "", resp->body_len, base,
                               rss->max_items, &feed);
        log_problems(f, &feed);
        if (feed.n_entities && !f->warned_entities) {
            /* Safe, but silent loss would look like a parser bug. */
            es_log(ctx, ES_LOG_WARN,
                   "%s: the feed declares %zu entit%s (%zu external); they are neither fetched nor "
                   "expanded, so text that refers to them is left out (said once per feed)",
                   f->url, feed.n_entities, feed.n_entities == 1 ? "y" : "ies", feed.n_external_entities);
            f->warned_entities = 1;
        }
        if (rc == 0) {
            if (feed.n_skipped)
                es_log(ctx, ES_LOG_DEBUG, "%s: %zu items beyond max_items ignored", f->url,
                       feed.n_skipped);
            emit_feed(f, &feed);
        } else if (rc == ES_EPARSE) {
            es_log(ctx, ES_LOG_WARN, "%s: not a feed (Content-Type %s)", f->url, ct ? ct : "none");
        } else {
            es_log(ctx, ES_LOG_ERROR, "%s: %s", f->url, es_strerror(rc));
        }
        es_feed_free(&feed);
    }
    feed_finished(f, retry_after);
}

static void feed_fetch(es_rss_feed_t *f)
{
    es_rss_t *rss = f->rss;
    if (rss->stopping || f->in_flight)
        return;
    if (es_backpressure(rss->ctx)) {
        f->waiting = 1; /* resume() picks it up */
        return;
    }
    const char *headers[] = {accept_header, NULL};
    es_http_request_t req = {
        .method = "GET",
        .url = f->url,
        .headers = headers,
        .timeout_ms = rss->timeout_ms,
        .conditional = 1,
        .max_redirects = 0, /* core default: follow up to 5 */
        .max_body = rss->max_size,
    };
    es_http_req_t *h = NULL;
    f->in_flight = 1;
    int rc = es_http_request(rss->ctx, &req, on_response, f, &h);
    if (rc) {
        f->in_flight = 0;
        if (rc != ES_ESTATE)
            es_log(rss->ctx, ES_LOG_WARN, "%s: cannot start fetch: %s", f->url, es_strerror(rc));
        feed_finished(f, 0);
        return;
    }
    /* The callback may already have run if the core failed fast. */
    if (f->in_flight)
        f->req = h;
}

const es_plugin_t earshot_source = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SOURCE,
    .name = "rss",
    .description = "RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom feeds",
    .keys = rss_keys,
    .init = rss_init,
    .start = rss_start,
    .resume = rss_resume,
    .stop = rss_stop,
    .destroy = rss_destroy,
};
