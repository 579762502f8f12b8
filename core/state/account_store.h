/*
 * What the state DB remembers about accounts: the inventory snapshot,
 * per-account activity, lookalike sightings, and mentions addressed to
 * official accounts with when (and whether) they were answered. Loop thread.
 */
#ifndef ES_ACCOUNT_STORE_H
#define ES_ACCOUNT_STORE_H

#include <stdint.h>

#include "inventory.h"
#include "state.h"

typedef struct es_acct_store es_acct_store_t;

int es__acct_store_new(es_state_t *st, es_acct_store_t **out);
void es__acct_store_free(es_acct_store_t *s);

/* Replaces the inventory snapshot with a (one transaction). */
int es__acct_store_snapshot(es_acct_store_t *s, const es_accounts_t *a);
/* An official account posted at `at`. */
void es__acct_store_post(es_acct_store_t *s, const es_account_t *ac, int64_t at);
/* A public mention addressed to an official account. */
void es__acct_store_addressed(es_acct_store_t *s, const char *mention_id, const es_account_t *ac,
                             const char *author, int64_t at);
/* An official account answered: by the id it replies to, else the latest
 * unanswered mention of reply_to_author to that network within 7 days.
 * Returns 1 when a mention was marked answered. */
int es__acct_store_reply(es_acct_store_t *s, const es_account_t *ac, const char *in_reply_to,
                        const char *reply_to_author, int64_t at);
/* A lookalike sighting; returns 1 on the first sighting, 0 on a repeat,
 * negative on error. */
int es__acct_store_lookalike(es_acct_store_t *s, const char *network, const char *handle,
                            const char *brand, const char *like, const char *reason, double score,
                            const char *url, int64_t at);

/* The inventory snapshot as rows in file order, into *out (zeroed first;
 * the caller frees each account's strings and out->v). 0, ES_EDB or
 * ES_ENOMEM. */
int es__acct_store_load(es_state_t *st, es_accounts_t *out);

#endif
