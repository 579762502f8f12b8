/*
 * Request signing for webhook receivers: HMAC-SHA256 over the decimal
 * timestamp followed directly by the body.
 */
#ifndef ES_WEBHOOK_SIGN_H
#define ES_WEBHOOK_SIGN_H

#include <stddef.h>

#define ES_WH_SIG_HEX_LEN 64

/* Writes the lower-case hex HMAC-SHA256 of timestamp || body into
 * hex[ES_WH_SIG_HEX_LEN + 1]. Returns 0, or -1 if libcrypto failed. */
int es_wh_sign(const char *key, size_t key_len, const char *timestamp, const char *body,
               size_t body_len, char hex[ES_WH_SIG_HEX_LEN + 1]);

#endif
