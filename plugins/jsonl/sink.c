/*
 * jsonl sink: appends each delivered record as one JSON line to a file (or
 * stdout with path = -). The open, the writes and fdatasync go through the
 * thread pool so a slow disk, a FIFO without its reader or a full pipe
 * never stalls the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <earshot/plugin.h>

static const es_config_key_t keys[] = {
    {"path", ES_KEY_STRING, NULL, 1, "output file (appended, created mode 0640), or - for stdout", NULL, NULL, NULL},
    {"fsync", ES_KEY_BOOL, "false", 0, "fsync after every batch (slower; survives power loss)", NULL, NULL, NULL},
    /* The core's default (100) suits a remote receiver; a local file takes
     * ten times that in one write, and each batch costs a thread-pool
     * round trip and a state commit (bench/twitter: 15% of the CPU). */
    {"batch.max", ES_KEY_INT, "1000", 0, "records per write (the core's key, with a default for files)", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

typedef struct sink {
    es_ctx_t *ctx;
    const char *path;
    int fd, own_fd, fsync;
    uv_fs_t req;
    uv_work_t open_work;
    int opening, stopping;
    es_batch_t *batch;   /* the batch being written, or waiting for the open */
    char *buf;
    size_t len, cap, written;
    /* Set by the open job on the thread pool, read in its after-work
     * callback on the loop: the job never touches the context. */
    int open_errno, torn, torn_errno;
    char open_why[160];
} sink_t;

static int sink_init(es_ctx_t *ctx, void **state)
{
    sink_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->ctx = ctx;
    s->path = es_config_str(ctx, "path");
    s->fsync = es_config_bool(ctx, "fsync");
    s->fd = -1;
    *state = s;
    return 0;
}

/* A SIGKILL or a full disk in the middle of a write() can leave the file
 * ending in part of a line (Linux cuts a write short on a fatal signal).
 * The records of that batch were not acknowledged and are written again,
 * but appended to the torn line they would be glued into one line no JSON
 * reader accepts, losing the first record that follows. Ending the torn
 * line first confines the damage to the one invalid line readers skip.
 * Runs on the thread pool, with the open. */
static void end_torn_line(sink_t *s)
{
    struct stat st;
    char last = '\n';
    if (fstat(s->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0)
        return;
    /* A reader of its own: the sink's descriptor stays write-only, as a
     * FIFO or a device given as `path` expects. */
    int rfd = open(s->path, O_RDONLY | O_CLOEXEC);
    ssize_t got = rfd >= 0 ? pread(rfd, &last, 1, st.st_size - 1) : -1;
    if (rfd >= 0)
        close(rfd);
    if (got != 1 || last == '\n')
        return;
    s->torn = 1;
    if (write(s->fd, "\n", 1) != 1)
        s->torn_errno = errno ? errno : EIO;
}

/* open(2) blocks on a FIFO until its reader comes and on a slow or remote
 * file system, so it runs on the thread pool, never on the loop. */
static void open_job(uv_work_t *w)
{
    sink_t *s = w->data;
    s->open_errno = s->torn = s->torn_errno = 0;
    s->fd = open(s->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (s->fd < 0) {
        s->open_errno = errno;
        return;
    }
    end_torn_line(s);
    if (s->torn_errno) {
        close(s->fd);
        s->fd = -1;
        s->open_errno = s->torn_errno;
    }
}

static void write_rest(sink_t *s);

static void finish(sink_t *s, es_sink_status_t status, const char *why)
{
    es_batch_t *b = s->batch;
    s->batch = NULL;
    es_batch_done(s->ctx, b, status, 0, why);
}

static void opened(uv_work_t *w, int status)
{
    sink_t *s = w->data;
    s->opening = 0;
    if (status == 0 && s->fd >= 0) {
        s->own_fd = 1;
        if (s->torn)
            es_log(s->ctx, ES_LOG_WARN, "%s: ends in a partial line (an interrupted write); ending it before appending",
                   s->path);
    } else {
        /* The records stay in the spool and come back with the next
         * attempt, which opens again: a directory created later, or a
         * disk with room again, heals without a restart. */
        snprintf(s->open_why, sizeof s->open_why, "%s: cannot open: %s", s->path,
                 strerror(status ? ECANCELED : s->open_errno));
        es_log(s->ctx, ES_LOG_ERROR, "%s", s->open_why);
    }
    if (s->stopping) {
        if (s->own_fd && s->fd >= 0)
            close(s->fd);
        s->fd = -1;
        es_stopped(s->ctx);
        return;
    }
    if (!s->batch)
        return;
    if (s->fd < 0)
        finish(s, ES_SINK_RETRY, s->open_why);
    else
        write_rest(s);
}

static int start_open(sink_t *s)
{
    s->open_work.data = s;
    int rc = uv_queue_work(es_ctx_loop(s->ctx), &s->open_work, open_job, opened);
    if (rc < 0) {
        es_log(s->ctx, ES_LOG_ERROR, "%s: cannot open: %s", s->path, uv_strerror(rc));
        return ES_EIO;
    }
    s->opening = 1;
    return 0;
}

static int sink_start(void *state)
{
    sink_t *s = state;
    if (strcmp(s->path, "-") == 0) {
        s->fd = STDOUT_FILENO;
        return 0;
    }
    return start_open(s);
}

/* A failed write or fdatasync answers RETRY: the records stay queued. */
static void retry_after_fs_error(sink_t *s, const char *what, ssize_t rc)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s: %s failed: %s", s->path, what, uv_strerror((int)rc));
    finish(s, ES_SINK_RETRY, msg);
}

static void on_synced(uv_fs_t *req)
{
    sink_t *s = req->data;
    ssize_t rc = req->result;
    uv_fs_req_cleanup(req);
    /* The lines may not survive a power loss: writing them again risks a
     * duplicate line, not answering risks losing them. */
    if (rc < 0)
        retry_after_fs_error(s, "fdatasync", rc);
    else
        finish(s, ES_SINK_OK, NULL);
}

static void on_written(uv_fs_t *req)
{
    sink_t *s = req->data;
    ssize_t n = req->result;
    uv_fs_req_cleanup(req);
    if (n < 0) {
        /* ENOSPC, EIO...: a partial line may remain, which readers skip
         * as invalid JSON. */
        retry_after_fs_error(s, "write", n);
        return;
    }
    s->written += (size_t)n;
    if (s->written < s->len) {
        write_rest(s);
        return;
    }
    if (s->fsync && s->own_fd) {
        s->req.data = s;
        int rc = uv_fs_fdatasync(es_ctx_loop(s->ctx), &s->req, s->fd, on_synced);
        if (rc < 0)
            finish(s, ES_SINK_RETRY, uv_strerror(rc));
        return;
    }
    finish(s, ES_SINK_OK, NULL);
}

static void write_rest(sink_t *s)
{
    uv_buf_t b = uv_buf_init(s->buf + s->written, (unsigned)(s->len - s->written));
    s->req.data = s;
    int rc = uv_fs_write(es_ctx_loop(s->ctx), &s->req, s->fd, &b, 1, -1, on_written);
    if (rc < 0)
        finish(s, ES_SINK_RETRY, uv_strerror(rc));
}

static int sink_write(void *state, es_batch_t *batch)
{
    sink_t *s = state;
    s->len = s->written = 0;
    for (size_t i = 0; i < batch->count; i++) {
        size_t n;
        const char *j = es_record_json(batch->records[i], &n);
        if (!j)
            return ES_ENOMEM;
        if (s->len + n + 1 > s->cap) {
            size_t nc = (s->len + n + 1) * 2;
            char *nb = realloc(s->buf, nc);
            if (!nb)
                return ES_ENOMEM;
            s->buf = nb;
            s->cap = nc;
        }
        memcpy(s->buf + s->len, j, n);
        s->len += n;
        s->buf[s->len++] = '\n';
    }
    s->batch = batch;
    if (s->opening)
        return 0; /* opened() writes it */
    if (s->fd < 0) {
        /* The last open failed: try again, this batch waits for it. */
        if (start_open(s) < 0) {
            s->batch = NULL;
            return ES_EIO;
        }
        return 0;
    }
    write_rest(s);
    return 0;
}

static void sink_stop(void *state)
{
    sink_t *s = state;
    /* The core stops a sink only after its last batch completed; an open
     * still on the thread pool reports the stop when it comes back. */
    s->stopping = 1;
    if (s->opening)
        return;
    if (s->own_fd && s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    es_stopped(s->ctx);
}

static void sink_destroy(void *state)
{
    sink_t *s = state;
    free(s->buf);
    free(s);
}

const es_plugin_t earshot_sink = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SINK,
    .name = "jsonl",
    .description = "appends records as JSON lines to a file or stdout",
    .keys = keys,
    .init = sink_init,
    .start = sink_start,
    .stop = sink_stop,
    .destroy = sink_destroy,
    .write = sink_write,
};
