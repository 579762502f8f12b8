/* The core side of es_log_limited(): per-instance flood state, and the
 * totals the metrics page shows. */
#ifndef ES_LOG_LIMIT_H
#define ES_LOG_LIMIT_H

#include <stdint.h>

#include <earshot/plugin.h>

/* Full lines of one kind about one subject before the rest are counted. */
#define ES_LOG_BURST 10
/* A flood that goes on is summarised this often (ms). */
#define ES_LOG_SUMMARY_MS 60000

typedef struct es_log_limit es_log_limit_t;

/* Creates the instance's state (instance creation). 0 or ES_ENOMEM. */
int es__log_limit_init(es_ctx_t *ctx);
/* Visits each kind the instance warned about with the count of all its
 * warnings, logged or not, in first-seen order. Any thread. */
void es__log_limit_totals(es_ctx_t *ctx, void (*visit)(const char *kind, uint64_t n, void *arg), void *arg);
/* Summarises what is pending and frees the state (instance free). */
void es__log_limit_free(es_ctx_t *ctx);

#endif
