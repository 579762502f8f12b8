#include "dry_run.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <earshot/plugin.h>
#include "state.h"
#include "util.h"

static const es_config_key_t no_keys[] = {{NULL, 0, NULL, 0, NULL, NULL, NULL, NULL}};

static int p_init(es_ctx_t *ctx, void **state)
{
    *state = ctx;
    return 0;
}
static int p_start(void *state) { (void)state; return 0; }
static void p_stop(void *state) { es_stopped(state); }
static void p_destroy(void *state) { (void)state; }

/* One line per record: the sink's name, a tab, the record's JSON. */
static int p_write(void *state, es_batch_t *b)
{
    es_ctx_t *ctx = state;
    for (size_t i = 0; i < b->count; i++) {
        size_t len = 0;
        const char *json = es_record_json(b->records[i], &len);
        if (json)
            printf("%s\t%.*s\n", es_ctx_name(ctx), (int)len, json);
    }
    fflush(stdout);
    es_batch_done(ctx, b, ES_SINK_OK, 0, NULL);
    return 0;
}

static const es_plugin_t printer = {
    .abi = ES_PLUGIN_ABI, .kind = ES_KIND_SINK, .name = "dry-run",
    .description = "prints what a sink would receive (run --dry-run)", .keys = no_keys,
    .init = p_init, .start = p_start, .stop = p_stop, .destroy = p_destroy, .write = p_write,
};

es_plugin_handle_t *es__dry_run_sink(void)
{
    es_plugin_handle_t *h = calloc(1, sizeof *h);
    if (!h || !(h->path = es__strdup("(dry run)"))) {
        free(h);
        return NULL;
    }
    h->desc = &printer;
    return h;
}

char *es__dry_run_state(const char *state_dir, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = es__asprintf("%s/earshot-dry-run.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!dir || !mkdtemp(dir)) {
        snprintf(err, errlen, "dry run: cannot make a temporary directory: %s", strerror(errno));
        free(dir);
        return NULL;
    }
    char e2[512];
    if (es__state_copy(state_dir, dir, e2, sizeof e2) < 0) {
        snprintf(err, errlen, "dry run: %s", e2);
        es__dry_run_cleanup(dir);
        free(dir);
        return NULL;
    }
    return dir;
}

void es__dry_run_cleanup(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *p = es__asprintf("%s/%s", dir, e->d_name);
            if (p)
                unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}
