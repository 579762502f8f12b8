/*
 * twitter source: imports Twitter/X export files dropped into a directory
 * (or listed in `files`): the account archive's tweets.js (and the whole
 * archive .zip), API v1.1 JSON lines and API v2 JSON lines. Formats are told
 * apart by content, never by name.
 *
 * Reading runs on the libuv thread pool a chunk at a time; the scanner cuts
 * elements out of the chunk on the loop thread and tjson.c parses one
 * element at a time, so memory stays flat whatever the file size. Each file
 * keeps a checkpoint "size mtime format entry offset element state": the
 * core makes it durable only once the mentions emitted before it reached
 * every sink's spool, so a restart resumes right after them and a finished
 * file is never imported again.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "notes.h"
#include <earshot/plugin.h>
#include "reader.h"
#include "scan.h"
#include "tweet.h"
#include <earshot/text.h>

#define CHUNK (256 * 1024)
#define SNIFF 4096

static const es_config_key_t keys[] = {
    {"dir", ES_KEY_STRING, NULL, 0, "drop directory: every new file in it is imported once", NULL, NULL, NULL},
    {"files", ES_KEY_LIST, NULL, 0, "export files to import (besides or instead of dir)", NULL, NULL, NULL},
    {"network", ES_KEY_STRING, "twitter", 0, "network label; mention ids are <network>:<tweet id>", NULL, NULL, NULL},
    {"account", ES_KEY_STRING, NULL, 0, "archive owner's handle when the archive has no account.js", NULL, NULL, NULL},
    {"retweets", ES_KEY_BOOL, "true", 0, "import retweets (text marked \"RT @author: \"); false skips them", NULL, NULL, NULL},
    {"interval", ES_KEY_DURATION, "1m", 0, "how often the directory is scanned besides file events", NULL, NULL, NULL},
    {"settle", ES_KEY_DURATION, "2s", 0, "a file must be unchanged this long before it is imported", NULL, NULL, NULL},
    {"max_element", ES_KEY_SIZE, "1M", 0, "longer tweets/lines are reported and skipped", NULL, NULL, NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

enum { OP_OPEN, OP_READ, OP_NEXT };
enum { ST_READING = 'r', ST_DONE = 'd', ST_NOT_TWEETS = 'u' };

typedef struct src {
    es_ctx_t *ctx;
    const char *dir;
    const char *const *files_cfg;
    size_t n_files_cfg;
    uint64_t interval_ms, settle_ms;
    size_t max_elem;
    tw_opts_t opts;
    tw_out_t out;
    tj_doc_t doc; /* arena for the element being mapped */
    const char *cfg_account;     /* the `account` key, or NULL */
    char *acct_user, *acct_name; /* from account.js, for the current file */

    uv_timer_t timer, kick;
    uv_fs_event_t watch;
    int watching, open_handles;
    uv_work_t work;
    int busy, paused, stopping, stopped_sent, rescan, young;

    /* this round's files, with what stat(2) said of each when listed */
    char **files;
    struct fstat_s {
        uint64_t size;
        int64_t mtime_ns;
        int err; /* errno of stat, or 0 */
        int reg; /* a regular file */
    } *fst;
    size_t n_files, cur;
    uv_work_t scan_work;
    int scan_errno; /* opendir's, for the log */

    /* the file being imported */
    const char *path;
    uint64_t size;
    int64_t mtime_ns;
    tw_format_t fmt;
    int started;        /* reader open */
    tw_reader_t rd;
    tw_scan_t sc;
    uint64_t offset;    /* stream offset of buf[0] */
    uint64_t elem;      /* elements (lines) consumed in this stream */
    uint64_t cur_elem, cur_byte; /* the element being mapped, for messages */
    char *buf;
    size_t len, cap;
    uint64_t file_tweets, file_bad;
    double file_t0;

    /* worker operation */
    int op;
    long op_entry;
    uint64_t op_offset;
    ssize_t op_res;
    int op_rc;
    char op_var[64];
    char *op_user, *op_name;
    tw_notes_t op_notes, notes; /* note-tweet.js: loaded by the worker, then the file's */
    int op_notes_rc;

    uint64_t n_tweets, n_bad, n_files_done, n_deletions;
} src_t;

