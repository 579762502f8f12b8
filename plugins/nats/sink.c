/*
 * nats sink: publishes every record (its JSON, es_record_json) to
 * JetStream on a subject rendered from a template, with the Nats-Msg-Id
 * header set so JetStream drops a re-published record inside the stream's
 * duplicate window. A batch is OK only once JetStream acknowledged every
 * message of it.
 *
 * All NATS calls run on the libuv thread pool (one work item per batch:
 * connect if needed, publish asynchronously, wait for the acks); the
 * client's own threads only count acks under the instance's mutex. The
 * loop thread renders subjects and ids, then completes the batch in the
 * after-work callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "subject.h"

static const es_config_key_t keys[] = {
    ES_NATS_CONN_KEYS,
    {"subject", ES_KEY_STRING, "earshot.mentions.{brand}.{network}", 0,
     "subject template; {brand} {network} {kind} {lang} {author_kind} {owner} {source} {label}", NULL, NULL, NULL},
    {"stream", ES_KEY_STRING, "EARSHOT", 0, "stream created when create_stream = true", NULL, NULL, NULL},
    {"create_stream", ES_KEY_BOOL, "false", 0, "create the stream when it does not exist", NULL, NULL, NULL},
    {"stream_subjects", ES_KEY_LIST, "earshot.>", 0, "subjects of the created stream", NULL, NULL, NULL},
    {"replicas", ES_KEY_INT, "1", 0, "replicas of the created stream (3 in a 3-node cluster)", "1", "5", NULL},
    {"max_age", ES_KEY_DURATION, "7d", 0, "age limit of the created stream's messages (0 = none)", NULL, NULL, NULL},
    {"duplicate_window", ES_KEY_DURATION, "2m", 0, "created stream's window for Nats-Msg-Id duplicate suppression", NULL, NULL, NULL},
    {"ack_timeout", ES_KEY_DURATION, "10s", 0, "wait for the acknowledgements of one batch; then RETRY", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

enum { ST_PENDING = 0, ST_ACKED, ST_NO_STREAM, ST_ERROR, ST_TOO_BIG };

typedef struct item {
    char *subject;
    const char *json;
    size_t len;
    char id[192];
    natsMsg *msg; /* only compared after publishing: the client owns it */
    int state;
} item_t;

typedef struct slot {
    natsMsg *msg;
    size_t idx;
} slot_t;

typedef struct sink {
    es_ctx_t *ctx;
    es_nats_conn_t conn;
    const char *tmpl, *stream;
    int create_stream, stream_ready;
    uint64_t ack_timeout_ms;

    /* the batch in flight */
    uv_work_t work;
    es_batch_t *batch;
    item_t *items;
    size_t n, cap;
    slot_t *slots; /* sorted by msg pointer, for the ack handler */
    size_t n_slots;
    char err[1024];     /* connection/setup failure of this round */
    char ack_err[256]; /* first error an ack carried */
    size_t unacked, n_error, n_nostream, n_toobig;

    uv_mutex_t mu;
    uv_cond_t cond;
    int collecting;
    size_t outstanding;
} sink_t;

/* ---- acks, on the client's thread ---------------------------------------- */

static int slot_cmp(const void *a, const void *b)
{
    const slot_t *x = a, *y = b;
    return (x->msg > y->msg) - (x->msg < y->msg);
}

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
    (void)js;
    sink_t *s = closure;
    uv_mutex_lock(&s->mu);
    slot_t key = {msg, 0};
    /* A late ack of a batch already given up on finds no slot: every
     * message of the current batch is alive, so no address is shared. */
    slot_t *hit = s->collecting ? bsearch(&key, s->slots, s->n_slots, sizeof *s->slots, slot_cmp) : NULL;
    if (hit && s->items[hit->idx].state == ST_PENDING) {
        item_t *it = &s->items[hit->idx];
        if (pa) {
            it->state = ST_ACKED;
        } else {
            natsStatus st = pae ? pae->Err : NATS_ERR;
            it->state = st == NATS_NO_RESPONDERS ? ST_NO_STREAM : ST_ERROR;
            if (it->state == ST_ERROR && !s->ack_err[0])
                snprintf(s->ack_err, sizeof s->ack_err, "subject %s: %s%s%s", it->subject,
                         natsStatus_GetText(st), pae && pae->ErrText ? ": " : "",
                         pae && pae->ErrText ? pae->ErrText : "");
        }
        if (--s->outstanding == 0)
            uv_cond_signal(&s->cond);
    }
    uv_mutex_unlock(&s->mu);
    natsMsg_Destroy(msg);
}

/* ---- the stream ------------------------------------------------------------ */

