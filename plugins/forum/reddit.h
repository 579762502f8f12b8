/*
 * Reddit: JSON listings (/r/NAME/comments.json, /r/NAME/new.json,
 * /search.json), newest first; ?after=<fullname> gives the next older page.
 * Comments are kind t1, submissions kind t3.
 */
#ifndef EARSHOT_FORUM_REDDIT_H
#define EARSHOT_FORUM_REDDIT_H

#include "item.h"

/* first_url already holds a query ("?limit=100&raw_json=1..."); the page
 * after CURSOR appends "&after=CURSOR". Malloc'd; NULL on ENOMEM. */
char *es_reddit_page_url(const char *first_url, const char *cursor);

/* Maps one listing body. Children without a usable fullname are skipped,
 * missing or unreadable fields leave the mention field empty; each is
 * reported through warn. Returns 0, ES_EPARSE (not JSON or not a listing;
 * err says why) or ES_ENOMEM. */
int es_reddit_parse(const char *body, size_t len, const char *network, es_forum_page_t *page,
                    es_forum_warn_fn warn, void *warn_arg, char *err, size_t errlen);

/* The base-36 number of a fullname's id ("t1_abc" -> 13368); 0 when it is
 * not one. */
uint64_t es_reddit_order(const char *fullname);

#endif
