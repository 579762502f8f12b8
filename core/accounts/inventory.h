/*
 * The account inventory: the brand's official accounts (inventory CSV),
 * lookup by network and handle, and lookalike detection for handles that
 * are not in it. Immutable once loaded; a reload builds a new one.
 */
#ifndef ES_INVENTORY_H
#define ES_INVENTORY_H

#include <stddef.h>

#include "config.h"

typedef enum { ES_ACCT_ACTIVE, ES_ACCT_DORMANT, ES_ACCT_SUNSET } es_acct_status_t;

typedef struct es_account {
    char *network, *handle, *brand, *owner, *url, *notes;
    es_acct_status_t status;
    char *key;   /* "network:handle", handle lowercased without '@' */
    char *norm;  /* handle folded for lookalike comparison */
    const char *file;
    int line;
} es_account_t;

typedef struct es_accounts {
    es_account_t *v;
    size_t n;
    char *path;
} es_accounts_t;

/* Parses an inventory CSV (header row naming at least network, handle,
 * brand, owner, status; optional url, notes; any column order; RFC 4180
 * quoting). Bad rows and duplicates are reported as "file:line: message"
 * in diag; the good rows are kept. Returns 0, ES_EIO (cannot read) or
 * ES_ENOMEM. */
int es__accounts_load(const char *path, es_accounts_t **out, es_diag_t *diag);
void es__accounts_free(es_accounts_t *a);
/* Writes the inventory as CSV with the canonical header (round-trips
 * es__accounts_load). */
int es__accounts_write_csv(const es_accounts_t *a, FILE *out);

/* The official account for network + handle (case-insensitive, leading
 * '@' ignored), or NULL. */
const es_account_t *es__accounts_find(const es_accounts_t *a, const char *network, const char *handle);

const char *es__acct_status_name(es_acct_status_t s);

/* ---- lookalikes ---------------------------------------------------------- */

/* Folds a handle for comparison: lowercase ASCII; '_', '.', '-' and a
 * leading '@' removed; confusables folded (0->o, 1->l, 3->e, 4->a, 5->s,
 * 7->t, 8->b, "rn"->m, "vv"->w, "cl"->d). Writes at most outlen-1 bytes. */
void es__handle_fold(const char *handle, char *out, size_t outlen);

typedef struct es_lookalike {
    const es_account_t *like; /* the official account it resembles (may be NULL for keyword rule) */
    const char *brand;
    double score;             /* 0..1 */
    char reason[160];
} es_lookalike_t;

/* Non-zero when a handle that is NOT in the inventory looks like one of the
 * official accounts of the same network, or like a brand keyword plus a
 * service word. brand_keywords: the [brand] sections (may be NULL). */
int es__lookalike_check(const es_accounts_t *a, const es_config_t *cfg, const char *network,
                       const char *handle, es_lookalike_t *out);

/* Levenshtein distance, capped: returns cap+1 as soon as it exceeds cap. */
int es__edit_distance(const char *a, const char *b, int cap);

#endif