static natsStatus ensure_stream(sink_t *s)
{
    if (!s->create_stream || s->stream_ready)
        return NATS_OK;
    es_ctx_t *ctx = s->ctx;
    jsStreamInfo *si = NULL;
    jsErrCode jerr = 0;
    natsStatus st = js_GetStreamInfo(&si, s->conn.js, s->stream, NULL, &jerr);
    if (st == NATS_OK) {
        jsStreamInfo_Destroy(si);
        s->stream_ready = 1;
        return NATS_OK;
    }
    if (st != NATS_NOT_FOUND && jerr != JSStreamNotFoundErr) {
        char eb[256];
        snprintf(s->err, sizeof s->err, "stream %s on %s: %s", s->stream, s->conn.servers_text,
                 es_nats_err(st, eb, sizeof eb));
        return st;
    }
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    const char *const *subjects;
    size_t ns = es_config_list(ctx, "stream_subjects", &subjects);
    cfg.Name = s->stream;
    cfg.Subjects = (const char **)subjects;
    cfg.SubjectsLen = (int)ns;
    cfg.Storage = js_FileStorage;
    cfg.Replicas = es_config_int(ctx, "replicas");
    cfg.MaxAge = (int64_t)es_config_duration_ms(ctx, "max_age") * 1000000;
    cfg.Duplicates = (int64_t)es_config_duration_ms(ctx, "duplicate_window") * 1000000;
    jerr = 0;
    st = js_AddStream(&si, s->conn.js, &cfg, NULL, &jerr);
    if (st == NATS_OK || jerr == 10058 /* stream name already in use: another agent won */) {
        if (st == NATS_OK)
            es_log(ctx, ES_LOG_INFO, "created stream %s (subjects %s..., %d replica(s))", s->stream,
                   ns ? subjects[0] : "", (int)cfg.Replicas);
        jsStreamInfo_Destroy(si);
        s->stream_ready = 1;
        return NATS_OK;
    }
    char eb[256];
    snprintf(s->err, sizeof s->err, "cannot create stream %s on %s: %s (code %d)", s->stream,
             s->conn.servers_text, es_nats_err(st, eb, sizeof eb), (int)jerr);
    return st;
}

/* A "no responders" answer means no stream takes the subject, or that no
 * stream leader answered just then (a cluster electing one). Ask the
 * JetStream API which streams take the subject: only "none" is permanent. */
static int stream_missing(sink_t *s, const char *subject)
{
    json_t *req = json_pack("{s:s}", "subject", subject);
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    if (!body)
        return 0;
    natsMsg *reply = NULL;
    natsStatus st = natsConnection_RequestString(&reply, s->conn.nc, "$JS.API.STREAM.NAMES", body, 5000);
    free(body);
    int missing = 0;
    if (st == NATS_OK) {
        json_t *o = json_loadb(natsMsg_GetData(reply), (size_t)natsMsg_GetDataLength(reply), 0, NULL);
        json_t *names = json_object_get(o, "streams");
        missing = o && !json_object_get(o, "error") && (!names || json_array_size(names) == 0);
        json_decref(o);
    }
    natsMsg_Destroy(reply);
    return missing;
}

/* ---- one batch, on the thread pool --------------------------------------------- */

