/*
 * What one page of a forum listing yields, whatever the forum: the posts it
 * holds, mapped to the design's mention fields and owned by the page, plus
 * the cursor for the next older page. discourse.c and reddit.c fill it from
 * the JSON the servers send; plugin.c pages, filters and emits.
 */
#ifndef EARSHOT_FORUM_ITEM_H
#define EARSHOT_FORUM_ITEM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <earshot/plugin.h>

#define ES_FORUM_MAX_ADDRESSED 8

typedef struct es_forum_item {
    uint64_t order;       /* post id (Discourse) or base-36 id (Reddit):
                             grows with time, drives paging and checkpoints */
    char *cursor;         /* the checkpoint value for this item: "4567", "t1_abc" */
    char *id;             /* mention id "<network>:<native id>" */
    char *author, *author_name, *url, *title, *text;
    char *in_reply_to;    /* mention id of the post replied to */
    char *reply_to_author;
    char *parent;         /* Reddit: parent fullname, to find its author */
    char *addressed[ES_FORUM_MAX_ADDRESSED];
    size_t n_addressed;
    int64_t created_at;
    int64_t category;     /* Discourse category_id; -1 when absent */
    int64_t metrics[ES_METRIC_COUNT]; /* as in es_mention_t */
    unsigned metrics_given;
} es_forum_item_t;

typedef struct es_forum_page {
    es_forum_item_t *items; /* in the order the page lists them */
    size_t n;
    char *next;             /* cursor of the next older page; NULL: last page */
} es_forum_page_t;

/* Problems found while mapping a page (an item without id, a date that does
 * not parse): one line each, without the URL, which the caller prefixes. */
typedef void (*es_forum_warn_fn)(void *arg, const char *msg);
/* warn(arg, message) with the message formatted (at most 511 bytes). */
void es_forum_warnf(es_forum_warn_fn warn, void *arg, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parses a response body as JSON. Invalid UTF-8 is replaced by U+FFFD first
 * so one bad byte does not cost the whole page. On error returns ES_EPARSE
 * with a message ("line 3 column 7: ...") in err. */
int es_forum_json_load(const char *body, size_t len, json_t **root, char *err, size_t errlen);

/* A string member as a malloc'd copy; NULL when absent, null, not a string,
 * or empty. *oom is set when the copy failed. */
char *es_forum_json_str(const json_t *obj, const char *key, int *oom);

/* Sets metric `metric` of it from the integer member `key` of obj; a
 * member that is absent or not an integer leaves it not given. */
void es_forum_item_metric(es_forum_item_t *it, int metric, const json_t *obj, const char *key);

/* Appends a zeroed item to the page; NULL on ENOMEM. */
es_forum_item_t *es_forum_page_add(es_forum_page_t *page);

/* Moves *it out (the source is zeroed). */
void es_forum_item_move(es_forum_item_t *dst, es_forum_item_t *src);
void es_forum_item_free(es_forum_item_t *it);
void es_forum_page_free(es_forum_page_t *page);

/* "<network>:<native>", malloc'd. */
char *es_forum_mention_id(const char *network, const char *native);

/* Collects "u/name" and "/u/name" handles (Reddit's way of addressing
 * someone) from text into it->addressed, without the "u/". Returns 0 or
 * ES_ENOMEM. */
int es_forum_collect_handles(es_forum_item_t *it, const char *text);

#endif
