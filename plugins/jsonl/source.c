/*
 * jsonl source: the generic import path. Reads mentions as JSON lines from a
 * file, or from every file of a directory, in name order.
 *
 * Listing, opening and reading go through the libuv thread pool, reads a
 * chunk at a time, so neither a huge file nor a slow file system blocks
 * the loop, and a huge file never sits in memory. Each file keeps a
 * checkpoint "offset line" past the last complete line handed to the
 * pipeline; the core makes it durable only once those mentions were
 * delivered, so a crash re-reads rather than loses.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "line.h"
#include <earshot/plugin.h>

#define CHUNK (256 * 1024)

static const es_config_key_t keys[] = {
    {"path", ES_KEY_STRING, NULL, 1, "a .jsonl file, or a directory whose every file is read", NULL, NULL, NULL},
    {"network", ES_KEY_STRING, "import", 0, "network for lines that do not name one", NULL, NULL, NULL},
    {"interval", ES_KEY_DURATION, "10s", 0, "how often to look for new lines and files", NULL, NULL, NULL},
    {"max_line", ES_KEY_SIZE, "1M", 0, "longer lines are reported and skipped", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

typedef struct src {
    es_ctx_t *ctx;
    const char *path, *network;
    uint64_t interval_ms;
    size_t max_line;
    uv_timer_t timer;
    uv_fs_t req;
    uv_work_t scan_work;
    uv_file fd;
    char **files;
    int64_t *sizes; /* each file's size when listed, -1: not a regular file */
    size_t n_files, cur;
    int scan_errno;
    uint64_t offset;  /* file offset of buf[0] */
    uint64_t line_no; /* lines consumed before buf[0] */
    char *buf;        /* carried partial line + current chunk */
    size_t len, cap;
    int skipping;     /* inside an overlong line */
    int at_eof;       /* the last read of the open file returned nothing */
    int busy;         /* a listing, an open or a read is on the thread pool */
    int paused, stopping, timer_closed;
    uint64_t n_lines, n_bad;
} src_t;

static void next_file(src_t *s);
static void read_more(src_t *s);
static void advance(src_t *s);

static void maybe_stopped(src_t *s)
{
    if (s->stopping && !s->busy && s->timer_closed)
        es_stopped(s->ctx);
}

static void on_timer_closed(uv_handle_t *h)
{
    src_t *s = h->data;
    s->timer_closed = 1;
    maybe_stopped(s);
}

/* ---- one line -> one mention ------------------------------------------- */

static void bad_line(src_t *s, const char *file, uint64_t line, const char *what)
{
    s->n_bad++;
    /* A file of 200,000 bad lines gets ten lines of log and a count. */
    es_log_limited(s->ctx, ES_LOG_WARN, "bad_line", file, "%s:%" PRIu64 ": %s; line skipped", file, line, what);
}

static void emit_line(void *arg, const es_mention_t *m)
{
    src_t *s = arg;
    es_emit(s->ctx, m);
}

static void handle_line(src_t *s, const char *file, uint64_t line, const char *p, size_t n)
{
    while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n == 0)
        return;
    s->n_lines++;
    char why[256];
    if (jl_map_line(p, n, s->network, emit_line, s, why, sizeof why) < 0)
        bad_line(s, file, line, why);
}

/* ---- reading ---------------------------------------------------------- */

static void save_checkpoint(src_t *s)
{
    char key[4200], val[64];
    snprintf(key, sizeof key, "file:%s", s->files[s->cur]);
    snprintf(val, sizeof val, "%" PRIu64 " %" PRIu64, s->offset, s->line_no);
    es_checkpoint_set(s->ctx, key, val);
}

/* Consumes the complete lines in buf. At EOF in --once mode the last line
 * counts even without a newline; otherwise a writer may still finish it.
 * Stops after the line that made the core ask for backpressure and
 * returns 1: a chunk holds thousands of lines, and emitting all of them
 * past the limit would overshoot the spool and memory bounds by a chunk. */
static int consume(src_t *s, int eof)
{
    int held = 0;
    const char *file = s->files[s->cur];
    size_t start = 0;
    for (;;) {
        char *nl = memchr(s->buf + start, '\n', s->len - start);
        size_t end = nl ? (size_t)(nl - s->buf) : s->len;
        if (!nl && !(eof && es_ctx_once(s->ctx) && end > start))
            break;
        s->line_no++;
        if (s->skipping)
            s->skipping = 0; /* the tail of an overlong line: already reported */
        else
            handle_line(s, file, s->line_no, s->buf + start, end - start);
        start = nl ? end + 1 : end;
        if (!nl)
            break;
        if (es_backpressure(s->ctx)) {
            held = 1;
            break;
        }
    }
    if (start) {
        memmove(s->buf, s->buf + start, s->len - start);
        s->len -= start;
        s->offset += start;
        save_checkpoint(s);
    }
    if (held)
        return 1;
    if (s->len > s->max_line) {
        if (!s->skipping)
            bad_line(s, file, s->line_no + 1, "line longer than max_line");
        s->skipping = 1;
        s->offset += s->len;
        s->len = 0;
    }
    return 0;
}