static void publish_work(uv_work_t *w)
{
    sink_t *s = w->data;
    s->err[0] = s->ack_err[0] = '\0';
    s->unacked = s->n_error = s->n_nostream = s->n_toobig = 0;
    if (es_nats_conn_ensure(&s->conn, s->err, sizeof s->err) != NATS_OK)
        return;
    if (ensure_stream(s) != NATS_OK)
        return;

    /* Every message exists before the first is published, so their
     * addresses are distinct for the whole wait. */
    size_t made = 0;
    for (size_t i = 0; i < s->n; i++) {
        item_t *it = &s->items[i];
        it->msg = NULL;
        if (it->state != ST_PENDING)
            continue;
        natsStatus st = natsMsg_Create(&it->msg, it->subject, NULL, it->json, (int)it->len);
        if (st == NATS_OK)
            st = natsMsgHeader_Set(it->msg, "Nats-Msg-Id", it->id);
        if (st != NATS_OK) {
            natsMsg_Destroy(it->msg);
            it->msg = NULL;
            snprintf(s->err, sizeof s->err, "cannot build message for %s: %s", it->subject,
                     natsStatus_GetText(st));
            for (size_t j = 0; j < i; j++) {
                natsMsg_Destroy(s->items[j].msg);
                s->items[j].msg = NULL;
            }
            return;
        }
        s->slots[made].msg = it->msg;
        s->slots[made].idx = i;
        made++;
    }
    qsort(s->slots, made, sizeof *s->slots, slot_cmp);
    uv_mutex_lock(&s->mu);
    s->n_slots = made;
    s->outstanding = made;
    s->collecting = 1;
    uv_mutex_unlock(&s->mu);

    int64_t max_payload = natsConnection_GetMaxPayload(s->conn.nc);
    for (size_t i = 0; i < s->n; i++) {
        item_t *it = &s->items[i];
        if (!it->msg)
            continue;
        natsStatus st = NATS_OK;
        if (max_payload > 0 && (int64_t)it->len > max_payload - 256)
            st = NATS_MAX_PAYLOAD;
        else
            st = js_PublishMsgAsync(s->conn.js, &it->msg, NULL);
        if (st != NATS_OK) {
            /* Not taken by the client: we still own (and free) it. */
            natsMsg_Destroy(it->msg);
            uv_mutex_lock(&s->mu);
            it->state = st == NATS_MAX_PAYLOAD ? ST_TOO_BIG : ST_ERROR;
            if (st != NATS_MAX_PAYLOAD && !s->ack_err[0]) {
                char eb[200];
                snprintf(s->ack_err, sizeof s->ack_err, "publish to %s: %s", it->subject,
                         es_nats_err(st, eb, sizeof eb));
            }
            s->outstanding--;
            uv_mutex_unlock(&s->mu);
        }
    }

    uint64_t deadline = uv_hrtime() + s->ack_timeout_ms * 1000000ull;
    uv_mutex_lock(&s->mu);
    while (s->outstanding > 0) {
        uint64_t now = uv_hrtime();
        if (now >= deadline)
            break;
        uv_cond_timedwait(&s->cond, &s->mu, deadline - now);
    }
    s->collecting = 0;
    uv_mutex_unlock(&s->mu);
    /* Take back what was never acknowledged: the client then ignores
     * their late acks, and the retry publishes them again (same ids). */
    natsMsgList pending = {0};
    if (js_PublishAsyncGetPendingList(&pending, s->conn.js) == NATS_OK)
        natsMsgList_Destroy(&pending);

    for (size_t i = 0; i < s->n; i++) {
        item_t *it = &s->items[i];
        it->msg = NULL;
        if (it->state == ST_NO_STREAM && !stream_missing(s, it->subject)) {
            it->state = ST_ERROR;
            if (!s->ack_err[0])
                snprintf(s->ack_err, sizeof s->ack_err, "subject %s: no JetStream answer (stream leader unavailable?)", it->subject);
        }
        switch (it->state) {
        case ST_PENDING: s->unacked++; break;
        case ST_ERROR: s->n_error++; break;
        case ST_NO_STREAM: s->n_nostream++; break;
        case ST_TOO_BIG: s->n_toobig++; break;
        default: break;
        }
    }
}

/* ---- back on the loop ---------------------------------------------------------- */

static void clear_items(sink_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->items[i].subject);
    s->n = 0;
}

static void publish_done(uv_work_t *w, int status)
{
    sink_t *s = w->data;
    es_batch_t *b = s->batch;
    s->batch = NULL;
    char msg[2048];
    if (status == UV_ECANCELED) {
        clear_items(s);
        es_batch_done(s->ctx, b, ES_SINK_RETRY, 0, "cancelled");
        return;
    }
    if (s->err[0]) {
        es_log(s->ctx, ES_LOG_WARN, "%s", s->err);
        clear_items(s);
        es_batch_done(s->ctx, b, ES_SINK_RETRY, 0, s->err);
        return;
    }
    if (s->unacked || s->n_error) {
        snprintf(msg, sizeof msg, "%zu of %zu publishes not acknowledged by JetStream on %s%s%s%s",
                 s->unacked + s->n_error, s->n, s->conn.servers_text,
                 s->unacked ? " within ack_timeout" : "", s->ack_err[0] ? "; first error: " : "", s->ack_err);
        es_log(s->ctx, ES_LOG_WARN, "%s", msg);
        clear_items(s);
        es_batch_done(s->ctx, b, ES_SINK_RETRY, 0, msg);
        return;
    }
    size_t bad = 0;
    for (size_t i = 0; i < s->n; i++) {
        item_t *it = &s->items[i];
        if (it->state == ST_NO_STREAM || it->state == ST_TOO_BIG) {
            if (it->state == ST_NO_STREAM)
                snprintf(msg, sizeof msg, "no JetStream stream takes subject %s (servers %s); create one or set create_stream = true",
                         it->subject, s->conn.servers_text);
            else
                snprintf(msg, sizeof msg, "record %s (%zu bytes) exceeds the server's max_payload on subject %s",
                         it->id, it->len, it->subject);
            es_log(s->ctx, ES_LOG_ERROR, "%s", msg);
            if (++bad < s->n)
                es_batch_fail_record(s->ctx, b, i, msg);
        }
    }
    clear_items(s);
    if (bad && bad == b->count)
        es_batch_done(s->ctx, b, ES_SINK_FAIL, 0, msg);
    else
        es_batch_done(s->ctx, b, ES_SINK_OK, 0, NULL);
}