static void next_file(src_t *s);
static void start_read(src_t *s);
static void scan(src_t *s);
static void on_tick(uv_timer_t *t);

/* ---- lifecycle helpers ---------------------------------------------- */

static void maybe_stopped(src_t *s)
{
    if (s->stopping && !s->busy && s->open_handles == 0 && !s->stopped_sent) {
        s->stopped_sent = 1;
        es_stopped(s->ctx);
    }
}

static void on_closed(uv_handle_t *h)
{
    src_t *s = h->data;
    s->open_handles--;
    maybe_stopped(s);
}

static const char *fmt_name(tw_format_t f)
{
    switch (f) {
    case TW_FMT_ARRAY: return "array";
    case TW_FMT_LINES: return "lines";
    case TW_FMT_ZIP: return "zip";
    default: return "unknown";
    }
}

static tw_format_t fmt_parse(const char *n)
{
    if (strcmp(n, "array") == 0)
        return TW_FMT_ARRAY;
    if (strcmp(n, "lines") == 0)
        return TW_FMT_LINES;
    if (strcmp(n, "zip") == 0)
        return TW_FMT_ZIP;
    return TW_FMT_UNKNOWN;
}

/* ---- checkpoints ------------------------------------------------------ */

static void save(src_t *s, int state)
{
    char key[4200], val[160];
    snprintf(key, sizeof key, "file:%s", s->path);
    snprintf(val, sizeof val, "%" PRIu64 " %" PRId64 " %s %ld %" PRIu64 " %" PRIu64 " %c", s->size,
             s->mtime_ns, fmt_name(s->fmt), s->rd.entry, s->offset, s->elem, state);
    es_checkpoint_set(s->ctx, key, val);
}

typedef struct ckpt {
    uint64_t size, offset, elem;
    int64_t mtime_ns;
    char fmt[16];
    long entry;
    char state;
} ckpt_t;

static int load(src_t *s, const char *path, ckpt_t *c)
{
    char key[4200], *val = NULL;
    snprintf(key, sizeof key, "file:%s", path);
    if (es_checkpoint_get(s->ctx, key, &val) != 0 || !val)
        return 0;
    int n = sscanf(val, "%" SCNu64 " %" SCNd64 " %15s %ld %" SCNu64 " %" SCNu64 " %c", &c->size,
                   &c->mtime_ns, c->fmt, &c->entry, &c->offset, &c->elem, &c->state);
    free(val);
    return n == 7;
}

/* ---- one element -> mentions ----------------------------------------- */

static void where(src_t *s, char *w, size_t cap)
{
    const char *bang = s->fmt == TW_FMT_ZIP ? "!" : "";
    const char *entry = s->fmt == TW_FMT_ZIP ? s->rd.entry_name : "";
    if (s->fmt == TW_FMT_LINES)
        snprintf(w, cap, "%s%s%s:%" PRIu64, s->path, bang, entry, s->cur_elem);
    else
        snprintf(w, cap, "%s%s%s: element %" PRIu64 " (byte %" PRIu64 ")", s->path, bang, entry,
                 s->cur_elem, s->cur_byte);
}

static void report(src_t *s, const char *what, int dropped)
{
    char w[4400];
    if (dropped) {
        s->n_bad++;
        s->file_bad++;
    }
    if (!what)
        return; /* said once for this file already */
    where(s, w, sizeof w);
    /* An export of bad elements would otherwise log a line for each. */
    es_log_limited(s->ctx, ES_LOG_WARN, dropped ? "bad_element" : "element_warning", s->path, "%s: %s", w, what);
}

static void on_problem(void *arg, const char *what, int dropped)
{
    report(arg, what, dropped);
}

static void on_emit(void *arg, const es_mention_t *m)
{
    src_t *s = arg;
    if (es_emit(s->ctx, m) == 0) {
        s->n_tweets++;
        s->file_tweets++;
    }
}

