/*
 * nats source: a durable JetStream pull consumer. Every agent configured
 * with the same stream and consumer name shares the work: JetStream hands
 * each message to one of them. A message is acknowledged only when the
 * core says its mention is durable in every matching sink's spool (or was
 * a duplicate/invalid); a mention abandoned at shutdown is Nak'ed so
 * another agent gets it at once. Redeliveries (an agent died before its
 * ack) are dropped by the core's dedupe stage.
 *
 * Connecting and fetching block, so they run on the libuv thread pool, one
 * work item at a time; the after-work callback (loop thread) emits the
 * fetched messages. Acks are cheap publishes the client buffers, sent from
 * the loop in the core's callback.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "decode.h"

static const es_config_key_t keys[] = {
    ES_NATS_CONN_KEYS,
    {"stream", ES_KEY_STRING, NULL, 1, "JetStream stream to consume", NULL, NULL, NULL},
    {"consumer", ES_KEY_STRING, NULL, 1, "durable consumer name; agents with the same name share the work", NULL, NULL, NULL},
    {"filter_subject", ES_KEY_STRING, NULL, 0, "only messages on this subject (wildcards allowed) when creating the consumer", NULL, NULL, NULL},
    {"batch", ES_KEY_INT, "100", 0, "messages asked for per fetch", "1", "10000", NULL},
    {"max_wait", ES_KEY_DURATION, "1s", 0, "how long one fetch waits for messages", NULL, NULL, NULL},
    {"ack_wait", ES_KEY_DURATION, "30s", 0, "created consumer: redeliver a message not acknowledged within this", NULL, NULL, NULL},
    {"max_ack_pending", ES_KEY_INT, "10000", 0, "created consumer: unacknowledged messages in flight across all agents", NULL, NULL, NULL},
    {"max_deliver", ES_KEY_INT, "-1", 0, "created consumer: deliveries before JetStream gives up on a message (-1 = no limit)", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

typedef struct pending {
    struct src *s;
    natsMsg *msg;
    struct pending *prev, *next;
} pending_t;

typedef struct src {
    es_ctx_t *ctx;
    es_nats_conn_t conn;
    const char *stream, *consumer, *filter;
    int batch;
    int64_t max_wait_ms;
    natsSubscription *sub;

    uv_work_t work;
    uv_timer_t timer;
    int busy, paused, stopping, closing, timer_closed, closed;
    uint64_t backoff_ms;
    natsMsgList got;     /* the last fetch's messages */
    natsStatus fetch_st;
    char err[1024];
    pending_t head;      /* messages emitted, awaiting the core's verdict */
    uint64_t n_msgs, n_bad, n_acked, n_naked;
    int idle_polls;
} src_t;

static void schedule(src_t *s);
static void maybe_close(src_t *s);

/* ---- the consumer ---------------------------------------------------------- */

static natsStatus ensure_consumer(src_t *s)
{
    es_ctx_t *ctx = s->ctx;
    jsConsumerInfo *ci = NULL;
    jsErrCode jerr = 0;
    char eb[256];
    natsStatus st = js_GetConsumerInfo(&ci, s->conn.js, s->stream, s->consumer, NULL, &jerr);
    if (st == NATS_OK) {
        if (*s->filter && (!ci->Config || !ci->Config->FilterSubject ||
                           strcmp(ci->Config->FilterSubject, s->filter) != 0))
            es_log(ctx, ES_LOG_WARN, "consumer %s on stream %s exists with filter subject \"%s\", not \"%s\": it is used as it is",
                   s->consumer, s->stream, ci->Config && ci->Config->FilterSubject ? ci->Config->FilterSubject : "",
                   s->filter);
        jsConsumerInfo_Destroy(ci);
        return NATS_OK;
    }
    if (jerr == JSStreamNotFoundErr) {
        snprintf(s->err, sizeof s->err, "stream %s not found on %s", s->stream, s->conn.servers_text);
        return st;
    }
    if (st != NATS_NOT_FOUND && jerr != JSConsumerNotFoundErr) {
        snprintf(s->err, sizeof s->err, "consumer %s on stream %s (%s): %s", s->consumer, s->stream,
                 s->conn.servers_text, es_nats_err(st, eb, sizeof eb));
        return st;
    }
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = s->consumer;
    cc.AckPolicy = js_AckExplicit;
    cc.DeliverPolicy = js_DeliverAll;
    cc.AckWait = (int64_t)es_config_duration_ms(ctx, "ack_wait") * 1000000;
    cc.MaxAckPending = es_config_int(ctx, "max_ack_pending");
    cc.MaxDeliver = es_config_int(ctx, "max_deliver");
    if (*s->filter)
        cc.FilterSubject = s->filter;
    jerr = 0;
    st = js_AddConsumer(&ci, s->conn.js, s->stream, &cc, NULL, &jerr);
    if (st == NATS_OK) {
        es_log(ctx, ES_LOG_INFO, "created durable consumer %s on stream %s%s%s", s->consumer, s->stream,
               *s->filter ? " for " : "", s->filter);
        jsConsumerInfo_Destroy(ci);
        return NATS_OK;
    }
    /* Another agent may have created it meanwhile: look again. */
    if (js_GetConsumerInfo(&ci, s->conn.js, s->stream, s->consumer, NULL, NULL) == NATS_OK) {
        jsConsumerInfo_Destroy(ci);
        return NATS_OK;
    }
    snprintf(s->err, sizeof s->err, "cannot create consumer %s on stream %s (%s): %s (code %d)", s->consumer,
             s->stream, s->conn.servers_text, es_nats_err(st, eb, sizeof eb), (int)jerr);
    return st;
}