static int sink_write(void *state, es_batch_t *batch)
{
    sink_t *s = state;
    if (batch->count > s->cap) {
        item_t *ni = realloc(s->items, batch->count * sizeof *ni);
        if (!ni)
            return ES_ENOMEM;
        s->items = ni;
        slot_t *ns = realloc(s->slots, batch->count * sizeof *ns);
        if (!ns)
            return ES_ENOMEM;
        s->slots = ns;
        s->cap = batch->count;
    }
    s->n = 0;
    for (size_t i = 0; i < batch->count; i++) {
        const es_record_t *r = batch->records[i];
        item_t *it = &s->items[i];
        memset(it, 0, sizeof *it);
        it->json = es_record_json(r, &it->len);
        it->subject = es_nats_subject_render(s->tmpl, r);
        s->n = i + 1;
        if (!it->json || !it->subject || es_nats_msg_id(r, it->json, it->len, it->id, sizeof it->id) < 0) {
            clear_items(s);
            return ES_ENOMEM;
        }
    }
    s->batch = batch;
    s->work.data = s;
    int rc = uv_queue_work(es_ctx_loop(s->ctx), &s->work, publish_work, publish_done);
    if (rc < 0) {
        s->batch = NULL;
        clear_items(s);
        return ES_EAGAIN;
    }
    return 0;
}

/* ---- lifecycle ----------------------------------------------------------------- */

static int sink_init(es_ctx_t *ctx, void **state)
{
    char err[300];
    const char *tmpl = es_config_str(ctx, "subject");
    if (es_nats_subject_check(tmpl, err, sizeof err) < 0) {
        es_log(ctx, ES_LOG_ERROR, "%s", err);
        return ES_ECONFIG;
    }
    sink_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->ctx = ctx;
    s->tmpl = tmpl;
    s->stream = es_config_str(ctx, "stream");
    s->create_stream = es_config_bool(ctx, "create_stream");
    s->ack_timeout_ms = es_config_duration_ms(ctx, "ack_timeout");
    if (s->ack_timeout_ms == 0)
        s->ack_timeout_ms = 10000;
    jsOptions jso;
    jsOptions_Init(&jso);
    jso.PublishAsync.AckHandler = on_ack;
    jso.PublishAsync.AckHandlerClosure = s;
    int rc = es_nats_conn_init(&s->conn, ctx, &jso);
    if (rc < 0) {
        es_nats_conn_free(&s->conn);
        free(s);
        return rc;
    }
    uv_mutex_init(&s->mu);
    uv_cond_init(&s->cond);
    *state = s;
    return 0;
}

static int sink_start(void *state)
{
    sink_t *s = state;
    es_log(s->ctx, ES_LOG_INFO, "publishing to %s on subject %s", s->conn.servers_text, s->tmpl);
    return 0;
}

static void close_work(uv_work_t *w)
{
    sink_t *s = w->data;
    es_nats_conn_close(&s->conn);
}

static void close_done(uv_work_t *w, int status)
{
    (void)status;
    sink_t *s = w->data;
    es_stopped(s->ctx);
}

static void sink_stop(void *state)
{
    sink_t *s = state;
    /* The core stops a sink only after its last batch completed, so no
     * publish work is in flight. Closing flushes: off the loop. */
    s->work.data = s;
    if (uv_queue_work(es_ctx_loop(s->ctx), &s->work, close_work, close_done) < 0) {
        es_nats_conn_close(&s->conn);
        es_stopped(s->ctx);
    }
}

static void sink_destroy(void *state)
{
    sink_t *s = state;
    es_nats_conn_free(&s->conn);
    clear_items(s);
    free(s->items);
    free(s->slots);
    uv_mutex_destroy(&s->mu);
    uv_cond_destroy(&s->cond);
    free(s);
}

const es_plugin_t earshot_sink = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SINK,
    .name = "nats",
    .description = "publishes records to NATS JetStream, acknowledged per message",
    .keys = keys,
    .init = sink_init,
    .start = sink_start,
    .stop = sink_stop,
    .destroy = sink_destroy,
    .write = sink_write,
};
