/*
 * Blocking byte streams over the files a twitter source imports: a plain
 * file, or each tweet file inside an account-archive .zip (read with
 * libarchive, never extracted to disk). Runs on the libuv thread pool; one
 * reader is used by one thread at a time.
 */
#ifndef TW_READER_H
#define TW_READER_H

#include <stdint.h>
#include <sys/types.h>

struct archive;

typedef struct tw_reader {
    int zip;
    int fd;
    struct archive *ar;
    long entry;            /* zip: index of the current entry; -1 before the first */
    char entry_name[256];  /* zip: its path inside the archive */
    uint64_t offset;       /* bytes of the current stream read so far */
    char pending[512];     /* zip: sniffed bytes not handed out yet */
    size_t n_pending, pending_at;
    int in_entry;          /* zip: a tweet entry is open */
    char err[256];
} tw_reader_t;

/* Opens path. For a zip, moves to entry index `entry` (or the first tweet
 * entry when entry < 0); then skips `offset` bytes of the stream. 0 or a
 * negative ES_E* code with r->err set. */
int tw_reader_open(tw_reader_t *r, const char *path, int zip, long entry, uint64_t offset);

/* Up to cap bytes of the current stream: > 0 bytes, 0 at its end, < 0 on
 * error (r->err). */
ssize_t tw_reader_read(tw_reader_t *r, char *dst, size_t cap);

/* Zip: moves to the next entry holding tweets (window.YTD.tweets.* or
 * window.YTD.tweet.*). 0, ES_ENOENT when none is left, or an error. */
int tw_reader_next(tw_reader_t *r);

void tw_reader_close(tw_reader_t *r);

/* The archive owner's handle and display name, from account.js inside a zip
 * (zip = 1) or from the file at path. malloc'd into *user / *name (either
 * may come back NULL). 0 or a negative code. */
int tw_account_load(const char *path, int zip, char **user, char **name);

/* The whole archive file whose variable is window.YTD.<var>, named
 * <file> (e.g. "note-tweet.js"): inside the zip at path (zip = 1), or the
 * file at path itself. At most `max` bytes; *buf is malloc'd and
 * NUL-terminated. 0, ES_ENOENT (not there, or another file), ES_ETOOBIG,
 * ES_EIO or ES_ENOMEM. */
int tw_archive_file_load(const char *path, int zip, const char *file, const char *var, size_t max,
                         char **buf, size_t *len);

#endif
