/* Rate-limited warnings. One bad line in a file is worth a log line with
 * its file:line; 200,000 of them are worth ten such lines and a count,
 * not 32 MB of log that buries everything else. The state is per instance
 * (so two sources reading the same file keep their own), keyed by the
 * kind and the subject, under a mutex because es_log is any-thread. */
#include "log_limit.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instance.h"
#include "log.h"
#include "util.h"

/* Floods remembered at once; the oldest is summarised to make room. */
#define MAX_FLOODS 256

typedef struct flood {
    char *kind, *subject;
    uint64_t seen, suppressed, since_ms;
    es_log_level_t level;
} flood_t;

typedef struct total {
    char *kind;
    uint64_t n;
} total_t;

struct es_log_limit {
    pthread_mutex_t mu;
    flood_t *floods;
    size_t n_floods, cap_floods;
    total_t *totals;
    size_t n_totals;
};

int es__log_limit_init(es_ctx_t *ctx)
{
    es_log_limit_t *l = calloc(1, sizeof *l);
    if (!l)
        return ES_ENOMEM;
    pthread_mutex_init(&l->mu, NULL);
    ctx->log_limit = l;
    return 0;
}

static void prefix_of(es_ctx_t *ctx, char *p, size_t n)
{
    snprintf(p, n, "%s %s", ctx->icfg->kind == ES_KIND_SOURCE ? "source" : "sink", ctx->icfg->name);
}

/* 199990 -> "199,990": the number a reader compares with a file's size. */
static const char *grouped(uint64_t v, char *buf, size_t cap)
{
    char raw[32];
    int n = snprintf(raw, sizeof raw, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < n && o + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
    return buf;
}

static void log_line(es_ctx_t *ctx, es_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void log_line(es_ctx_t *ctx, es_log_level_t level, const char *fmt, ...)
{
    char prefix[160];
    prefix_of(ctx, prefix, sizeof prefix);
    va_list ap;
    va_start(ap, fmt);
    es__vlog_prefixed(level, prefix, fmt, ap);
    va_end(ap);
}

static void summarise(es_ctx_t *ctx, flood_t *f, int so_far)
{
    if (!f->suppressed)
        return;
    char n[40];
    log_line(ctx, f->level, "\xE2\x80\xA6 and %s more like it in %s (%s)%s", grouped(f->suppressed, n, sizeof n),
             f->subject, f->kind, so_far ? " so far" : "");
    f->suppressed = 0;
}

static void flood_drop(es_log_limit_t *l, size_t i)
{
    free(l->floods[i].kind);
    free(l->floods[i].subject);
    memmove(&l->floods[i], &l->floods[i + 1], (l->n_floods - i - 1) * sizeof *l->floods);
    l->n_floods--;
}

static void count_total(es_log_limit_t *l, const char *kind)
{
    for (size_t i = 0; i < l->n_totals; i++)
        if (!strcmp(l->totals[i].kind, kind)) {
            l->totals[i].n++;
            return;
        }
    total_t *nt = realloc(l->totals, (l->n_totals + 1) * sizeof *nt);
    if (!nt)
        return;
    l->totals = nt;
    if ((nt[l->n_totals].kind = es__strdup(kind)))
        nt[l->n_totals++].n = 1;
}

/* The flood for (kind, subject), created if new; NULL on ENOMEM. */
static flood_t *flood_get(es_ctx_t *ctx, es_log_limit_t *l, const char *kind, const char *subject)
{
    for (size_t i = 0; i < l->n_floods; i++)
        if (!strcmp(l->floods[i].kind, kind) && !strcmp(l->floods[i].subject, subject))
            return &l->floods[i];
    if (l->n_floods == MAX_FLOODS) {
        summarise(ctx, &l->floods[0], 0);
        flood_drop(l, 0);
    }
    if (l->n_floods == l->cap_floods) {
        size_t nc = l->cap_floods ? l->cap_floods * 2 : 8;
        flood_t *nf = realloc(l->floods, nc * sizeof *nf);
        if (!nf)
            return NULL;
        l->floods = nf;
        l->cap_floods = nc;
    }
    flood_t *f = &l->floods[l->n_floods];
    memset(f, 0, sizeof *f);
    f->kind = es__strdup(kind);
    f->subject = es__strdup(subject);
    if (!f->kind || !f->subject) {
        free(f->kind);
        free(f->subject);
        return NULL;
    }
    l->n_floods++;
    return f;
}

void es_log_limited(es_ctx_t *ctx, es_log_level_t level, const char *kind, const char *subject, const char *fmt, ...)
{
    if (!kind)
        kind = "warning";
    if (!subject)
        subject = "";
    es_log_limit_t *l = ctx->log_limit;
    int full = 1;
    if (l) {
        pthread_mutex_lock(&l->mu);
        count_total(l, kind);
        flood_t *f = flood_get(ctx, l, kind, subject);
        if (f) {
            uint64_t now = es__now_ms();
            f->level = level;
            if (++f->seen > ES_LOG_BURST) {
                full = 0;
                if (!f->suppressed++)
                    f->since_ms = now;
                else if (now - f->since_ms >= ES_LOG_SUMMARY_MS) {
                    summarise(ctx, f, 1);
                    f->since_ms = now;
                }
            }
        }
        pthread_mutex_unlock(&l->mu);
    }
    if (!full)
        return;
    char prefix[160];
    prefix_of(ctx, prefix, sizeof prefix);
    va_list ap;
    va_start(ap, fmt);
    es__vlog_prefixed(level, prefix, fmt, ap);
    va_end(ap);
}

void es_log_flood_end(es_ctx_t *ctx, const char *subject)
{
    es_log_limit_t *l = ctx->log_limit;
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    for (size_t i = 0; i < l->n_floods;) {
        if (subject && strcmp(l->floods[i].subject, subject)) {
            i++;
            continue;
        }
        summarise(ctx, &l->floods[i], 0);
        flood_drop(l, i);
    }
    pthread_mutex_unlock(&l->mu);
}

void es__log_limit_totals(es_ctx_t *ctx, void (*visit)(const char *kind, uint64_t n, void *arg), void *arg)
{
    es_log_limit_t *l = ctx->log_limit;
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    for (size_t i = 0; i < l->n_totals; i++)
        visit(l->totals[i].kind, l->totals[i].n, arg);
    pthread_mutex_unlock(&l->mu);
}

void es__log_limit_free(es_ctx_t *ctx)
{
    es_log_limit_t *l = ctx->log_limit;
    if (!l)
        return;
    es_log_flood_end(ctx, NULL);
    free(l->floods);
    for (size_t i = 0; i < l->n_totals; i++)
        free(l->totals[i].kind);
    free(l->totals);
    pthread_mutex_destroy(&l->mu);
    free(l);
    ctx->log_limit = NULL;
}
