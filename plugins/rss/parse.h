/*
 * Feed document -> items. A pure layer: bytes in, items and a list of
 * problems out, no plugin context, so it can be tested without the daemon
 * and reused by anything that reads feeds.
 */
#ifndef EARSHOT_RSS_PARSE_H
#define EARSHOT_RSS_PARSE_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    ES_FEED_UNKNOWN = 0,
    ES_FEED_RSS,  /* RSS 0.9x / 2.0: <rss><channel><item> */
    ES_FEED_RDF,  /* RSS 1.0 and 0.90: <rdf:RDF><item> */
    ES_FEED_ATOM, /* Atom 1.0 (and 0.3): <feed><entry> */
} es_feed_format_t;

/* Every string is malloc'd UTF-8 or NULL when the feed lacks it. */
typedef struct es_feed_item {
    /* Native id: guid / Atom id / rdf:about, else the link, else
     * "sha256:" + 32 hex digits of title and date. Never NULL. See
     * es_feed_id_is_global() for whether it is unique beyond its feed. */
    char *id;
    char *link;        /* absolute http(s) URL */
    char *title;       /* plain text, one line */
    char *author;      /* name, else e-mail */
    char *author_name; /* name */
    char *text;        /* plain text of the content, else the summary, else
                        * the title; never NULL (may be "") */
    int64_t published; /* UTC seconds; 0 when absent or unreadable */
    int64_t updated;
} es_feed_item_t;

typedef struct es_feed_problem {
    long line;     /* 1-based line in the document, 0 when unknown */
    char *message; /* one line, no trailing newline */
} es_feed_problem_t;

typedef struct es_feed {
    es_feed_format_t format;
    char *title; /* the channel's, plain text */
    es_feed_item_t *items;
    size_t n_items;
    size_t n_skipped;  /* items beyond max_items, not parsed */
    es_feed_problem_t *problems; /* what could not be read, in order */
    size_t n_problems;
    size_t n_problems_dropped; /* beyond the cap of ES_FEED_MAX_PROBLEMS */
    /* Entities the document's DTD declares, and how many of them are
     * external (SYSTEM/PUBLIC). None is ever fetched or expanded, so the
     * text of a reference to one is left out: the caller says so. */
    size_t n_entities, n_external_entities;
} es_feed_t;

#define ES_FEED_MAX_PROBLEMS 20

/* Parses one feed document. `url` (may be NULL) is where it came from: the
 * base for relative links. `max_items` 0 means no limit. Recovers from what
 * feeds get wrong (mis-declared or invalid encodings, bare '&', HTML entities
 * XML does not define, HTML inside titles, truncation) and lists each repair
 * or loss in out->problems. Never loads anything from the network or disk and
 * never expands entities declared in the document.
 *
 * Returns 0 (out filled, maybe with problems), ES_EPARSE (not a feed at all:
 * out->problems says why), ES_EINVAL (NULL arguments), ES_ETOOBIG (over
 * INT_MAX bytes) or ES_ENOMEM. On every return out must be released with
 * es_feed_free(). */
int es_feed_parse(const char *body, size_t len, const char *url, size_t max_items,
                  es_feed_t *out);

void es_feed_free(es_feed_t *feed);

/* "atom", "rss", "rdf" or "unknown". */
const char *es_feed_format_name(es_feed_format_t format);

/* Non-zero when a native id is unique on its own (a URL, urn:, tag:); zero
 * for ids like "1234" or our sha256: fallback that only mean something within
 * one feed and need the feed's URL to be unique. */
int es_feed_id_is_global(const char *id);

#endif
