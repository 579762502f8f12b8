/*
 * Dedupe: the same post arrives twice when a feed repeats items, pages
 * overlap, or a source re-reads after a restart.
 *
 * Ids are 64-bit fingerprints (es__idset_hash), computed once per record.
 * Two sets answer every lookup from memory: the ids in flight, and the ids
 * delivered within dedupe.max_age. The second is also in the state DB, as
 * rows of fingerprints: the ids delivered since the last commit are
 * written as one row in the loop turn's transaction (es__dedupe_flush), so
 * they are durable exactly when the checkpoints that let their sources
 * move past them are. Every 2 s (es__dedupe_tick) small rows are merged
 * into big ones, and an hourly sweep forgets whole rows delivered before
 * dedupe.max_age, a few per step.
 *
 * Why not a keyed table: one b-tree insertion and lookup per delivered id
 * was 40% of the pipeline's CPU; a row per turn costs a few nanoseconds
 * an id, and memory is 9.4-11.8 bytes an id remembered (idset.h).
 */
#include <stdlib.h>
#include <string.h>

#include "idset.h"
#include "log.h"
#include "stages.h"
#include "util.h"

/* A row with fewer ids than this is merged once MERGE_ROWS of them exist;
 * a merged row holds at most MERGE_MAX ids (2 MiB). */
#define SMALL_ROW 4096
#define MERGE_ROWS 32
#define MERGE_MAX (1u << 18)
/* Rows forgotten per sweep step: at most a million ids, a few
 * milliseconds on the loop thread. */
#define SWEEP_ROWS 4

struct es_dedupe {
    es_state_t *st;
    uint64_t max_age_ms;
    es_idset_t flight;
    es_idset_t seen;
    /* Remembered since the last commit; `flushed` of them are in the open
     * transaction's row. */
    uint64_t *pending;
    size_t n_pending, cap_pending, flushed;
    size_t n_small; /* small rows written since the last merge (a trigger only) */
    /* The sweep under way: rows after `sweep_after` written before
     * `sweep_before` go. */
    int sweeping;
    int64_t sweep_after, sweep_before, swept;
};

static int on_load(void *ud, int64_t row, int64_t at, const uint64_t *ids, size_t n)
{
    es_dedupe_t *d = ud;
    (void)row;
    (void)at;
    if (n < SMALL_ROW)
        d->n_small++;
    if (es__idset_reserve(&d->seen, d->seen.count + n) < 0)
        return ES_ENOMEM;
    for (size_t i = 0; i < n; i++)
        es__idset_add(&d->seen, ids[i]);
    return 0;
}

int es__dedupe_new(es_state_t *st, uint64_t max_age_ms, es_dedupe_t **out)
{
    es_dedupe_t *d = calloc(1, sizeof *d);
    if (!d)
        return ES_ENOMEM;
    d->st = st;
    d->max_age_ms = max_age_ms;
    if (st) {
        int rc = es__state_seen_read(st, 0, INT64_MAX, SIZE_MAX, -1, on_load, d);
        if (rc < 0) {
            es__dedupe_free(d);
            return rc;
        }
        es__logf(ES_LOG_DEBUG, "dedupe: %zu delivered id(s) remembered, %zu KiB", d->seen.count,
                es__idset_slots(&d->seen) * 8 / 1024);
    }
    *out = d;
    return 0;
}

void es__dedupe_free(es_dedupe_t *d)
{
    if (!d)
        return;
    es__idset_free(&d->flight);
    es__idset_free(&d->seen);
    free(d->pending);
    free(d);
}

int es__dedupe_check(es_dedupe_t *d, es_rec_t *rec)
{
    uint64_t h = rec->id_hash = es__idset_hash(rec->m.id, strlen(rec->m.id));
    if (es__idset_has(&d->seen, h))
        return 1;
    int rc = es__idset_add(&d->flight, h);
    return rc < 0 ? rc : !rc;
}

