/*
 * The core's record: what flows from a source through the stages to the
 * sinks. One allocation holds the mention's strings; sinks share the record
 * by reference count, so routing to five sinks copies nothing.
 */
#ifndef ES_MENTION_H
#define ES_MENTION_H

#include <stddef.h>
#include <stdint.h>

#include <earshot/plugin.h>

struct es_source_track;

/* Where a record is between es_emit() and its source's ack; the
 * transitions are drawn in core/delivery/lifecycle.h. */
typedef enum es_rec_state {
    ES_REC_PENDING,   /* in memory only: its source waits for its delivery */
    ES_REC_LAZY,      /* routed without spool rows (spool.delay), in the lazy list */
    ES_REC_SPOOLED,   /* its rows are in the open state transaction */
    ES_REC_ACCEPTED,  /* spooled and committed, or never needed a row: its source was told */
    ES_REC_ABANDONED, /* dropped undelivered: its source reads it again */
} es_rec_state_t;

typedef struct es_rec {
    es_record_t pub;  /* what sinks see; pub.mention points at m */
    es_mention_t m;
    char *strings;    /* owns every string of m that came from the source */
    char **addressed; /* points into strings */
    int one_block;    /* strings and addressed live in the record's own allocation */
    char *stage_strings[4]; /* brand, author_kind, owner, addressed_account */
    char *owned_id;   /* id rewritten by normalise, else NULL */
    void *matches;    /* m.brands, m.brand_owned, m.topics, m.topic_owners and their strings */
    char lang_buf[8]; /* detected language when the source gave none */
    json_t *fields;   /* alert/account records */
    char *json;       /* cached es_record_json() */
    size_t json_len;
    size_t size;      /* approximate bytes, for backpressure accounting */
    unsigned refs;    /* sinks still holding the record, plus the pipeline */
    uint64_t seq;     /* per-source emit sequence */
    struct es_source_track *track; /* NULL for core-made records */
    es_rec_state_t state; /* changed by core/delivery/lifecycle.c alone */
    uint64_t id_hash; /* es__idset_hash(m.id), set by es__dedupe_check; 0: never checked */
    /* ES_REC_LAZY: its place in the lifecycle's list of records routed
     * without spool rows (spool.delay), and the loop time (ms) it was
     * routed. Once finished, lazy_next links the list of records the check
     * phase completes (a record is never in both). */
    uint64_t lazy_at;
    struct es_rec *lazy_prev, *lazy_next;
    es_ack_cb ack_cb; /* es_emit_acked: told once when the core is done with it */
    void *ack_arg;
} es_rec_t;

/* Deep-copies a source's mention, repairing invalid UTF-8 (each repair
 * counted in *repaired). Returns NULL on ENOMEM. */
es_rec_t *es__rec_from_mention(const es_mention_t *src, const char *source_name, size_t *repaired);
/* A record of another kind; takes the reference to fields. */
es_rec_t *es__rec_from_fields(es_record_kind_t kind, json_t *fields);
/* Sets a stage result string (copied; NULL clears). idx: 0 brand,
 * 1 author_kind, 2 owner, 3 addressed_account. Returns 0 or ES_ENOMEM. */
int es__rec_set_stage(es_rec_t *r, int idx, const char *value);
/* Sets m.brands (brand_owned all 0) and m.topics with their owners
 * (copied into one block; NULL arrays with n = 0 clear them), and m.brand
 * to the first brand. Stage 0 (brand) set through es__rec_set_stage is a
 * list of one. Returns 0 or ES_ENOMEM (the record unchanged). */
int es__rec_set_matches(es_rec_t *r, const char *const *brands, size_t n_brands, const char *const *topics,
                       const char *const *owners, size_t n_topics);
/* Marks brands[i] as owned (written by one of its official accounts). */
static inline void es__rec_set_owned(es_rec_t *r, size_t i)
{
    if (i < r->m.n_brands)
        ((unsigned char *)r->m.brand_owned)[i] = 1;
}
/* The same for a string literal (valid UTF-8, lives forever): no copy. */
void es__rec_set_stage_literal(es_rec_t *r, int idx, const char *literal);
void es__rec_free(es_rec_t *r);

/* Rebuilds a record from its es_record_json() text (the spool); NULL on
 * malformed JSON or ENOMEM. */
es_rec_t *es__rec_from_json(const char *json);

/* The record as a jansson object (new reference). */
json_t *es__rec_to_json(const es_rec_t *r);

#endif
