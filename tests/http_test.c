/* The core HTTP service against a real HTTP server on 127.0.0.1
 * (tests/http_fixture_server.py): GET/POST, headers, gzip, redirects,
 * conditional GET across restarts, timeouts, size limit, Retry-After,
 * per-host concurrency, cancellation, refused URLs and header injection. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "http.h"
#include "state.h"
#include "tap.h"
#include "util.h"

static char dir[256], base[128];
static pid_t server;
static uv_loop_t loop;

typedef struct result {
    int done, error;
    long status;
    char *body;
    size_t body_len;
    char *effective, *server_hdr, *content_type;
    uint64_t retry_after_ms;
    int not_modified;
    uint64_t at_ms;
} result_t;

static void on_done(es_ctx_t *ctx, const es_http_response_t *r, void *arg)
{
    (void)ctx;
    result_t *res = arg;
    res->done = 1;
    res->error = r->error;
    res->status = r->status;
    res->body = es__strndup(r->body, r->body_len);
    res->body_len = r->body_len;
    res->effective = es__strdup(r->effective_url);
    res->content_type = es__strdup(es_http_header(r, "content-type"));
    res->retry_after_ms = r->retry_after_ms;
    res->not_modified = r->not_modified;
    res->at_ms = es__now_ms();
}

static void result_free(result_t *r)
{
    free(r->body);
    free(r->effective);
    free(r->server_hdr);
    free(r->content_type);
    memset(r, 0, sizeof *r);
}

/* Runs the loop until every result in rs is done. */
static void wait_all(result_t *rs, int n)
{
    for (;;) {
        int all = 1;
        for (int i = 0; i < n; i++)
            all &= rs[i].done;
        if (all)
            return;
        uv_run(&loop, UV_RUN_ONCE);
    }
}

static int get(es_http_t *h, const char *path, es_http_request_t *req, result_t *res)
{
    char url[512];
    snprintf(url, sizeof url, "%s%s", base, path);
    es_http_request_t r = req ? *req : (es_http_request_t){0};
    r.url = url;
    memset(res, 0, sizeof *res);
    int rc = es__http_submit(h, NULL, 1, &r, on_done, res, NULL);
    if (rc == 0)
        wait_all(res, 1);
    return rc;
}

static void write_file(const char *name, const char *data, size_t len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/www/%s", dir, name);
    FILE *f = fopen(p, "w");
    fwrite(data, 1, len, f);
    fclose(f);
}

/* Starts the fixture server (HTTPS with a self-signed certificate when
 * tls); writes its base URL into out. Returns its pid. */
