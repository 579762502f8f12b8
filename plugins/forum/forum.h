/*
 * The forum source's instance state, shared by config.c (reading the
 * configuration into it) and plugin.c (polling). Internal to the plugin.
 */
#ifndef EARSHOT_FORUM_FORUM_H
#define EARSHOT_FORUM_FORUM_H

#include <stddef.h>
#include <stdint.h>

#include "item.h"
#include <earshot/plugin.h>

typedef enum { FORUM_DISCOURSE = 1, FORUM_REDDIT = 2 } es_forum_type_t;

typedef struct es_forum es_forum_t;

typedef struct es_forum_stream {
    char *first_url; /* page 1; also names the stream in logs */
    char *ckpt_key;  /* "last " + the listing without limit=: what is read */
    int complete;    /* its last poll read back to the checkpoint: page 1 may
                        then be asked for conditionally (a 304 means nothing
                        new); after an abandoned poll it must be read whole */
    uint64_t bad_hash;   /* body of the last page that failed to parse */
    unsigned bad_polls;  /* polls that page ended; at ES_FORUM_BAD_POLLS it
                            is skipped */
} es_forum_stream_t;

struct es_forum {
    es_ctx_t *ctx;
    es_forum_type_t type;
    const char *network, *base;
    char *base_trimmed;   /* base without trailing '/' */
    uint64_t interval_ms, timeout_ms;
    size_t max_pages, backfill_pages, max_size;
    int64_t *categories;  /* Discourse category filter */
    size_t n_categories;
    const char *headers[5]; /* Accept, User-Agent, auth... NULL-terminated */
    char *hdr_storage[4];
    int once;

    es_forum_stream_t *streams;
    size_t n_streams;

    /* The poll in progress (one stream at a time). */
    size_t cur;           /* stream index */
    size_t page_no;       /* pages read in this stream's poll */
    char *cursor;         /* next page's cursor; NULL: first page */
    char *page_url;       /* URL being fetched */
    unsigned attempt;
    int have_last;
    uint64_t last;        /* checkpointed newest id */
    es_forum_item_t *buf; /* new posts found so far in this poll */
    size_t n_buf, cap_buf;
    uint64_t poll_max_ret; /* Retry-After that ended a poll */
    size_t n_warnings;    /* problems reported for the current page */

    uv_timer_t timer;
    int timer_open;
    es_http_req_t *req;
    int in_flight, waiting, stopping;
    uint64_t not_before;  /* loop time (ms) before which no request goes out */
    unsigned rng;
};

extern const es_config_key_t es_forum_keys[];

/* Reads and checks the instance's configuration (logging what is wrong)
 * into a new es_forum_t. Returns 0, ES_ECONFIG or ES_ENOMEM. */
int es_forum_new(es_ctx_t *ctx, es_forum_t **out);
void es_forum_free(es_forum_t *f);
/* Frees the posts gathered by the poll in progress. */
void es_forum_buf_clear(es_forum_t *f);

#endif
