/*
 * webhook sink: POSTs records as JSON through the core HTTP service, as the
 * records themselves, a Slack incoming-webhook message, or a template.
 * Answers OK on 2xx, RETRY on 408/429/5xx/timeouts/connection errors (with
 * the server's Retry-After), FAIL on other statuses.
 *
 * A core batch may take several requests (batch_max records each). Requests
 * go one after the other; each record a request got accepted is marked
 * delivered (es_batch_delivered), so when a later one must be retried the
 * core re-sends only the rest.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "payload.h"
#include <earshot/plugin.h>
#include "sign.h"
#include "template.h"

/* A Retry-After beyond this is capped: the core's own retry.max applies to
 * its backoff, but a server hint would otherwise park the queue for days. */
#define ES_WH_MAX_RETRY_AFTER_MS (3600ULL * 1000)
/* What of a refusing server's answer goes into the log and dead letters. */
#define ES_WH_BODY_SNIPPET 200

static const es_config_key_t webhook_keys[] = {
    {"url", ES_KEY_URL, NULL, 1, "receiver URL (http:// or https://)", NULL, NULL, NULL},
    {"format", ES_KEY_STRING, "json", 0, "json (the records), slack (incoming-webhook message) or template", NULL, NULL, NULL},
    {"template", ES_KEY_STRING, NULL, 0, "JSON template file with {{field}} placeholders (format = template)", NULL, NULL, NULL},
    {"batch_max", ES_KEY_INT, "1", 0, "records per request; 1 sends a bare object, more a JSON array (slack: at most 10)", NULL, NULL, NULL},
    {"timeout", ES_KEY_DURATION, "10s", 0, "limit for one whole request", NULL, NULL, NULL},
    {"secret", ES_KEY_SECRET, NULL, 0, "HMAC-SHA256 key: adds X-Earshot-Timestamp and X-Earshot-Signature: sha256=HEX", NULL, NULL, NULL},
    {"header.", ES_KEY_STRING, NULL, 0, "extra request header, e.g. header.Authorization = Bearer ${TOKEN}", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

typedef struct es_wh {
    es_ctx_t *ctx;
    const char *url;
    char *shown;       /* url for logs: no user:password, no path past its
                          first segment (webhook URLs often carry tokens) */
    es_wh_format_t format;
    es_wh_template_t *tpl;
    size_t batch_max;
    uint64_t timeout_ms;
    const char *secret;
    char **headers;    /* "Name: value", user's */
    size_t n_headers;
    int user_content_type;
    int config_error;  /* set by the header visitor */

    /* The batch in flight. */
    es_batch_t *batch;
    size_t next;       /* first record not yet sent */
    size_t cap_failed;
    size_t chunk_n;    /* records in the request in flight */
    unsigned char *failed; /* per index: refused with FAIL */
    size_t n_failed;
    char *fail_reason;
    uint64_t n_requests;
} es_wh_t;

/* ---- config ------------------------------------------------------------ */

static int token_char(unsigned char c)
{
    return isalnum(c) || strchr("!#$%&'*+-.^_`|~", c);
}

/* Headers the sink sets itself, or that would break the request framing. */
static int reserved_header(const char *name)
{
    static const char *const names[] = {
        "Content-Length", "Transfer-Encoding", "Host", "Connection", "Expect",
        "X-Earshot-Signature", "X-Earshot-Timestamp", NULL,
    };
    for (const char *const *n = names; *n; n++)
        if (!strcasecmp(name, *n))
            return 1;
    return 0;
}

static void add_header(const char *name, const char *value, void *arg)
{
    es_wh_t *w = arg;
    if (w->config_error)
        return;
    int ok = *name != '\0';
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        ok &= token_char(*p);
    if (!ok) {
        es_log(w->ctx, ES_LOG_ERROR, "header.%s: not a valid header name", name);
        w->config_error = ES_ECONFIG;
        return;
    }
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p == '\r' || *p == '\n' || (*p < 0x20 && *p != '\t') || *p == 0x7f) {
            /* The value may be a secret: name the header only. */
            es_log(w->ctx, ES_LOG_ERROR, "header.%s: value contains a control character (CR/LF?)",
                   name);
            w->config_error = ES_ECONFIG;
            return;
        }
    if (reserved_header(name)) {
        es_log(w->ctx, ES_LOG_ERROR, "header.%s: set by the sink itself; not configurable", name);
        w->config_error = ES_ECONFIG;
        return;
    }
    if (!strcasecmp(name, "Content-Type"))
        w->user_content_type = 1;
    char **nh = realloc(w->headers, (w->n_headers + 1) * sizeof *nh);
    size_t len = strlen(name) + strlen(value) + 3;
    char *h = malloc(len);
    if (!nh || !h) {
        if (nh)
            w->headers = nh;
        free(h);
        w->config_error = ES_ENOMEM;
        return;
    }
    w->headers = nh;
    snprintf(h, len, "%s: %s", name, value);
    w->headers[w->n_headers++] = h;
}

/* "https://hooks.example/services/…": the scheme, host and port, and the
 * first path segment; user information, the rest of the path and the
 * query are left out, since they often hold the hook's secret. */
static char *url_shown(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return strdup("(not a URL)");
    p += 3;
    const char *end = p + strcspn(p, "/?#"), *host = p;
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            host = q + 1;
    size_t seg = *end == '/' ? 1 + strcspn(end + 1, "/?#") : 0;
    int more = end[seg] != '\0' && strcmp(end + seg, "/") != 0;
    size_t n = (size_t)(p - url) + (size_t)(end - host) + seg + 8;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s%.*s%.*s%s", (int)(p - url), url, (int)(end - host), host, (int)seg,
                 end, more ? "/…" : "");
    return out;
}