static natsStatus ensure_sub(src_t *s)
{
    if (s->sub && natsSubscription_IsValid(s->sub))
        return NATS_OK;
    if (s->sub) {
        natsSubscription_Destroy(s->sub);
        s->sub = NULL;
    }
    natsStatus st = es_nats_conn_ensure(&s->conn, s->err, sizeof s->err);
    if (st != NATS_OK)
        return st;
    if ((st = ensure_consumer(s)) != NATS_OK)
        return st;
    /* Bound to the consumer created above, so that closing the
     * subscription never deletes the durable consumer. */
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = s->stream;
    so.Consumer = s->consumer;
    so.ManualAck = true;
    jsErrCode jerr = 0;
    st = js_PullSubscribe(&s->sub, s->conn.js, *s->filter ? s->filter : NULL, s->consumer, NULL, &so, &jerr);
    if (st != NATS_OK) {
        char eb[256];
        snprintf(s->err, sizeof s->err, "cannot subscribe to consumer %s on stream %s (%s): %s", s->consumer,
                 s->stream, s->conn.servers_text, es_nats_err(st, eb, sizeof eb));
        s->sub = NULL;
    }
    return st;
}

/* ---- fetching, on the thread pool --------------------------------------------- */

static void fetch_work(uv_work_t *w)
{
    src_t *s = w->data;
    s->err[0] = '\0';
    memset(&s->got, 0, sizeof s->got);
    s->fetch_st = ensure_sub(s);
    if (s->fetch_st != NATS_OK)
        return;
    jsErrCode jerr = 0;
    s->fetch_st = natsSubscription_Fetch(&s->got, s->sub, s->batch, s->max_wait_ms, &jerr);
    if (s->fetch_st == NATS_TIMEOUT) {
        s->fetch_st = NATS_OK; /* nothing new */
    } else if (s->fetch_st != NATS_OK) {
        char eb[256];
        snprintf(s->err, sizeof s->err, "fetch from consumer %s on stream %s (%s): %s", s->consumer, s->stream,
                 s->conn.servers_text, es_nats_err(s->fetch_st, eb, sizeof eb));
    }
}

/* ---- emitting, on the loop --------------------------------------------------- */

static void unlink_pending(pending_t *p)
{
    p->prev->next = p->next;
    p->next->prev = p->prev;
}

static void on_accepted(es_ctx_t *ctx, void *arg, int accepted)
{
    (void)ctx;
    pending_t *p = arg;
    src_t *s = p->s;
    unlink_pending(p);
    if (accepted) {
        natsMsg_Ack(p->msg, NULL);
        s->n_acked++;
    } else {
        natsMsg_Nak(p->msg, NULL);
        s->n_naked++;
    }
    natsMsg_Destroy(p->msg);
    free(p);
}

