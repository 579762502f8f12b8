/*
 * An out-of-tree source plugin, built against the installed headers only:
 *
 *     cc $(pkg-config --cflags earshot) -shared -fPIC -o hello.so hello.c
 *
 * It emits `count` mentions whose text is the plain text of the `html` key
 * and whose date is the `date` key, read with the helpers of
 * <earshot/text.h> and <earshot/date.h>; the ids are built with
 * <earshot/strbuf.h>. tests/plugin_sdk_test.sh builds it against a `make
 * install` tree and runs it, so what this file uses is what the installed
 * API really offers.
 */
#include <stdlib.h>
#include <string.h>

#include <earshot/date.h>
#include <earshot/plugin.h>
#include <earshot/strbuf.h>
#include <earshot/text.h>

static const es_config_key_t keys[] = {
    {"count", ES_KEY_INT, "3", 0, "mentions to emit", "0", "1000000", NULL},
    {"html", ES_KEY_STRING, "<p>Hello from <b>outside</b> the tree</p>", 0,
     "HTML whose text every mention carries", NULL, NULL, NULL},
    {"date", ES_KEY_STRING, "2026-12-03T09:00:00Z", 0, "created_at of every mention", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

/* All state is the instance's: several instances may run in one process. */
typedef struct {
    es_ctx_t *ctx;
    char *text;
    int64_t at;
} hello_t;

static int hello_init(es_ctx_t *ctx, void **state)
{
    const char *html = es_config_str(ctx, "html");
    hello_t *h = calloc(1, sizeof *h);
    if (!h)
        return ES_ENOMEM;
    h->ctx = ctx;
    /* A bad date is a configuration error the admin should see at start,
     * not a mention dated 1970. */
    int rc = es_time_parse(es_config_str(ctx, "date"), &h->at);
    if (rc < 0) {
        es_log(ctx, ES_LOG_ERROR, "date: not a date: %s", es_config_str(ctx, "date"));
        free(h);
        return ES_ECONFIG;
    }
    h->text = es_html_to_text(html, strlen(html), NULL);
    if (!h->text) {
        free(h);
        return ES_ENOMEM;
    }
    *state = h;
    return 0;
}

static int hello_start(void *state)
{
    hello_t *h = state;
    int64_t n = es_config_int(h->ctx, "count");
    for (int64_t i = 0; i < n; i++) {
        es_strbuf_t id = {0};
        es_strbuf_printf(&id, "hello-%lld", (long long)i);
        if (id.oom)
            return ES_ENOMEM;
        es_mention_t m = {.id = id.s, .network = "hello", .author = "outsider", .text = h->text,
                          .created_at = h->at + i};
        es_emit(h->ctx, &m); /* the core copies the mention */
        free(id.s);
    }
    es_source_done(h->ctx);
    return 0;
}

static void hello_stop(void *state)
{
    hello_t *h = state;
    es_stopped(h->ctx);
}

static void hello_destroy(void *state)
{
    hello_t *h = state;
    free(h->text);
    free(h);
}

const es_plugin_t earshot_source = {
    .abi = ES_PLUGIN_ABI, .kind = ES_KIND_SOURCE, .name = "hello",
    .description = "example out-of-tree source (contrib/example-plugin)", .keys = keys,
    .init = hello_init, .start = hello_start, .stop = hello_stop, .destroy = hello_destroy,
};