static void wh_free(es_wh_t *w)
{
    if (!w)
        return;
    free(w->shown);
    for (size_t i = 0; i < w->n_headers; i++)
        free(w->headers[i]);
    free(w->headers);
    es_wh_template_free(w->tpl);
    free(w->failed);
    free(w->fail_reason);
    free(w);
}

static int wh_init(es_ctx_t *ctx, void **state)
{
    es_wh_t *w = calloc(1, sizeof *w);
    if (!w)
        return ES_ENOMEM;
    w->ctx = ctx;
    w->url = es_config_str(ctx, "url");
    w->timeout_ms = es_config_duration_ms(ctx, "timeout");
    const char *fmt = es_config_str(ctx, "format");
    const char *tpl = es_config_str(ctx, "template");
    int64_t bm = es_config_int(ctx, "batch_max");
    const char *secret = es_config_str(ctx, "secret");
    w->secret = secret && *secret ? secret : NULL;
    int rc = ES_ECONFIG;

    if (strncasecmp(w->url, "http://", 7) && strncasecmp(w->url, "https://", 8)) {
        es_log(ctx, ES_LOG_ERROR, "url: must start with http:// or https://");
        goto fail;
    }
    if (!(w->shown = url_shown(w->url))) {
        rc = ES_ENOMEM;
        goto fail;
    }
    if (strpbrk(w->url, " \t\r\n")) {
        es_log(ctx, ES_LOG_ERROR, "url: contains white space or a line break");
        goto fail;
    }
    if (!strcmp(fmt, "json")) {
        w->format = ES_WH_JSON;
    } else if (!strcmp(fmt, "slack")) {
        w->format = ES_WH_SLACK;
    } else if (!strcmp(fmt, "template")) {
        w->format = ES_WH_TEMPLATE;
    } else {
        es_log(ctx, ES_LOG_ERROR, "format: '%s' is not json, slack or template", fmt);
        goto fail;
    }
    if (w->format == ES_WH_TEMPLATE) {
        if (!tpl || !*tpl) {
            es_log(ctx, ES_LOG_ERROR, "format = template needs template = FILE");
            goto fail;
        }
        char err[512];
        if (!(w->tpl = es_wh_template_load(tpl, err, sizeof err))) {
            es_log(ctx, ES_LOG_ERROR, "template: %s", err);
            goto fail;
        }
    } else if (tpl && *tpl) {
        es_log(ctx, ES_LOG_WARN, "template is ignored unless format = template");
    }
    if (bm < 1 || bm > 100000) {
        es_log(ctx, ES_LOG_ERROR, "batch_max must be between 1 and 100000");
        goto fail;
    }
    if (w->format == ES_WH_SLACK && bm > ES_WH_SLACK_MAX_RECORDS) {
        es_log(ctx, ES_LOG_WARN, "batch_max = %" PRId64 " too large for Slack's 50 blocks; using %d",
               bm, ES_WH_SLACK_MAX_RECORDS);
        bm = ES_WH_SLACK_MAX_RECORDS;
    }
    w->batch_max = (size_t)bm;
    if (w->timeout_ms < 100) {
        es_log(ctx, ES_LOG_ERROR, "timeout must be at least 100ms");
        goto fail;
    }
    es_config_prefixed(ctx, "header.", add_header, w);
    if (w->config_error) {
        rc = w->config_error;
        goto fail;
    }
    if (w->secret && !strncasecmp(w->url, "http://", 7))
        es_log(ctx, ES_LOG_INFO, "signing requests to a cleartext http:// URL; bodies are "
                                 "authenticated but readable on the way");
    *state = w;
    return 0;
fail:
    wh_free(w);
    return rc;
}

