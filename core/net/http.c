#include "http.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "instance.h"
#include "log.h"
#include "util.h"

#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_MAX_BODY (64u << 20)
#define MAX_HEADERS 128

struct es_http_req {
    es_http_response_t resp; /* first: es_http_header() casts back */
    es_http_t *http;
    es_ctx_t *ctx;
    es_http_cb cb;
    void *arg;
    CURL *easy;
    struct curl_slist *hdrs;
    char *url, *body, *host;
    size_t body_len;
    char *buf;
    size_t len, cap, max_body;
    int too_big, conditional, running;
    char errbuf[CURL_ERROR_SIZE];
    char *h_names[MAX_HEADERS], *h_values[MAX_HEADERS];
    size_t n_headers;
    struct es_http_req *next, *prev; /* all requests: running, then queued */
};

typedef struct host_slot {
    char *host;
    long running;
    struct host_slot *next;
} host_slot_t;

struct es_http {
    uv_loop_t *loop;
    CURLM *multi;
    uv_timer_t timer;
    es_state_t *state;
    long per_host;
    es_http_req_t *reqs; /* doubly linked; order = submission order */
    host_slot_t *hosts;
    struct poll_ctx *polls; /* open uv_poll_t handles */
    int closing;
    char user_agent[64];
};

typedef struct poll_ctx {
    uv_poll_t poll;
    curl_socket_t fd;
    es_http_t *http;
    struct poll_ctx *next, *prev;
} poll_ctx_t;

static void check_done(es_http_t *h);
static void start_queued(es_http_t *h);

/* ---- libuv <-> libcurl glue ------------------------------------------ */

/* Close callbacks may run after the service is freed (libuv runs them in
 * its own order), so they touch nothing but the poll itself. */
static void on_poll_closed(uv_handle_t *hd) { free(hd->data); }

static void poll_close(es_http_t *h, poll_ctx_t *pc)
{
    if (pc->prev)
        pc->prev->next = pc->next;
    else
        h->polls = pc->next;
    if (pc->next)
        pc->next->prev = pc->prev;
    uv_poll_stop(&pc->poll);
    uv_close((uv_handle_t *)&pc->poll, on_poll_closed);
}

static void on_poll(uv_poll_t *p, int status, int events)
{
    poll_ctx_t *pc = p->data;
    int flags = 0;
    if (status < 0)
        flags = CURL_CSELECT_ERR;
    if (events & UV_READABLE)
        flags |= CURL_CSELECT_IN;
    if (events & UV_WRITABLE)
        flags |= CURL_CSELECT_OUT;
    int running;
    curl_multi_socket_action(pc->http->multi, pc->fd, flags, &running);
    check_done(pc->http);
}

static int socket_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)easy;
    es_http_t *h = userp;
    poll_ctx_t *pc = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (pc) {
            poll_close(h, pc);
            curl_multi_assign(h->multi, s, NULL);
        }
        return 0;
    }
    if (!pc) {
        pc = calloc(1, sizeof *pc);
        if (!pc)
            return -1;
        pc->fd = s;
        pc->http = h;
        if (uv_poll_init_socket(h->loop, &pc->poll, s) < 0) {
            free(pc);
            return -1;
        }
        pc->poll.data = pc;
        pc->next = h->polls;
        if (h->polls)
            h->polls->prev = pc;
        h->polls = pc;
        curl_multi_assign(h->multi, s, pc);
    }
    int ev = 0;
    if (what & CURL_POLL_IN)
        ev |= UV_READABLE;
    if (what & CURL_POLL_OUT)
        ev |= UV_WRITABLE;
    uv_poll_start(&pc->poll, ev, on_poll);
    return 0;
}

static void on_timer(uv_timer_t *t)
{
    es_http_t *h = t->data;
    int running;
    curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(h);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    es_http_t *h = userp;
    if (timeout_ms < 0)
        uv_timer_stop(&h->timer);
    else
        uv_timer_start(&h->timer, on_timer, (uint64_t)timeout_ms, 0);
    return 0;
}

