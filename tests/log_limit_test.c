/* es_log_limited / es_log_flood_end (core/util/log_limit.c): ten full lines per
 * kind and subject, then one summary with the count; subjects and kinds
 * counted apart; the totals (the metric) count every call; a subject that
 * ended starts again with ten full lines. The log is stderr, read back
 * from a file. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "instance.h"
#include "log.h"
#include "log_limit.h"
#include "tap.h"

static char logpath[] = "/tmp/earshot-log-limit.XXXXXX";

static char *slurp_log(void)
{
    FILE *f = fopen(logpath, "r");
    static char buf[1 << 20]; /* 3,000 lines of about 60 bytes at most */
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    if (truncate(logpath, 0) != 0)
        abort();
    return buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

typedef struct got {
    char kind[32][32];
    unsigned long long n[32];
    int k;
} got_t;

static void visit(const char *kind, uint64_t n, void *arg)
{
    got_t *g = arg;
    if (g->k < 32) {
        snprintf(g->kind[g->k], sizeof g->kind[0], "%s", kind);
        g->n[g->k++] = n;
    }
}

int main(void)
{
    /* O_APPEND: the file is truncated between checks, and writes must then
     * start again at its beginning. */
    int tmp = mkstemp(logpath), fd = tmp < 0 ? -1 : open(logpath, O_WRONLY | O_APPEND);
    if (fd < 0 || dup2(fd, STDERR_FILENO) < 0)
        skip_all("cannot redirect stderr");
    close(fd);
    close(tmp);
    es__log_set_level(ES_LOG_DEBUG);

    es_instance_cfg_t icfg = {.kind = ES_KIND_SOURCE, .name = "in"};
    es_ctx_t ctx = {.icfg = &icfg};
    is_int(es__log_limit_init(&ctx), 0, "init");

    for (int i = 1; i <= 25; i++)
        es_log_limited(&ctx, ES_LOG_WARN, "bad_line", "a.jsonl", "a.jsonl:%d: bad; line skipped", i);
    char *log = slurp_log();
    is_int(count(log, "line skipped"), 10, "25 bad lines: the first 10 in full");
    ok(strstr(log, "source in: a.jsonl:1: bad") && strstr(log, "a.jsonl:10: bad") && !strstr(log, "a.jsonl:11:"),
       "  lines 1 to 10, prefixed with the instance");
    is_int(count(log, "more like it"), 0, "  no summary before the file ends");

    es_log_limited(&ctx, ES_LOG_WARN, "bad_line", "b.jsonl", "b.jsonl:1: bad; line skipped");
    es_log_limited(&ctx, ES_LOG_WARN, "too_long", "a.jsonl", "a.jsonl:99: too long; line skipped");
    log = slurp_log();
    is_int(count(log, "line skipped"), 2, "another subject and another kind have their own ten");

    es_log_flood_end(&ctx, "a.jsonl");
    log = slurp_log();
    ok(strstr(log, "warn  source in: \xE2\x80\xA6 and 15 more like it in a.jsonl (bad_line)\n") != NULL,
       "the end of a.jsonl logs one summary with the count");
    is_int(count(log, "\n"), 1, "  one line (too_long had nothing to summarise, b.jsonl is not ended)");

    for (int i = 0; i < 12; i++)
        es_log_limited(&ctx, ES_LOG_WARN, "bad_line", "a.jsonl", "a.jsonl:%d: again; line skipped", i);
    log = slurp_log();
    is_int(count(log, "line skipped"), 10, "reading a.jsonl again starts with ten full lines");

    for (int i = 0; i < 199990; i++)
        es_log_limited(&ctx, ES_LOG_WARN, "bad_line", "b.jsonl", "x");
    es_log_flood_end(&ctx, NULL);
    log = slurp_log();
    ok(strstr(log, "\xE2\x80\xA6 and 199,981 more like it in b.jsonl (bad_line)") != NULL,
       "thousands are grouped: 199,981 more in b.jsonl");
    ok(strstr(log, "\xE2\x80\xA6 and 2 more like it in a.jsonl (bad_line)") != NULL,
       "NULL ends every subject");

    got_t g = {0};
    es__log_limit_totals(&ctx, visit, &g);
    is_int(g.k, 2, "two kinds in the totals");
    is_str(g.kind[0], "bad_line", "  bad_line first");
    is_int(g.n[0], 25 + 1 + 12 + 199990, "  every call counted, logged or not");
    is_str(g.kind[1], "too_long", "  then too_long");
    is_int(g.n[1], 1, "  once");

    /* Past 256 live floods the oldest is summarised to make room. */
    char subj[32];
    for (int s = 0; s < 300; s++) {
        snprintf(subj, sizeof subj, "f%03d", s);
        for (int i = 0; i < 11; i++)
            es_log_limited(&ctx, ES_LOG_WARN, "k", subj, "%s %d", subj, i);
    }
    log = slurp_log();
    ok(strstr(log, "and 1 more like it in f000 (k)") && strstr(log, "and 1 more like it in f043 (k)") &&
           !strstr(log, "in f044 (k)"),
       "past 256 floods the oldest 44 are summarised early");
    es__log_limit_free(&ctx);
    log = slurp_log();
    is_int(count(log, "more like it"), 256, "freeing the instance summarises the rest");
    unlink(logpath);
    return done_testing();
}