static void handle_msg(src_t *s, natsMsg *msg)
{
    s->n_msgs++;
    es_nats_decoded_t d;
    const char *why = NULL;
    const char *subj = natsMsg_GetSubject(msg);
    es_nats_dec_t r = es_nats_decode(natsMsg_GetData(msg), (size_t)natsMsg_GetDataLength(msg), &d, &why);
    if (r == ES_NATS_DEC_OTHER) {
        /* Alerts and account findings are made by each agent's own
         * stages; carried ones are not re-emitted. */
        es_log(s->ctx, ES_LOG_DEBUG, "subject %s: not a mention; acknowledged and skipped", subj);
        natsMsg_Ack(msg, NULL);
        natsMsg_Destroy(msg);
        return;
    }
    if (r == ES_NATS_DEC_BAD) {
        uint64_t seq = 0;
        jsMsgMetaData *meta = NULL;
        if (natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
            seq = meta->Sequence.Stream;
            jsMsgMetaData_Destroy(meta);
        }
        s->n_bad++;
        /* Terminated, not acked as if delivered: it stays in the stream
         * for inspection and is never redelivered. A publisher gone wrong
         * sends them by the thousand: ten lines, then a count a minute. */
        es_log_limited(s->ctx, ES_LOG_WARN, "bad_message", s->stream,
                       "stream %s seq %" PRIu64 " subject %s: %s; message terminated", s->stream, seq, subj, why);
        natsMsg_Term(msg, NULL);
        natsMsg_Destroy(msg);
        return;
    }
    pending_t *p = malloc(sizeof *p);
    if (!p) {
        natsMsg_Nak(msg, NULL);
        natsMsg_Destroy(msg);
        es_nats_decoded_free(&d);
        return;
    }
    p->s = s;
    p->msg = msg;
    p->next = &s->head;
    p->prev = s->head.prev;
    s->head.prev->next = p;
    s->head.prev = p;
    int rc = r == ES_NATS_DEC_DELETION
                 ? es_emit_deletion(s->ctx, d.del_network, d.del_id, d.del_action, d.del_at, on_accepted, p)
                 : es_emit_acked(s->ctx, &d.m, on_accepted, p);
    es_nats_decoded_free(&d);
    if (rc < 0) {
        unlink_pending(p);
        free(p);
        s->n_bad++;
        es_log(s->ctx, ES_LOG_WARN, "subject %s: mention refused (%s); message terminated", subj, es_strerror(rc));
        natsMsg_Term(msg, NULL);
        natsMsg_Destroy(msg);
    }
}

static void on_timer(uv_timer_t *t)
{
    src_t *s = t->data;
    schedule(s);
}

static void fetch_done(uv_work_t *w, int status)
{
    src_t *s = w->data;
    s->busy = 0;
    int n = status == 0 ? s->got.Count : 0;
    if (s->stopping) {
        /* Fetched but never emitted: give them back at once. */
        for (int i = 0; i < n; i++)
            if (s->got.Msgs[i])
                natsMsg_Nak(s->got.Msgs[i], NULL);
        natsMsgList_Destroy(&s->got);
        maybe_close(s);
        return;
    }
    if (s->err[0]) {
        if (s->backoff_ms == 0)
            s->backoff_ms = 500;
        else if ((s->backoff_ms *= 2) > 30000)
            s->backoff_ms = 30000;
        natsMsgList_Destroy(&s->got);
        if (es_ctx_once(s->ctx)) {
            /* One pass: a consumer that cannot be read ends it. */
            es_log(s->ctx, ES_LOG_ERROR, "%s", s->err);
            es_source_done(s->ctx);
            return;
        }
        es_log(s->ctx, ES_LOG_ERROR, "%s; again in %" PRIu64 " ms", s->err, s->backoff_ms);
        uv_timer_start(&s->timer, on_timer, s->backoff_ms, 0);
        return;
    }
    if (s->backoff_ms)
        es_log(s->ctx, ES_LOG_INFO, "fetching from consumer %s on stream %s again", s->consumer, s->stream);
    s->backoff_ms = 0;
    for (int i = 0; i < n; i++) {
        natsMsg *m = s->got.Msgs[i];
        s->got.Msgs[i] = NULL; /* ours now */
        if (m)
            handle_msg(s, m);
    }
    natsMsgList_Destroy(&s->got);
    if (es_ctx_once(s->ctx)) {
        /* Once: read until a fetch comes back empty. */
        if (n == 0) {
            es_source_done(s->ctx);
            return;
        }
    }
    schedule(s);
}