static void on_deletion(void *arg, const char *network, const char *id, const char *action, int64_t at)
{
    src_t *s = arg;
    if (es_emit_deletion(s->ctx, network, id, action, at, NULL, NULL) == 0)
        s->n_deletions++;
}

/* p[0..n) is parsed in place: the caller drops it afterwards. */
static void handle_element(src_t *s, char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r' || p[n - 1] == '\n'))
        n--;
    if (n == 0)
        return;
    /* The reader expects valid UTF-8 (archives in the wild carry Latin-1
     * bytes): repair first and keep the tweet. */
    char *fixed = NULL;
    if (!es_utf8_is_valid(p, n)) {
        size_t bad = 0;
        if (!(fixed = es_utf8_sanitize(p, n, &bad))) {
            report(s, "out of memory repairing UTF-8; skipped", 1);
            return;
        }
        p = fixed;
        n = strlen(fixed);
        char msg[96];
        snprintf(msg, sizeof msg, "%zu invalid UTF-8 sequence(s) replaced by U+FFFD", bad);
        report(s, msg, 0);
    }
    tj_reset(&s->doc);
    tj_t *v = tj_parse_insitu(&s->doc, p, n);
    if (!v) {
        free(fixed);
        char msg[200];
        snprintf(msg, sizeof msg, "invalid JSON at column %zu: %s; skipped", s->doc.err_at + 1, s->doc.err);
        report(s, msg, 1);
        return;
    }
    tw_map(v, &s->opts, &s->out);
    free(fixed);
}

/* Hands every complete element in buf to the pipeline, drops what the
 * scanner no longer needs and checkpoints the position reached. */
static void consume(src_t *s, int eof)
{
    size_t a, b;
    for (;;) {
        tw_scan_rc_t rc = tw_scan_next(&s->sc, s->buf, s->len, eof, &a, &b);
        if (rc == TW_SCAN_MORE)
            break;
        if (rc == TW_SCAN_END)
            continue;
        if (rc == TW_SCAN_ERROR) {
            s->cur_elem = s->elem + 1;
            s->cur_byte = s->offset + s->sc.elem_start;
            report(s, s->sc.error, 0);
            continue;
        }
        s->elem++;
        if (rc == TW_SCAN_BROKEN) {
            s->cur_elem = s->elem;
            s->cur_byte = s->offset + a;
            report(s, s->sc.error, 1);
            continue;
        }
        if (rc == TW_SCAN_SKIPPED) {
            s->n_bad++;
            s->file_bad++;
            continue;
        }
        s->cur_elem = s->elem;
        s->cur_byte = s->offset + a;
        handle_element(s, s->buf + a, b - a);
    }
    size_t k = tw_scan_droppable(&s->sc);
    if (k) {
        memmove(s->buf, s->buf + k, s->len - k);
        s->len -= k;
        s->offset += k;
        es_source_progress(s->ctx, k);
        tw_scan_shift(&s->sc, k);
    }
    if (tw_scan_resumable(&s->sc))
        save(s, ST_READING);
}

/* ---- the worker --------------------------------------------------------- */

static int ensure_room(src_t *s)
{
    if (s->cap - s->len >= CHUNK)
        return 0;
    size_t nc = s->len + CHUNK;
    char *nb = realloc(s->buf, nc);
    if (!nb)
        return ES_ENOMEM;
    s->buf = nb;
    s->cap = nc;
    return 0;
}

/* Beside the file itself: a tweets.js that `earshot import` linked into a
 * drop directory still has its account.js where the archive was unpacked. */
static void sibling_account(src_t *s)
{
    char *copy = realpath(s->path, NULL);
    if (!copy)
        copy = strdup(s->path);
    if (!copy)
        return;
    char acc[4200];
    snprintf(acc, sizeof acc, "%s/account.js", dirname(copy));
    free(copy);
    tw_account_load(acc, 0, &s->op_user, &s->op_name);
}

#define MAX_NOTES (64u << 20)