/* ---- per-request callbacks --------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
    es_http_req_t *r = arg;
    size_t n = size * nmemb;
    if (r->len + n > r->max_body) {
        r->too_big = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    if (r->len + n + 1 > r->cap) {
        size_t nc = r->cap ? r->cap : 16384;
        while (nc < r->len + n + 1)
            nc *= 2;
        char *nb = realloc(r->buf, nc);
        if (!nb)
            return 0;
        r->buf = nb;
        r->cap = nc;
    }
    memcpy(r->buf + r->len, data, n);
    r->len += n;
    return n;
}

static void clear_headers(es_http_req_t *r)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->h_names[i]);
        free(r->h_values[i]);
    }
    r->n_headers = 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
    es_http_req_t *r = arg;
    size_t n = size * nmemb;
    /* A new status line starts a new response (redirect, 100-continue):
     * only the final response's headers are kept. */
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        clear_headers(r);
        return n;
    }
    char *colon = memchr(data, ':', n);
    if (!colon || r->n_headers == MAX_HEADERS)
        return n;
    char *name = es__strndup(data, (size_t)(colon - data));
    char *value = es__strndup(colon + 1, n - (size_t)(colon + 1 - data));
    if (!name || !value) {
        free(name);
        free(value);
        return n;
    }
    r->h_names[r->n_headers] = es__trim(name);
    r->h_values[r->n_headers] = es__trim(value);
    r->n_headers++;
    return n;
}

const char *es_http_header(const es_http_response_t *resp, const char *name)
{
    const es_http_req_t *r = (const es_http_req_t *)resp;
    const char *found = NULL;
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->h_names[i], name) == 0)
            found = r->h_values[i];
    return found;
}

/* ---- lifecycle --------------------------------------------------------- */

static host_slot_t *host_slot(es_http_t *h, const char *host)
{
    for (host_slot_t *s = h->hosts; s; s = s->next)
        if (strcmp(s->host, host) == 0)
            return s;
    host_slot_t *s = calloc(1, sizeof *s);
    if (!s || !(s->host = es__strdup(host))) {
        free(s);
        return NULL;
    }
    s->next = h->hosts;
    h->hosts = s;
    return s;
}

static void unlink_req(es_http_t *h, es_http_req_t *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        h->reqs = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->next = r->prev = NULL;
}

static void free_req(es_http_req_t *r)
{
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->hdrs);
    clear_headers(r);
    free(r->url);
    free(r->body);
    free(r->host);
    free(r->buf);
    free(r);
}

static uint64_t parse_retry_after(const char *v)
{
    if (!v || !*v)
        return 0;
    char *end;
    long long secs = strtoll(v, &end, 10);
    if (end != v && *end == '\0')
        return secs > 0 ? (uint64_t)secs * 1000u : 0;
    time_t when = curl_getdate(v, NULL);
    time_t now = time(NULL);
    return when > now ? (uint64_t)(when - now) * 1000u : 0;
}

/* Finishes a request: fills the response, runs the callback, frees it. */
static void finish(es_http_t *h, es_http_req_t *r, CURLcode code, int error)
{
    if (r->running) {
        curl_multi_remove_handle(h->multi, r->easy);
        host_slot_t *s = host_slot(h, r->host);
        if (s)
            s->running--;
    }
    unlink_req(h, r);
    es_http_response_t *resp = &r->resp;
    if (!r->buf)
        r->buf = malloc(1);
    if (r->buf)
        r->buf[r->len] = '\0';
    resp->body = r->buf ? r->buf : "";
    resp->body_len = r->len;
    resp->effective_url = r->url;
    resp->error_text = "";
    if (r->easy && r->running) {
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &resp->status);
        char *eff = NULL;
        curl_easy_getinfo(r->easy, CURLINFO_EFFECTIVE_URL, &eff);
        if (eff)
            resp->effective_url = eff;
    }
    if (error) {
        resp->error = error;
        resp->error_text = error == ES_ECANCELED ? "cancelled" : es_strerror(error);
    } else if (r->too_big) {
        resp->error = ES_ETOOBIG;
        resp->error_text = "response body over the size limit";
    } else if (code != CURLE_OK) {
        resp->error = code == CURLE_OPERATION_TIMEDOUT ? ES_ETIMEDOUT : ES_EHTTP;
        resp->error_text = r->errbuf[0] ? r->errbuf : curl_easy_strerror(code);
    }
    if (!resp->error) {
        resp->retry_after_ms = parse_retry_after(es_http_header(resp, "Retry-After"));
        if (resp->status == 304 && r->conditional)
            resp->not_modified = 1;
        if (resp->status == 200 && r->conditional && h->state) {
            const char *et = es_http_header(resp, "ETag"), *lm = es_http_header(resp, "Last-Modified");
            if (et || lm)
                es__state_http_put(h->state, r->url, et, lm);
        }
    }
    if (r->ctx && resp->error != ES_ECANCELED) {
        es_ctx_t *c = r->ctx;
        long cls = resp->error || resp->status < 100 || resp->status > 599 ? 0 : resp->status / 100;
        c->n_http_class[cls]++;
        if (!resp->error && resp->status < 400) {
            c->n_http_ok++;
            c->last_http_ok_s = es__now_s();
            c->http_failing_since_s = 0;
        } else {
            c->n_http_fail++;
            if (!c->http_failing_since_s)
                c->http_failing_since_s = es__now_s();
        }
    }
    r->cb(r->ctx, resp, r->arg);
    free_req(r);
    if (!h->closing)
        start_queued(h);
}

