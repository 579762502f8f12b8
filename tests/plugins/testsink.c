/* Test-only sink: answers RETRY to the first `fail_first` batches, fails
 * records whose text contains `reject_text`, FAILs whole batches when
 * `fail_all` is set, appends what it accepted to `path`, and answers each
 * batch `delay` later (a slow but healthy sink). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>

static const es_config_key_t keys[] = {
    {"path", ES_KEY_STRING, NULL, 0, "append accepted records here", NULL, NULL, NULL},
    {"fail_first", ES_KEY_INT, "0", 0, "batches answered RETRY before OK", NULL, NULL, NULL},
    {"retry_after", ES_KEY_DURATION, "0", 0, "Retry-After hint with RETRY", NULL, NULL, NULL},
    {"reject_text", ES_KEY_STRING, NULL, 0, "records whose text contains this are FAILed", NULL, NULL, NULL},
    {"fail_all", ES_KEY_BOOL, "false", 0, "FAIL every batch", NULL, NULL, NULL},
    {"delay", ES_KEY_DURATION, "0", 0, "answer each batch this long after it arrives", NULL, NULL, NULL},
    /* Declared bounds and choices only, for the check = run tests. */
    {"window", ES_KEY_DURATION, "1s", 0, "unused; bounded", "100ms", "1h", NULL},
    {"mode", ES_KEY_STRING, "always", 0, "unused; one of a list", NULL, NULL, "always|never"},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

typedef struct {
    es_ctx_t *ctx;
    int64_t fail_left;
    uv_timer_t timer; /* delay */
    es_batch_t *pending;
    int answering; /* inside es_batch_done: the core must not call write */
} st_t;

/* Answers through this, so a core that completed the batch on the sink's
 * stack (and sent the next one from there) is caught in the act. */
static void answer(st_t *s, es_batch_t *b, es_sink_status_t st, uint64_t after, const char *why)
{
    s->answering = 1;
    es_batch_done(s->ctx, b, st, after, why);
    s->answering = 0;
}

static void write_now(st_t *s, es_batch_t *b);

static void on_delay(uv_timer_t *t)
{
    st_t *s = t->data;
    es_batch_t *b = s->pending;
    s->pending = NULL;
    if (b)
        write_now(s, b);
}

static int t_init(es_ctx_t *ctx, void **state)
{
    st_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->ctx = ctx;
    s->fail_left = es_config_int(ctx, "fail_first");
    uv_timer_init(es_ctx_loop(ctx), &s->timer);
    s->timer.data = s;
    *state = s;
    return 0;
}

static int t_start(void *state) { (void)state; return 0; }

static int t_write(void *state, es_batch_t *b)
{
    if (((st_t *)state)->answering)
        es_log(((st_t *)state)->ctx, ES_LOG_ERROR, "write re-entered from inside es_batch_done");
    st_t *s = state;
    uint64_t delay = es_config_duration_ms(s->ctx, "delay");
    if (delay) {
        s->pending = b;
        uv_timer_start(&s->timer, on_delay, delay, 0);
        return 0;
    }
    write_now(s, b);
    return 0;
}

static void write_now(st_t *s, es_batch_t *b)
{
    if (es_config_bool(s->ctx, "fail_all")) {
        answer(s, b, ES_SINK_FAIL, 0, "fail_all is set");
        return;
    }
    if (s->fail_left > 0) {
        s->fail_left--;
        answer(s, b, ES_SINK_RETRY, es_config_duration_ms(s->ctx, "retry_after"),
                      "scripted retry");
        return;
    }
    const char *rej = es_config_str(s->ctx, "reject_text");
    const char *path = es_config_str(s->ctx, "path");
    FILE *f = *path ? fopen(path, "a") : NULL;
    for (size_t i = 0; i < b->count; i++) {
        const es_record_t *r = b->records[i];
        if (*rej && r->mention && strstr(r->mention->text, rej)) {
            es_batch_fail_record(s->ctx, b, i, "scripted rejection");
            continue;
        }
        if (f)
            fprintf(f, "%s\n", es_record_json(r, NULL));
    }
    if (f)
        fclose(f);
    answer(s, b, ES_SINK_OK, 0, NULL);
}

static void on_closed(uv_handle_t *h)
{
    st_t *s = h->data;
    es_stopped(s->ctx);
}

/* The batch still waiting for its delay is answered first: the core asks
 * to stop only when none is in flight, or at the drain deadline. */
static void t_stop(void *state)
{
    st_t *s = state;
    uv_timer_stop(&s->timer);
    if (s->pending) {
        es_batch_t *b = s->pending;
        s->pending = NULL;
        answer(s, b, ES_SINK_RETRY, 0, "stopping");
    }
    uv_close((uv_handle_t *)&s->timer, on_closed);
}

static void t_destroy(void *state) { free(state); }

const es_plugin_t earshot_sink = {
    .abi = ES_PLUGIN_ABI, .kind = ES_KIND_SINK, .name = "testsink",
    .description = "test sink", .keys = keys,
    .init = t_init, .start = t_start, .stop = t_stop, .destroy = t_destroy, .write = t_write,
};
