/*
 * /health: what an operator or a load balancer asks "is it working?".
 * Per instance a status (ok, failing since T, backing off), per sink its
 * dead letters and spool fill, the last reload's result, and an overall
 * "degraded" once a figure passes a threshold the admin set (health.* in
 * [earshot]). Rendered on the loop thread (core/net/metrics.c serves it).
 */
#ifndef ES_HEALTH_H
#define ES_HEALTH_H

#include "stats.h"

/* The /health document of st (malloc'd JSON, NULL on ENOMEM); *healthy =
 * 0 when degraded. rss_bytes: the process's resident size, shown as is. */
char *es__health_render(const es__stats_t *st, long rss_bytes, int *healthy);

#endif
