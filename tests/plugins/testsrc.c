/* Test-only source: emits `count` mentions at start, then says done. Its key
 * table has one key of every type so config validation can be tested. */
#include <stdio.h>
#include <stdlib.h>

#include <earshot/plugin.h>

static const es_config_key_t keys[] = {
    {"count", ES_KEY_INT, "10", 0, "mentions to emit", "0", NULL, NULL},
    {"prefix", ES_KEY_STRING, "t", 0, "id prefix", NULL, NULL, NULL},
    {"text", ES_KEY_STRING, "hello acme", 0, "text of every mention", NULL, NULL, NULL},
    {"ratio", ES_KEY_DOUBLE, "0.5", 0, "a number", NULL, NULL, NULL},
    {"flag", ES_KEY_BOOL, "false", 0, "a bool", NULL, NULL, NULL},
    {"every", ES_KEY_DURATION, "1m", 0, "a duration", NULL, NULL, NULL},
    {"limit", ES_KEY_SIZE, "1k", 0, "a size", NULL, NULL, NULL},
    {"tags", ES_KEY_LIST, NULL, 0, "a list", NULL, NULL, NULL},
    {"token", ES_KEY_SECRET, NULL, 0, "a secret", NULL, NULL, NULL},
    {"header.", ES_KEY_STRING, NULL, 0, "prefix keys", NULL, NULL, NULL},
    {"acked", ES_KEY_BOOL, "false", 0, "emit with es_emit_acked and log the acknowledgements at stop", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

typedef struct {
    es_ctx_t *ctx;
    long accepted, abandoned;
} st_t;

static void on_ack(es_ctx_t *ctx, void *arg, int accepted)
{
    st_t *s = arg;
    (void)ctx;
    if (accepted)
        s->accepted++;
    else
        s->abandoned++;
}

static int t_init(es_ctx_t *ctx, void **state)
{
    st_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->ctx = ctx;
    *state = s;
    return 0;
}

static int t_start(void *state)
{
    st_t *s = state;
    int64_t n = es_config_int(s->ctx, "count");
    const char *prefix = es_config_str(s->ctx, "prefix");
    for (int64_t i = 0; i < n; i++) {
        char id[64];
        snprintf(id, sizeof id, "%s%lld", prefix, (long long)i);
        es_mention_t m = {.id = id, .network = "test", .text = es_config_str(s->ctx, "text"),
                          .created_at = 1700000000 + i};
        if (es_config_bool(s->ctx, "acked"))
            es_emit_acked(s->ctx, &m, on_ack, s);
        else
            es_emit(s->ctx, &m);
    }
    es_checkpoint_set(s->ctx, "emitted", "all");
    es_source_done(s->ctx);
    return 0;
}

static void t_stop(void *state)
{
    st_t *s = state;
    if (es_config_bool(s->ctx, "acked"))
        es_log(s->ctx, ES_LOG_INFO, "acks: %ld accepted, %ld abandoned", s->accepted, s->abandoned);
    es_stopped(s->ctx);
}
static void t_destroy(void *state) { free(state); }

const es_plugin_t earshot_source = {
    .abi = ES_PLUGIN_ABI, .kind = ES_KIND_SOURCE, .name = "testsrc",
    .description = "test source", .keys = keys,
    .init = t_init, .start = t_start, .stop = t_stop, .destroy = t_destroy,
};