/* The archive's note-tweet.js, beside tweets.js or in the same zip. */
static void load_notes(src_t *s, int zip)
{
    char *path = NULL, *buf = NULL;
    size_t len;
    if (zip) {
        path = strdup(s->path);
    } else {
        char *copy = realpath(s->path, NULL); /* as sibling_account() */
        if (!copy)
            copy = strdup(s->path);
        if (copy && asprintf(&path, "%s/note-tweet.js", dirname(copy)) < 0)
            path = NULL;
        free(copy);
    }
    if (!path) {
        s->op_notes_rc = ES_ENOMEM;
        return;
    }
    s->op_notes_rc = tw_archive_file_load(path, zip, "note-tweet.js", "note_tweet", MAX_NOTES, &buf, &len);
    free(path);
    if (s->op_notes_rc == 0)
        s->op_notes_rc = tw_notes_parse(buf, len, &s->op_notes);
    free(buf);
}

static void do_open(src_t *s)
{
    s->op_var[0] = '\0';
    s->op_notes_rc = ES_ENOENT;
    if (s->fmt == TW_FMT_UNKNOWN) {
        /* New file: sniff its first bytes. */
        tw_reader_t r;
        if ((s->op_rc = tw_reader_open(&r, s->path, 0, 0, 0)) < 0) {
            s->rd = r;
            return;
        }
        char head[SNIFF];
        ssize_t n = tw_reader_read(&r, head, sizeof head);
        tw_reader_close(&r);
        if (n < 0) {
            s->rd = r;
            s->op_rc = ES_EIO;
            return;
        }
        s->fmt = tw_sniff(head, (size_t)n, s->op_var, sizeof s->op_var);
        if (s->fmt == TW_FMT_UNKNOWN ||
            (s->fmt == TW_FMT_ARRAY && s->op_var[0] && !tw_var_holds_tweets(s->op_var))) {
            s->op_rc = ES_ENOTSUP;
            return;
        }
    }
    if (s->fmt == TW_FMT_ZIP)
        tw_account_load(s->path, 1, &s->op_user, &s->op_name);
    else if (s->fmt == TW_FMT_ARRAY)
        sibling_account(s);
    if (s->fmt == TW_FMT_ZIP || s->fmt == TW_FMT_ARRAY)
        load_notes(s, s->fmt == TW_FMT_ZIP);
    s->op_rc = tw_reader_open(&s->rd, s->path, s->fmt == TW_FMT_ZIP, s->op_entry, s->op_offset);
}

static void work_cb(uv_work_t *w)
{
    src_t *s = w->data;
    switch (s->op) {
    case OP_OPEN:
        do_open(s);
        break;
    case OP_READ:
        if (ensure_room(s) < 0) {
            s->op_res = ES_ENOMEM;
            snprintf(s->rd.err, sizeof s->rd.err, "out of memory");
            break;
        }
        s->op_res = tw_reader_read(&s->rd, s->buf + s->len, CHUNK);
        break;
    case OP_NEXT:
        s->op_rc = tw_reader_next(&s->rd);
        break;
    }
}

static void after_work(uv_work_t *w, int status);

static void submit(src_t *s, int op)
{
    s->op = op;
    s->busy = 1;
    s->work.data = s;
    int rc = uv_queue_work(es_ctx_loop(s->ctx), &s->work, work_cb, after_work);
    if (rc < 0) {
        s->busy = 0;
        es_log(s->ctx, ES_LOG_ERROR, "%s: cannot queue work: %s", s->path, uv_strerror(rc));
    }
}

/* ---- per-file flow ------------------------------------------------------ */

static void close_file(src_t *s)
{
    if (s->started)
        tw_reader_close(&s->rd);
    s->started = 0;
    free(s->acct_user);
    free(s->acct_name);
    s->acct_user = s->acct_name = NULL;
    s->opts.account = s->cfg_account;
    s->opts.account_name = NULL;
    s->opts.notes = NULL;
    tw_notes_free(&s->notes);
}

