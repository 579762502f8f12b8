/*
 * One SMTP submission through libcurl's easy interface. Blocking: runs on a
 * worker thread, never on the loop. No es_* calls in here.
 */
#ifndef ES_EMAIL_SMTP_H
#define ES_EMAIL_SMTP_H

#include <stddef.h>

typedef struct es_smtp_cfg {
    const char *url;        /* smtp://host[:port] or smtps://host[:port] */
    const char *from;       /* envelope sender, bare address */
    const char *const *rcpt;/* envelope recipients, bare addresses */
    size_t n_rcpt;
    const char *username;   /* NULL or "": no AUTH */
    const char *password;
    int require_tls;        /* smtp://: STARTTLS or fail */
    int tls_verify;
    long timeout_ms;
} es_smtp_cfg_t;

typedef enum {
    ES_SMTP_SENT = 0,
    ES_SMTP_TRANSIENT = 1, /* 4xx reply, connection or TLS trouble: retry */
    ES_SMTP_PERMANENT = 2, /* 5xx reply: retrying will not help */
} es_smtp_outcome_t;

typedef struct es_smtp_result {
    es_smtp_outcome_t outcome;
    long reply;        /* last SMTP reply code, 0 if none */
    char error[320];   /* curl's message and the reply code; no secrets */
} es_smtp_result_t;

/* Sends one message. *handle is a curl easy handle kept between calls so a
 * batch reuses its connection (NULL at first; free with es_smtp_close).
 * Never logs. Any thread. */
void es_smtp_send(void **handle, const es_smtp_cfg_t *cfg, const char *msg, size_t len,
                  es_smtp_result_t *res);
void es_smtp_close(void **handle);

#endif
