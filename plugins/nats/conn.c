/*
 * Connection options and the blocking connect for the nats plugin.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "conn.h"

/* libnats keeps per-thread data whose destructor runs when a thread that
 * called into it exits, including the libuv pool threads after the core
 * unloaded this plugin. Keep libnats mapped for the life of the process. */
static void pin_libnats(es_ctx_t *ctx)
{
    Dl_info info;
    if (dladdr((void *)natsConnection_Connect, &info) && info.dli_fname) {
        void *h = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        if (h)
            return; /* the handle is deliberately kept: it pins the library */
    }
    es_log(ctx, ES_LOG_WARN, "cannot pin libnats in memory: %s", dlerror());
}

void es_nats_mask_url(const char *url, char *out, size_t outlen)
{
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    const char *at = strchr(host, '@');
    const char *slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        snprintf(out, outlen, "%.*s***@%s", (int)(host - url), url, at + 1);
    else
        snprintf(out, outlen, "%s", url);
}

const char *es_nats_err(natsStatus s, char *buf, size_t len)
{
    natsStatus ls = NATS_OK;
    const char *last = nats_GetLastError(&ls);
    if (last && *last && ls == s)
        snprintf(buf, len, "%s (%s)", natsStatus_GetText(s), last);
    else
        snprintf(buf, len, "%s", natsStatus_GetText(s));
    return buf;
}

static void on_disconnected(natsConnection *nc, void *closure)
{
    (void)nc;
    es_nats_conn_t *c = closure;
    if (__atomic_load_n(&c->closing, __ATOMIC_ACQUIRE))
        return; /* our own close */
    es_log(c->ctx, ES_LOG_WARN, "disconnected from NATS (%s); reconnecting", c->servers_text);
}

static void on_reconnected(natsConnection *nc, void *closure)
{
    es_nats_conn_t *c = closure;
    char url[256] = "", masked[300];
    natsConnection_GetConnectedUrl(nc, url, sizeof url);
    es_nats_mask_url(url, masked, sizeof masked);
    es_log(c->ctx, ES_LOG_INFO, "reconnected to NATS at %s", masked);
}

static void on_async_error(natsConnection *nc, natsSubscription *sub, natsStatus err, void *closure)
{
    (void)nc;
    es_nats_conn_t *c = closure;
    const char *subj = sub ? natsSubscription_GetSubject(sub) : NULL;
    es_log(c->ctx, ES_LOG_WARN, "NATS error on %s%s%s: %s", c->servers_text,
           subj ? ", subject " : "", subj ? subj : "", natsStatus_GetText(err));
}

static void on_closed(natsConnection *nc, void *closure)
{
    (void)nc;
    es_nats_conn_t *c = closure;
    uv_mutex_lock(&c->mu);
    c->closed_cb = 1;
    uv_cond_signal(&c->cv);
    uv_mutex_unlock(&c->mu);
}

#define TRY(call)                                                                         \
    do {                                                                                  \
        natsStatus s_ = (call);                                                           \
        if (s_ != NATS_OK) {                                                              \
            char eb_[256];                                                                \
            es_log(ctx, ES_LOG_ERROR, "NATS option %s: %s", what, es_nats_err(s_, eb_, sizeof eb_)); \
            return ES_ECONFIG;                                                            \
        }                                                                                 \
    } while (0)

