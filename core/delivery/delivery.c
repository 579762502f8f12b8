#include "delivery.h"

#include "sink_queue.h"
#include "stages.h"

void es__delivery_init(es__delivery_t *d, uv_loop_t *loop, es__txn_t *txn, es_life_t *life, void *host)
{
    *d = (es__delivery_t){.loop = loop, .txn = txn, .life = life, .host = host};
    d->done.tail = &d->done.head;
}

/*
 * Why records may skip the spool: writing every record to the spool and
 * deleting it a few milliseconds later, when its sinks took it, was about
 * half of the pipeline's CPU (bench/twitter: 13.4 against 6.6 us a tweet). A source's checkpoint moves
 * past a record only once it is delivered or spooled, either way, so a
 * record that every sink takes within spool.delay needs no row: a crash
 * before then makes its source read it again, exactly as for a record
 * whose rows had not committed yet.
 *
 * This pass gives rows to what its sinks still hold at cutoff (a slow or
 * failing sink), in the same transaction as its dedupe id, and accepts it
 * like any spooled record. One that could not get a row in every sink
 * still holding it (the DB refused) keeps the pre-spool rule: its source
 * waits for its delivery.
 */
void es__delivery_spool_lazy(es__delivery_t *d, uint64_t cutoff)
{
    es_rec_t *h;
    if (!es__life_lazy_due(d->life, cutoff))
        return;
    if (!es__txn_faulty(d->txn))
        es__txn_open(d->txn); /* rows, dedupe ids and the accepts go in it */
    for (es_sink_queue_t *q = d->queues; q; q = es__sink_queue_next(q))
        es__sink_queue_spool_lazy(q, cutoff);
    /* What is still LAZY got a row in every sink holding it (the queues
     * made the rest PENDING: es__life_unspoolable). */
    while ((h = es__life_lazy_due(d->life, cutoff))) {
        if (!es__txn_is_open(d->txn)) {
            es__life_unspoolable(d->life, h); /* the pre-spool rule: delivery alone moves its source on */
            continue;
        }
        if (es__life_in_dedupe(h))
            es__dedupe_remember(d->dedupe, h);
        if (es__life_spool(d->life, h) == 0)
            d->life->n_lazy_spooled++;
    }
}
