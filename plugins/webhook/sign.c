#include "sign.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

int es_wh_sign(const char *key, size_t key_len, const char *timestamp, const char *body,
               size_t body_len, char hex[ES_WH_SIG_HEX_LEN + 1])
{
    /* Streamed through EVP_MAC so the body is never copied next to the
     * timestamp. */
    unsigned char mac[32];
    size_t mac_len = 0;
    int ok = 0;
    EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *c = m ? EVP_MAC_CTX_new(m) : NULL;
    if (c) {
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
            OSSL_PARAM_construct_end(),
        };
        ok = EVP_MAC_init(c, (const unsigned char *)key, key_len, params) &&
             EVP_MAC_update(c, (const unsigned char *)timestamp, strlen(timestamp)) &&
             EVP_MAC_update(c, (const unsigned char *)body, body_len) &&
             EVP_MAC_final(c, mac, &mac_len, sizeof mac) && mac_len == sizeof mac;
    }
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(m);
    if (!ok)
        return -1;
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof mac; i++) {
        hex[2 * i] = digits[mac[i] >> 4];
        hex[2 * i + 1] = digits[mac[i] & 15];
    }
    hex[ES_WH_SIG_HEX_LEN] = '\0';
    return 0;
}