/* Remembers a delivered id: in memory now, in the DB at the next commit. */
static void remember(es_dedupe_t *d, uint64_t h)
{
    int rc = es__idset_add(&d->seen, h);
    if (rc == 0)
        return;
    if (rc > 0 && d->n_pending == d->cap_pending) {
        size_t nc = d->cap_pending ? d->cap_pending * 2 : 1024;
        uint64_t *np = realloc(d->pending, nc * sizeof *np);
        if (np) {
            d->pending = np;
            d->cap_pending = nc;
        } else {
            rc = ES_ENOMEM;
        }
    }
    if (rc < 0) {
        /* Delivered all the same; only a second copy could now pass. */
        es__logf(ES_LOG_ERROR, "dedupe: out of memory: a delivered id is not remembered");
        return;
    }
    d->pending[d->n_pending++] = h;
}

void es__dedupe_prefetch(const es_dedupe_t *d, const es_rec_t *rec)
{
    es__idset_prefetch(&d->seen, rec->id_hash, 1);
    es__idset_prefetch(&d->flight, rec->id_hash, 1);
}

void es__dedupe_prefetch_id(const es_dedupe_t *d, const char *network, const char *id)
{
    size_t nl = strlen(network);
    if (!d || !d->seen.count || strncmp(id, network, nl) != 0 || id[nl] != ':')
        return; /* normalise will rewrite it: the hash would be another */
    uint64_t h = es__idset_hash(id, strlen(id));
    es__idset_prefetch(&d->seen, h, 0);
}

void es__dedupe_release(es_dedupe_t *d, const es_rec_t *rec, int delivered)
{
    es__idset_del(&d->flight, rec->id_hash);
    if (delivered && d->st)
        remember(d, rec->id_hash);
}

void es__dedupe_remember(es_dedupe_t *d, const es_rec_t *rec)
{
    if (d->st)
        remember(d, rec->id_hash);
}

void es__dedupe_remember_id(es_dedupe_t *d, const char *id)
{
    if (d && d->st)
        remember(d, es__idset_hash(id, strlen(id)));
}

int es__dedupe_flush(es_dedupe_t *d)
{
    if (!d->st || d->flushed == d->n_pending)
        return 0;
    int64_t row = es__state_seen_write(d->st, es__now_s(), d->pending + d->flushed, d->n_pending - d->flushed);
    if (row < 0)
        return (int)row;
    if (d->n_pending - d->flushed < SMALL_ROW)
        d->n_small++;
    d->flushed = d->n_pending;
    return 0;
}

void es__dedupe_committed(es_dedupe_t *d, int ok)
{
    if (!ok) {
        /* Their row went with the transaction, and so did the rows and
         * checkpoints that made them delivered or accepted: forget them
         * too. A record accepted in it is still in flight and is
         * remembered again when delivered. */
        for (size_t i = 0; i < d->flushed; i++)
            es__idset_del(&d->seen, d->pending[i]);
    }
    if (!d->flushed)
        return;
    memmove(d->pending, d->pending + d->flushed, (d->n_pending - d->flushed) * sizeof *d->pending);
    d->n_pending -= d->flushed;
    d->flushed = 0;
}

/* ---- merging small rows ------------------------------------------------ */

typedef struct merge {
    es_dedupe_t *d;
    uint64_t *ids;
    size_t n, cap;
    int64_t at;
    int64_t *rows;
    size_t n_rows, cap_rows;
} merge_t;

static int on_small(void *ud, int64_t row, int64_t at, const uint64_t *ids, size_t n)
{
    merge_t *m = ud;
    if (m->n + n > m->cap) {
        size_t nc = (m->n + n) * 2;
        uint64_t *ni = realloc(m->ids, nc * sizeof *ni);
        if (!ni)
            return ES_ENOMEM;
        m->ids = ni;
        m->cap = nc;
    }
    if (m->n_rows == m->cap_rows) {
        size_t nc = m->cap_rows ? m->cap_rows * 2 : 64;
        int64_t *nr = realloc(m->rows, nc * sizeof *nr);
        if (!nr)
            return ES_ENOMEM;
        m->rows = nr;
        m->cap_rows = nc;
    }
    if (n)
        memcpy(m->ids + m->n, ids, n * sizeof *ids);
    m->n += n;
    m->rows[m->n_rows++] = row;
    if (at > m->at)
        m->at = at; /* a merged row is as young as its youngest id */
    /* Stop at a full row; the rest waits for the next merge. */
    return m->n >= MERGE_MAX;
}