static void close_file(src_t *s)
{
    if (s->fd >= 0) {
        uv_fs_t r;
        uv_fs_close(NULL, &r, s->fd, NULL); /* close(2) does not block on regular files */
        uv_fs_req_cleanup(&r);
        s->fd = -1;
    }
}

static void on_read(uv_fs_t *req)
{
    src_t *s = req->data;
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    s->busy = 0;
    if (s->stopping) {
        close_file(s);
        maybe_stopped(s);
        return;
    }
    if (n < 0) {
        es_log(s->ctx, ES_LOG_ERROR, "%s: read error: %s", s->files[s->cur], uv_strerror((int)n));
        close_file(s);
        s->cur++;
        next_file(s);
        return;
    }
    s->len += (size_t)n;
    s->at_eof = n == 0;
    advance(s);
}

/* After a read, or on resume: the lines in buf, then the next read or the
 * next file. */
static void advance(src_t *s)
{
    if (consume(s, s->at_eof) || (!s->at_eof && es_backpressure(s->ctx))) {
        s->paused = 1; /* resume() continues */
        return;
    }
    if (s->at_eof) {
        es_log_flood_end(s->ctx, s->files[s->cur]);
        close_file(s);
        s->cur++;
        next_file(s);
        return;
    }
    read_more(s);
}

static void read_more(src_t *s)
{
    if (s->cap - s->len < CHUNK) {
        size_t nc = s->len + CHUNK;
        char *nb = realloc(s->buf, nc);
        if (!nb) {
            es_log(s->ctx, ES_LOG_ERROR, "out of memory reading %s", s->files[s->cur]);
            s->paused = 1;
            return;
        }
        s->buf = nb;
        s->cap = nc;
    }
    uv_buf_t b = uv_buf_init(s->buf + s->len, CHUNK);
    s->req.data = s;
    s->busy = 1;
    int rc = uv_fs_read(es_ctx_loop(s->ctx), &s->req, s->fd, &b, 1,
                        (int64_t)(s->offset + s->len), on_read);
    if (rc < 0) {
        s->busy = 0;
        es_log(s->ctx, ES_LOG_ERROR, "%s: %s", s->files[s->cur], uv_strerror(rc));
    }
}

static void on_open(uv_fs_t *req)
{
    src_t *s = req->data;
    ssize_t fd = req->result;
    uv_fs_req_cleanup(req);
    s->busy = 0;
    if (s->stopping) {
        if (fd >= 0) {
            s->fd = (uv_file)fd;
            close_file(s);
        }
        maybe_stopped(s);
        return;
    }
    if (fd < 0) {
        es_log(s->ctx, ES_LOG_ERROR, "%s: cannot open: %s", s->files[s->cur], uv_strerror((int)fd));
        s->cur++;
        next_file(s);
        return;
    }
    s->fd = (uv_file)fd;
    s->len = 0;
    s->at_eof = 0;
    s->skipping = 0;
    es_log(s->ctx, ES_LOG_DEBUG, "reading %s from byte %" PRIu64, s->files[s->cur], s->offset);
    read_more(s);
}

/* Opens files[cur] at its checkpoint, or moves on when nothing is new. The
 * sizes come from the listing, so nothing here touches the disk but the
 * open, which goes to the thread pool like the reads. */