static void file_finished(src_t *s, int state)
{
    es_log_flood_end(s->ctx, s->path);
    save(s, state);
    if (state == ST_DONE) {
        s->n_files_done++;
        es_log(s->ctx, ES_LOG_INFO, "%s: imported, %" PRIu64 " tweet(s), %" PRIu64
               " skipped, %.2f s", s->path, s->file_tweets, s->file_bad,
               uv_now(es_ctx_loop(s->ctx)) / 1e3 - s->file_t0);
    }
    close_file(s);
    s->cur++;
    next_file(s);
}

static void new_stream(src_t *s, int resume)
{
    tw_scan_init(&s->sc, s->fmt == TW_FMT_ZIP ? TW_FMT_ARRAY : s->fmt, s->max_elem, resume);
    s->len = 0;
}

static void end_of_stream(src_t *s)
{
    if (tw_scan_truncated(&s->sc)) {
        s->cur_elem = s->elem + 1;
        s->cur_byte = s->offset + tw_scan_droppable(&s->sc);
        report(s, s->len ? "file ends inside an element (truncated); the element is lost"
                         : "file ends before the array is closed (truncated)", s->len != 0);
    }
    if (s->fmt == TW_FMT_ZIP) {
        submit(s, OP_NEXT);
        return;
    }
    s->offset += s->len;
    es_source_progress(s->ctx, s->len);
    s->len = 0;
    file_finished(s, ST_DONE);
}

static void after_work(uv_work_t *w, int status)
{
    src_t *s = w->data;
    s->busy = 0;
    if (s->stopping || status == UV_ECANCELED) {
        close_file(s);
        maybe_stopped(s);
        return;
    }
    switch (s->op) {
    case OP_OPEN:
        if (s->op_user) {
            s->acct_user = s->op_user;
            s->acct_name = s->op_name;
            s->opts.account = s->acct_user;
            s->opts.account_name = s->acct_name;
        } else {
            free(s->op_name);
        }
        s->op_user = s->op_name = NULL;
        tw_notes_free(&s->notes);
        s->notes = s->op_notes;
        memset(&s->op_notes, 0, sizeof s->op_notes);
        s->opts.notes = s->notes.n ? &s->notes : NULL;
        if (s->op_notes_rc == 0)
            es_log(s->ctx, ES_LOG_DEBUG, "%s: note-tweet.js: %zu long post(s)%s", s->path, s->notes.n,
                   s->notes.bad ? ", some unreadable" : "");
        else if (s->op_notes_rc != ES_ENOENT)
            es_log(s->ctx, ES_LOG_WARN, "%s: note-tweet.js not read (%s): long posts keep their cut text",
                   s->path, es_strerror(s->op_notes_rc));
        s->op_notes_rc = ES_ENOENT;
        if (s->op_rc == ES_ENOTSUP) {
            es_log(s->ctx, ES_LOG_WARN, "%s: %s; not imported", s->path,
                   s->op_var[0] ? "an archive file that holds no tweets" : "not a tweet export (unknown format)");
            file_finished(s, ST_NOT_TWEETS);
            return;
        }
        if (s->op_rc < 0) {
            s->started = 1;
            if (s->op_rc == ES_ENOENT && s->fmt == TW_FMT_ZIP) {
                es_log(s->ctx, ES_LOG_WARN, "%s: an archive without tweets.js", s->path);
                file_finished(s, ST_DONE);
                return;
            }
            /* Retried at the next scan; a half-written file will settle. */
            es_log(s->ctx, ES_LOG_ERROR, "%s: %s", s->path, s->rd.err);
            close_file(s);
            s->cur++;
            next_file(s);
            return;
        }
        s->started = 1;
        new_stream(s, s->op_offset > 0);
        es_log(s->ctx, ES_LOG_DEBUG, "%s: %s%s%s from byte %" PRIu64 " (element %" PRIu64 "), author %s",
               s->path, fmt_name(s->fmt), s->fmt == TW_FMT_ZIP ? " " : "",
               s->fmt == TW_FMT_ZIP ? s->rd.entry_name : "", s->offset, s->elem,
               s->opts.account ? s->opts.account : "(unknown)");
        start_read(s);
        return;
    case OP_READ:
        if (s->op_res < 0) {
            es_log(s->ctx, ES_LOG_ERROR, "%s: %s", s->path, s->rd.err);
            close_file(s);
            s->cur++;
            next_file(s);
            return;
        }
        s->len += (size_t)s->op_res;
        consume(s, s->op_res == 0);
        if (s->op_res == 0) {
            end_of_stream(s);
            return;
        }
        start_read(s);
        return;
    case OP_NEXT:
        if (s->op_rc == 0) {
            s->offset = s->elem = 0;
            new_stream(s, 0);
            es_log(s->ctx, ES_LOG_DEBUG, "%s: reading %s", s->path, s->rd.entry_name);
            start_read(s);
            return;
        }
        if (s->op_rc != ES_ENOENT)
            es_log(s->ctx, ES_LOG_ERROR, "%s: %s", s->path, s->rd.err);
        file_finished(s, ST_DONE);
        return;
    }
}