static pid_t start_server_at(int tls, char *out, size_t outlen)
{
    char root[300], portf[300], log[300], cert[300], key[300];
    snprintf(root, sizeof root, "%s/www", dir);
    snprintf(portf, sizeof portf, "%s/port%d", dir, tls);
    snprintf(log, sizeof log, "%s/requests.jsonl", dir);
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    const char *src = getenv("top_srcdir");
    char script[512];
    snprintf(script, sizeof script, "%s/tests/http_fixture_server.py", src ? src : ".");
    pid_t pid = fork();
    if (pid == 0) {
        if (tls)
            execlp("python3", "python3", script, "--root", root, "--port-file", portf, "--log", log,
                   "--tls-cert", cert, "--tls-key", key, (char *)NULL);
        else
            execlp("python3", "python3", script, "--root", root, "--port-file", portf, "--log", log,
                   (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 100; i++) {
        FILE *f = fopen(portf, "r");
        int port = 0;
        if (f && fscanf(f, "%d", &port) == 1 && port > 0) {
            fclose(f);
            snprintf(out, outlen, "%s://127.0.0.1:%d", tls ? "https" : "http", port);
            return pid;
        }
        if (f)
            fclose(f);
        usleep(100000);
    }
    skip_all("fixture HTTP server did not start");
}

static void start_server(void) { server = start_server_at(0, base, sizeof base); }

/* The server logs a request after answering it, so poll briefly. */
static char *read_log_for(const char *needle)
{
    char p[300];
    snprintf(p, sizeof p, "%s/requests.jsonl", dir);
    static char buf[1 << 20];
    for (int i = 0; i < 50; i++) {
        FILE *f = fopen(p, "r");
        size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        buf[n] = '\0';
        if (f)
            fclose(f);
        if (strstr(buf, needle))
            break;
        usleep(40000);
    }
    return strdup(buf);
}

int main(void)
{
    if (system("command -v python3 >/dev/null 2>&1") != 0)
        skip_all("python3 not installed");
    snprintf(dir, sizeof dir, "/tmp/es-http-test.%d", (int)getpid());
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mkdir -p %s/www %s/state", dir, dir);
    if (system(cmd) != 0)
        skip_all("cannot create %s", dir);
    write_file("hello.txt", "hello, earshot\n", 15);
    char *big = malloc(200000);
    for (int i = 0; i < 200000; i++)
        big[i] = (char)('a' + i % 26);
    write_file("big.txt", big, 200000);
    start_server();

    uv_loop_init(&loop);
    char sdir[300], err[512];
    snprintf(sdir, sizeof sdir, "%s/state", dir);
    es_state_t *st;
    if (es__state_open(sdir, &st, err, sizeof err) < 0)
        skip_all("state: %s", err);
    es_http_t *h;
    es__http_new(&loop, st, 4, &h);
    result_t r;

    get(h, "/hello.txt", NULL, &r);
    ok(r.error == 0 && r.status == 200, "GET 200");
    is_str(r.body, "hello, earshot\n", "body delivered");
    like(r.content_type, "text/plain", "response headers readable");
    result_free(&r);
    char *log = read_log_for("user-agent");
    like(log, "\"user-agent\": \"earshot/" PACKAGE_VERSION "\"", "User-Agent is earshot/VERSION");
    free(log);

    get(h, "/gzip/big.txt", NULL, &r);
    ok(r.error == 0 && r.body_len == 200000 && memcmp(r.body, big, 200000) == 0, "gzip body decoded (200 kB)");
    result_free(&r);
    log = read_log_for("gzipped");
    like(log, "\"gzipped\": true", "the server did send gzip");
    free(log);

    get(h, "/redirect?to=/redirect%3Fto%3D/hello.txt", NULL, &r);
    ok(r.status == 200 && strcmp(r.body, "hello, earshot\n") == 0, "a two-hop redirect is followed");
    like(r.effective, "/hello.txt", "effective URL is the final one");
    result_free(&r);
    es_http_request_t noredir = {.max_redirects = -1};
    get(h, "/redirect?to=/hello.txt", &noredir, &r);
    is_int(r.status, 302, "max_redirects = -1 does not follow");
    result_free(&r);
    es_http_request_t one = {.max_redirects = 1};
    get(h, "/redirect?to=/redirect%3Fto%3D/hello.txt", &one, &r);
    ok(r.error == ES_EHTTP, "redirects beyond the bound fail");
    result_free(&r);
    get(h, "/redirect?to=file:///etc/passwd", NULL, &r);
    ok(r.error == ES_EHTTP && (!r.body || !strstr(r.body, "root:")), "a redirect to file:// is refused");
    result_free(&r);

    es_http_request_t cond = {.conditional = 1};
    get(h, "/etag/hello.txt", &cond, &r);
    ok(r.status == 200 && !r.not_modified, "conditional GET, first time: 200");
    result_free(&r);
    get(h, "/etag/hello.txt", &cond, &r);
    ok(r.status == 304 && r.not_modified && r.body_len == 0, "second time: 304 not modified");
    result_free(&r);
    /* A new service over the same state DB: validators survive restarts. */
    es_http_t *h2;
    es__http_new(&loop, st, 4, &h2);
    get(h2, "/etag/hello.txt", &cond, &r);
    ok(r.not_modified, "validators persisted in the state DB: 304 after a restart");
    result_free(&r);
    es__http_close(h2);
    log = read_log_for("if-none-match");
    like(log, "\"if-none-match\": \"", "If-None-Match was sent");
    free(log);

    es_http_request_t quick = {.timeout_ms = 300};
    uint64_t t0 = es__now_ms();
    get(h, "/stall?seconds=5", &quick, &r);
    uint64_t took = es__now_ms() - t0;
    ok(r.error == ES_ETIMEDOUT, "a stalled server times out");
    ok(took < 2000, "within the timeout (%llu ms)", (unsigned long long)took);
    result_free(&r);

    es_http_request_t small = {.max_body = 1000};
    get(h, "/big.txt", &small, &r);
    ok(r.error == ES_ETOOBIG, "a body over max_body fails with ETOOBIG");
    result_free(&r);

    get(h, "/status/429?retry_after=7", NULL, &r);
    ok(r.status == 429 && r.retry_after_ms == 7000, "Retry-After seconds read (%llu ms)",
       (unsigned long long)r.retry_after_ms);
    result_free(&r);
    get(h, "/status/503", NULL, &r);
    ok(r.error == 0 && r.status == 503, "an error status is a response, not a transfer error");
    result_free(&r);

    const char *hdrs[] = {"X-Test: one", "Content-Type: application/json", NULL};
    es_http_request_t post = {.method = "POST", .headers = hdrs, .body = "{\"a\":1}", .body_len = 7};
    get(h, "/echo", &post, &r);
    like(r.body, "\"method\": \"POST\"", "POST sent");
    like(r.body, "\"body\": \"{\\\"a\\\":1}\"", "body sent");
    like(r.body, "\"x-test\": \"one\"", "custom header sent");
    ok(r.body && !strstr(r.body, "100-continue"), "no Expect: 100-continue");
    result_free(&r);
    es_http_request_t put = {.method = "PUT", .body = "x", .body_len = 1};
    get(h, "/echo", &put, &r);
    like(r.body, "\"method\": \"PUT\"", "custom method sent");
    result_free(&r);

    const char *evil[] = {"X-Ok: a\r\nInjected: b", NULL};
    es_http_request_t inj = {.headers = evil};
    is_int(get(h, "/hello.txt", &inj, &r), ES_EINVAL, "a header value with CR/LF is refused");
    const char *evil2[] = {"NoColonHere", NULL};
    inj.headers = evil2;
    is_int(get(h, "/hello.txt", &inj, &r), ES_EINVAL, "a header without a name is refused");
    es_http_request_t ftp = {.url = "ftp://127.0.0.1/x"};
    is_int(es__http_submit(h, NULL, 1, &ftp, on_done, &r, NULL), ES_EINVAL, "non-HTTP URLs are refused");

    /* Connection refused: a port nobody listens on. */
    es_http_request_t refused = {.url = "http://127.0.0.1:1/"};
    memset(&r, 0, sizeof r);
    es__http_submit(h, NULL, 1, &refused, on_done, &r, NULL);
    wait_all(&r, 1);
    ok(r.error == ES_EHTTP && r.status == 0, "connection refused reported as a transfer error");
    result_free(&r);

    /* Per-host concurrency: with 1 slot three 0.4 s requests run in turn. */
    result_t rs[3];
    char url[512];
    snprintf(url, sizeof url, "%s/stall?seconds=0.4", base);
    for (int pass = 0; pass < 2; pass++) {
        es__http_set_per_host(h, pass == 0 ? 1 : 3);
        t0 = es__now_ms();
        for (int i = 0; i < 3; i++) {
            memset(&rs[i], 0, sizeof rs[i]);
            es_http_request_t q = {.url = url};
            es__http_submit(h, NULL, 1, &q, on_done, &rs[i], NULL);
        }
        ok(es__http_active(h) == 3, "three requests accepted (queued or running)");
        wait_all(rs, 3);
        took = es__now_ms() - t0;
        if (pass == 0)
            ok(took >= 1150, "per_host = 1: serialised (%llu ms for 3 x 0.4 s)", (unsigned long long)took);
        else
            ok(took < 1100, "per_host = 3: in parallel (%llu ms)", (unsigned long long)took);
        if (pass == 0)
            ok(rs[0].at_ms <= rs[1].at_ms && rs[1].at_ms <= rs[2].at_ms,
               "queued requests start in submission order");
        for (int i = 0; i < 3; i++)
            result_free(&rs[i]);
    }

    /* Cancellation: the callback runs once, with ECANCELED. */
    es_http_req_t *handle;
    memset(&r, 0, sizeof r);
    es_http_request_t slow = {.url = url};
    es__http_submit(h, NULL, 1, &slow, on_done, &r, &handle);
    es_http_cancel(handle);
    ok(r.done && r.error == ES_ECANCELED, "cancel runs the callback with ECANCELED");
    result_free(&r);
    ok(es__http_active(h) == 0, "nothing left in flight");

    /* TLS: a self-signed server is refused unless the instance turned
     * verification off. */
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
             "-keyout %s/key.pem -out %s/cert.pem >/dev/null 2>&1", dir, dir);
    if (system(cmd) == 0) {
        char tbase[128];
        pid_t tls_server = start_server_at(1, tbase, sizeof tbase);
        char turl[256];
        snprintf(turl, sizeof turl, "%s/hello.txt", tbase);
        es_http_request_t tq = {.url = turl};
        memset(&r, 0, sizeof r);
        es__http_submit(h, NULL, 1, &tq, on_done, &r, NULL);
        wait_all(&r, 1);
        ok(r.error == ES_EHTTP && r.status == 0, "HTTPS with an untrusted certificate is refused by default");
        result_free(&r);
        memset(&r, 0, sizeof r);
        es__http_submit(h, NULL, 0, &tq, on_done, &r, NULL);
        wait_all(&r, 1);
        ok(r.error == 0 && r.status == 200 && strcmp(r.body, "hello, earshot\n") == 0,
           "and accepted only with tls_verify off");
        result_free(&r);
        kill(tls_server, SIGTERM);
        waitpid(tls_server, NULL, 0);
    } else {
        diag("openssl CLI missing: TLS checks not run");
    }

    /* Closing with requests pending cancels them. */
    memset(&r, 0, sizeof r);
    es__http_submit(h, NULL, 1, &slow, on_done, &r, NULL);
    es__http_close(h);
    ok(r.done && r.error == ES_ECANCELED, "close cancels pending requests");
    result_free(&r);
    uv_run(&loop, UV_RUN_DEFAULT);
    ok(uv_loop_close(&loop) == 0, "every uv handle closed");

    es__state_close(st);
    free(big);
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        diag("cleanup failed");
    return done_testing();
}
