/* Test-only sink: answers RETRY to the first `fail_first` batches, fails
 * records whose text contains `reject_text`, FAILs whole batches when
 * `fail_all` is set, and appends what it accepted to `path`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

static const es_config_key_t keys[] = {
    {"path", ES_KEY_STRING, NULL, 0, "append accepted records here"},
    {"fail_first", ES_KEY_INT, "0", 0, "batches answered RETRY before OK"},
    {"retry_after", ES_KEY_DURATION, "0", 0, "Retry-After hint with RETRY"},
    {"reject_text", ES_KEY_STRING, NULL, 0, "records whose text contains this are FAILed"},
    {"fail_all", ES_KEY_BOOL, "false", 0, "FAIL every batch"},
    {NULL, 0, NULL, 0, NULL},
};

typedef struct {
    es_ctx_t *ctx;
    int64_t fail_left;
} st_t;

static int t_init(es_ctx_t *ctx, void **state)
{
    st_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->ctx = ctx;
    s->fail_left = es_config_int(ctx, "fail_first");
    *state = s;
    return 0;
}

static int t_start(void *state) { (void)state; return 0; }

static int t_write(void *state, es_batch_t *b)
{
    st_t *s = state;
    if (es_config_bool(s->ctx, "fail_all")) {
        es_batch_done(s->ctx, b, ES_SINK_FAIL, 0, "fail_all is set");
        return 0;
    }
    if (s->fail_left > 0) {
        s->fail_left--;
        es_batch_done(s->ctx, b, ES_SINK_RETRY, es_config_duration_ms(s->ctx, "retry_after"),
                      "scripted retry");
        return 0;
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
    es_batch_done(s->ctx, b, ES_SINK_OK, 0, NULL);
    return 0;
}

static void t_stop(void *state) { es_stopped(((st_t *)state)->ctx); }
static void t_destroy(void *state) { free(state); }

const es_plugin_t earshot_sink = {
    .abi = ES_PLUGIN_ABI, .kind = ES_KIND_SINK, .name = "testsink",
    .description = "test sink", .keys = keys,
    .init = t_init, .start = t_start, .stop = t_stop, .destroy = t_destroy, .write = t_write,
};
