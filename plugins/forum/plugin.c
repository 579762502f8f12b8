/*
 * forum source: reads Discourse's latest posts or Reddit listings through
 * the core HTTP service and emits each post once. Every listing (Discourse's
 * /posts.json; one per subreddit and kind, one for a search) is a stream
 * with its own checkpoint: the newest post id already emitted. A poll walks
 * the streams one after the other and, in each, pages back from the newest
 * post until it reaches that id; only then does it emit what it found,
 * oldest first, and move the checkpoint. A page that fails is retried; if
 * it keeps failing the stream's poll is abandoned whole and the next poll
 * starts again from the top, so a failure never leaves a hole. The one
 * exception is a page whose same body will not parse poll after poll: it
 * is skipped (see page_unparseable), or it would hold back every newer post
 * forever.
 *
 * One request at a time per instance, which makes honouring rate limits
 * (Retry-After, x-ratelimit-*) a matter of one "not before" time.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discourse.h"
#include "forum.h"
#include "reddit.h"

/* Attempts per page within one poll; then the poll of that stream is
 * abandoned (not its posts: the next poll reads them). */
#define ES_FORUM_ATTEMPTS 3
/* Polls a page whose body is the same unparseable bytes may end before
 * that page is skipped like the end of the listing. */
#define ES_FORUM_BAD_POLLS 3
/* A server's Retry-After longer than this ends the poll rather than holding
 * it; the next poll waits for it instead. */
#define ES_FORUM_MAX_INLINE_WAIT_MS (60ULL * 1000)
#define ES_FORUM_MAX_RETRY_AFTER_MS (6ULL * 3600 * 1000)
/* x-ratelimit-reset is honoured up to this (Reddit's window is 10 min). */
#define ES_FORUM_MAX_RESET_MS (15ULL * 60 * 1000)

static void poll_page(es_forum_t *f);
static void stream_begin(es_forum_t *f);
static void bad_load(es_forum_t *f, es_forum_stream_t *s);

static int forum_init(es_ctx_t *ctx, void **state)
{
    es_forum_t *f;
    int rc = es_forum_new(ctx, &f);
    if (rc == 0)
        *state = f;
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
    es_forum_buf_clear(f);
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
    es_forum_free(state);
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
    bad_load(f, s);
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
    int all_taken = 1;
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
            .metrics_given = it->metrics_given,
        };
        memcpy(m.metrics, it->metrics, sizeof m.metrics);
        int rc = es_emit(f->ctx, &m);
        if (rc) {
            es_log(f->ctx, ES_LOG_WARN, "%s: %s not accepted (%s); it and newer posts are read again next poll",
                   s->first_url, it->id, es_strerror(rc));
            all_taken = 0;
            break;
        }
        n_new++;
        ckpt = it->cursor;
    }
    s->complete = all_taken;
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
    f->streams[f->cur].complete = 0;
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

static uint64_t body_hash(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
    return h;
}

/* The count survives a restart (a --once poll is a whole process): kept
 * as the checkpoint "bad <listing>" = "<hash> <polls>". */
static char *bad_key(const es_forum_stream_t *s)
{
    size_t n = strlen(s->ckpt_key) + 1;
    char *k = malloc(n);
    if (k)
        snprintf(k, n, "bad %s", s->ckpt_key + 5); /* ckpt_key is "last <listing>" */
    return k;
}

static void bad_load(es_forum_t *f, es_forum_stream_t *s)
{
    char *k = bad_key(s), *v = NULL;
    unsigned long long h;
    unsigned polls;
    if (k && es_checkpoint_get(f->ctx, k, &v) == 0 && sscanf(v, "%llx %u", &h, &polls) == 2) {
        s->bad_hash = h;
        s->bad_polls = polls;
    }
    free(v);
    free(k);
}

static void bad_save(es_forum_t *f, const es_forum_stream_t *s)
{
    char *k = bad_key(s), v[48];
    snprintf(v, sizeof v, "%016llx %u", (unsigned long long)s->bad_hash, s->bad_polls);
    int rc = k ? es_checkpoint_set(f->ctx, k, v) : ES_ENOMEM;
    if (rc)
        es_log(f->ctx, ES_LOG_WARN, "%s: cannot save the failed-page count: %s", s->first_url, es_strerror(rc));
    free(k);
}

/* An HTML error page served with 200 (a proxy during an outage) can be the
 * same bytes for hours: it is the server's failure, never the page's. */
static int looks_json(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
        i++;
    return i < n && (p[i] == '{' || p[i] == '[');
}

/* A page that does not parse is retried like any failure: an error page or
 * a body cut short are usually gone by the next poll. When the very same
 * JSON body fails in ES_FORUM_BAD_POLLS polls, the page itself is bad: it is
 * skipped as if the listing ended there, so the newer posts read before it
 * are emitted and the checkpoint moves past it; its own posts are lost, and
 * the log says so once. */
static void page_unparseable(es_forum_t *f, const es_http_response_t *resp, const char *err)
{
    es_forum_stream_t *s = &f->streams[f->cur];
    const char *ct = es_http_header(resp, "Content-Type");
    if (!looks_json(resp->body, resp->body_len)) {
        es_log(f->ctx, ES_LOG_WARN, "%s: %s (Content-Type %s, %zu bytes)", cur_url(f), err, ct ? ct : "none",
               resp->body_len);
        page_failed(f, 0, 1);
        return;
    }
    uint64_t h = body_hash(resp->body, resp->body_len);
    if (h != s->bad_hash) {
        s->bad_hash = h;
        s->bad_polls = 0;
    }
    if (s->bad_polls + 1 >= ES_FORUM_BAD_POLLS) {
        es_log(f->ctx, s->bad_polls + 1 == ES_FORUM_BAD_POLLS ? ES_LOG_WARN : ES_LOG_DEBUG,
               "%s: %s (Content-Type %s, %zu bytes); the same page failed in %u polls: skipped, "
               "its posts and older ones are not delivered, the %zu newer found before it are",
               cur_url(f), err, ct ? ct : "none", resp->body_len, s->bad_polls + 1, f->n_buf);
        stream_emit(f);
        if (s->bad_polls < ES_FORUM_BAD_POLLS) {
            s->bad_polls = ES_FORUM_BAD_POLLS;
            bad_save(f, s);
        }
        stream_done(f);
        return;
    }
    es_log(f->ctx, ES_LOG_WARN, "%s: %s (Content-Type %s, %zu bytes)", cur_url(f), err, ct ? ct : "none",
           resp->body_len);
    if (f->attempt + 1 >= ES_FORUM_ATTEMPTS) { /* page_failed ends this poll */
        s->bad_polls++;
        bad_save(f, s);
    }
    page_failed(f, 0, 1);
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
    if (!resp->error && resp->not_modified) {
        /* Page 1 as it was when the last complete poll read it. */
        es_log(ctx, ES_LOG_DEBUG, "%s: not modified; no new posts", url);
        stream_done(f);
        return;
    }
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
    if (rc == ES_ENOMEM) {
        es_log(ctx, ES_LOG_WARN, "%s: %s", url, err);
        page_failed(f, 0, 1);
        return;
    }
    if (rc) {
        page_unparseable(f, resp, err);
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
        .conditional = !f->cursor && f->streams[f->cur].complete,
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
    .keys = es_forum_keys,
    .init = forum_init,
    .start = forum_start,
    .resume = forum_resume,
    .stop = forum_stop,
    .destroy = forum_destroy,
};
