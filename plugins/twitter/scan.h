/*
 * Finds where each element of a tweet file begins and ends without parsing
 * it, so a 1 GB `window.YTD.tweets.part0 = [ ... ]` is handed to the JSON
 * reader one element at a time and memory stays flat whatever the file size.
 *
 * Two shapes: a JSON array, optionally behind a JavaScript assignment (the
 * account archive's tweets.js), and JSON lines (twarc, API v2 dumps). The
 * scanner is resumable: feed it a buffer that grows at the end and shrinks at
 * the front (tw_scan_shift) and it never looks at a byte twice.
 */
#ifndef TW_SCAN_H
#define TW_SCAN_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    TW_FMT_UNKNOWN = 0,
    TW_FMT_ARRAY, /* "window.YTD.tweets.partN = [" or a bare "[" */
    TW_FMT_LINES, /* one JSON value per line */
    TW_FMT_ZIP,   /* a whole account archive (scanned per entry) */
} tw_format_t;

typedef enum {
    TW_SCAN_MORE = 0, /* need more bytes (or the end of the input) */
    TW_SCAN_ELEM,     /* one element: [*start, *end) */
    TW_SCAN_SKIPPED,  /* an overlong element ended; it was dropped */
    TW_SCAN_BROKEN,   /* an element never closed: [*start, *end) dropped,
                         the next one begins at *end (error says why) */
    TW_SCAN_END,      /* the array closed */
    TW_SCAN_ERROR,    /* bytes that cannot be part of the format */
} tw_scan_rc_t;

typedef struct tw_scan {
    tw_format_t fmt;
    int phase;
    int depth, in_str, esc;
    int discard;       /* inside an element longer than the limit */
    size_t pos;        /* next byte to look at, relative to the buffer */
    size_t elem_start; /* first byte of the current element */
    size_t max_elem;
    const char *error; /* static text for TW_SCAN_ERROR */
} tw_scan_t;

/* Sniffs the format from the first bytes of a file (a UTF-8 byte order mark
 * is allowed). TW_FMT_UNKNOWN when n is too short to tell or nothing fits.
 * name (may be NULL) receives the YTD variable name ("tweets", "tweet",
 * "deleted_tweets", "account"...; "tweets" for an old Grailbird archive's
 * monthly file) copied into name[cap]. */
tw_format_t tw_sniff(const char *p, size_t n, char *name, size_t cap);

/* Starts scanning a file of format fmt from its first byte (resume = 0) or
 * from a position between two elements (resume = 1, after a checkpoint). */
void tw_scan_init(tw_scan_t *sc, tw_format_t fmt, size_t max_elem, int resume);

/* Looks for the next element in buf[0..len). At eof the last line of a JSON
 * lines file counts without its newline. */
tw_scan_rc_t tw_scan_next(tw_scan_t *sc, const char *buf, size_t len, int eof,
                          size_t *start, size_t *end);

/* Bytes at the front of the buffer that the scanner no longer needs. */
size_t tw_scan_droppable(const tw_scan_t *sc);

/* The caller dropped k <= droppable bytes from the front of the buffer. */
void tw_scan_shift(tw_scan_t *sc, size_t k);

/* Non-zero when the scanner sits between elements: a checkpoint taken at
 * the droppable position can be resumed with tw_scan_init(..., 1). */
int tw_scan_resumable(const tw_scan_t *sc);

/* Non-zero when the input ended inside the array (array formats) or inside
 * an element: the file is truncated. */
int tw_scan_truncated(const tw_scan_t *sc);

/* Whether an archive file of that variable name (window.YTD.<name>)
 * holds tweets: tweets.js, and community-tweet.js (posts made in
 * Communities, in the same shape). */
int tw_var_holds_tweets(const char *name);

#endif