static void schedule(src_t *s)
{
    if (s->busy || s->stopping)
        return;
    if (es_backpressure(s->ctx)) {
        s->paused = 1; /* resume() continues */
        return;
    }
    s->busy = 1;
    s->work.data = s;
    if (uv_queue_work(es_ctx_loop(s->ctx), &s->work, fetch_work, fetch_done) < 0) {
        s->busy = 0;
        uv_timer_start(&s->timer, on_timer, 1000, 0);
    }
}

/* ---- lifecycle ------------------------------------------------------------------ */

static int src_init(es_ctx_t *ctx, void **state)
{
    int64_t batch = es_config_int(ctx, "batch"); /* 1..10000: the key table */
    src_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->ctx = ctx;
    s->stream = es_config_str(ctx, "stream");
    s->consumer = es_config_str(ctx, "consumer");
    s->filter = es_config_str(ctx, "filter_subject");
    s->batch = (int)batch;
    s->max_wait_ms = (int64_t)es_config_duration_ms(ctx, "max_wait");
    if (s->max_wait_ms <= 0)
        s->max_wait_ms = 1000;
    s->head.next = s->head.prev = &s->head;
    int rc = es_nats_conn_init(&s->conn, ctx, NULL);
    if (rc < 0) {
        es_nats_conn_free(&s->conn);
        free(s);
        return rc;
    }
    *state = s;
    return 0;
}

static int src_start(void *state)
{
    src_t *s = state;
    uv_timer_init(es_ctx_loop(s->ctx), &s->timer);
    s->timer.data = s;
    es_log(s->ctx, ES_LOG_INFO, "consuming stream %s as %s from %s", s->stream, s->consumer, s->conn.servers_text);
    schedule(s);
    return 0;
}

static void src_resume(void *state)
{
    src_t *s = state;
    if (!s->paused || s->stopping)
        return;
    s->paused = 0;
    schedule(s);
}

static void close_work(uv_work_t *w)
{
    src_t *s = w->data;
    if (s->sub) {
        /* Destroy, not Unsubscribe: the durable consumer stays. */
        natsSubscription_Destroy(s->sub);
        s->sub = NULL;
    }
    es_nats_conn_close(&s->conn);
}

static void close_done(uv_work_t *w, int status)
{
    (void)status;
    src_t *s = w->data;
    s->closed = 1;
    maybe_close(s);
}

static void on_timer_closed(uv_handle_t *h)
{
    src_t *s = h->data;
    s->timer_closed = 1;
    maybe_close(s);
}

/* Order: the fetch in flight finishes, then the messages still waiting for
 * the core are given back (Nak), then the connection closes (off the loop:
 * it flushes those Naks), then es_stopped. */
static void maybe_close(src_t *s)
{
    if (!s->stopping || s->busy || !s->timer_closed)
        return;
    if (s->closed) {
        es_log(s->ctx, ES_LOG_INFO, "stopped: %" PRIu64 " messages, %" PRIu64 " acknowledged, %" PRIu64
               " given back, %" PRIu64 " refused", s->n_msgs, s->n_acked, s->n_naked, s->n_bad);
        es_stopped(s->ctx);
        return;
    }
    if (s->closing)
        return;
    s->closing = 1;
    while (s->head.next != &s->head) {
        pending_t *p = s->head.next;
        unlink_pending(p);
        natsMsg_Nak(p->msg, NULL);
        natsMsg_Destroy(p->msg);
        free(p);
        s->n_naked++;
    }
    s->work.data = s;
    if (uv_queue_work(es_ctx_loop(s->ctx), &s->work, close_work, close_done) < 0) {
        close_work(&s->work);
        close_done(&s->work, 0);
    }
}

static void src_stop(void *state)
{
    src_t *s = state;
    s->stopping = 1;
    uv_timer_stop(&s->timer);
    uv_close((uv_handle_t *)&s->timer, on_timer_closed);
}

static void src_destroy(void *state)
{
    src_t *s = state;
    es_nats_conn_free(&s->conn);
    free(s);
}

const es_plugin_t earshot_source = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SOURCE,
    .name = "nats",
    .description = "consumes mentions from a durable NATS JetStream pull consumer, shared by every agent using it",
    .keys = keys,
    .init = src_init,
    .start = src_start,
    .resume = src_resume,
    .stop = src_stop,
    .destroy = src_destroy,
};
