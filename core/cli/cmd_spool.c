/* earshot spool status|retry|drop: the operator's view of the per-sink
 * spools and dead letters in the state DB. Safe while the daemon runs
 * (WAL): it notices requeued rows within seconds. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config_value.h"
#include "log.h"
#include "state.h"
#include "state_lock.h"
#include <earshot/date.h>
#include "util.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: earshot spool status [-c FILE] [--json]\n"
            "       earshot spool retry [-c FILE] SINK\n"
            "       earshot spool drop [-c FILE] SINK --before TIME\n"
            "\n"
            "status  per sink: records waiting, bytes, age of the oldest, records\n"
            "        retried at least once, most attempts, dead letters\n"
            "retry   moves SINK's dead letters back into its spool\n"
            "drop    deletes SINK's spooled records enqueued before TIME (RFC 3339,\n"
            "        a Unix time, 'now', or a duration ago such as 2h or 7d); logged\n");
}

typedef struct {
    char *sink;
    int64_t depth, bytes, oldest, retried, max_attempts, dead;
    int configured;
} row_t;

static row_t *find_row(row_t **rows, size_t *n, const char *sink)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*rows)[i].sink, sink))
            return &(*rows)[i];
    row_t *nr = realloc(*rows, (*n + 1) * sizeof *nr);
    if (!nr)
        return NULL;
    *rows = nr;
    row_t *r = &nr[(*n)++];
    memset(r, 0, sizeof *r);
    r->sink = es__strdup(sink);
    return r->sink ? r : NULL;
}

typedef struct {
    row_t *rows;
    size_t n;
    int oom;
} rows_t;

static int add_summary(void *ud, const char *sink, const es_spool_summary_t *s)
{
    rows_t *rs = ud;
    row_t *r = find_row(&rs->rows, &rs->n, sink);
    if (!r) {
        rs->oom = 1;
        return 1;
    }
    if (s->depth >= 0) {
        r->depth = s->depth;
        r->bytes = s->bytes;
        r->oldest = s->oldest;
        r->retried = s->retried;
        r->max_attempts = s->max_attempts;
    }
    if (s->dead >= 0)
        r->dead = s->dead;
    return 0;
}

static int status(es_state_t *st, const es_config_t *cfg, int as_json)
{
    rows_t rs = {0};
    for (size_t i = 0; i < cfg->n_instances; i++)
        if (cfg->instances[i].kind == ES_KIND_SINK) {
            row_t *r = find_row(&rs.rows, &rs.n, cfg->instances[i].name);
            if (r)
                r->configured = 1;
        }
    int rc = 0;
    if (es__state_spool_summary(st, add_summary, &rs) < 0)
        goto db_error;
    if (rs.oom) {
        /* A partial table would read as sinks with nothing waiting. */
        fprintf(stderr, "earshot spool: out of memory\n");
        rc = 1;
        goto out;
    }
    row_t *rows = rs.rows;
    size_t n = rs.n;
    int64_t now = es__now_s();
    if (as_json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            row_t *r = &rows[i];
            json_array_append_new(arr, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "sink", r->sink,
                                                 "depth", (json_int_t)r->depth, "bytes", (json_int_t)r->bytes,
                                                 "oldest_age_s", (json_int_t)(r->depth ? now - r->oldest : 0),
                                                 "retried", (json_int_t)r->retried,
                                                 "max_attempts", (json_int_t)r->max_attempts,
                                                 "dead_letters", (json_int_t)r->dead, "configured", r->configured));
        }
        char *txt = json_dumps(arr, JSON_INDENT(2));
        if (txt)
            puts(txt);
        free(txt);
        json_decref(arr);
    } else {
        printf("%-20s %10s %12s %12s %8s %8s %8s\n", "sink", "depth", "bytes", "oldest_age", "retried",
               "attempts", "dead");
        for (size_t i = 0; i < n; i++) {
            row_t *r = &rows[i];
            char age[32] = "-";
            if (r->depth)
                snprintf(age, sizeof age, "%" PRId64 "s", now - r->oldest);
            printf("%-20s %10" PRId64 " %12" PRId64 " %12s %8" PRId64 " %8" PRId64 " %8" PRId64 "%s\n", r->sink,
                   r->depth, r->bytes, age, r->retried, r->max_attempts, r->dead,
                   r->configured ? "" : "  (not configured)");
        }
    }
    goto out;
db_error:
    fprintf(stderr, "earshot spool: %s\n", es__state_errmsg(st));
    rc = 1;
out:
    for (size_t i = 0; i < rs.n; i++)
        free(rs.rows[i].sink);
    free(rs.rows);
    return rc;
}

