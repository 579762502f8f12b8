/*
 * The fixed stages between sources and sinks, in order: normalise, dedupe,
 * brand match, inventory, sentiment, route. Each has its own small
 * interface so later work can fill one without touching the others.
 */
#ifndef ES_STAGES_H
#define ES_STAGES_H

#include "config.h"
#include "mention.h"
#include "state.h"

/* normalise: fills defaults (id prefixed with "<network>:" when the
 * source gave a bare native id), drops control characters other than tab
 * and newline from text fields, clamps nonsensical dates to 0. Returns 0,
 * or ES_EINVAL when the record cannot be a mention (no id). */
int es__normalise(es_rec_t *rec);

/* dedupe: ids in flight and ids delivered within dedupe.max_age, as
 * fingerprints in memory; the delivered ones are also in the state DB
 * (see stage_dedupe.c). Loop thread only. */
typedef struct es_dedupe es_dedupe_t;
/* Loads the delivered ids from st (NULL: memory only, nothing
 * remembered after delivery). */
int es__dedupe_new(es_state_t *st, uint64_t max_age_ms, es_dedupe_t **out);
void es__dedupe_free(es_dedupe_t *d);
/* Sets rec->id_hash. 1 = duplicate (drop), 0 = new (now in flight),
 * negative on error. */
int es__dedupe_check(es_dedupe_t *d, es_rec_t *rec);
/* The record left the pipeline (it was in flight); if delivered, remember
 * it as seen. */
void es__dedupe_release(es_dedupe_t *d, const es_rec_t *rec, int delivered);
/* Starts loading the memory es__dedupe_release(rec) will touch: a batch's
 * records are released together, and their ids' slots are cache misses
 * that can overlap (hashing scatters them over the whole table). */
void es__dedupe_prefetch(const es_dedupe_t *d, const es_rec_t *rec);
/* The same for the check of an id about to be emitted, when it already
 * has its "<network>:" prefix (else normalise changes it). */
void es__dedupe_prefetch_id(const es_dedupe_t *d, const char *network, const char *id);
/* Remembers rec as seen while it stays in flight (spooled: accepted). */
void es__dedupe_remember(es_dedupe_t *d, const es_rec_t *rec);
/* Remembers an id ("<network>:<native>") as seen without a record in
 * flight: a mention withdrawn upstream, whose later copies must not come
 * back (es_emit_deletion). */
void es__dedupe_remember_id(es_dedupe_t *d, const char *id);
/* Writes the ids remembered since the last commit as one row, inside the
 * open state transaction; es__dedupe_committed() then says how that
 * transaction ended (on failure those ids are forgotten, as everything
 * else it wrote). */
int es__dedupe_flush(es_dedupe_t *d);
void es__dedupe_committed(es_dedupe_t *d, int ok);
/* Starts forgetting ids delivered before dedupe.max_age (unless a sweep
 * runs), a few rows now and a few per es__dedupe_tick(). */
void es__dedupe_prune(es_dedupe_t *d);
/* Non-zero when es__dedupe_tick() has work: a sweep under way, or small
 * rows to merge. The tick must run inside a state transaction. */
int es__dedupe_busy(const es_dedupe_t *d);
void es__dedupe_tick(es_dedupe_t *d);

/* brand match: every [brand] and [topic] query (docs/queries.md) in one
 * compiled matcher; sets m.brands (m.brand the first) and m.topics. A
 * topic with `brand =` only matches mentions of that brand. Loop thread
 * (the matcher keeps scratch space). */
typedef struct es_brands es_brands_t;
int es__brands_new(const es_config_t *cfg, es_brands_t **out);
void es__brands_free(es_brands_t *b);
int es__brands_apply(es_brands_t *b, es_rec_t *rec);
/* Exposed for tests: non-zero when the keyword (as `keywords =` reads
 * it: a phrase) occurs in text. */
int es__brand_text_has(const char *text, const char *keyword);

/* inventory: author_kind (official / lookalike / public), the official
 * account(s) addressed and their owning team, brand from the account when
 * the text named none; records activity, addressed mentions, answers and
 * lookalike sightings in the state DB (st may be NULL). Without an
 * `inventory` file every author is public. A bad inventory fails new()
 * with file:line diagnostics. */
typedef struct es_inventory es_inventory_t;
int es__inventory_new(const es_config_t *cfg, es_state_t *st, es_inventory_t **out, es_diag_t *diag);
/* The two halves of _new, for a reload whose file is read off the loop.
 * _load reads and checks the file at path (NULL or "": no inventory, *out
 * NULL) and touches nothing else, so it may run on a worker thread; a bad
 * row is ES_ECONFIG with nothing loaded. _new_from takes accounts over
 * (freed on error too), and with a state DB snapshots them into the
 * account tables (loop thread, in the turn's transaction). */
struct es_accounts; /* core/accounts/inventory.h */
int es__inventory_load(const char *path, struct es_accounts **out, es_diag_t *diag);
int es__inventory_new_from(const es_config_t *cfg, es_state_t *st, struct es_accounts *accounts,
                           es_inventory_t **out);
void es__inventory_free(es_inventory_t *inv);
/* *account_event receives a new JSON object (kind account: a lookalike's
 * first sighting) for the caller to route, or NULL. */
int es__inventory_apply(es_inventory_t *inv, es_rec_t *rec, json_t **account_event);
size_t es__inventory_size(const es_inventory_t *inv);

/* sentiment: scores text into m.sentiment and fills m.lang when unset.
 * With sentiment.enabled = false, _new sets *out to NULL and _apply(NULL)
 * does nothing. */
typedef struct es_sentiment_stage es_sentiment_stage_t;
int es__sentiment_stage_new(const es_config_t *cfg, es_sentiment_stage_t **out, es_diag_t *diag);
void es__sentiment_stage_free(es_sentiment_stage_t *s);
int es__sentiment_stage_apply(es_sentiment_stage_t *s, es_rec_t *rec);

/* route: non-zero when a sink's match.* keys accept the record. */
int es__route_match(const es_route_t *r, const es_rec_t *rec);

#endif
