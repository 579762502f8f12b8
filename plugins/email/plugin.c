/*
 * email sink: sends records by SMTP through libcurl, one mail per record
 * (mode = each) or one digest per digest_interval (mode = digest).
 *
 * Messages are composed on the loop thread (records may only be read
 * there); the blocking SMTP conversation runs on the libuv thread pool and
 * the batch is completed from the after-work callback, back on the loop.
 *
 * Digests keep no records of their own: a batch that arrives before the
 * digest is due is handed back with RETRY and a retry hint of the time
 * left, so the records wait in the core's durable queue and the next
 * attempt carries everything queued by then (up to batch.max). A digest
 * thus costs one retry attempt, and FAIL still reaches the dead letters.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "compose.h"
#include "mime.h"
#include <earshot/plugin.h>
#include "smtp.h"

static const es_config_key_t email_keys[] = {
    {"url", ES_KEY_STRING, NULL, 1, "smtp://host[:port] (STARTTLS) or smtps://host[:port] (TLS)", NULL, NULL, NULL},
    {"from", ES_KEY_STRING, NULL, 1, "sender, 'Name <address>' or 'address'", NULL, NULL, NULL},
    {"to", ES_KEY_LIST, NULL, 1, "recipients, comma-separated", NULL, NULL, NULL},
    {"username", ES_KEY_STRING, NULL, 0, "SMTP AUTH user (needs password)", NULL, NULL, NULL},
    {"password", ES_KEY_SECRET, NULL, 0, "SMTP AUTH password: use ${ENV} or ${file:PATH}", NULL, NULL, NULL},
    {"starttls", ES_KEY_BOOL, "true", 0, "smtp://: require STARTTLS; false sends in clear (local relays only)", NULL, NULL, NULL},
    {"mode", ES_KEY_STRING, "each", 0, "each (one mail per record) or digest (one mail per digest_interval)", NULL, NULL, "each|digest"},
    {"digest_interval", ES_KEY_DURATION, "1h", 0, "time between digests", "1s", NULL, NULL},
    {"digest_max", ES_KEY_INT, "100", 0, "records listed in one digest; the rest counted as 'and N more'", "1", NULL, NULL},
    {"subject_prefix", ES_KEY_STRING, "[earshot]", 0, "start of every subject", NULL, NULL, NULL},
    {"timeout", ES_KEY_DURATION, "30s", 0, "limit for one SMTP conversation", "100ms", NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

typedef struct es_email es_email_t;

/* One trip to the thread pool: the messages of one batch. */
typedef struct es_em_job {
    uv_work_t work;
    es_email_t *em;
    es_batch_t *batch;
    size_t n;
    char **msg;
    size_t *len;
    size_t *index;       /* record per message; SIZE_MAX: the whole batch */
    es_smtp_result_t *res;
    size_t n_tried;      /* messages attempted (stops at a transient error) */
} es_em_job_t;

struct es_email {
    es_ctx_t *ctx;
    const char *url, *prefix;
    char *shown;           /* url without user:password, for logs */
    es_mail_addr_t from;
    es_mail_addr_t *to;
    size_t n_to;
    const char **rcpt;
    const char *username, *password;
    int require_tls, tls_verify, digest, once;
    uint64_t interval_ms, timeout_ms;
    size_t digest_max;
    uint64_t next_due_ms;  /* digest: uv_now() when the next one may go */
    time_t period_start;
    void *curl;            /* kept between jobs: the connection is reused */
    es_em_job_t *job;      /* in flight */
};

/* ---- config ------------------------------------------------------------ */

/* The URL without "user:password@" (libcurl accepts credentials there). */
static char *url_shown(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return strdup(url);
    p += 3;
    const char *end = p + strcspn(p, "/?#"), *host = p;
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            host = q + 1;
    size_t n = strlen(url) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s%s", (int)(p - url), url, host);
    return out;
}

static void email_free(es_email_t *em)
{
    if (!em)
        return;
    free(em->shown);
    es_mail_addr_free(&em->from);
    for (size_t i = 0; i < em->n_to; i++)
        es_mail_addr_free(&em->to[i]);
    free(em->to);
    free(em->rcpt);
    es_smtp_close(&em->curl);
    free(em);
}

