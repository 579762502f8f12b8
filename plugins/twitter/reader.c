/*
 * Byte streams for the twitter source; see reader.h.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <earshot/plugin.h>
#include "reader.h"
#include "scan.h"
#include "tweet.h"

static int fail(tw_reader_t *r, int code, const char *what)
{
    snprintf(r->err, sizeof r->err, "%s", what);
    return code;
}

static int ar_fail(tw_reader_t *r, const char *what)
{
    const char *e = r->ar ? archive_error_string(r->ar) : NULL;
    snprintf(r->err, sizeof r->err, "%.100s%s%.120s", what, e ? ": " : "", e ? e : "");
    return ES_EIO;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Reads up to cap bytes of the current entry, looping over short reads. */
static ssize_t ar_read_full(struct archive *ar, char *dst, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        la_ssize_t n = archive_read_data(ar, dst + got, cap - got);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* Positions r on the next entry (index > r->entry) whose content says it
 * holds tweets. With `only` >= 0, stops at that index whatever it holds. */
static int zip_seek(tw_reader_t *r, long only)
{
    struct archive_entry *e;
    r->in_entry = 0;
    r->n_pending = r->pending_at = 0;
    r->offset = 0;
    for (;;) {
        int rc = archive_read_next_header(r->ar, &e);
        if (rc == ARCHIVE_EOF)
            return ES_ENOENT;
        if (rc < ARCHIVE_WARN)
            return ar_fail(r, "reading the archive's next entry");
        r->entry++;
        const char *name = archive_entry_pathname(e);
        snprintf(r->entry_name, sizeof r->entry_name, "%s", name ? name : "?");
        if (only >= 0) {
            if (r->entry < only)
                continue;
            r->in_entry = 1;
            return 0;
        }
        if (archive_entry_filetype(e) != AE_IFREG || !ends_with(r->entry_name, ".js"))
            continue;
        ssize_t n = ar_read_full(r->ar, r->pending, sizeof r->pending);
        if (n < 0)
            return ar_fail(r, "reading an entry of the archive");
        char var[64];
        if (tw_sniff(r->pending, (size_t)n, var, sizeof var) != TW_FMT_ARRAY || !tw_var_holds_tweets(var))
            continue;
        r->n_pending = (size_t)n;
        r->in_entry = 1;
        return 0;
    }
}

static int skip_bytes(tw_reader_t *r, uint64_t n)
{
    char tmp[16384];
    while (n > 0) {
        size_t want = n < sizeof tmp ? (size_t)n : sizeof tmp;
        ssize_t got = tw_reader_read(r, tmp, want);
        if (got < 0)
            return ES_EIO;
        if (got == 0)
            return fail(r, ES_EIO, "the file is shorter than its checkpoint");
        n -= (uint64_t)got;
    }
    return 0;
}

int tw_reader_open(tw_reader_t *r, const char *path, int zip, long entry, uint64_t offset)
{
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->zip = zip;
    r->entry = -1;
    if (!zip) {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0) {
            snprintf(r->err, sizeof r->err, "cannot open: %s", strerror(errno));
            return ES_EIO;
        }
        r->entry = 0;
        r->offset = offset;
        return 0;
    }
    if (!(r->ar = archive_read_new()))
        return fail(r, ES_ENOMEM, "out of memory");
    archive_read_support_format_zip(r->ar);
    if (archive_read_open_filename(r->ar, path, 64 * 1024) != ARCHIVE_OK)
        return ar_fail(r, "cannot open the archive");
    int rc = zip_seek(r, entry);
    if (rc == ES_ENOENT && entry >= 0)
        return fail(r, ES_EIO, "the archive has fewer entries than its checkpoint");
    if (rc < 0)
        return rc;
    return skip_bytes(r, offset);
}

ssize_t tw_reader_read(tw_reader_t *r, char *dst, size_t cap)
{
    if (!r->zip) {
        ssize_t n;
        do
            n = pread(r->fd, dst, cap, (off_t)r->offset);
        while (n < 0 && errno == EINTR);
        if (n < 0) {
            snprintf(r->err, sizeof r->err, "read error: %s", strerror(errno));
            return ES_EIO;
        }
        r->offset += (uint64_t)n;
        return n;
    }
    if (!r->in_entry)
        return 0;
    if (r->pending_at < r->n_pending) {
        size_t n = r->n_pending - r->pending_at;
        if (n > cap)
            n = cap;
        memcpy(dst, r->pending + r->pending_at, n);
        r->pending_at += n;
        r->offset += n;
        return (ssize_t)n;
    }
    la_ssize_t n = archive_read_data(r->ar, dst, cap);
    if (n < 0)
        return ar_fail(r, r->entry_name);
    r->offset += (uint64_t)n;
    return (ssize_t)n;
}