static void check_done(es_http_t *h)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(h->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        es_http_req_t *r = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        if (r)
            finish(h, r, msg->data.result, 0);
    }
}

static int start_one(es_http_t *h, es_http_req_t *r)
{
    host_slot_t *s = host_slot(h, r->host);
    if (!s)
        return ES_ENOMEM;
    if (s->running >= h->per_host)
        return ES_EAGAIN;
    if (curl_multi_add_handle(h->multi, r->easy) != CURLM_OK)
        return ES_EHTTP;
    s->running++;
    r->running = 1;
    return 0;
}

static void start_queued(es_http_t *h)
{
    for (es_http_req_t *r = h->reqs, *next; r; r = next) {
        next = r->next;
        if (!r->running)
            start_one(h, r);
    }
}

static int header_ok(const char *hd)
{
    return strpbrk(hd, "\r\n") == NULL && strchr(hd, ':') != NULL;
}

int es__http_submit(es_http_t *h, es_ctx_t *ctx, int tls_verify, const es_http_request_t *req,
                   es_http_cb cb, void *arg, es_http_req_t **handle)
{
    if (handle)
        *handle = NULL;
    if (h->closing)
        return ES_ESTATE;
    if (!req->url || (strncasecmp(req->url, "http://", 7) && strncasecmp(req->url, "https://", 8)))
        return ES_EINVAL;
    for (const char *const *hd = req->headers; hd && *hd; hd++)
        if (!header_ok(*hd))
            return ES_EINVAL;
    es_http_req_t *r = calloc(1, sizeof *r);
    if (!r)
        return ES_ENOMEM;
    r->http = h;
    r->ctx = ctx;
    r->cb = cb;
    r->arg = arg;
    r->conditional = req->conditional;
    r->max_body = req->max_body ? req->max_body : DEFAULT_MAX_BODY;
    r->url = es__strdup(req->url);
    CURLU *u = curl_url();
    char *host = NULL;
    if (!r->url || !u || curl_url_set(u, CURLUPART_URL, r->url, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        curl_url_cleanup(u);
        free_req(r);
        return ES_EINVAL;
    }
    r->host = es__strdup(host);
    curl_free(host);
    curl_url_cleanup(u);
    if (!(r->easy = curl_easy_init()) || !r->host) {
        free_req(r);
        return ES_ENOMEM;
    }
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(req->timeout_ms ? req->timeout_ms : DEFAULT_TIMEOUT_MS));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    /* Only web protocols, also after a redirect: a feed must not be able
     * to send us to file:// or gopher://. */
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    if (req->max_redirects >= 0) {
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, req->max_redirects ? req->max_redirects : 5L);
    }
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, tls_verify ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, tls_verify ? 2L : 0L);
    const char *method = req->method ? req->method : "GET";
    if (req->body) {
        r->body = es__strndup(req->body, req->body_len);
        if (!r->body) {
            free_req(r);
            return ES_ENOMEM;
        }
        r->body_len = req->body_len;
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
    if (strcmp(method, "GET") != 0 && !(strcmp(method, "POST") == 0 && req->body))
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    for (const char *const *hd = req->headers; hd && *hd; hd++) {
        struct curl_slist *n = curl_slist_append(r->hdrs, *hd);
        if (!n) {
            free_req(r);
            return ES_ENOMEM;
        }
        r->hdrs = n;
    }
    /* Expect: 100-continue costs a round trip per POST for no gain here. */
    r->hdrs = curl_slist_append(r->hdrs, "Expect:");
    if (r->conditional && h->state) {
        char *etag = NULL, *lm = NULL;
        if (es__state_http_get(h->state, r->url, &etag, &lm) == 0) {
            char line[1024];
            if (etag && !strpbrk(etag, "\r\n")) {
                snprintf(line, sizeof line, "If-None-Match: %s", etag);
                r->hdrs = curl_slist_append(r->hdrs, line);
            }
            if (lm && !strpbrk(lm, "\r\n")) {
                snprintf(line, sizeof line, "If-Modified-Since: %s", lm);
                r->hdrs = curl_slist_append(r->hdrs, line);
            }
        }
        free(etag);
        free(lm);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);

    /* Append: requests start in submission order when a host slot frees. */
    es_http_req_t **tail = &h->reqs, *prev = NULL;
    while (*tail) {
        prev = *tail;
        tail = &(*tail)->next;
    }
    *tail = r;
    r->prev = prev;
    int rc = start_one(h, r);
    if (rc < 0 && rc != ES_EAGAIN) {
        unlink_req(h, r);
        free_req(r);
        return rc;
    }
    if (handle)
        *handle = r;
    return 0;
}