static void start_read(src_t *s)
{
    if (es_backpressure(s->ctx)) {
        s->paused = 1; /* resume() continues */
        return;
    }
    submit(s, OP_READ);
}

/* Opens files[cur] where its checkpoint says, or moves on. */
static void next_file(src_t *s)
{
    for (; s->cur < s->n_files; s->cur++) {
        const char *f = s->files[s->cur];
        const struct fstat_s *st = &s->fst[s->cur];
        if (st->err || !st->reg) {
            if (s->cur < s->n_files_cfg) /* named in `files`: say why it is not read */
                es_log(s->ctx, ES_LOG_WARN, "%s: %s", f, st->err ? strerror(st->err) : "not a regular file");
            continue;
        }
        int64_t mt = st->mtime_ns;
        if (!es_ctx_once(s->ctx)) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t age_ms = ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec - mt) / 1000000;
            if (age_ms < (int64_t)s->settle_ms) {
                s->young = 1; /* still being written, perhaps: look again later */
                continue;
            }
        }
        ckpt_t c;
        memset(&c, 0, sizeof c);
        s->path = f;
        s->size = st->size;
        s->mtime_ns = mt;
        s->fmt = TW_FMT_UNKNOWN;
        s->op_entry = -1;
        s->op_offset = 0;
        s->elem = 0;
        memset(&s->rd, 0, sizeof s->rd);
        s->rd.fd = -1;
        s->rd.entry = -1;
        if (load(s, f, &c)) {
            int same = c.size == s->size && c.mtime_ns == mt;
            if (same && c.state != ST_READING) {
                /* Imported (or known not to hold tweets). A directory is
                 * rescanned all the time; a file named on `import` once. */
                if (es_ctx_once(s->ctx))
                    es_log(s->ctx, ES_LOG_WARN, "%s: already imported and unchanged since; not imported again", f);
                continue;
            }
            tw_format_t cf = fmt_parse(c.fmt);
            if (same) {
                s->fmt = cf;
                s->op_entry = c.entry;
                s->op_offset = c.offset;
                s->elem = c.elem;
                es_log(s->ctx, ES_LOG_INFO, "%s: resuming at byte %" PRIu64 " (element %" PRIu64 ")",
                       f, c.offset, c.elem);
            } else if (cf == TW_FMT_LINES && s->size > c.size && c.offset <= c.size) {
                /* JSON lines appended to: read what is new. */
                s->fmt = cf;
                s->op_entry = 0;
                s->op_offset = c.offset;
                s->elem = c.elem;
                es_log(s->ctx, ES_LOG_INFO, "%s: grew; reading from byte %" PRIu64, f, c.offset);
            } else {
                es_log(s->ctx, ES_LOG_WARN, "%s: changed since it was imported; importing it again", f);
            }
        }
        if (s->fmt == TW_FMT_ARRAY || s->fmt == TW_FMT_LINES)
            s->op_entry = 0;
        s->offset = s->op_offset;
        s->file_tweets = s->file_bad = 0;
        s->out.once = 0;
        s->file_t0 = uv_now(es_ctx_loop(s->ctx)) / 1e3;
        submit(s, OP_OPEN);
        return;
    }
    /* Every file of this round handled. */
    if (es_ctx_once(s->ctx)) {
        es_log(s->ctx, ES_LOG_INFO, "%" PRIu64 " tweet(s) from %" PRIu64 " file(s), %" PRIu64
               " skipped as bad, %llu retweet(s) left out, %llu earlier version(s) of edited tweets, "
               "%" PRIu64 " deletion(s) passed on to the sinks, %llu notice(s) with nothing to withdraw, "
               "%llu account-level notice(s) not applied",
               s->n_tweets, s->n_files_done, s->n_bad, s->out.retweets_skipped, s->out.edits_skipped,
               s->n_deletions, s->out.deletes_noop, s->out.deletes_unapplied);
        es_source_done(s->ctx);
        return;
    }
    if (s->rescan || s->young) {
        s->rescan = s->young = 0;
        uv_timer_start(&s->kick, on_tick, s->settle_ms + 100, 0);
    }
}