static int email_init(es_ctx_t *ctx, void **state)
{
    es_email_t *em = calloc(1, sizeof *em);
    if (!em)
        return ES_ENOMEM;
    em->ctx = ctx;
    em->url = es_config_str(ctx, "url");
    em->prefix = es_config_str(ctx, "subject_prefix");
    em->username = es_config_str(ctx, "username");
    em->password = es_config_str(ctx, "password");
    em->require_tls = es_config_bool(ctx, "starttls");
    em->tls_verify = es_config_bool(ctx, "tls_verify");
    em->interval_ms = es_config_duration_ms(ctx, "digest_interval");
    em->timeout_ms = es_config_duration_ms(ctx, "timeout");
    em->once = es_ctx_once(ctx);
    int64_t dmax = es_config_int(ctx, "digest_max");
    const char *mode = es_config_str(ctx, "mode");
    char err[300];
    int rc = ES_ECONFIG;

    if (!(em->shown = url_shown(em->url))) {
        rc = ES_ENOMEM;
        goto fail;
    }
    int smtps = !strncasecmp(em->url, "smtps://", 8);
    if (!smtps && strncasecmp(em->url, "smtp://", 7)) {
        es_log(ctx, ES_LOG_ERROR, "url: %s is not an smtp:// or smtps:// URL", em->shown);
        goto fail;
    }
    if (strpbrk(em->url, " \t\r\n")) {
        es_log(ctx, ES_LOG_ERROR, "url: contains white space or a line break");
        goto fail;
    }
    if (!smtps && !em->require_tls)
        es_log(ctx, ES_LOG_WARN, "starttls = false: mail%s sent to %s in clear text",
               em->username && *em->username ? " and the password are" : " is", em->shown);
    if (smtps)
        em->require_tls = 1;
    if (es_mail_addr_parse(es_config_str(ctx, "from"), &em->from, err, sizeof err)) {
        es_log(ctx, ES_LOG_ERROR, "from: %s", err);
        goto fail;
    }
    const char *const *to;
    size_t n = es_config_list(ctx, "to", &to);
    em->to = calloc(n ? n : 1, sizeof *em->to);
    em->rcpt = calloc(n ? n : 1, sizeof *em->rcpt);
    if (!em->to || !em->rcpt) {
        rc = ES_ENOMEM;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        if (es_mail_addr_parse(to[i], &em->to[em->n_to], err, sizeof err)) {
            es_log(ctx, ES_LOG_ERROR, "to: %s", err);
            goto fail;
        }
        em->rcpt[em->n_to] = em->to[em->n_to].addr;
        em->n_to++;
    }
    if (em->n_to == 0) {
        es_log(ctx, ES_LOG_ERROR, "to: at least one recipient is required");
        goto fail;
    }
    if ((em->username && *em->username) != (em->password && *em->password)) {
        es_log(ctx, ES_LOG_ERROR, "username and password go together");
        goto fail;
    }
    if (!strcasecmp(mode, "each")) { /* choices in the key table */
        em->digest = 0;
    } else if (!strcasecmp(mode, "digest")) {
        em->digest = 1;
    } else {
        es_log(ctx, ES_LOG_ERROR, "mode: '%s' is not each or digest", mode);
        goto fail;
    }
    /* digest_interval, digest_max and timeout: bounds in the key table. */
    em->digest_max = (size_t)dmax;
    *state = em;
    return 0;
fail:
    email_free(em);
    return rc;
}

static int email_start(void *state)
{
    es_email_t *em = state;
    em->next_due_ms = uv_now(es_ctx_loop(em->ctx)) + em->interval_ms;
    em->period_start = time(NULL);
    es_log(em->ctx, ES_LOG_DEBUG, "mailing %zu recipient%s through %s, mode %s", em->n_to,
           em->n_to == 1 ? "" : "s", em->shown, em->digest ? "digest" : "each");
    return 0;
}

static void email_stop(void *state)
{
    es_email_t *em = state;
    /* The core stops a sink only after its last batch completed, so no
     * job is on the thread pool now. */
    es_smtp_close(&em->curl);
    es_stopped(em->ctx);
}

static void email_destroy(void *state)
{
    email_free(state);
}

/* ---- jobs -------------------------------------------------------------- */

