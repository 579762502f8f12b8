/*
 * What the state DB holds that the loop reads back while it runs, kept in
 * memory: the sources' checkpoints and the fetcher's HTTP validators. A
 * source asks for its checkpoint when it starts (a reload restarts it),
 * the fetcher for a URL's validators before every conditional GET; read
 * from the database, each was a query on the loop thread. state.c loads a
 * table into a memo on its first read, keeps it in step with every write
 * that worked, and drops it when a transaction rolls back (the next read
 * loads it again), so a memo never holds what the database lost.
 */
#ifndef ES_STATE_MEMO_H
#define ES_STATE_MEMO_H

typedef struct es__memo es__memo_t;

/* NULL on ENOMEM. */
es__memo_t *es__memo_new(void);
void es__memo_free(es__memo_t *m);
/* key's two values (either may be NULL), borrowed until the next put or
 * free. Returns 1 when key is there, 0 when not. */
int es__memo_get(const es__memo_t *m, const char *key, const char **a, const char **b);
/* Sets key's values (copied; NULL allowed). 0 or ES_ENOMEM. */
int es__memo_put(es__memo_t *m, const char *key, const char *a, const char *b);

#endif
