#include "txn.h"

#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "util.h"

int es__txn_init(es__txn_t *t, es_state_t *db, const char *dir, void (*opened)(void *), void *arg)
{
    *t = (es__txn_t){.db = db, .opened = opened, .arg = arg};
    if (dir && !(t->dir = es__strdup(dir)))
        return ES_ENOMEM;
    return 0;
}

void es__txn_free(es__txn_t *t)
{
    free(t->dir);
    t->dir = NULL;
}

void es__txn_begin_slow(es__txn_t *t)
{
    if (es__state_begin(t->db) == 0) {
        t->open = 1;
        if (t->opened)
            t->opened(t->arg);
    }
}

void es__txn_fault(es__txn_t *t)
{
    if (t->fault)
        return;
    t->fault = 1;
    es__logf(ES_LOG_ERROR, "state %s: cannot write; new records are not accepted until it can",
             t->dir ? t->dir : "");
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int es__txn_commit(es__txn_t *t, int ok)
{
    t->open = 0;
    t->gen++;
    if (ok) {
        uint64_t t0 = now_ns();
        ok = es__state_commit(t->db) == 0;
        uint64_t dt = now_ns() - t0;
        t->n_commits++;
        t->commit_ns += dt;
        if (dt > t->commit_max_ns)
            t->commit_max_ns = dt;
    }
    if (!ok) {
        es__logf(ES_LOG_ERROR, "state: commit failed: %s; records stay in memory, sources pause",
                 es__state_errmsg(t->db));
        es__state_rollback(t->db);
        es__txn_fault(t);
    }
    return ok;
}

int es__txn_probe(es__txn_t *t)
{
    int ok = es__state_begin(t->db) == 0;
    int64_t id = ok ? es__state_spool_add(t->db, "", "probe", NULL, "{}", 2) : -1;
    ok = ok && id > 0 && es__state_spool_del(t->db, id) == 0;
    if (ok && es__state_commit(t->db) == 0) {
        t->fault = 0;
        es__logf(ES_LOG_INFO, "state %s: writable again; resuming", t->dir ? t->dir : "");
        return 1;
    }
    es__state_rollback(t->db);
    return 0;
}