/* Replaces the small rows (those of this transaction included) with one
 * big one, or several when they hold more than MERGE_MAX ids. */
static int merge_small(es_dedupe_t *d)
{
    merge_t m = {.d = d};
    int rc = es__state_seen_read(d->st, 0, INT64_MAX, SMALL_ROW - 1, -1, on_small, &m);
    if (rc == 0 && m.n_rows > 1) {
        for (size_t i = 0; i < m.n_rows && rc == 0; i++)
            rc = es__state_seen_delete(d->st, m.rows[i]);
        for (size_t off = 0; off < m.n && rc == 0; off += MERGE_MAX) {
            size_t k = m.n - off < MERGE_MAX ? m.n - off : MERGE_MAX;
            int64_t row = es__state_seen_write(d->st, m.at, m.ids + off, k);
            rc = row < 0 ? (int)row : 0;
        }
    }
    d->n_small = 0; /* after a failure too: the next rows try again */
    free(m.ids);
    free(m.rows);
    return rc;
}

/* ---- forgetting old rows ----------------------------------------------- */

typedef struct sweep {
    es_dedupe_t *d;
    int64_t rows[SWEEP_ROWS];
    size_t n_rows;
} sweep_t;

static int on_old(void *ud, int64_t row, int64_t at, const uint64_t *ids, size_t n)
{
    sweep_t *s = ud;
    (void)at;
    for (size_t i = 0; i < n; i++)
        s->d->swept += es__idset_del(&s->d->seen, ids[i]);
    s->rows[s->n_rows++] = row;
    return 0;
}

void es__dedupe_prune(es_dedupe_t *d)
{
    if (!d->st || !d->max_age_ms || d->sweeping)
        return;
    d->sweeping = 1;
    d->sweep_after = 0;
    d->sweep_before = es__now_s() - (int64_t)(d->max_age_ms / 1000);
    d->swept = 0;
    es__dedupe_tick(d);
}

static void prune_step(es_dedupe_t *d)
{
    sweep_t s = {.d = d};
    int rc = es__state_seen_read(d->st, d->sweep_after, d->sweep_before, SIZE_MAX, SWEEP_ROWS, on_old, &s);
    for (size_t i = 0; i < s.n_rows && rc == 0; i++)
        rc = es__state_seen_delete(d->st, s.rows[i]);
    if (rc < 0) {
        /* The ids left memory but their rows stay (the transaction fails
         * or not): a restart remembers them again; the next hourly start
         * tries again. */
        es__logf(ES_LOG_WARN, "dedupe: cannot forget old ids: %s", es_strerror(rc));
        d->sweeping = 0;
        return;
    }
    if (s.n_rows)
        d->sweep_after = s.rows[s.n_rows - 1];
    if (s.n_rows < SWEEP_ROWS) {
        d->sweeping = 0;
        if (d->swept)
            es__logf(ES_LOG_DEBUG, "dedupe: forgot %lld id(s) delivered more than dedupe.max_age ago",
                    (long long)d->swept);
    }
}

int es__dedupe_busy(const es_dedupe_t *d) { return d && d->st && (d->sweeping || d->n_small >= MERGE_ROWS); }

void es__dedupe_tick(es_dedupe_t *d)
{
    if (!d->st)
        return;
    if (d->sweeping)
        prune_step(d);
    if (d->n_small >= MERGE_ROWS) {
        /* Ids remembered since the last commit go in the merge too. */
        int rc = es__dedupe_flush(d);
        if (rc == 0)
            rc = merge_small(d);
        if (rc < 0)
            es__logf(ES_LOG_WARN, "dedupe: cannot merge the delivered ids' rows: %s", es_strerror(rc));
    }
}