static void next_file(src_t *s)
{
    for (; s->cur < s->n_files; s->cur++) {
        const char *f = s->files[s->cur];
        if (s->sizes[s->cur] < 0)
            continue;
        char key[4200], *val = NULL;
        snprintf(key, sizeof key, "file:%s", f);
        s->offset = s->line_no = 0;
        if (es_checkpoint_get(s->ctx, key, &val) == 0 && val) {
            if (sscanf(val, "%" SCNu64 " %" SCNu64, &s->offset, &s->line_no) != 2)
                s->offset = s->line_no = 0;
            free(val);
        }
        if ((uint64_t)s->sizes[s->cur] < s->offset) {
            es_log(s->ctx, ES_LOG_WARN, "%s shrank below its checkpoint; reading it again from the start", f);
            s->offset = s->line_no = 0;
        }
        if ((uint64_t)s->sizes[s->cur] == s->offset)
            continue;
        s->req.data = s;
        int rc = uv_fs_open(es_ctx_loop(s->ctx), &s->req, f, O_RDONLY | O_CLOEXEC, 0, on_open);
        if (rc < 0) {
            es_log(s->ctx, ES_LOG_ERROR, "%s: cannot open: %s", f, uv_strerror(rc));
            continue;
        }
        s->busy = 1;
        return;
    }
    /* Every file read to its end. */
    if (es_ctx_once(s->ctx)) {
        es_log(s->ctx, ES_LOG_INFO, "%" PRIu64 " line(s) read, %" PRIu64 " skipped", s->n_lines, s->n_bad);
        es_source_done(s->ctx);
    }
    /* Otherwise the repeating timer looks again in `interval`. */
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_files(src_t *s)
{
    for (size_t i = 0; i < s->n_files; i++)
        free(s->files[i]);
    free(s->files);
    free(s->sizes);
    s->files = NULL;
    s->sizes = NULL;
    s->n_files = s->cur = 0;
}

static int add_file(src_t *s, char *path)
{
    char **nf = path ? realloc(s->files, (s->n_files + 1) * sizeof *nf) : NULL;
    if (!nf) {
        free(path);
        return -1;
    }
    s->files = nf;
    s->files[s->n_files++] = path;
    return 0;
}

/* Lists the files to read this round and their sizes. Runs on the thread
 * pool (stat, opendir and readdir block on a slow or remote file system);
 * it fills the lists and the error only, the loop reads them after. */
static void scan_job(uv_work_t *w)
{
    src_t *s = w->data;
    struct stat st;
    s->scan_errno = 0;
    if (stat(s->path, &st) < 0) {
        s->scan_errno = errno;
    } else if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(s->path);
        if (!d)
            s->scan_errno = errno;
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue; /* hidden files and files still being written as .tmp */
            size_t l = strlen(s->path) + strlen(e->d_name) + 2;
            char *p = malloc(l);
            if (p)
                snprintf(p, l, "%s/%s", s->path, e->d_name);
            if (add_file(s, p) < 0)
                break;
        }
        if (d)
            closedir(d);
        if (s->n_files)
            qsort(s->files, s->n_files, sizeof *s->files, cmp_str);
    } else {
        add_file(s, strdup(s->path));
    }
    if (s->n_files && !(s->sizes = malloc(s->n_files * sizeof *s->sizes))) {
        free_files(s);
        s->scan_errno = ENOMEM;
    }
    for (size_t i = 0; i < s->n_files; i++)
        s->sizes[i] = stat(s->files[i], &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
}

static void scanned(uv_work_t *w, int status)
{
    src_t *s = w->data;
    s->busy = 0;
    if (s->stopping) {
        maybe_stopped(s);
        return;
    }
    if (status < 0 || s->scan_errno)
        es_log(s->ctx, ES_LOG_ERROR, "%s: %s", s->path, status < 0 ? uv_strerror(status) : strerror(s->scan_errno));
    s->cur = 0;
    next_file(s);
}

static void scan(src_t *s)
{
    free_files(s);
    s->scan_work.data = s;
    int rc = uv_queue_work(es_ctx_loop(s->ctx), &s->scan_work, scan_job, scanned);
    if (rc < 0) {
        es_log(s->ctx, ES_LOG_ERROR, "%s: %s", s->path, uv_strerror(rc));
        return;
    }
    s->busy = 1;
}

static void on_tick(uv_timer_t *t)
{
    src_t *s = t->data;
    if (!s->busy && !s->paused && !s->stopping && s->fd < 0)
        scan(s);
}

/* ---- descriptor callbacks --------------------------------------------- */

static int src_init(es_ctx_t *ctx, void **state)
{
    src_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->ctx = ctx;
    s->path = es_config_str(ctx, "path");
    s->network = es_config_str(ctx, "network");
    s->interval_ms = es_config_duration_ms(ctx, "interval");
    s->max_line = (size_t)es_config_size(ctx, "max_line");
    if (s->interval_ms < 100)
        s->interval_ms = 100;
    s->fd = -1;
    uv_timer_init(es_ctx_loop(ctx), &s->timer);
    s->timer.data = s;
    *state = s;
    return 0;
}

static int src_start(void *state)
{
    src_t *s = state;
    if (!es_ctx_once(s->ctx))
        uv_timer_start(&s->timer, on_tick, s->interval_ms, s->interval_ms);
    scan(s);
    return 0;
}

static void src_resume(void *state)
{
    src_t *s = state;
    if (!s->paused || s->stopping)
        return;
    s->paused = 0;
    if (s->fd >= 0 && !s->busy)
        advance(s); /* the lines left in buf first */
}

static void src_stop(void *state)
{
    src_t *s = state;
    s->stopping = 1;
    if (!s->busy)
        close_file(s);
    uv_timer_stop(&s->timer);
    uv_close((uv_handle_t *)&s->timer, on_timer_closed);
}

static void src_destroy(void *state)
{
    src_t *s = state;
    free_files(s);
    free(s->buf);
    free(s);
}

const es_plugin_t earshot_source = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SOURCE,
    .name = "jsonl",
    .description = "reads mentions as JSON lines from a file or a directory",
    .keys = keys,
    .init = src_init,
    .start = src_start,
    .resume = src_resume,
    .stop = src_stop,
    .destroy = src_destroy,
};
