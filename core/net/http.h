/*
 * The core HTTP service: one libcurl multi handle driven by the libuv loop
 * (curl_multi_socket_action with a uv_poll_t per socket and one uv_timer_t),
 * shared by every plugin. Plugins reach it through es_http_request() in
 * plugin.h; this header is the core's side.
 */
#ifndef ES_HTTP_H
#define ES_HTTP_H

#include <earshot/plugin.h>
#include "state.h"

typedef struct es_http es_http_t;

/* `state` (may be NULL) persists ETag/Last-Modified per URL so conditional
 * GETs work across restarts. Returns 0 or ES_ENOMEM/ES_EHTTP. */
int es__http_new(uv_loop_t *loop, es_state_t *state, long per_host, es_http_t **out);
/* Cancels everything (callbacks run with ES_ECANCELED), closes the uv
 * handles, and frees the service once they are closed. */
void es__http_close(es_http_t *h);
void es__http_set_per_host(es_http_t *h, long per_host);

int es__http_submit(es_http_t *h, es_ctx_t *ctx, int tls_verify, const es_http_request_t *req,
                   es_http_cb cb, void *arg, es_http_req_t **handle);
/* Cancels every request of one plugin instance (it is stopping). */
void es__http_cancel_ctx(es_http_t *h, es_ctx_t *ctx);
/* Transfers started or queued. */
size_t es__http_active(es_http_t *h);

#endif