static int wh_start(void *state)
{
    es_wh_t *w = state;
    es_log(w->ctx, ES_LOG_DEBUG, "posting to %s, up to %zu record%s per request", w->shown,
           w->batch_max, w->batch_max == 1 ? "" : "s");
    return 0;
}

static void wh_stop(void *state)
{
    es_wh_t *w = state;
    /* The core stops a sink only after its last batch completed. */
    es_stopped(w->ctx);
}

static void wh_destroy(void *state)
{
    wh_free(state);
}

/* ---- delivery ---------------------------------------------------------- */

static void finish(es_wh_t *w, es_sink_status_t status, uint64_t retry_after_ms, const char *why)
{
    es_batch_t *b = w->batch;
    w->batch = NULL;
    for (size_t i = 0; i < b->count; i++)
        if (w->failed[i])
            es_batch_fail_record(w->ctx, b, i, w->fail_reason);
    free(w->fail_reason);
    w->fail_reason = NULL;
    es_batch_done(w->ctx, b, status, retry_after_ms, why);
}

/* One line of a server's answer, safe for the log: control characters
 * become spaces, at most ES_WH_BODY_SNIPPET bytes. */
static void snippet(const es_http_response_t *r, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; r->body && i < r->body_len && n + 1 < cap && n < ES_WH_BODY_SNIPPET; i++) {
        unsigned char c = (unsigned char)r->body[i];
        out[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static void send_next(es_wh_t *w);

static void on_response(es_ctx_t *ctx, const es_http_response_t *r, void *arg)
{
    (void)ctx;
    es_wh_t *w = arg;
    char msg[512], body[ES_WH_BODY_SNIPPET + 1];
    size_t first = w->next, n = w->chunk_n;
    w->n_requests++;
    if (r->error == ES_ECANCELED) {
        finish(w, ES_SINK_RETRY, 0, "request cancelled");
        return;
    }
    /* A body over max_body still has a status to judge by. */
    if (r->error && !(r->error == ES_ETOOBIG && r->status > 0)) {
        snprintf(msg, sizeof msg, "POST %s: %s%s%s", w->shown, es_strerror(r->error),
                 r->error_text && *r->error_text ? ": " : "", r->error_text ? r->error_text : "");
        finish(w, ES_SINK_RETRY, 0, msg);
        return;
    }
    long st = r->status;
    if (st >= 200 && st < 300) {
        for (size_t i = 0; i < n; i++)
            es_batch_delivered(w->ctx, w->batch, first + i);
        w->next += n;
        es_log(w->ctx, ES_LOG_DEBUG, "POST %s: %ld, %zu record%s", w->shown, st, n,
               n == 1 ? "" : "s");
        send_next(w);
        return;
    }
    snippet(r, body, sizeof body);
    snprintf(msg, sizeof msg, "POST %s: HTTP %ld%s%s", w->shown, st, *body ? ": " : "", body);
    if (st == 408 || st == 429 || st >= 500) {
        uint64_t ra = r->retry_after_ms;
        if (ra > ES_WH_MAX_RETRY_AFTER_MS)
            ra = ES_WH_MAX_RETRY_AFTER_MS;
        finish(w, ES_SINK_RETRY, ra, msg);
        return;
    }
    /* Other answers (4xx, an unfollowed redirect) will not change on a
     * retry: these records become dead letters, the others go on. */
    if (st >= 300 && st < 400) {
        const char *loc = es_http_header(r, "Location");
        snprintf(msg, sizeof msg, "POST %s: HTTP %ld redirect to %.200s not followed; configure "
                 "the final URL", w->shown, st, loc ? loc : "(no Location)");
    }
    es_log(w->ctx, ES_LOG_ERROR, "%s", msg);
    for (size_t i = 0; i < n; i++)
        w->failed[first + i] = 1;
    w->n_failed += n;
    if (!w->fail_reason)
        w->fail_reason = strdup(msg);
    w->next += n;
    send_next(w);
}

static void send_next(es_wh_t *w)
{
    es_batch_t *b = w->batch;
    /* A chat message or a rendered template cannot be recalled, so a
     * deletion means nothing there; the JSON format hands it on for the
     * receiver to act on (docs/plugins/webhook.md). */
    while (w->format != ES_WH_JSON && w->next < b->count && b->records[w->next]->kind == ES_RECORD_DELETION)
        es_batch_delivered(w->ctx, b, w->next++);
    if (w->next >= b->count) {
        finish(w, ES_SINK_OK, 0, NULL);
        return;
    }
    size_t n = 0;
    while (w->next + n < b->count && n < w->batch_max &&
           (w->format == ES_WH_JSON || b->records[w->next + n]->kind != ES_RECORD_DELETION))
        n++;
    size_t len = 0;
    char *body = es_wh_payload(w->format, w->tpl, b->records + w->next, n, w->batch_max == 1, &len);
    if (!body) {
        finish(w, ES_SINK_RETRY, 0, "cannot build the request body (out of memory?)");
        return;
    }

    /* Content-Type, user headers, timestamp and signature, NULL. */
    const char *hdrs[w->n_headers + 4];
    size_t nh = 0;
    char ts_hdr[64], sig_hdr[128];
    if (!w->user_content_type)
        hdrs[nh++] = "Content-Type: application/json; charset=utf-8";
    for (size_t i = 0; i < w->n_headers; i++)
        hdrs[nh++] = w->headers[i];
    if (w->secret) {
        char ts[32], hex[ES_WH_SIG_HEX_LEN + 1];
        snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
        if (es_wh_sign(w->secret, strlen(w->secret), ts, body, len, hex) < 0) {
            free(body);
            finish(w, ES_SINK_RETRY, 0, "HMAC-SHA256 failed (libcrypto)");
            return;
        }
        snprintf(ts_hdr, sizeof ts_hdr, "X-Earshot-Timestamp: %s", ts);
        snprintf(sig_hdr, sizeof sig_hdr, "X-Earshot-Signature: sha256=%s", hex);
        hdrs[nh++] = ts_hdr;
        hdrs[nh++] = sig_hdr;
    }
    hdrs[nh] = NULL;
    es_http_request_t req = {
        .method = "POST",
        .url = w->url,
        .headers = hdrs,
        .body = body,
        .body_len = len,
        .timeout_ms = w->timeout_ms,
        .max_redirects = -1, /* a redirected POST would become a GET */
        .max_body = 1 << 20,
    };
    w->chunk_n = n;
    int rc = es_http_request(w->ctx, &req, on_response, w, NULL);
    free(body);
    if (rc < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "POST %s: %s", w->shown, es_strerror(rc));
        finish(w, rc == ES_EINVAL ? ES_SINK_FAIL : ES_SINK_RETRY, 0, msg);
    }
}

static int wh_write(void *state, es_batch_t *batch)
{
    es_wh_t *w = state;
    if (batch->count > w->cap_failed) {
        unsigned char *nf = realloc(w->failed, batch->count);
        if (!nf)
            return ES_ENOMEM;
        w->failed = nf;
        w->cap_failed = batch->count;
    }
    memset(w->failed, 0, batch->count);
    w->n_failed = 0;
    w->next = 0;
    w->batch = batch;
    send_next(w);
    return 0;
}

const es_plugin_t earshot_sink = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SINK,
    .name = "webhook",
    .description = "POSTs records as JSON, Slack messages or a template to an HTTP endpoint",
    .keys = webhook_keys,
    .init = wh_init,
    .start = wh_start,
    .stop = wh_stop,
    .destroy = wh_destroy,
    .write = wh_write,
};
