/*
 * The nats source's message decoder: one record JSON (as the nats sink
 * publishes it, es_record_json) back into an es_mention_t. Pure: no NATS,
 * no plugin context; unit-tested directly.
 */
#ifndef ES_NATS_DECODE_H
#define ES_NATS_DECODE_H

#include <stddef.h>

#include <earshot/json.h>
#include <earshot/plugin.h>

typedef struct es_nats_decoded {
    json_t *root;      /* owns every string m points to, with sc */
    es_mention_t m;
    es_mention_scratch_t sc;
    /* ES_NATS_DEC_DELETION: the withdrawn mention, pointing into root. */
    const char *del_id, *del_network, *del_action;
    int64_t del_at;
} es_nats_decoded_t;

typedef enum {
    ES_NATS_DEC_MENTION = 0, /* d->m is filled */
    ES_NATS_DEC_OTHER = 1,   /* a valid record of another kind (alert, account) */
    ES_NATS_DEC_BAD = 2,     /* not a usable record; *why says why */
    ES_NATS_DEC_DELETION = 3, /* a deletion record: d->del_* are filled */
} es_nats_dec_t;

/* Decodes data[0..len). Invalid UTF-8 is repaired (U+FFFD) rather than
 * refused. On MENTION and DELETION the caller frees with es_nats_decoded_free; on the
 * other results there is nothing to free. `why` is a static string. */
es_nats_dec_t es_nats_decode(const char *data, size_t len, es_nats_decoded_t *d,
                             const char **why);
void es_nats_decoded_free(es_nats_decoded_t *d);

#endif
