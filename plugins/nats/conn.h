/*
 * Connection settings shared by the nats source and sink: the key table
 * entries, natsOptions built from them, and a blocking connect that runs
 * on the libuv thread pool (never on the loop).
 */
#ifndef ES_NATS_CONN_H
#define ES_NATS_CONN_H

#include <nats/nats.h>

#include <earshot/plugin.h>

/* Key table entries every nats instance accepts (spliced into each side's
 * table with ES_NATS_CONN_KEYS). */
#define ES_NATS_CONN_KEYS                                                                          \
    {"servers", ES_KEY_LIST, "nats://127.0.0.1:4222", 0, "NATS server URLs (nats:// or tls://), tried in random order", NULL, NULL, NULL}, \
    {"name", ES_KEY_STRING, NULL, 0, "connection name shown by the server (default: earshot-<instance>)", NULL, NULL, NULL}, \
    {"creds_file", ES_KEY_STRING, NULL, 0, "user credentials file (JWT + NKey seed, mode 600)", NULL, NULL, NULL},            \
    {"nkey_seed_file", ES_KEY_STRING, NULL, 0, "NKey seed file for NKey authentication (mode 600)", NULL, NULL, NULL},       \
    {"nkey", ES_KEY_STRING, NULL, 0, "public NKey (U...) matching nkey_seed_file", NULL, NULL, NULL},                         \
    {"user", ES_KEY_STRING, NULL, 0, "user name (with password)", NULL, NULL, NULL},                                          \
    {"password", ES_KEY_SECRET, NULL, 0, "password; use ${VAR} or ${file:PATH}", NULL, NULL, NULL},                           \
    {"token", ES_KEY_SECRET, NULL, 0, "authentication token; use ${VAR} or ${file:PATH}", NULL, NULL, NULL},                  \
    {"tls", ES_KEY_BOOL, "false", 0, "require TLS (implied by tls:// URLs and the tls_* files)", NULL, NULL, NULL},          \
    {"tls_ca", ES_KEY_STRING, NULL, 0, "CA certificates file to verify the server (default: system CAs)", NULL, NULL, NULL}, \
    {"tls_cert", ES_KEY_STRING, NULL, 0, "client certificate file (PEM), with tls_key", NULL, NULL, NULL},                   \
    {"tls_key", ES_KEY_STRING, NULL, 0, "client private key file (PEM), with tls_cert", NULL, NULL, NULL},                   \
    {"connect_timeout", ES_KEY_DURATION, "5s", 0, "limit for one connection attempt", NULL, NULL, NULL},                     \
    {"reconnect_wait", ES_KEY_DURATION, "2s", 0, "wait between reconnection attempts to one server", NULL, NULL, NULL},       \
    {"reconnect_jitter", ES_KEY_DURATION, "1s", 0, "random extra wait added to reconnect_wait", NULL, NULL, NULL}

typedef struct es_nats_conn {
    es_ctx_t *ctx;
    natsOptions *opts;
    natsConnection *nc;
    jsCtx *js;
    int closing;   /* set while we close: the disconnect is ours */
    /* The client delivers connection callbacks from a thread of its own,
     * after natsConnection_Close returns: closing waits for the closed
     * callback (the last one) so none runs once the plugin is unloaded. */
    uv_mutex_t mu;
    uv_cond_t cv;
    int sync_ready, closed_cb;
    jsOptions jso; /* JetStream options (the sink's ack handler) */
    char servers_text[256]; /* for log lines: URLs with any password masked */
} es_nats_conn_t;

/* Reads the connection keys and builds the natsOptions (no I/O); jso (may
 * be NULL) is copied for the JetStream context. Logs and returns
 * ES_ECONFIG on a bad combination. Loop thread (init). */
int es_nats_conn_init(es_nats_conn_t *c, es_ctx_t *ctx, const jsOptions *jso);

/* Connects when not connected (blocking: thread pool only) and creates
 * the JetStream context. Returns 0, or a NATS status after writing a
 * reason to err. Reconnection after a first success is the client's job
 * (forever, with reconnect_wait + jitter). */
natsStatus es_nats_conn_ensure(es_nats_conn_t *c, char *err, size_t errlen);

/* Closes and frees (blocking briefly while it flushes: thread pool). */
void es_nats_conn_close(es_nats_conn_t *c);
/* Frees the options (after close). */
void es_nats_conn_free(es_nats_conn_t *c);

/* "status text (last error text)" for a failed call: static or thread-local
 * storage copied into buf. */
const char *es_nats_err(natsStatus s, char *buf, size_t len);

/* Writes url into out with any user:password masked as "***". */
void es_nats_mask_url(const char *url, char *out, size_t outlen);

#endif