/* ---- listing ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_files(src_t *s)
{
    for (size_t i = 0; i < s->n_files; i++)
        free(s->files[i]);
    free(s->files);
    free(s->fst);
    s->files = NULL;
    s->fst = NULL;
    s->n_files = s->cur = 0;
}

static void add_file(src_t *s, char *p)
{
    char **nf = p ? realloc(s->files, (s->n_files + 1) * sizeof *nf) : NULL;
    if (!nf) {
        free(p);
        return;
    }
    s->files = nf;
    s->files[s->n_files++] = p;
}

/* The round's list and each file's stat, on the thread pool: opendir,
 * readdir and stat block on a slow or remote file system, and a drop
 * directory is often one. Fills the lists only; the loop logs and reads
 * them in scanned(). */
static void scan_job(uv_work_t *w)
{
    src_t *s = w->data;
    s->scan_errno = 0;
    for (size_t i = 0; i < s->n_files_cfg; i++)
        add_file(s, strdup(s->files_cfg[i]));
    size_t fixed = s->n_files;
    if (s->dir) {
        DIR *d = opendir(s->dir);
        struct dirent *e;
        if (!d)
            s->scan_errno = errno;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue; /* hidden, or being written under a dot name */
            if (strcmp(e->d_name, "account.js") == 0)
                continue; /* read for the author of its tweets.js */
            char *p = NULL;
            if (asprintf(&p, "%s/%s", s->dir, e->d_name) < 0)
                p = NULL;
            add_file(s, p);
        }
        if (d)
            closedir(d);
        if (s->n_files > fixed)
            qsort(s->files + fixed, s->n_files - fixed, sizeof *s->files, cmp_str);
    }
    if (s->n_files && !(s->fst = calloc(s->n_files, sizeof *s->fst))) {
        free_files(s);
        s->scan_errno = ENOMEM;
        return;
    }
    for (size_t i = 0; i < s->n_files; i++) {
        struct stat st;
        if (stat(s->files[i], &st) < 0) {
            s->fst[i].err = errno ? errno : EIO;
            continue;
        }
        s->fst[i].reg = S_ISREG(st.st_mode);
        s->fst[i].size = (uint64_t)st.st_size;
        s->fst[i].mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    }
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
        es_log(s->ctx, ES_LOG_ERROR, "%s: %s", s->dir ? s->dir : "files",
               status < 0 ? uv_strerror(status) : strerror(s->scan_errno));
    s->cur = 0;
    next_file(s);
}

static void scan(src_t *s)
{
    if (s->busy || s->started || s->paused || s->stopping)
        return;
    free_files(s);
    s->scan_work.data = s;
    int rc = uv_queue_work(es_ctx_loop(s->ctx), &s->scan_work, scan_job, scanned);
    if (rc < 0) {
        es_log(s->ctx, ES_LOG_ERROR, "%s: %s", s->dir ? s->dir : "files", uv_strerror(rc));
        return;
    }
    s->busy = 1;
}

static void on_tick(uv_timer_t *t)
{
    scan(t->data);
}

