/*
 * The state database: one SQLite file (WAL) in state_dir holding
 * checkpoints, delivered mention ids, spools, dead letters and HTTP
 * validators, and (through the other files of core/state) the account and
 * spike detector tables. Loop thread only: the connection is not shared
 * with workers.
 */
#ifndef ES_STATE_H
#define ES_STATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct es_state es_state_t;

/* Creates state_dir if missing and opens (or creates and migrates)
 * state_dir/state.db. On error returns ES_EIO/ES_EDB with a message naming
 * the path in err. */
int es__state_open(const char *state_dir, es_state_t **out, char *err, size_t errlen);
/* Opens an existing state_dir/state.db read-only, beside an agent that
 * may be writing it (WAL), for a reader on any one thread (the daemon's
 * /report worker). Nothing is created or migrated: a database of another
 * schema version is ES_EDB, as is a missing one. Writes fail with ES_EDB. */
int es__state_open_readonly(const char *state_dir, es_state_t **out, char *err, size_t errlen);
void es__state_close(es_state_t *st);
/* WAL pages between checkpoints (16 MiB of 4 KiB pages): SQLite's
 * automatic checkpoint for CLI commands, the thread-pool checkpoint's
 * trigger in an agent (state_ckpt.c). */
#define ES_STATE_WAL_PAGES 4000

/* The database file's path. */
const char *es__state_path(const es_state_t *st);

/* Groups writes: everything between begin and commit is one transaction. */
int es__state_begin(es_state_t *st);
int es__state_commit(es_state_t *st);
/* Ends a transaction a failed commit left open (no-op otherwise). */
void es__state_rollback(es_state_t *st);

/* *value is malloc'd; ES_ENOENT when absent. */
int es__state_checkpoint_get(es_state_t *st, const char *instance, const char *key, char **value);
int es__state_checkpoint_put(es_state_t *st, const char *instance, const char *key, const char *value);

/* Delivered ids, as fingerprints (es__idset_hash): rows of many, one per
 * transaction that delivered any, merged into bigger ones and forgotten a
 * row at a time by the dedupe stage. es__state_seen_write returns the new
 * row's id or a negative error. */
int64_t es__state_seen_write(es_state_t *st, int64_t at, const uint64_t *ids, size_t n);
/* Calls cb(ud, row, at, ids, n) for each row after row `after`, written
 * before `before` (seconds) and holding at most max_ids ids, in row order,
 * at most `limit` rows (-1: all). ids is valid during the call only. A
 * non-zero return from cb stops the walk (a negative one is returned).
 * Returns 0 or a negative error. */
typedef int (*es_seen_row_cb)(void *ud, int64_t row, int64_t at, const uint64_t *ids, size_t n);
int es__state_seen_read(es_state_t *st, int64_t after, int64_t before, size_t max_ids, int64_t limit,
                       es_seen_row_cb cb, void *ud);
int es__state_seen_delete(es_state_t *st, int64_t row);

int es__state_dead_letter(es_state_t *st, const char *sink, const char *kind, const char *record_id,
                         const char *json, const char *error, unsigned attempts);
int64_t es__state_dead_letter_count(es_state_t *st, const char *sink);
/* Dead letters with an id above after (all sinks), and the highest id
 * (after when none): a run's own dead letters still there at its end,
 * once `spool retry` requeued some of them. */
int64_t es__state_dead_letters_after(es_state_t *st, int64_t after, int64_t *max_id);

/* The spool: one row per (sink, record) routed and not yet delivered.
 * add returns the row id or a negative code. load visits rows of a sink
 * with id > after, oldest first, at most limit; returns how many or
 * negative. stats: rows, bytes and the oldest enqueue time (0 if empty). */
int64_t es__state_spool_add(es_state_t *st, const char *sink, const char *kind, const char *record_id,
                           const char *json, size_t len);
int es__state_spool_del(es_state_t *st, int64_t id);
int es__state_spool_attempt(es_state_t *st, int64_t id);
int es__state_spool_load(es_state_t *st, const char *sink, int64_t after, int limit,
                        int (*visit)(int64_t id, const char *kind, const char *json, int attempts, void *arg),
                        void *arg);
int es__state_spool_stats(es_state_t *st, const char *sink, int64_t *count, int64_t *bytes, int64_t *oldest);
/* Highest row id of a sink's spool (0 when empty): rows another process
 * (`earshot spool retry`) added show up above what the daemon loaded. */
int64_t es__state_spool_max_id(es_state_t *st, const char *sink);

/* HTTP validators for conditional GET; out strings malloc'd or NULL. */
int es__state_http_get(es_state_t *st, const char *url, char **etag, char **last_modified);
int es__state_http_put(es_state_t *st, const char *url, const char *etag, const char *last_modified);

const char *es__state_errmsg(es_state_t *st);

/* Copies state_dir/state.db into to_dir (state_copy.c), consistent even
 * while an agent writes it; no database there is nothing to copy. 0, or
 * ES_EDB / ES_ENOMEM with the reason in err. */
int es__state_copy(const char *state_dir, const char *to_dir, char *err, size_t errlen);

/* ---- the operator's commands (spool_admin.c) ---- */

/* One sink's spool as `earshot spool status` shows it. A row from the
 * spool has dead = -1, a row from the dead letters depth = -1: cb gets
 * both kinds, sinks in no particular order. */
typedef struct {
    int64_t depth, bytes, oldest, retried, max_attempts, dead;
} es_spool_summary_t;
typedef int (*es_spool_summary_cb)(void *ud, const char *sink, const es_spool_summary_t *row);
/* Calls cb for every sink with spooled records, then for every sink with
 * dead letters; a non-zero return stops (a negative one is returned).
 * Returns 0 or ES_EDB (es__state_errmsg says why). */
int es__state_spool_summary(es_state_t *st, es_spool_summary_cb cb, void *ud);
/* Moves sink's dead letters back into its spool (enqueued at `now`) in
 * one immediate transaction; *moved counts them. ES_EDB with the reason
 * in err. */
int es__state_dead_requeue(es_state_t *st, const char *sink, int64_t now, int64_t *moved, char *err,
                          size_t errlen);
/* Deletes sink's spool rows enqueued before `before`; *dropped counts
 * them. 0 or ES_EDB. */
int es__state_spool_drop_before(es_state_t *st, const char *sink, int64_t before, int64_t *dropped);

#endif
