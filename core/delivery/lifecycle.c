#include "lifecycle.h"

#include "instance.h"

void es__life_enter(es_agent_t *a, es_rec_t *rec)
{
    rec->refs = 1;
    a->in_flight++;
    a->in_flight_bytes += rec->size;
}

void es__life_accepted(es_rec_t *rec)
{
    if (!rec->track)
        return;
    es__rec_ack(rec, 1);
    es__track_done(rec->track, rec->seq);
    rec->track = NULL;
}

static void uncount(es_agent_t *a, es_rec_t *rec)
{
    a->in_flight--;
    a->in_flight_bytes -= rec->size;
}

void es__life_leave(es_agent_t *a, es_rec_t *rec)
{
    uncount(a, rec);
    if (rec->track) {
        es__rec_ack(rec, !rec->abandoned);
        if (rec->abandoned)
            es__track_release(rec->track); /* its checkpoint must not move */
        else
            es__track_done(rec->track, rec->seq);
        rec->track = NULL;
    }
    es__rec_free(rec);
}

void es__life_drop(es_agent_t *a, es_rec_t *rec)
{
    rec->refs = 0;
    uncount(a, rec);
    es__life_accepted(rec);
    es__rec_free(rec);
}
