/*
 * Byte-level repairs applied before libxml2 sees a feed. libxml2's recovery
 * mode loses text on exactly the mistakes feeds make most (a stray '&' drops
 * the character, an undefined &nbsp; drops the entity, one Latin-1 byte in a
 * "UTF-8" feed flips the whole rest of the document to Latin-1), so these are
 * fixed on the bytes first, without adding or removing a line break, so
 * libxml2's line numbers still point into the original document.
 */
#ifndef EARSHOT_RSS_REPAIR_H
#define EARSHOT_RSS_REPAIR_H

#include <stddef.h>

typedef void (*es_feed_report_cb)(void *arg, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef struct es_feed_repaired {
    char *buf;       /* malloc'd, NUL-terminated */
    size_t len;
    int force_utf8;  /* parse as UTF-8 and ignore the declared encoding */
    long line_offset; /* lines removed from the front (blank lines before
                       * the XML declaration) */
} es_feed_repaired_t;

/* Returns 0 or ES_ENOMEM. Problems found go to report(arg, line, ...). */
int es_feed_repair(const char *body, size_t len, es_feed_repaired_t *out,
                   es_feed_report_cb report, void *arg);

#endif
