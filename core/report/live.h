/*
 * The report served live on the metrics listener: GET /report?since=7d
 * &brand=acme renders the same page as `earshot report` from the sql
 * sink's database, opened read-only, on a worker thread of its own so
 * neither the event loop nor the listener's thread waits for it. The
 * request arrives on libmicrohttpd's thread (uv_queue_work may only be
 * called on the loop's), so the connection is suspended and resumed by
 * the worker when the page is ready. One page at a time: a request
 * while one renders gets 503 with Retry-After.
 */
#ifndef ES_REPORT_LIVE_H
#define ES_REPORT_LIVE_H

#include <microhttpd.h>
#include <stddef.h>

typedef struct es_report_live es_report_live_t;

es_report_live_t *es__report_live_new(void);
/* Refuses new pages and waits for the one being rendered: call before
 * the listener stops (a suspended connection must be resumed first). */
void es__report_live_drain(es_report_live_t *l);
/* The listener's request-completed notice: frees what a connection
 * closed before its answer left behind. */
void es__report_live_completed(es_report_live_t *l, void **con_cls);
/* Drains, then frees (after the listener stopped). */
void es__report_live_free(es_report_live_t *l);
/* The configuration pages are read with (loop thread; copied): the sql
 * sink's dsn ("" for the default), the state dir and the brand names. */
int es__report_live_configure(es_report_live_t *l, const char *dsn, const char *state_dir,
                             const char *const *brands, size_t n_brands);
/* The listener's handler for /report (its thread). */
enum MHD_Result es__report_live_request(es_report_live_t *l, struct MHD_Connection *conn, const char *method,
                                       void **con_cls);

#endif
