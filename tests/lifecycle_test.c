/*
 * A record's lifecycle (core/delivery/lifecycle.c) on its own: every
 * transition of es_rec_t.state, what each tells the record's source (the
 * ack callback, the checkpoint's track), what happens to its id in the
 * dedupe sets, the lazy list's order and the in-memory counters. The
 * end-to-end behaviour (spool.delay, crashes, shutdown) is in
 * durability_e2e.sh, spool_test.sh and delivery_test.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instance.h"
#include "lifecycle.h"
#include "stages.h"
#include "state.h"
#include "tap.h"

typedef struct acks {
    int accepted, abandoned;
} acks_t;

static void on_ack(es_ctx_t *ctx, void *arg, int accepted)
{
    (void)ctx;
    acks_t *a = arg;
    if (accepted)
        a->accepted++;
    else
        a->abandoned++;
}

static es_source_track_t *track_new(es_ctx_t *ctx)
{
    es_source_track_t *t = calloc(1, sizeof *t);
    t->refs = 1;
    t->cap = 64;
    t->done = calloc(t->cap, 1);
    t->ctx = ctx;
    return t;
}

/* A source's mention with id, as es_emit leaves it: seq taken, one
 * reference on the track, its ack callback set. */
static es_rec_t *rec_new(es_source_track_t *t, acks_t *acks, char *id)
{
    es_rec_t *r = es__rec_from_fields(ES_RECORD_MENTION, NULL);
    r->m.id = id;
    r->track = t;
    r->seq = t->next_seq++;
    t->refs++;
    r->ack_cb = on_ack;
    r->ack_arg = acks;
    return r;
}

static void count_wake(void *arg) { (*(int *)arg)++; }

static size_t lazy_len(const es_life_t *l)
{
    size_t n = 0;
    for (const es_rec_t *r = l->lazy_head; r; r = r->lazy_next)
        n++;
    return n;
}

