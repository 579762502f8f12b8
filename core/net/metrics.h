/*
 * Metrics and health over HTTP (metrics_listen): Prometheus text on
 * /metrics, JSON on /health. libmicrohttpd serves from its own thread; the
 * loop thread renders both documents every second into a buffer the
 * server copies under a mutex, so no agent state is ever read off the loop.
 */
#ifndef ES_METRICS_H
#define ES_METRICS_H

#include <stddef.h>

#include <uv.h>

typedef struct es_metrics es_metrics_t;

/* Binds listen ("127.0.0.1:9464", "[::1]:9464") and starts serving,
 * rendering every second on loop what es__stats_host_get(host) gives
 * (core/net/stats.h). On error returns ES_EINVAL (bad address) or ES_EIO
 * (cannot bind) with the reason in err. */
int es__metrics_start(void *host, uv_loop_t *loop, const char *listen, es_metrics_t **out, char *err,
                      size_t errlen);
/* Renders now (tests and the timer). */
void es__metrics_refresh(es_metrics_t *m);
/* Stops the server and closes the timer; frees once closed. */
void es__metrics_stop(es_metrics_t *m);

/* Pipeline counters the metrics read: sentiment labels per brand. */
typedef struct es_label_counts {
    char *brand;
    unsigned long long n[3]; /* positive, neutral, negative */
} es_label_counts_t;

#endif