int es_nats_conn_init(es_nats_conn_t *c, es_ctx_t *ctx, const jsOptions *jso)
{
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    pin_libnats(ctx);
    uv_mutex_init(&c->mu);
    uv_cond_init(&c->cv);
    c->sync_ready = 1;
    if (jso)
        c->jso = *jso;
    else
        jsOptions_Init(&c->jso);
    const char *what = "create";
    const char *const *servers;
    size_t n = es_config_list(ctx, "servers", &servers);
    if (n == 0) {
        es_log(ctx, ES_LOG_ERROR, "servers: at least one URL is needed");
        return ES_ECONFIG;
    }
    int tls = es_config_bool(ctx, "tls");
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        char masked[300];
        es_nats_mask_url(servers[i], masked, sizeof masked);
        off += (size_t)snprintf(c->servers_text + off, off < sizeof c->servers_text ? sizeof c->servers_text - off : 0,
                                "%s%s", i ? "," : "", masked);
        if (off >= sizeof c->servers_text)
            off = sizeof c->servers_text - 1;
        if (strncmp(servers[i], "nats://", 7) != 0 && strncmp(servers[i], "tls://", 6) != 0) {
            es_log(ctx, ES_LOG_ERROR, "servers: %s: only nats:// and tls:// URLs are accepted", masked);
            return ES_ECONFIG;
        }
        if (strncmp(servers[i], "tls://", 6) == 0)
            tls = 1;
    }
    TRY(natsOptions_Create(&c->opts));
    what = "servers";
    TRY(natsOptions_SetServers(c->opts, (const char **)servers, (int)n));
    char name[256];
    const char *nm = es_config_str(ctx, "name");
    if (!*nm) {
        snprintf(name, sizeof name, "earshot-%s", es_ctx_name(ctx));
        nm = name;
    }
    what = "name";
    TRY(natsOptions_SetName(c->opts, nm));
    what = "connect_timeout";
    TRY(natsOptions_SetTimeout(c->opts, (int64_t)es_config_duration_ms(ctx, "connect_timeout")));
    what = "reconnect";
    TRY(natsOptions_SetMaxReconnect(c->opts, -1));
    TRY(natsOptions_SetReconnectWait(c->opts, (int64_t)es_config_duration_ms(ctx, "reconnect_wait")));
    int64_t jitter = (int64_t)es_config_duration_ms(ctx, "reconnect_jitter");
    TRY(natsOptions_SetReconnectJitter(c->opts, jitter, jitter));
    /* Publishes while reconnecting are buffered (8 MiB), then fail: the
     * sink answers RETRY rather than lose them. */
    TRY(natsOptions_SetReconnectBufSize(c->opts, 8 * 1024 * 1024));
    what = "callbacks";
    TRY(natsOptions_SetDisconnectedCB(c->opts, on_disconnected, c));
    TRY(natsOptions_SetReconnectedCB(c->opts, on_reconnected, c));
    TRY(natsOptions_SetErrorHandler(c->opts, on_async_error, c));
    TRY(natsOptions_SetClosedCB(c->opts, on_closed, c));

    const char *creds = es_config_str(ctx, "creds_file");
    const char *seed = es_config_str(ctx, "nkey_seed_file");
    const char *nkey = es_config_str(ctx, "nkey");
    const char *user = es_config_str(ctx, "user");
    const char *pass = es_config_str(ctx, "password");
    const char *token = es_config_str(ctx, "token");
    int methods = !!*creds + !!*seed + (*user || *pass) + !!*token;
    if (methods > 1) {
        es_log(ctx, ES_LOG_ERROR, "choose one of creds_file, nkey_seed_file, user/password and token");
        return ES_ECONFIG;
    }
    if (*creds) {
        what = "creds_file";
        TRY(natsOptions_SetUserCredentialsFromFiles(c->opts, creds, NULL));
    }
    if (*seed) {
        if (!*nkey) {
            es_log(ctx, ES_LOG_ERROR, "nkey_seed_file needs nkey (the public key, U...)");
            return ES_ECONFIG;
        }
        what = "nkey_seed_file";
        TRY(natsOptions_SetNKeyFromSeed(c->opts, nkey, seed));
    }
    if (*user || *pass) {
        what = "user";
        TRY(natsOptions_SetUserInfo(c->opts, user, pass));
    }
    if (*token) {
        what = "token";
        TRY(natsOptions_SetToken(c->opts, token));
    }
    const char *ca = es_config_str(ctx, "tls_ca");
    const char *cert = es_config_str(ctx, "tls_cert");
    const char *key = es_config_str(ctx, "tls_key");
    if (!!*cert != !!*key) {
        es_log(ctx, ES_LOG_ERROR, "tls_cert and tls_key go together");
        return ES_ECONFIG;
    }
    if (tls || *ca || *cert) {
        /* Verification stays on: the client checks the chain and the
         * host name against the URL. */
        what = "tls";
        TRY(natsOptions_SetSecure(c->opts, true));
        if (*ca) {
            what = "tls_ca";
            TRY(natsOptions_LoadCATrustedCertificates(c->opts, ca));
        }
        if (*cert) {
            what = "tls_cert/tls_key";
            TRY(natsOptions_LoadCertificatesChain(c->opts, cert, key));
        }
    }
    return 0;
}

natsStatus es_nats_conn_ensure(es_nats_conn_t *c, char *err, size_t errlen)
{
    if (c->nc && natsConnection_IsClosed(c->nc))
        es_nats_conn_close(c); /* closed for good (not reconnecting): start over */
    if (c->js)
        return NATS_OK;
    natsStatus s = NATS_OK;
    if (!c->nc) {
        s = natsConnection_Connect(&c->nc, c->opts);
        if (s != NATS_OK) {
            char eb[256];
            snprintf(err, errlen, "cannot connect to NATS (%s): %s", c->servers_text,
                     es_nats_err(s, eb, sizeof eb));
            c->nc = NULL;
            return s;
        }
        char url[256] = "", masked[300];
        natsConnection_GetConnectedUrl(c->nc, url, sizeof url);
        es_nats_mask_url(url, masked, sizeof masked);
        es_log(c->ctx, ES_LOG_INFO, "connected to NATS at %s", masked);
    }
    s = natsConnection_JetStream(&c->js, c->nc, &c->jso);
    if (s != NATS_OK) {
        char eb[256];
        snprintf(err, errlen, "JetStream context on %s: %s", c->servers_text, es_nats_err(s, eb, sizeof eb));
        c->js = NULL;
    }
    return s;
}

void es_nats_conn_close(es_nats_conn_t *c)
{
    if (c->js) {
        jsCtx_Destroy(c->js);
        c->js = NULL;
    }
    if (c->nc) {
        __atomic_store_n(&c->closing, 1, __ATOMIC_RELEASE);
        natsConnection_Close(c->nc);
        uint64_t deadline = uv_hrtime() + 10000000000ull;
        uv_mutex_lock(&c->mu);
        while (!c->closed_cb && uv_hrtime() < deadline)
            uv_cond_timedwait(&c->cv, &c->mu, 100000000ull);
        c->closed_cb = 0;
        uv_mutex_unlock(&c->mu);
        natsConnection_Destroy(c->nc);
        c->nc = NULL;
        __atomic_store_n(&c->closing, 0, __ATOMIC_RELEASE);
    }
}

void es_nats_conn_free(es_nats_conn_t *c)
{
    if (c->sync_ready) {
        uv_mutex_destroy(&c->mu);
        uv_cond_destroy(&c->cv);
        c->sync_ready = 0;
    }
    if (c->opts) {
        natsOptions_Destroy(c->opts);
        c->opts = NULL;
    }
}