static int retry(es_state_t *st, const es_config_t *cfg, const char *sink)
{
    int64_t moved = 0;
    int known = 0;
    for (size_t i = 0; i < cfg->n_instances; i++)
        known |= cfg->instances[i].kind == ES_KIND_SINK && !strcmp(cfg->instances[i].name, sink);
    char err[512];
    if (es__state_dead_requeue(st, sink, es__now_s(), &moved, err, sizeof err) < 0) {
        fprintf(stderr, "earshot spool retry: %s\n", err);
        return 1;
    }
    if (!moved) {
        /* Nothing done: a typo must not look like success. */
        if (known) {
            printf("no dead letters of %s: nothing requeued\n", sink);
            return 0;
        }
        fprintf(stderr, "earshot spool retry: no sink '%s' in the configuration and no dead letters for it (sinks:",
                sink);
        int n = 0;
        for (size_t i = 0; i < cfg->n_instances; i++)
            if (cfg->instances[i].kind == ES_KIND_SINK)
                fprintf(stderr, "%s %s", n++ ? "," : "", cfg->instances[i].name);
        fprintf(stderr, "%s)\n", n ? "" : " none");
        return 1;
    }
    es__logf(ES_LOG_INFO, "spool %s: %" PRId64 " dead letter(s) requeued", sink, moved);
    printf("%" PRId64 " dead letter(s) of %s requeued%s\n", moved, sink,
           known ? "" : " (it is no longer configured: they wait in its spool)");
    return 0;
}

static int parse_before(const char *s, int64_t *t)
{
    if (!strcmp(s, "now")) {
        *t = es__now_s() + 1;
        return 0;
    }
    es_value_t v;
    char err[128];
    if (es__value_parse(ES_KEY_DURATION, s, &v, err, sizeof err) == 0 && strspn(s, "0123456789") < strlen(s)) {
        *t = es__now_s() - (int64_t)(v.ms / 1000);
        return 0;
    }
    char *end;
    long long n = strtoll(s, &end, 10);
    if (*s && !*end) {
        *t = n;
        return 0;
    }
    return es_time_parse(s, t) == 0 ? 0 : -1;
}

static int drop(es_state_t *st, const char *sink, const char *before)
{
    int64_t t;
    if (parse_before(before, &t) < 0) {
        fprintf(stderr, "earshot spool drop: --before '%s': not a time (RFC 3339, Unix time, now, or 2h/7d ago)\n",
                before);
        return 2;
    }
    int64_t gone = 0;
    if (es__state_spool_drop_before(st, sink, t, &gone) < 0) {
        fprintf(stderr, "earshot spool drop: %s\n", es__state_errmsg(st));
        return 1;
    }
    /* Dropping is losing data on purpose: say so where logs are kept. */
    es__logf(ES_LOG_WARN, "spool %s: %" PRId64 " record(s) enqueued before %" PRId64 " dropped by the operator",
            sink, gone, t);
    printf("%" PRId64 " record(s) dropped from the spool of %s\n", gone, sink);
    return 0;
}

int es__cmd_spool(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"config", required_argument, NULL, 'c'}, {"before", required_argument, NULL, 'b'},
        {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[1], *cfgpath = NULL, *before = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "c:b:jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': cfgpath = optarg; break;
        case 'b': before = optarg; break;
        case 'j': as_json = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    int nargs = argc - 1 - optind;
    char **args = argv + 1 + optind;
    int is_status = !strcmp(sub, "status"), is_retry = !strcmp(sub, "retry"), is_drop = !strcmp(sub, "drop");
    if (!is_status && !is_retry && !is_drop) {
        fprintf(stderr, "earshot spool: unknown subcommand '%s'\n", sub);
        usage(stderr);
        return 2;
    }
    if ((is_status && nargs) || (!is_status && nargs != 1)) {
        fprintf(stderr, "earshot spool %s: %s\n", sub, is_status ? "no arguments expected" : "one SINK expected");
        return 2;
    }
    if (is_drop && !before) {
        fprintf(stderr, "earshot spool drop: --before TIME is required (dropping is explicit)\n");
        return 2;
    }
    es_config_t *cfg = NULL;
    es_state_t *st = es__cmd_open_state("spool", cfgpath, &cfg);
    if (!st)
        return 1;
    /* A running agent holds a window of each spool in memory and would
     * still deliver records dropped from under it: drop only while no
     * agent runs, and keep one from starting meanwhile. (retry is safe:
     * a running agent notices requeued rows.) */
    int lock_fd = -1;
    char err[1024];
    int lrc = is_drop ? es__state_lock(cfg->state_dir, &lock_fd, err, sizeof err) : 0;
    if (lrc < 0) {
        fprintf(stderr, "earshot spool drop: %s%s\n", err,
                lrc == ES_EAGAIN ? "; stop it first (records it holds in memory would still be delivered)" : "");
        es__state_close(st);
        es__config_free(cfg);
        return 1;
    }
    int rc = is_status ? status(st, cfg, as_json) : is_retry ? retry(st, cfg, args[0]) : drop(st, args[0], before);
    es__state_unlock(lock_fd);
    es__state_close(st);
    es__config_free(cfg);
    return rc;
}
