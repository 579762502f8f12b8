#include "smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *p;
    size_t left;
} reader_t;

static size_t on_read(char *buf, size_t size, size_t nitems, void *arg)
{
    reader_t *r = arg;
    size_t n = size * nitems;
    if (n > r->left)
        n = r->left;
    memcpy(buf, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

void es_smtp_close(void **handle)
{
    if (*handle)
        curl_easy_cleanup(*handle);
    *handle = NULL;
}

void es_smtp_send(void **handle, const es_smtp_cfg_t *cfg, const char *msg, size_t len,
                  es_smtp_result_t *res)
{
    memset(res, 0, sizeof *res);
    CURL *c = *handle;
    if (!c && !(c = *handle = curl_easy_init())) {
        res->outcome = ES_SMTP_TRANSIENT;
        snprintf(res->error, sizeof res->error, "cannot create a curl handle");
        return;
    }
    char from[300], errbuf[CURL_ERROR_SIZE] = "";
    snprintf(from, sizeof from, "<%s>", cfg->from);
    struct curl_slist *rcpt = NULL;
    for (size_t i = 0; i < cfg->n_rcpt; i++) {
        char one[300];
        snprintf(one, sizeof one, "<%s>", cfg->rcpt[i]);
        struct curl_slist *n = curl_slist_append(rcpt, one);
        if (!n) {
            curl_slist_free_all(rcpt);
            res->outcome = ES_SMTP_TRANSIENT;
            snprintf(res->error, sizeof res->error, "out of memory");
            return;
        }
        rcpt = n;
    }
    reader_t rd = {msg, len};
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, cfg->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &rd);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cfg->timeout_ms < 10000 ? cfg->timeout_ms : 10000L);
    /* smtps:// is TLS from the first byte; for smtp:// this demands
     * STARTTLS and refuses to send in clear when the server lacks it. */
    curl_easy_setopt(c, CURLOPT_USE_SSL, cfg->require_tls ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_NONE);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, cfg->tls_verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, cfg->tls_verify ? 2L : 0L);
    if (cfg->username && *cfg->username) {
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->password ? cfg->password : "");
    }
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->reply);
    curl_slist_free_all(rcpt);
    /* The options point at this call's buffers: forget them now. */
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
    if (rc == CURLE_OK) {
        res->outcome = ES_SMTP_SENT;
        return;
    }
    const char *why = *errbuf ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_USE_SSL_FAILED)
        why = "the server does not offer STARTTLS (set starttls = false only for a trusted local relay)";
    if (res->reply >= 500 && res->reply < 600)
        res->outcome = ES_SMTP_PERMANENT;
    else
        res->outcome = ES_SMTP_TRANSIENT;
    if (res->reply >= 400)
        snprintf(res->error, sizeof res->error, "SMTP %ld: %s", res->reply, why);
    else
        snprintf(res->error, sizeof res->error, "%s", why);
    /* A connection that failed is not reused. */
    es_smtp_close(handle);
}