int main(void)
{
    char dir[] = "/tmp/earshot-lifecycle-test.XXXXXX", err[256];
    if (!mkdtemp(dir))
        skip_all("mkdtemp failed");
    es_state_t *st = NULL;
    es_dedupe_t *dd = NULL;
    if (es__state_open(dir, &st, err, sizeof err) < 0 || es__dedupe_new(st, 3600000, &dd) < 0)
        skip_all("state: %s", err);
    es_ctx_t *ctx = calloc(1, sizeof *ctx);
    es_source_track_t *t = track_new(ctx);
    es_life_t life = {0};
    acks_t ak = {0};
    es__state_begin(st);

    /* ---- enter, lazy, unspoolable ---- */
    char ids[6][8];
    es_rec_t *r[6];
    for (int i = 0; i < 6; i++) {
        snprintf(ids[i], sizeof ids[i], "t:%d", i);
        r[i] = rec_new(t, &ak, ids[i]);
        es__life_enter(&life, r[i]);
        is_int(es__dedupe_check(dd, r[i]), 0, "record %d passes dedupe", i);
    }
    ok(r[0]->state == ES_REC_PENDING && r[0]->refs == 1, "enter: PENDING with the caller's reference");
    is_int(life.in_flight, 6, "six records in memory");
    ok(life.in_flight_bytes == 6 * r[0]->size, "their bytes counted");
    ok(es__life_in_dedupe(r[0]) && es__dedupe_check(dd, r[0]) == 1, "a checked record's id is in flight");
    for (int i = 0; i < 3; i++)
        es__life_lazy(&life, r[i], 100 + (uint64_t)i);
    ok(r[1]->state == ES_REC_LAZY && lazy_len(&life) == 3 && life.lazy_head == r[0] && life.lazy_tail == r[2],
       "lazy: LAZY, listed oldest first");
    ok(es__life_lazy_due(&life, 99) == NULL && es__life_lazy_due(&life, 100) == r[0], "due by its routing time");
    es__life_unspoolable(&life, r[1]);
    ok(r[1]->state == ES_REC_PENDING && lazy_len(&life) == 2 && r[0]->lazy_next == r[2] && r[2]->lazy_prev == r[0],
       "unspoolable: PENDING again, out of the list, the others still linked");
    es__life_unspoolable(&life, r[1]);
    ok(r[1]->state == ES_REC_PENDING, "unspoolable on a PENDING record: no change");

    /* ---- spool and commit ---- */
    is_int(es__life_spool(&life, r[0]), 0, "spool a LAZY record");
    ok(r[0]->state == ES_REC_SPOOLED && r[0]->refs == 2 && lazy_len(&life) == 1 && life.lazy_head == r[2],
       "SPOOLED, one more reference, out of the lazy list");
    es__life_spool(&life, r[3]);
    es__life_spool(&life, r[4]);
    es__life_abandon(&life, r[4]); /* its sink let go of it before the commit */
    ok(r[4]->state == ES_REC_ABANDONED, "abandon: a SPOOLED record is ABANDONED");
    size_t n;
    es_rec_t **v = es__life_take_spooled(&life, &n);
    is_int(n, 3, "the transaction's three spooled records");
    ok(v[0] == r[0] && v[1] == r[3] && v[2] == r[4], "in the order they were spooled");
    es__life_committed(dd, v[0], 1);
    es__life_committed(dd, v[2], 1);
    es__life_committed(dd, v[1], 0);
    for (size_t i = 0; i < n; i++)
        v[i]->refs--;
    ok(r[0]->state == ES_REC_ACCEPTED && !es__life_in_dedupe(r[0]), "committed: ACCEPTED, out of the in-flight set");
    ok(r[4]->state == ES_REC_ACCEPTED, "an abandoned record whose rows committed is ACCEPTED (they deliver it)");
    is_int(ak.accepted, 2, "both sources told, accepted");
    ok(r[0]->track == NULL && r[4]->track == NULL, "their track references given back");
    ok(r[3]->state == ES_REC_PENDING && r[3]->track, "rolled back: PENDING again, its source not told");
    is_int(es__life_take_spooled(&life, &n) != NULL ? (int)n : -1, 0, "the list was emptied");
    es__life_abandon(&life, r[0]);
    ok(r[0]->state == ES_REC_ACCEPTED, "abandon: an ACCEPTED record stays accepted");

    /* ---- leave ---- */
    es__life_finish(&life, r[2]); /* LAZY, every sink took it */
    is_int(life.n_lazy_direct, 1, "finish from LAZY: counted as taken without a row");
    ok(life.lazy_head == NULL && life.lazy_tail == NULL, "and the lazy list is empty");
    is_int(ak.accepted, 2, "finish tells nobody on the caller's stack");
    is_int(life.in_flight, 6, "and the record still counts in memory");
    is_int(es__life_run_finished(&life, dd), 1, "the check phase completes it");
    is_int(ak.accepted, 3, "its source told, accepted");
    is_int(life.in_flight, 5, "uncounted");
    es__life_abandon(&life, r[5]);
    es__life_finish(&life, r[5]);
    es__life_run_finished(&life, dd);
    is_int(ak.abandoned, 1, "leave from ABANDONED: its source told to read it again");
    is_int(es__dedupe_check(dd, r[3]), 1, "a PENDING record's id is still in flight");
    es__life_finish(&life, r[3]); /* delivered from memory */
    es__life_run_finished(&life, dd);
    is_int(ak.accepted, 4, "leave from PENDING: accepted");
    es__life_finish(&life, r[0]);
    es__life_finish(&life, r[4]);
    es__life_finish(&life, r[1]);
    is_int(es__life_run_finished(&life, dd), 3, "three finished records completed in one pass");
    is_int(ak.accepted, 5, "the ACCEPTED ones not told twice, r1 (delivered from memory) told");
    ok(life.fin_head == NULL && life.fin_tail == NULL, "the finished list is empty");
    is_int(t->base, 5, "the checkpoint passes seqs 0-4 and stops at the abandoned seq 5");

    /* ---- the loop is asked for a check phase once per non-empty list ---- */
    {
        int wakes = 0;
        life.finished = count_wake;
        life.finished_arg = &wakes;
        es_rec_t *w[3];
        for (int i = 0; i < 3; i++) {
            w[i] = es__rec_from_fields(ES_RECORD_MENTION, NULL);
            es__life_enter(&life, w[i]);
            w[i]->refs++; /* a sink's */
        }
        es__life_release(&life, w[0]);
        is_int(wakes, 0, "release with a reference left: not finished");
        es__life_release(&life, w[0]);
        is_int(wakes, 1, "the last reference: finished, the check phase asked for");
        es__life_release(&life, w[1]);
        es__life_release(&life, w[1]);
        is_int(wakes, 1, "asked once while the list waits, not per record");
        is_int(es__life_run_finished(&life, dd), 2, "both completed");
        es__life_release(&life, w[2]);
        es__life_release(&life, w[2]);
        is_int(wakes, 2, "asked again once the list was emptied");
        es__life_run_finished(&life, dd);
        life.finished = NULL;
    }

    /* ---- what the dedupe sets hold now ---- */
    es_rec_t *again[6];
    for (int i = 0; i < 6; i++) {
        again[i] = rec_new(t, &ak, ids[i]);
        es__life_enter(&life, again[i]);
    }
    is_int(es__dedupe_check(dd, again[2]), 1, "a record delivered from the lazy list is remembered");
    is_int(es__dedupe_check(dd, again[3]), 1, "so is one delivered from memory");
    is_int(es__dedupe_check(dd, again[5]), 0, "an abandoned one is not: its source's next copy passes");
    for (int i = 0; i < 6; i++)
        es__life_drop(&life, again[i]);
    is_int(ak.accepted, 5, "drop: nobody told on the caller's stack");
    is_int(es__life_run_finished(&life, dd), 6, "the six duplicates completed");
    is_int(ak.accepted, 11, "each told accepted");
    {
        char id9[] = "t:9";
        es_rec_t *first = rec_new(t, &ak, id9), *copy = rec_new(t, &ak, id9), *third = rec_new(t, &ak, id9);
        es__life_enter(&life, first);
        es__life_enter(&life, copy);
        es__life_enter(&life, third);
        is_int(es__dedupe_check(dd, first), 0, "a new id passes");
        is_int(es__dedupe_check(dd, copy), 1, "its copy is a duplicate while it is in flight");
        es__life_drop(&life, copy);
        es__life_run_finished(&life, dd);
        is_int(es__dedupe_check(dd, third), 1, "a dropped duplicate leaves the first copy's id in flight");
        es__life_drop(&life, third);
        es__life_finish(&life, first);
        es__life_run_finished(&life, dd);
        is_int(ak.accepted, 14, "all three told accepted");
    }
    is_int(t->base, 5, "records after the abandoned one are done, the checkpoint still waits for it");

    /* ---- lazy after abandon, loaded records ---- */
    es_rec_t *x = rec_new(t, &ak, ids[0]);
    es__life_enter(&life, x);
    es__life_abandon(&life, x);
    es__life_lazy(&life, x, 500);
    ok(x->state == ES_REC_ABANDONED && life.lazy_head == NULL, "lazy on an abandoned record: it stays abandoned");
    es__life_finish(&life, x);
    es_rec_t *ld = es__rec_from_fields(ES_RECORD_MENTION, NULL);
    es__life_enter_loaded(&life, ld);
    ok(ld->state == ES_REC_ACCEPTED && ld->refs == 1, "a record read from the spool is ACCEPTED from the start");
    es__life_abandon(&life, ld);
    ok(ld->state == ES_REC_ACCEPTED, "and stays so when abandoned (its row delivers it)");
    es__life_finish(&life, ld);
    es__life_run_finished(&life, dd);

    is_int(life.in_flight, 0, "nothing left in memory");
    ok(life.in_flight_bytes == 0, "no bytes either");

    es__state_rollback(st);
    es__life_free(&life);
    es__dedupe_free(dd);
    es__state_close(st);
    es__track_release(t);
    free(ctx);
    tap_rm_state_dir(dir);
    return done_testing();
}
