#include "lifecycle.h"

#include <stdlib.h>

#include "instance.h"
#include "stages.h"

void es__life_free(es_life_t *l)
{
    free(l->spooled);
    l->spooled = NULL;
    l->n_spooled = l->cap_spooled = 0;
}

void es__life_enter(es_life_t *l, es_rec_t *rec)
{
    rec->state = ES_REC_PENDING;
    rec->refs = 1;
    l->in_flight++;
    l->in_flight_bytes += rec->size;
}

void es__life_enter_loaded(es_life_t *l, es_rec_t *rec)
{
    es__life_enter(l, rec);
    rec->state = ES_REC_ACCEPTED;
}

void es__life_lazy(es_life_t *l, es_rec_t *rec, uint64_t now_ms)
{
    if (rec->state != ES_REC_PENDING)
        return; /* a sink let go of it during routing: it stays abandoned */
    rec->state = ES_REC_LAZY;
    rec->lazy_at = now_ms;
    rec->lazy_prev = l->lazy_tail;
    rec->lazy_next = NULL;
    if (l->lazy_tail)
        l->lazy_tail->lazy_next = rec;
    else
        l->lazy_head = rec;
    l->lazy_tail = rec;
}

es_rec_t *es__life_lazy_due(const es_life_t *l, uint64_t cutoff_ms)
{
    es_rec_t *h = l->lazy_head;
    return h && h->lazy_at <= cutoff_ms ? h : NULL;
}

static void lazy_unlink(es_life_t *l, es_rec_t *rec)
{
    if (rec->lazy_prev)
        rec->lazy_prev->lazy_next = rec->lazy_next;
    else
        l->lazy_head = rec->lazy_next;
    if (rec->lazy_next)
        rec->lazy_next->lazy_prev = rec->lazy_prev;
    else
        l->lazy_tail = rec->lazy_prev;
    rec->lazy_prev = rec->lazy_next = NULL;
}

void es__life_unspoolable(es_life_t *l, es_rec_t *rec)
{
    if (rec->state != ES_REC_LAZY)
        return;
    lazy_unlink(l, rec);
    rec->state = ES_REC_PENDING;
}

int es__life_spool(es_life_t *l, es_rec_t *rec)
{
    if (rec->state == ES_REC_LAZY) {
        lazy_unlink(l, rec);
        rec->state = ES_REC_PENDING;
    }
    if (l->n_spooled == l->cap_spooled) {
        size_t nc = l->cap_spooled ? l->cap_spooled * 2 : 256;
        es_rec_t **na = realloc(l->spooled, nc * sizeof *na);
        if (!na)
            return ES_ENOMEM;
        l->spooled = na;
        l->cap_spooled = nc;
    }
    rec->state = ES_REC_SPOOLED;
    rec->refs++;
    l->spooled[l->n_spooled++] = rec;
    return 0;
}

es_rec_t **es__life_take_spooled(es_life_t *l, size_t *n)
{
    *n = l->n_spooled;
    l->n_spooled = 0;
    return l->spooled;
}

/* Durable for its source: its ack callback says so and its source's
 * checkpoint may pass it. Once per record; a record a core stage made (no
 * source) has nothing to tell. */
static void accepted(es_rec_t *rec)
{
    rec->state = ES_REC_ACCEPTED;
    if (!rec->track)
        return;
    es__rec_ack(rec, 1);
    es__track_done(rec->track, rec->seq);
    rec->track = NULL;
}

void es__life_committed(struct es_dedupe *dd, es_rec_t *rec, int ok)
{
    if (!ok) {
        if (rec->state == ES_REC_SPOOLED)
            rec->state = ES_REC_PENDING;
        return;
    }
    if (dd && es__life_in_dedupe(rec))
        es__dedupe_release(dd, rec, 0);
    accepted(rec);
}

void es__life_abandon(es_life_t *l, es_rec_t *rec)
{
    if (rec->state == ES_REC_ACCEPTED)
        return;
    if (rec->state == ES_REC_LAZY)
        lazy_unlink(l, rec);
    rec->state = ES_REC_ABANDONED;
}

static void uncount(es_life_t *l, es_rec_t *rec)
{
    l->in_flight--;
    l->in_flight_bytes -= rec->size;
}

void es__life_finish(es_life_t *l, es_rec_t *rec)
{
    if (rec->state == ES_REC_LAZY) {
        lazy_unlink(l, rec);
        l->n_lazy_direct++;
        rec->state = ES_REC_PENDING; /* every sink took it: delivered */
    }
    rec->lazy_next = NULL;
    if (l->fin_tail) {
        l->fin_tail->lazy_next = rec;
        l->fin_tail = rec;
        return;
    }
    l->fin_head = l->fin_tail = rec;
    if (l->finished)
        l->finished(l->finished_arg);
}

static void leave(es_life_t *l, struct es_dedupe *dd, es_rec_t *rec)
{
    int abandoned = rec->state == ES_REC_ABANDONED;
    /* Released before the ack: a source told to read it again must find
     * its id out of the in-flight set, or the new copy is a duplicate. */
    if (dd && es__life_in_dedupe(rec))
        es__dedupe_release(dd, rec, !abandoned);
    uncount(l, rec);
    if (rec->track) {
        es__rec_ack(rec, !abandoned);
        if (abandoned)
            es__track_release(rec->track); /* its checkpoint must not move */
        else
            es__track_done(rec->track, rec->seq);
        rec->track = NULL;
    }
    es__rec_free(rec);
}

size_t es__life_run_finished(es_life_t *l, struct es_dedupe *dd)
{
    size_t n = 0;
    es_rec_t *rec;
    while ((rec = l->fin_head)) {
        l->fin_head = rec->lazy_next;
        if (!l->fin_head)
            l->fin_tail = NULL;
        leave(l, dd, rec);
        n++;
    }
    return n;
}

void es__life_drop(es_life_t *l, es_rec_t *rec)
{
    rec->refs = 0;
    rec->id_hash = 0; /* the id in flight is the first copy's, not this one's */
    es__life_finish(l, rec);
}