void es_http_cancel(es_http_req_t *r)
{
    finish(r->http, r, CURLE_OK, ES_ECANCELED);
}

void es__http_cancel_ctx(es_http_t *h, es_ctx_t *ctx)
{
    for (es_http_req_t *r = h->reqs, *next; r; r = next) {
        next = r->next;
        if (r->ctx == ctx) {
            finish(h, r, CURLE_OK, ES_ECANCELED);
            next = h->reqs; /* the callback may have submitted or cancelled others */
        }
    }
}

size_t es__http_active(es_http_t *h)
{
    size_t n = 0;
    for (es_http_req_t *r = h->reqs; r; r = r->next)
        n++;
    return n;
}

int es__http_new(uv_loop_t *loop, es_state_t *state, long per_host, es_http_t **out)
{
    *out = NULL;
    es_http_t *h = calloc(1, sizeof *h);
    if (!h)
        return ES_ENOMEM;
    h->loop = loop;
    h->state = state;
    h->per_host = per_host > 0 ? per_host : 4;
    snprintf(h->user_agent, sizeof h->user_agent, "earshot/%s", PACKAGE_VERSION);
    if (!(h->multi = curl_multi_init())) {
        free(h);
        return ES_EHTTP;
    }
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    uv_timer_init(loop, &h->timer);
    h->timer.data = h;
    *out = h;
    return 0;
}

void es__http_set_per_host(es_http_t *h, long per_host)
{
    h->per_host = per_host > 0 ? per_host : 4;
    start_queued(h);
}

static void on_timer_closed(uv_handle_t *hd)
{
    es_http_t *h = hd->data;
    for (host_slot_t *s = h->hosts, *n; s; s = n) {
        n = s->next;
        free(s->host);
        free(s);
    }
    free(h);
}

void es__http_close(es_http_t *h)
{
    if (!h)
        return;
    h->closing = 1;
    while (h->reqs)
        finish(h, h->reqs, CURLE_OK, ES_ECANCELED);
    /* Cleaning up the multi handle closes curl's sockets; whether it says
     * so through socket_cb depends on the curl version, so any poll left
     * open is closed here. */
    curl_multi_cleanup(h->multi);
    while (h->polls)
        poll_close(h, h->polls);
    uv_timer_stop(&h->timer);
    uv_close((uv_handle_t *)&h->timer, on_timer_closed);
}