static void job_free(es_em_job_t *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++)
        free(j->msg[i]);
    free(j->msg);
    free(j->len);
    free(j->index);
    free(j->res);
    free(j);
}

static es_em_job_t *job_new(es_email_t *em, es_batch_t *b, size_t cap)
{
    es_em_job_t *j = calloc(1, sizeof *j);
    if (!j)
        return NULL;
    j->em = em;
    j->batch = b;
    j->msg = calloc(cap ? cap : 1, sizeof *j->msg);
    j->len = calloc(cap ? cap : 1, sizeof *j->len);
    j->index = calloc(cap ? cap : 1, sizeof *j->index);
    j->res = calloc(cap ? cap : 1, sizeof *j->res);
    if (!j->msg || !j->len || !j->index || !j->res) {
        job_free(j);
        return NULL;
    }
    return j;
}

static json_t *record_object(const es_record_t *rec)
{
    size_t len;
    const char *s = es_record_json(rec, &len);
    return s ? json_loadb(s, len, 0, NULL) : NULL;
}

/* Builds the MIME message for one composed text into the job. */
static int add_message(es_email_t *em, es_em_job_t *j, const es_mail_text_t *t, size_t index)
{
    uint64_t rnd[2];
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
        rnd[0] = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)j;
        rnd[1] = (uint64_t)uv_hrtime();
    }
    es_mail_parts_t p = {
        .from = &em->from, .to = em->to, .n_to = em->n_to, .subject = t->subject,
        .text = t->text, .html = t->html, .sink_name = es_ctx_name(em->ctx),
        .date = time(NULL), .rand = {rnd[0], rnd[1]},
    };
    es_mail_buf_t b = {0};
    if (es_mail_build(&b, &p) < 0) {
        free(b.s);
        return ES_ENOMEM;
    }
    j->msg[j->n] = b.s;
    j->len[j->n] = b.len;
    j->index[j->n] = index;
    j->n++;
    return 0;
}

static void on_work(uv_work_t *w)
{
    es_em_job_t *j = w->data;
    es_email_t *em = j->em;
    es_smtp_cfg_t cfg = {
        .url = em->url, .from = em->from.addr, .rcpt = em->rcpt, .n_rcpt = em->n_to,
        .username = em->username, .password = em->password, .require_tls = em->require_tls,
        .tls_verify = em->tls_verify, .timeout_ms = (long)em->timeout_ms,
    };
    for (size_t i = 0; i < j->n; i++) {
        es_smtp_send(&em->curl, &cfg, j->msg[i], j->len[i], &j->res[i]);
        j->n_tried = i + 1;
        /* A transient failure (server down, 4xx) would hit the rest too. */
        if (j->res[i].outcome == ES_SMTP_TRANSIENT)
            break;
    }
}

static void on_after_work(uv_work_t *w, int status)
{
    es_em_job_t *j = w->data;
    es_email_t *em = j->em;
    es_batch_t *b = j->batch;
    em->job = NULL;
    if (status == UV_ECANCELED) {
        job_free(j);
        es_batch_done(em->ctx, b, ES_SINK_RETRY, 0, "cancelled");
        return;
    }
    const char *retry_why = NULL, *fail_why = NULL;
    size_t n_sent = 0, n_failed = 0;
    for (size_t i = 0; i < j->n_tried; i++) {
        const es_smtp_result_t *r = &j->res[i];
        if (r->outcome == ES_SMTP_SENT) {
            n_sent++;
            if (j->index[i] != SIZE_MAX) /* a RETRY of the rest does not mail it again */
                es_batch_delivered(em->ctx, b, j->index[i]);
        } else if (r->outcome == ES_SMTP_PERMANENT) {
            n_failed++;
            fail_why = r->error;
            es_log(em->ctx, ES_LOG_ERROR, "%s: %s", em->shown, r->error);
            if (j->index[i] != SIZE_MAX)
                es_batch_fail_record(em->ctx, b, j->index[i], r->error);
        } else {
            retry_why = r->error;
        }
    }
    char why[400];
    es_sink_status_t st = ES_SINK_OK;
    if (retry_why) {
        snprintf(why, sizeof why, "%s: %s", em->shown, retry_why);
        st = ES_SINK_RETRY;
    } else if (fail_why && j->n == 1 && j->index[0] == SIZE_MAX) {
        snprintf(why, sizeof why, "%s: %s", em->shown, fail_why); /* the digest */
        st = ES_SINK_FAIL;
    }
    es_log(em->ctx, ES_LOG_DEBUG, "%zu mail%s sent, %zu refused%s", n_sent, n_sent == 1 ? "" : "s",
           n_failed, retry_why ? ", rest to retry" : "");
    if (em->digest && st == ES_SINK_OK) {
        em->next_due_ms = uv_now(es_ctx_loop(em->ctx)) + em->interval_ms;
        em->period_start = time(NULL);
    }
    job_free(j);
    es_batch_done(em->ctx, b, st, 0, st == ES_SINK_OK ? NULL : why);
}