int tw_reader_next(tw_reader_t *r)
{
    if (!r->zip)
        return ES_ENOENT;
    return zip_seek(r, -1);
}

void tw_reader_close(tw_reader_t *r)
{
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    if (r->ar)
        archive_read_free(r->ar);
    r->ar = NULL;
}

/* ---- account.js -------------------------------------------------------- */

#define MAX_ACCOUNT_JS (1 << 20)

static int parse_account(const char *p, size_t n, char **user, char **name)
{
    const char *lb = memchr(p, '[', n);
    if (!lb)
        return ES_EPARSE;
    /* The array may be followed by a ';' or nothing: cut at its end. */
    const char *rb = p + n;
    while (rb > lb && rb[-1] != ']')
        rb--;
    tj_doc_t doc = {0};
    tj_t *v = tj_parse(&doc, lb, (size_t)(rb - lb));
    int rc = ES_EPARSE;
    const char *u, *d;
    if (v && v->type == TJ_ARR && tw_account(v->first, &u, &d) == 0) {
        *user = strdup(u);
        *name = d ? strdup(d) : NULL;
        rc = *user ? 0 : ES_ENOMEM;
    }
    tj_free(&doc);
    return rc;
}

int tw_account_load(const char *path, int zip, char **user, char **name)
{
    *user = *name = NULL;
    char *buf = malloc(MAX_ACCOUNT_JS);
    if (!buf)
        return ES_ENOMEM;
    int rc = ES_ENOENT;
    if (!zip) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ssize_t n = read(fd, buf, MAX_ACCOUNT_JS);
            char var[64];
            if (n > 0 && tw_sniff(buf, (size_t)n, var, sizeof var) == TW_FMT_ARRAY &&
                strcmp(var, "account") == 0)
                rc = parse_account(buf, (size_t)n, user, name);
            close(fd);
        }
        free(buf);
        return rc;
    }
    struct archive *ar = archive_read_new();
    struct archive_entry *e;
    if (ar) {
        archive_read_support_format_zip(ar);
        if (archive_read_open_filename(ar, path, 64 * 1024) == ARCHIVE_OK) {
            while (archive_read_next_header(ar, &e) >= ARCHIVE_WARN) {
                const char *nm = archive_entry_pathname(e);
                if (!nm || !ends_with(nm, "account.js"))
                    continue;
                ssize_t n = ar_read_full(ar, buf, MAX_ACCOUNT_JS);
                char var[64];
                if (n > 0 && tw_sniff(buf, (size_t)n, var, sizeof var) == TW_FMT_ARRAY &&
                    strcmp(var, "account") == 0) {
                    rc = parse_account(buf, (size_t)n, user, name);
                    break;
                }
            }
        }
        archive_read_free(ar);
    }
    free(buf);
    return rc;
}

/* ---- other archive files ------------------------------------------------ */

static int var_matches(const char *buf, size_t n, const char *var)
{
    char got[64];
    return tw_sniff(buf, n, got, sizeof got) == TW_FMT_ARRAY && strcmp(got, var) == 0;
}

int tw_archive_file_load(const char *path, int zip, const char *file, const char *var, size_t max,
                         char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    char *b = malloc(max + 1);
    if (!b)
        return ES_ENOMEM;
    ssize_t n = -1;
    int rc = ES_ENOENT;
    if (!zip) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            size_t got = 0;
            ssize_t k;
            while (got <= max && (k = read(fd, b + got, max + 1 - got)) > 0)
                got += (size_t)k;
            n = k < 0 ? -1 : (ssize_t)got;
            close(fd);
        }
    } else {
        struct archive *ar = archive_read_new();
        struct archive_entry *e;
        if (ar) {
            archive_read_support_format_zip(ar);
            if (archive_read_open_filename(ar, path, 64 * 1024) == ARCHIVE_OK) {
                while (archive_read_next_header(ar, &e) >= ARCHIVE_WARN) {
                    const char *nm = archive_entry_pathname(e);
                    if (nm && ends_with(nm, file)) {
                        n = ar_read_full(ar, b, max + 1);
                        break;
                    }
                }
            }
            archive_read_free(ar);
        }
    }
    if (n > (ssize_t)max)
        rc = ES_ETOOBIG;
    else if (n > 0 && var_matches(b, (size_t)n, var))
        rc = 0;
    else if (n < 0 && errno != ENOENT && !zip)
        rc = ES_EIO;
    if (rc) {
        free(b);
        return rc;
    }
    b[n] = '\0';
    *buf = b;
    *len = (size_t)n;
    return 0;
}