static void on_fs_event(uv_fs_event_t *h, const char *name, int events, int status)
{
    (void)name;
    (void)events;
    (void)status;
    src_t *s = h->data;
    if (s->busy || s->started || s->paused)
        s->rescan = 1;
    else
        uv_timer_start(&s->kick, on_tick, s->settle_ms + 100, 0);
}

/* ---- descriptor callbacks ------------------------------------------- */

static int src_init(es_ctx_t *ctx, void **state)
{
    src_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->ctx = ctx;
    s->dir = es_config_str(ctx, "dir");
    if (s->dir && !*s->dir)
        s->dir = NULL;
    s->n_files_cfg = es_config_list(ctx, "files", &s->files_cfg);
    if (!s->dir && s->n_files_cfg == 0) {
        es_log(ctx, ES_LOG_ERROR, "set dir (a drop directory) or files (a list of exports)");
        free(s);
        return ES_ECONFIG;
    }
    s->interval_ms = es_config_duration_ms(ctx, "interval");
    if (s->interval_ms < 1000)
        s->interval_ms = 1000;
    s->settle_ms = es_config_duration_ms(ctx, "settle");
    s->max_elem = (size_t)es_config_size(ctx, "max_element");
    if (s->max_elem < 1024)
        s->max_elem = 1024;
    s->opts.network = es_config_str(ctx, "network");
    s->opts.retweets = es_config_bool(ctx, "retweets");
    s->cfg_account = es_config_str(ctx, "account");
    if (s->cfg_account && !*s->cfg_account)
        s->cfg_account = NULL;
    s->opts.account = s->cfg_account;
    s->out.emit = on_emit;
    s->out.problem = on_problem;
    s->out.deletion = on_deletion;
    s->out.arg = s;
    s->rd.fd = -1;
    uv_loop_t *loop = es_ctx_loop(ctx);
    uv_timer_init(loop, &s->timer);
    uv_timer_init(loop, &s->kick);
    s->timer.data = s->kick.data = s;
    s->open_handles = 2;
    *state = s;
    return 0;
}

static int src_start(void *state)
{
    src_t *s = state;
    if (!es_ctx_once(s->ctx)) {
        uv_timer_start(&s->timer, on_tick, s->interval_ms, s->interval_ms);
        if (s->dir) {
            uv_fs_event_init(es_ctx_loop(s->ctx), &s->watch);
            s->watch.data = s;
            s->open_handles++;
            s->watching = 1;
            int rc = uv_fs_event_start(&s->watch, on_fs_event, s->dir, 0);
            if (rc < 0)
                es_log(s->ctx, ES_LOG_WARN, "%s: no file events (%s); scanning every %" PRIu64 " ms",
                       s->dir, uv_strerror(rc), s->interval_ms);
        }
    }
    scan(s);
    return 0;
}

static void src_resume(void *state)
{
    src_t *s = state;
    if (!s->paused || s->stopping)
        return;
    s->paused = 0;
    if (s->started && !s->busy)
        start_read(s);
}

static void src_stop(void *state)
{
    src_t *s = state;
    s->stopping = 1;
    uv_timer_stop(&s->timer);
    uv_timer_stop(&s->kick);
    uv_close((uv_handle_t *)&s->timer, on_closed);
    uv_close((uv_handle_t *)&s->kick, on_closed);
    if (s->watching) {
        uv_fs_event_stop(&s->watch);
        uv_close((uv_handle_t *)&s->watch, on_closed);
    }
    if (!s->busy)
        close_file(s);
}

static void src_destroy(void *state)
{
    src_t *s = state;
    close_file(s);
    free(s->op_user);
    free(s->op_name);
    tw_notes_free(&s->op_notes);
    free_files(s);
    free(s->buf);
    tj_free(&s->doc);
    free(s);
}

const es_plugin_t earshot_source = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SOURCE,
    .name = "twitter",
    .description = "imports Twitter/X exports: account archives (tweets.js, .zip), API v1.1 and v2 JSON lines",
    .keys = keys,
    .init = src_init,
    .start = src_start,
    .resume = src_resume,
    .stop = src_stop,
    .destroy = src_destroy,
};