static int compose_each(es_email_t *em, es_em_job_t *j, es_batch_t *b)
{
    for (size_t i = 0; i < b->count; i++) {
        if (b->records[i]->kind == ES_RECORD_DELETION) {
            es_batch_delivered(em->ctx, b, i); /* a mail cannot be recalled */
            continue;
        }
        json_t *o = record_object(b->records[i]);
        es_mail_text_t t;
        int rc = o ? es_mail_compose_one(o, em->prefix, &t) : ES_ENOMEM;
        json_decref(o);
        if (rc)
            return ES_ENOMEM;
        rc = add_message(em, j, &t, i);
        es_mail_text_free(&t);
        if (rc)
            return rc;
    }
    return 0;
}

static int compose_digest(es_email_t *em, es_em_job_t *j, es_batch_t *b)
{
    json_t **objs = calloc(b->count ? b->count : 1, sizeof *objs);
    if (!objs)
        return ES_ENOMEM;
    int rc = 0;
    size_t n = 0;
    for (size_t i = 0; i < b->count && !rc; i++) {
        if (b->records[i]->kind == ES_RECORD_DELETION)
            es_batch_delivered(em->ctx, b, i); /* a mail cannot be recalled */
        else if (!(objs[n++] = record_object(b->records[i])))
            rc = ES_ENOMEM;
    }
    es_mail_text_t t = {0};
    if (!rc && n && es_mail_compose_digest(objs, n, em->digest_max, em->prefix,
                                      es_ctx_name(em->ctx), em->period_start, time(NULL), &t))
        rc = ES_ENOMEM;
    if (!rc && n)
        rc = add_message(em, j, &t, SIZE_MAX);
    es_mail_text_free(&t);
    for (size_t i = 0; i < n; i++)
        json_decref(objs[i]);
    free(objs);
    return rc;
}

static int email_write(void *state, es_batch_t *batch)
{
    es_email_t *em = state;
    uv_loop_t *loop = es_ctx_loop(em->ctx);
    if (em->digest && !em->once) {
        /* Held, not retried: the core counts no attempt and logs no
         * warning for a digest that is not due yet. */
        uint64_t now = uv_now(loop);
        if (now < em->next_due_ms) {
            char why[128];
            snprintf(why, sizeof why, "held for the next digest, due in %" PRIu64 " s",
                     (em->next_due_ms - now + 999) / 1000);
            es_batch_done(em->ctx, batch, ES_SINK_DEFER, em->next_due_ms - now, why);
            return 0;
        }
    }
    es_em_job_t *j = job_new(em, batch, em->digest ? 1 : batch->count);
    if (!j)
        return ES_ENOMEM;
    int rc = em->digest ? compose_digest(em, j, batch) : compose_each(em, j, batch);
    if (rc) {
        job_free(j);
        return rc;
    }
    if (j->n == 0) {
        job_free(j);
        es_batch_done(em->ctx, batch, ES_SINK_OK, 0, NULL);
        return 0;
    }
    j->work.data = j;
    em->job = j;
    rc = uv_queue_work(loop, &j->work, on_work, on_after_work);
    if (rc < 0) {
        em->job = NULL;
        job_free(j);
        return ES_EAGAIN;
    }
    return 0;
}

const es_plugin_t earshot_sink = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SINK,
    .name = "email",
    .description = "sends records by SMTP (libcurl), one mail each or as digests",
    .keys = email_keys,
    .init = email_init,
    .start = email_start,
    .stop = email_stop,
    .destroy = email_destroy,
    .write = email_write,
};
